/* stop.c: how anything other than the guest ends a run: a stop signal, or the ring thread. */
/*
 * Only the vCPU thread ends a run: it stops the guest, tears down and reports, once. Whoever
 * else wants the run over (the SIGINT/SIGTERM handler, the ring thread finding a broken ring)
 * records a status here, first one wins, and then wakes the vCPU thread wherever it waits:
 *   - in KVM_RUN: immediate_exit makes the next KVM_RUN return at once, and a signal to the
 *     vCPU thread (the stop signal itself, or SIGUSR1 from the ring thread) ends the current
 *     one;
 *   - in a hypercall that waits on the host (POLL, a PUTS to a full pipe): every such wait
 *     also polls the stop eventfd, which a request makes readable for good, so a request that
 *     lands just before the wait begins is not missed.
 * The status is published (release) after the message, so a reader that sees it sees both.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "skiff.h"

static struct {
    int status; /* 0, or the exit status the run ends with; set once */
    int signal; /* the stop signal, if that is what set status */
    int fd;     /* eventfd: readable once a stop is requested */
    pid_t pid, vcpu_tid;
    struct kvm_run *run;
    char message[512]; /* the error the run ends with, unless it was a signal */
} stop = {.fd = -1};

/* Claims the stop for status; false if another request came first. */
static bool claim(int status)
{
    int none = 0;

    return __atomic_compare_exchange_n(&stop.status, &none, status, false, __ATOMIC_ACQ_REL,
                                       __ATOMIC_ACQUIRE);
}

/* Wakes the vCPU thread out of KVM_RUN and any wait. Only async-signal-safe calls. */
static void wake(void)
{
    uint64_t one = 1;

    if (stop.run)
        __atomic_store_n(&stop.run->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (write(stop.fd, &one, sizeof(one)) < 0) {
        /* only at the eventfd's maximum count, which a single write per request cannot reach */
    }
}

static void on_stop_signal(int sig)
{
    int saved = errno;

    if (__atomic_load_n(&stop.status, __ATOMIC_ACQUIRE) == 0) {
        stop.signal = sig;
        if (claim(SKIFF_EXIT_SIGNAL_BASE + sig))
            wake();
    }
    errno = saved;
}

/* The ring thread's kick: its only job was to interrupt KVM_RUN (EINTR). */
static void on_kick(int sig)
{
    (void)sig;
}

int skiff_stop_init(struct skiff *s)
{
    struct sigaction sa;

    stop.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop.fd < 0) {
        skiff_set_error("cannot create the stop eventfd: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    stop.pid = getpid();
    stop.vcpu_tid = (pid_t)syscall(SYS_gettid);
    stop.run = s->kvm.run;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocking call a signal interrupts returns EINTR and the caller looks
     * at the stop status. */
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_kick;
    sigaction(SKIFF_STOP_KICK_SIGNAL, &sa, NULL);
    /* A closed stdout is reported by write() as EPIPE and handled, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

void skiff_stop_block_signals(void)
{
    sigset_t set;

    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SKIFF_STOP_KICK_SIGNAL);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
}

void skiff_stop_request(int status, const char *fmt, ...)
{
    va_list ap;

    /* The message is written before the claim is published, so only the winner may write it:
     * a loser's would race with the reader. Two requests from the one ring thread cannot
     * overlap, and the signal handler writes no message. */
    if (__atomic_load_n(&stop.status, __ATOMIC_ACQUIRE) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(stop.message, sizeof(stop.message), fmt, ap);
    va_end(ap);
    if (!claim(status))
        return;
    wake();
    if (stop.vcpu_tid)
        syscall(SYS_tgkill, stop.pid, stop.vcpu_tid, SKIFF_STOP_KICK_SIGNAL);
}

int skiff_stop_status(void)
{
    return __atomic_load_n(&stop.status, __ATOMIC_ACQUIRE);
}

int skiff_stop_report(void)
{
    int status = skiff_stop_status();

    if (status == 0)
        return 0;
    if (stop.signal && status == SKIFF_EXIT_SIGNAL_BASE + stop.signal)
        skiff_set_error("exiting on signal %d", stop.signal);
    else
        skiff_set_error("%s", stop.message);
    return status;
}

int skiff_stop_fd(void)
{
    return stop.fd;
}
