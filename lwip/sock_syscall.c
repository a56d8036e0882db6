/* sock_syscall.c: the socket system calls musl makes, handed to the socket module. Built with
 * musl's headers (never lwIP's): it converts musl's structs and time values and checks that
 * sock_abi.h's numbers are musl's. libc/syscall.c calls it first through a weak reference. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>

#include "sock.h"

long skiff_sock_syscall(long n, const long *a);
void skiff_sock_start(const char *cmdline, int *argc, char **argv);

#define SAME(x) _Static_assert(SKIFF_##x == x, #x " differs from musl's")
SAME(EBADF);
SAME(EAGAIN);
SAME(ENOMEM);
SAME(EFAULT);
SAME(EINVAL);
SAME(EMFILE);
SAME(ENOTTY);
SAME(EPIPE);
SAME(ENOSYS);
SAME(ENOTSOCK);
SAME(EDESTADDRREQ);
SAME(EMSGSIZE);
SAME(ENOPROTOOPT);
SAME(EPROTONOSUPPORT);
SAME(EOPNOTSUPP);
SAME(EAFNOSUPPORT);
SAME(EADDRINUSE);
SAME(EADDRNOTAVAIL);
SAME(ENETUNREACH);
SAME(ECONNABORTED);
SAME(ECONNRESET);
SAME(ENOBUFS);
SAME(EISCONN);
SAME(ENOTCONN);
SAME(ETIMEDOUT);
SAME(ECONNREFUSED);
SAME(EALREADY);
SAME(EINPROGRESS);
SAME(AF_INET);
SAME(SOCK_STREAM);
SAME(SOCK_DGRAM);
SAME(SOCK_NONBLOCK);
SAME(SOCK_CLOEXEC);
SAME(IPPROTO_IP);
SAME(IPPROTO_TCP);
SAME(IPPROTO_UDP);
SAME(SOL_SOCKET);
SAME(SO_REUSEADDR);
SAME(SO_TYPE);
SAME(SO_ERROR);
SAME(SO_BROADCAST);
SAME(SO_SNDBUF);
SAME(SO_RCVBUF);
SAME(SO_KEEPALIVE);
SAME(SO_LINGER);
SAME(SO_REUSEPORT);
SAME(SO_RCVTIMEO);
SAME(SO_SNDTIMEO);
SAME(SO_ACCEPTCONN);
SAME(TCP_NODELAY);
SAME(TCP_KEEPIDLE);
SAME(TCP_KEEPINTVL);
SAME(TCP_KEEPCNT);
SAME(IP_TOS);
SAME(IP_TTL);
SAME(MSG_PEEK);
SAME(MSG_TRUNC);
SAME(MSG_DONTWAIT);
SAME(MSG_WAITALL);
SAME(MSG_NOSIGNAL);
SAME(SHUT_RD);
SAME(SHUT_WR);
SAME(SHUT_RDWR);
SAME(F_GETFD);
SAME(F_SETFD);
SAME(F_GETFL);
SAME(F_SETFL);
SAME(FD_CLOEXEC);
SAME(O_RDWR);
SAME(O_NONBLOCK);
SAME(FIONREAD);
SAME(FIONBIO);
SAME(POLLIN);
SAME(POLLPRI);
SAME(POLLOUT);
SAME(POLLERR);
SAME(POLLHUP);
SAME(POLLNVAL);
SAME(POLLRDNORM);
SAME(POLLWRNORM);
SAME(POLLRDHUP);
SAME(FD_SETSIZE);
_Static_assert(sizeof(struct sockaddr_in) == sizeof(struct skiff_sockaddr_in) &&
                   offsetof(struct sockaddr_in, sin_port) ==
                       offsetof(struct skiff_sockaddr_in, sin_port) &&
                   offsetof(struct sockaddr_in, sin_addr) ==
                       offsetof(struct skiff_sockaddr_in, sin_addr),
               "sockaddr_in layout");
_Static_assert(sizeof(struct pollfd) == sizeof(struct skiff_pollfd) &&
                   offsetof(struct pollfd, events) == offsetof(struct skiff_pollfd, events) &&
                   offsetof(struct pollfd, revents) == offsetof(struct skiff_pollfd, revents),
               "pollfd layout");
_Static_assert(sizeof(struct timeval) == sizeof(struct skiff_timeval) &&
                   offsetof(struct timeval, tv_usec) == offsetof(struct skiff_timeval, tv_usec),
               "timeval layout");
_Static_assert(sizeof(struct linger) == sizeof(struct skiff_linger), "linger layout");
_Static_assert(sizeof(socklen_t) == sizeof(uint32_t), "socklen_t");
_Static_assert(sizeof(fd_set) == SKIFF_FD_SETSIZE / 8, "fd_set");

/* poll/select timeouts (what musl passes: a timespec, or for x86_64's select a timeval as two
 * longs) in nanoseconds; -1 for none. */
