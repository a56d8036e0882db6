/* syscall.c: the Linux system calls musl makes, served with the Solo5 API (libc.md). */
#include "libc.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "solo5.h"

static int is_console(long fd)
{
    return fd == 1 || fd == 2;
}

static long sys_writev(long fd, const struct iovec *iov, long cnt)
{
    long n = 0;

    if (!is_console(fd))
        return -EBADF;
    for (long i = 0; i < cnt; i++) {
        solo5_console_write(iov[i].iov_base, iov[i].iov_len);
        n += (long)iov[i].iov_len;
    }
    return n;
}

/* Only the console's window size, so that stdout is line buffered like a terminal's. */
static long sys_ioctl(long fd, unsigned long req, void *arg)
{
    if (!is_console(fd) || req != TIOCGWINSZ)
        return -ENOTTY;
    memset(arg, 0, sizeof(struct winsize));
    return 0;
}

static long sys_clock_gettime(clockid_t clk, struct timespec *ts)
{
    solo5_time_t t;

    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        t = solo5_clock_wall();
        break;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:
    case CLOCK_THREAD_CPUTIME_ID:
        t = solo5_clock_monotonic();
        break;
    default:
        return -EINVAL;
    }
    if (ts) {
        ts->tv_sec = (time_t)(t / 1000000000);
        ts->tv_nsec = (long)(t % 1000000000);
    }
    return 0;
}

/* Sleeps on the monotonic clock (a realtime deadline is taken as relative to now). */
static long sys_clock_nanosleep(clockid_t clk, int flags, const struct timespec *req)
{
    solo5_time_t now = solo5_clock_monotonic(), want;

    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
        return -EINVAL;
    want = (solo5_time_t)req->tv_sec * 1000000000 + (solo5_time_t)req->tv_nsec;
    if (!(flags & TIMER_ABSTIME)) {
        want += now;
    } else if (clk == CLOCK_REALTIME) {
        solo5_time_t wall = solo5_clock_wall();

        want = want > wall ? now + (want - wall) : now;
    }
    while (solo5_clock_monotonic() < want)
        solo5_yield(want, NULL);
    return 0;
}

/* A signal sent to the unikernel ends it: SIGABRT as solo5_abort(), others as a shell would
 * report them. */
static long sys_kill(long sig)
{
    if (sig == 0)
        return 0;
    if (sig == SIGABRT)
        solo5_abort();
    solo5_exit(128 + (int)sig);
}

long skiff_libc_syscall(long n, long a, long b, long c, long d, long e, long f)
{
    /* With the network stack linked, sockets come first (docs/sockets.md). */
    if (skiff_sock_syscall) {
        long r = skiff_sock_syscall(n, (const long[]){a, b, c, d, e, f});

        if (r != -ENOSYS)
            return r;
    }
    switch (n) {
    case SYS_write:
        if (!is_console(a))
            return -EBADF;
        solo5_console_write((const char *)b, (size_t)c);
        return c;
    case SYS_writev:
        return sys_writev(a, (const struct iovec *)b, c);
    case SYS_read:
    case SYS_readv:
        return a == 0 ? 0 : -EBADF; /* stdin is empty */
    case SYS_ioctl:
        return sys_ioctl(a, (unsigned long)b, (void *)c);
    case SYS_close:
        return 0;
    case SYS_lseek:
        return -ESPIPE;
    case SYS_brk:
        return skiff_libc_brk((uintptr_t)a);
    case SYS_mmap:
        return skiff_libc_mmap((uintptr_t)a, (size_t)b, (int)c, (int)d, (int)e, f);
    case SYS_munmap:
        return skiff_libc_munmap((uintptr_t)a, (size_t)b);
    case SYS_mremap:
        return -ENOMEM; /* realloc() then copies */
    case SYS_mprotect:
    case SYS_madvise:
        return 0;
    case SYS_clock_gettime:
        return sys_clock_gettime((clockid_t)a, (struct timespec *)b);
    case SYS_clock_getres:
        if (b)
            *(struct timespec *)b = (struct timespec){.tv_nsec = 1};
        return 0;
    case SYS_clock_nanosleep:
        return sys_clock_nanosleep((clockid_t)a, (int)b, (const struct timespec *)c);
#ifdef SYS_nanosleep
    case SYS_nanosleep:
        return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, (const struct timespec *)a);
#endif
    case SYS_exit:
    case SYS_exit_group:
        solo5_exit((int)a);
    case SYS_kill:
        return sys_kill(b);
    case SYS_tkill:
        return sys_kill(b);
    case SYS_tgkill:
        return sys_kill(c);
    case SYS_getpid:
    case SYS_gettid:
    case SYS_set_tid_address:
        return 1;
    case SYS_rt_sigprocmask:
    case SYS_rt_sigaction:
    case SYS_sched_yield:
        return 0;
    default:
        (void)d, (void)e;
        return -ENOSYS;
    }
}
