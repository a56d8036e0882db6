/* sock_poll.c: waiting on sockets: poll(), select() and the wait of blocking calls, all of
 * which run the network stack (skiff_lwip_poll) until something is ready or time is up. */
#include "sock_impl.h"

#include "lwip/timeouts.h"
#include "skiff_lwip.h"

#define NS_PER_MS 1000000ULL

solo5_time_t skiff_sock_deadline(int64_t timeout_ns)
{
    if (timeout_ns < 0)
        return UINT64_MAX;
    return solo5_clock_monotonic() + (solo5_time_t)timeout_ns;
}

/* Runs the stack until a frame comes, a timer of lwIP's is due (it may have ended a
 * connection: skiff_lwip_poll only returns on frames) or deadline. 0 once deadline passed. */
static int wait_once(solo5_time_t deadline)
{
    solo5_time_t now = solo5_clock_monotonic(), wake = deadline;
    u32_t ms = sys_timeouts_sleeptime();

    if (now >= deadline)
        return 0;
    if (ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE && now + ms * NS_PER_MS + 1 < wake)
        wake = now + ms * NS_PER_MS + 1;
    skiff_lwip_poll(wake);
    return 1;
}

int skiff_sock_again(int nonblock, int *tries, solo5_time_t deadline)
{
    if (nonblock) {
        /* A program that retries a non-blocking call in a loop must see the stack move. */
        if ((*tries)++ > 0)
            return 0;
        skiff_lwip_poll(0);
        return 1;
    }
    return wait_once(deadline);
}

/* The poll bits that hold for fd now: the console's descriptors are always ready (stdin
 * reads as end of file), others are POLLNVAL. */
static short fd_events(int fd)
{
    long err;
    struct skiff_sock *s;

    if (fd == 0)
        return SKIFF_POLLIN;
    if (fd == 1 || fd == 2)
        return SKIFF_POLLOUT;
    s = skiff_sock_get(fd, &err);
    if (!s)
        return SKIFF_POLLNVAL;
    return s->type == SKIFF_SOCK_STREAM ? skiff_sock_tcp_events(s) : skiff_sock_udp_events(s);
}

/* What poll reports of ev for a request of want: POLLRDNORM and POLLWRNORM as POLLIN and
 * POLLOUT; POLLERR, POLLHUP and POLLNVAL whether asked or not. */
static short reported(short ev, short want)
{
    short out = ev & (short)(want | SKIFF_POLLERR | SKIFF_POLLHUP | SKIFF_POLLNVAL);

    if ((ev & SKIFF_POLLIN) && (want & SKIFF_POLLRDNORM))
        out |= SKIFF_POLLRDNORM;
    if ((ev & SKIFF_POLLOUT) && (want & SKIFF_POLLWRNORM))
        out |= SKIFF_POLLWRNORM;
    return out;
}

static long poll_once(struct skiff_pollfd *fds, unsigned long n)
{
    long ready = 0;

    for (unsigned long i = 0; i < n; i++) {
        fds[i].revents = fds[i].fd < 0 ? 0 : reported(fd_events(fds[i].fd), fds[i].events);
        if (fds[i].revents)
            ready++;
    }
    return ready;
}

long skiff_sock_poll(struct skiff_pollfd *fds, unsigned long n, int64_t timeout_ns)
{
    solo5_time_t deadline = skiff_sock_deadline(timeout_ns);
    long ready;

    if (n > SKIFF_SOCK_FDS)
        return -SKIFF_EINVAL;
    if (n > 0 && !fds)
        return -SKIFF_EFAULT;
    /* Feed the stack first, so that a loop whose sockets are always ready still takes in new
     * frames (connections, data, acknowledgements). */
    skiff_lwip_poll(0);
    while ((ready = poll_once(fds, n)) == 0 && wait_once(deadline))
        ;
    return ready;
}

#define BITS (8 * sizeof(unsigned long))

static int fd_isset(const unsigned long *set, long fd)
{
    return set && (set[fd / BITS] >> (fd % BITS)) & 1;
}

/* One pass over the sets: the ready bits into out (rd, wr), the count returned; -EBADF if a
 * descriptor in them is not open. */
static long select_once(long nfds, const unsigned long *rd, const unsigned long *wr,
                        const unsigned long *ex, unsigned long *out_rd, unsigned long *out_wr)
{
    long ready = 0;

    for (long fd = 0; fd < nfds; fd++) {
        int r = fd_isset(rd, fd), w = fd_isset(wr, fd);
        short ev;

        if (!r && !w && !fd_isset(ex, fd))
            continue;
        ev = fd_events((int)fd);
        if (ev & SKIFF_POLLNVAL)
            return -SKIFF_EBADF;
        /* Linux: readable on end of file or error too, writable once a send fails at once. */
        if (r && (ev & (SKIFF_POLLIN | SKIFF_POLLHUP | SKIFF_POLLERR))) {
            out_rd[fd / BITS] |= 1UL << (fd % BITS);
            ready++;
        }
        if (w && (ev & (SKIFF_POLLOUT | SKIFF_POLLERR))) {
            out_wr[fd / BITS] |= 1UL << (fd % BITS);
            ready++;
        }
    }
    return ready;
}

long skiff_sock_select(long nfds, unsigned long *rd, unsigned long *wr, unsigned long *ex,
                       int64_t timeout_ns)
{
    unsigned long out_rd[SKIFF_FD_SETSIZE / BITS], out_wr[SKIFF_FD_SETSIZE / BITS];
    size_t bytes = ((size_t)nfds + BITS - 1) / BITS * sizeof(unsigned long);
    solo5_time_t deadline = skiff_sock_deadline(timeout_ns);
    long ready;

    if (nfds < 0 || nfds > SKIFF_FD_SETSIZE)
        return -SKIFF_EINVAL;
    skiff_lwip_poll(0);
    for (;;) {
        memset(out_rd, 0, sizeof(out_rd));
        memset(out_wr, 0, sizeof(out_wr));
        ready = select_once(nfds, rd, wr, ex, out_rd, out_wr);
        if (ready != 0 || !wait_once(deadline))
            break;
    }
    if (ready < 0)
        return ready;
    /* Only the first nfds bits are the caller's to read; exceptional conditions never hold. */
    if (rd)
        memcpy(rd, out_rd, bytes);
    if (wr)
        memcpy(wr, out_wr, bytes);
    if (ex)
        memset(ex, 0, bytes);
    return ready;
}