static int64_t ts_ns(const struct timespec *ts)
{
    if (!ts)
        return -1;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0)
        return 0;
    if (ts->tv_sec > INT64_MAX / 1000000000 - 1)
        return -1;
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* readv/writev as a series of recv/send: stops at the first short or failed one. */
static long sock_rw_vec(long fd, const struct iovec *iov, long cnt, int out)
{
    long total = 0;

    if (cnt < 0 || cnt > IOV_MAX)
        return -EINVAL;
    for (long i = 0; i < cnt; i++) {
        long r = out ? skiff_sock_sendto(fd, iov[i].iov_base, iov[i].iov_len, 0, NULL, 0)
                     : skiff_sock_recvfrom(fd, iov[i].iov_base, iov[i].iov_len,
                                           total > 0 ? MSG_DONTWAIT : 0, NULL, NULL);

        if (r < 0)
            return total > 0 ? total : r;
        total += r;
        if ((size_t)r < iov[i].iov_len)
            break;
    }
    return total;
}

/* The descriptor calls the rest of the C library serves for the console's 0, 1 and 2; every
 * descriptor above is this module's (there are no files), open or not. */
static int fd_call(long n)
{
    switch (n) {
    case SYS_read:
    case SYS_write:
    case SYS_readv:
    case SYS_writev:
    case SYS_close:
    case SYS_fcntl:
    case SYS_ioctl:
        return 1;
    default:
        return 0;
    }
}

long skiff_sock_syscall(long n, const long *a)
{
    if (fd_call(n) && a[0] >= 0 && a[0] <= 2)
        return -ENOSYS; /* libc/syscall.c serves it */
    switch (n) {
    case SYS_socket:
        return skiff_sock_socket(a[0], a[1], a[2]);
    case SYS_bind:
        return skiff_sock_bind(a[0], (const void *)a[1], a[2]);
    case SYS_listen:
        return skiff_sock_listen(a[0], a[1]);
#ifdef SYS_accept
    case SYS_accept:
        return skiff_sock_accept(a[0], (void *)a[1], (uint32_t *)a[2], 0);
#endif
    case SYS_accept4:
        return skiff_sock_accept(a[0], (void *)a[1], (uint32_t *)a[2], a[3]);
    case SYS_connect:
        return skiff_sock_connect(a[0], (const void *)a[1], a[2]);
    case SYS_recvfrom:
        return skiff_sock_recvfrom(a[0], (void *)a[1], (size_t)a[2], a[3], (void *)a[4],
                                   (uint32_t *)a[5]);
    case SYS_sendto:
        return skiff_sock_sendto(a[0], (const void *)a[1], (size_t)a[2], a[3], (const void *)a[4],
                                 a[5]);
    case SYS_read:
        return skiff_sock_recvfrom(a[0], (void *)a[1], (size_t)a[2], 0, NULL, NULL);
    case SYS_write:
        return skiff_sock_sendto(a[0], (const void *)a[1], (size_t)a[2], 0, NULL, 0);
    case SYS_readv:
        return sock_rw_vec(a[0], (const struct iovec *)a[1], a[2], 0);
    case SYS_writev:
        return sock_rw_vec(a[0], (const struct iovec *)a[1], a[2], 1);
    case SYS_close:
        return skiff_sock_close(a[0]);
    case SYS_shutdown:
        return skiff_sock_shutdown(a[0], a[1]);
    case SYS_getsockname:
        return skiff_sock_getsockname(a[0], (void *)a[1], (uint32_t *)a[2]);
    case SYS_getpeername:
        return skiff_sock_getpeername(a[0], (void *)a[1], (uint32_t *)a[2]);
    case SYS_setsockopt:
        return skiff_sock_setsockopt(a[0], a[1], a[2], (const void *)a[3], a[4]);
    case SYS_getsockopt:
        return skiff_sock_getsockopt(a[0], a[1], a[2], (void *)a[3], (uint32_t *)a[4]);
    case SYS_fcntl:
        return skiff_sock_fcntl(a[0], a[1], a[2]);
    case SYS_ioctl:
        return skiff_sock_ioctl(a[0], (unsigned long)a[1], (void *)a[2]);
#ifdef SYS_poll
    case SYS_poll:
        return skiff_sock_poll((struct skiff_pollfd *)a[0], (unsigned long)a[1],
                               (int)a[2] < 0 ? -1 : (int64_t)(int)a[2] * 1000000);
#endif
    case SYS_ppoll: /* the signal mask is ignored: there are no signals */
        return skiff_sock_poll((struct skiff_pollfd *)a[0], (unsigned long)a[1],
                               ts_ns((const struct timespec *)a[2]));
#ifdef SYS_select
    case SYS_select: {
        const long *tv = (const long *)a[4]; /* musl passes {seconds, microseconds} */
        struct timespec ts = {tv ? tv[0] : 0, tv ? tv[1] * 1000 : 0};

        return skiff_sock_select(a[0], (unsigned long *)a[1], (unsigned long *)a[2],
                                 (unsigned long *)a[3], tv ? ts_ns(&ts) : -1);
    }
#endif
    case SYS_pselect6:
        return skiff_sock_select(a[0], (unsigned long *)a[1], (unsigned long *)a[2],
                                 (unsigned long *)a[3], ts_ns((const struct timespec *)a[4]));
    default:
        return -ENOSYS;
    }
}

/* Called by libc/start.c before main(): the network comes up, and its options leave argv. */
void skiff_sock_start(const char *cmdline, int *argc, char **argv)
{
    int out = 1;

    skiff_sock_net_start(cmdline);
    for (int i = 1; i < *argc; i++) {
        if (!skiff_sock_is_net_option(argv[i]))
            argv[out++] = argv[i];
    }
    for (int i = out; i < *argc; i++)
        argv[i] = NULL;
    *argc = out;
}
