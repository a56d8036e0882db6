/* core.c: the hypercalls every guest has: wall time, console, poll and halt; and the dispatch. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "skiff.h"

void skiff_hypercall_register(struct skiff *s, unsigned nr, skiff_hypercall_fn fn)
{
    if (nr < HVT_HYPERCALL_MAX)
        s->hypercalls[nr] = fn;
}

static const char *const hypercall_names[HVT_HYPERCALL_MAX] = {
    [HVT_HYPERCALL_WALLTIME] = "WALLTIME",
    [HVT_HYPERCALL_PUTS] = "PUTS",
    [HVT_HYPERCALL_POLL] = "POLL",
    [HVT_HYPERCALL_BLOCK_WRITE] = "BLOCK_WRITE",
    [HVT_HYPERCALL_BLOCK_READ] = "BLOCK_READ",
    [HVT_HYPERCALL_NET_WRITE] = "NET_WRITE",
    [HVT_HYPERCALL_NET_READ] = "NET_READ",
    [HVT_HYPERCALL_HALT] = "HALT",
};

int skiff_hypercall_dispatch(struct skiff *s, unsigned nr, uint64_t gpa)
{
    int status;

    if (nr >= HVT_HYPERCALL_MAX || !s->hypercalls[nr]) {
        skiff_set_error("invalid guest hypercall: num=%u", nr);
        return SKIFF_EXIT_HYPERCALL;
    }
    status = s->hypercalls[nr](s, gpa);
    /* A stop that interrupted the hypercall has its own message (skiff_stop_report()). */
    if (status && !skiff_stop_status())
        skiff_set_error("hypercall %s: %s", hypercall_names[nr], skiff_error());
    return status;
}

static int hc_walltime(struct skiff *s, uint64_t gpa)
{
    struct hvt_hc_walltime arg;
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    arg.nsecs = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
    return skiff_guest_write(&s->guest, gpa, &arg, sizeof(arg));
}

/* Whether a write to stdout can block (a pipe, a socket, a terminal), decided once: such
 * writes wait for room with the stop eventfd, so a stop signal is never stuck behind a reader
 * that does not read. A regular file's writes do not wait on anybody. */
static bool console_may_block;

/* Waits until stdout has room for a write of up to PIPE_BUF bytes, which then does not
 * block, or a stop is requested. Returns 0, or the stop status. */
static int console_wait(void)
{
    struct pollfd fds[2] = {{.fd = STDOUT_FILENO, .events = POLLOUT},
                            {.fd = skiff_stop_fd(), .events = POLLIN}};
    int status;

    while ((status = skiff_stop_status()) == 0 && !fds[0].revents)
        if (ppoll(fds, 2, NULL, NULL) < 0 && errno != EINTR)
            break; /* the write that follows reports what is wrong with stdout */
    return status;
}

static int hc_puts(struct skiff *s, uint64_t gpa)
{
    struct hvt_hc_puts arg;
    void *p;
    const uint8_t *data;
    int status;

    if ((status = skiff_guest_read(&s->guest, gpa, &arg, sizeof(arg), SKIFF_READ)) ||
        (status = skiff_guest_range(&s->guest, arg.data, arg.len, SKIFF_READ, &p)))
        return status;
    data = p;
    while (arg.len > 0) {
        size_t chunk = arg.len;
        ssize_t n;

        if (console_may_block) {
            if ((status = console_wait()))
                return status;
            if (chunk > PIPE_BUF)
                chunk = PIPE_BUF;
        }
        n = write(STDOUT_FILENO, data, chunk);
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

/* Waits for input on the net devices or the timeout, whichever comes first. A stop request
 * ends the wait early (the stop eventfd is polled too) and the run with it. */
static int hc_poll(struct skiff *s, uint64_t gpa)
{
    struct hvt_hc_poll arg;
    struct pollfd fds[MFT_MAX_ENTRIES + 1];
    struct timespec now, deadline, left;
    size_t nfds = s->npoll;
    int status, n;

    if ((status = skiff_guest_read(&s->guest, gpa, &arg, sizeof(arg), SKIFF_READ | SKIFF_WRITE)))
        return status;
    for (size_t i = 0; i < s->npoll; i++)
        fds[i] = (struct pollfd){.fd = s->poll_fds[i], .events = POLLIN};
    if (skiff_stop_fd() >= 0)
        fds[nfds++] = (struct pollfd){.fd = skiff_stop_fd(), .events = POLLIN};
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
        n = ppoll(fds, nfds, &left, NULL);
        if ((status = skiff_stop_status()))
            return status;
        if (n >= 0 || errno != EINTR)
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
    void *cookie;
    int status;

    if ((status = skiff_guest_read(&s->guest, gpa, &arg, sizeof(arg), SKIFF_READ)))
        return status;
    if (arg.cookie && (status = skiff_guest_range(&s->guest, arg.cookie, HVT_HALT_COOKIE_MAX,
                                                  SKIFF_READ, &cookie)))
        return status;
    s->halted = true;
    s->exit_status = arg.exit_status;
    return 0;
}

static int core_setup(struct skiff *s)
{
    struct stat st;

    console_may_block = fstat(STDOUT_FILENO, &st) < 0 || !S_ISREG(st.st_mode);
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
