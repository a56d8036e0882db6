/* core.c: the hypercalls every guest has: wall time, console, poll and halt; and the dispatch. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "skiff.h"

void skiff_hypercall_register(struct skiff *s, unsigned nr, skiff_hypercall_fn fn)
{
    if (nr < HVT_HYPERCALL_MAX)
        s->hypercalls[nr] = fn;
}

int skiff_hypercall_dispatch(struct skiff *s, unsigned nr, uint64_t gpa)
{
    if (nr >= HVT_HYPERCALL_MAX || !s->hypercalls[nr]) {
        skiff_set_error("invalid guest hypercall: num=%u", nr);
        return SKIFF_EXIT_HYPERCALL;
    }
    return s->hypercalls[nr](s, gpa);
}

static int hc_walltime(struct skiff *s, uint64_t gpa)
{
    struct hvt_hc_walltime arg;
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    arg.nsecs = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
    return skiff_guest_write(&s->guest, gpa, &arg, sizeof(arg));
}

static int hc_puts(struct skiff *s, uint64_t gpa)
{
    struct hvt_hc_puts arg;
    const uint8_t *data;
    int status;

    if ((status = skiff_guest_read(&s->guest, gpa, &arg, sizeof(arg))))
        return status;
    if (!(data = skiff_guest_range(&s->guest, arg.data, arg.len)))
        return SKIFF_EXIT_HYPERCALL;
    while (arg.len > 0) {
        ssize_t n = write(STDOUT_FILENO, data, arg.len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            /* A closed pipe or full disk on stdout: the guest's output is lost, so stop
             * rather than run on silently. */
            skiff_set_error("console: cannot write to stdout: %s", strerror(errno));
            return SKIFF_EXIT_IO;
        }
        data += n;
        arg.len -= (uint64_t)n;
    }
    return 0;
}

/* Waits for input on the net devices or the timeout, whichever comes first. A signal that
 * should stop skiff ends the wait early; the run loop then sees it. */
static int hc_poll(struct skiff *s, uint64_t gpa)
{
    struct hvt_hc_poll arg;
    struct pollfd fds[MFT_MAX_ENTRIES];
    struct timespec now, deadline, left;
    int status, n;

    if ((status = skiff_guest_read(&s->guest, gpa, &arg, sizeof(arg))))
        return status;
    for (size_t i = 0; i < s->npoll; i++)
        fds[i] = (struct pollfd){.fd = s->poll_fds[i], .events = POLLIN};
    clock_gettime(CLOCK_MONOTONIC, &now);
    deadline.tv_sec = now.tv_sec + (time_t)(arg.timeout_nsecs / 1000000000ULL);
    deadline.tv_nsec = now.tv_nsec + (long)(arg.timeout_nsecs % 1000000000ULL);
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    for (;;) {
        left.tv_sec = deadline.tv_sec - now.tv_sec;
        left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
        if (left.tv_nsec < 0) {
            left.tv_sec--;
            left.tv_nsec += 1000000000L;
        }
        if (left.tv_sec < 0)
            left = (struct timespec){0, 0};
        n = ppoll(fds, s->npoll, &left, NULL);
        if (n >= 0 || errno != EINTR || skiff_stop_signal())
            break;
        clock_gettime(CLOCK_MONOTONIC, &now);
    }
    arg.ready_set = 0;
    arg.ret = 0;
    for (size_t i = 0; n > 0 && i < s->npoll; i++) {
        if (fds[i].revents & POLLIN) {
            arg.ready_set |= 1ULL << s->poll_handles[i];
            arg.ret++;
        }
    }
    return skiff_guest_write(&s->guest, gpa, &arg, sizeof(arg));
}

static int hc_halt(struct skiff *s, uint64_t gpa)
{
    struct hvt_hc_halt arg;
    int status;

    if ((status = skiff_guest_read(&s->guest, gpa, &arg, sizeof(arg))))
        return status;
    if (arg.cookie && !skiff_guest_range(&s->guest, arg.cookie, HVT_HALT_COOKIE_MAX))
        return SKIFF_EXIT_HYPERCALL;
    s->halted = true;
    s->exit_status = arg.exit_status;
    return 0;
}

static int core_setup(struct skiff *s)
{
    skiff_hypercall_register(s, HVT_HYPERCALL_WALLTIME, hc_walltime);
    skiff_hypercall_register(s, HVT_HYPERCALL_PUTS, hc_puts);
    skiff_hypercall_register(s, HVT_HYPERCALL_POLL, hc_poll);
    skiff_hypercall_register(s, HVT_HYPERCALL_HALT, hc_halt);
    return 0;
}

const struct skiff_module skiff_module_core = {
    .name = "core",
    .setup = core_setup,
};
