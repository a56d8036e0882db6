/* sock_abi.h: the Linux ABI numbers and structs the socket system calls take (x86_64 and
 * aarch64 share them), spelled with skiff's prefix so that lwIP's headers and musl's never
 * meet in one file. sock_syscall.c checks every value here against musl's headers. */
#ifndef SKIFF_SOCK_ABI_H
#define SKIFF_SOCK_ABI_H

#include <stdint.h>

/* errno values */
#define SKIFF_EPERM           1
#define SKIFF_ENOENT          2
#define SKIFF_EINTR           4
#define SKIFF_EBADF           9
#define SKIFF_EAGAIN          11
#define SKIFF_ENOMEM          12
#define SKIFF_EFAULT          14
#define SKIFF_EINVAL          22
#define SKIFF_EMFILE          24
#define SKIFF_ENOTTY          25
#define SKIFF_EPIPE           32
#define SKIFF_ENOSYS          38
#define SKIFF_ENOTSOCK        88
#define SKIFF_EDESTADDRREQ    89
#define SKIFF_EMSGSIZE        90
#define SKIFF_EPROTOTYPE      91
#define SKIFF_ENOPROTOOPT     92
#define SKIFF_EPROTONOSUPPORT 93
#define SKIFF_EOPNOTSUPP      95
#define SKIFF_EAFNOSUPPORT    97
#define SKIFF_EADDRINUSE      98
#define SKIFF_EADDRNOTAVAIL   99
#define SKIFF_ENETUNREACH     101
#define SKIFF_ECONNABORTED    103
#define SKIFF_ECONNRESET      104
#define SKIFF_ENOBUFS         105
#define SKIFF_EISCONN         106
#define SKIFF_ENOTCONN        107
#define SKIFF_ETIMEDOUT       110
#define SKIFF_ECONNREFUSED    111
#define SKIFF_EHOSTUNREACH    113
#define SKIFF_EALREADY        114
#define SKIFF_EINPROGRESS     115

/* socket(2) */
#define SKIFF_AF_INET       2
#define SKIFF_SOCK_STREAM   1
#define SKIFF_SOCK_DGRAM    2
#define SKIFF_SOCK_NONBLOCK 04000
#define SKIFF_SOCK_CLOEXEC  02000000
#define SKIFF_IPPROTO_IP    0
#define SKIFF_IPPROTO_TCP   6
#define SKIFF_IPPROTO_UDP   17

/* setsockopt(2) levels and options */
#define SKIFF_SOL_SOCKET    1
#define SKIFF_SO_REUSEADDR  2
#define SKIFF_SO_TYPE       3
#define SKIFF_SO_ERROR      4
#define SKIFF_SO_BROADCAST  6
#define SKIFF_SO_SNDBUF     7
#define SKIFF_SO_RCVBUF     8
#define SKIFF_SO_KEEPALIVE  9
#define SKIFF_SO_LINGER     13
#define SKIFF_SO_REUSEPORT  15
#define SKIFF_SO_RCVTIMEO   20
#define SKIFF_SO_SNDTIMEO   21
#define SKIFF_SO_ACCEPTCONN 30
#define SKIFF_TCP_NODELAY   1
#define SKIFF_TCP_KEEPIDLE  4
#define SKIFF_TCP_KEEPINTVL 5
#define SKIFF_TCP_KEEPCNT   6
#define SKIFF_IP_TOS        1
#define SKIFF_IP_TTL        2

/* send/recv flags, shutdown(2) */
#define SKIFF_MSG_PEEK     0x2
#define SKIFF_MSG_TRUNC    0x20
#define SKIFF_MSG_DONTWAIT 0x40
#define SKIFF_MSG_WAITALL  0x100
#define SKIFF_MSG_NOSIGNAL 0x4000
#define SKIFF_SHUT_RD      0
#define SKIFF_SHUT_WR      1
#define SKIFF_SHUT_RDWR    2

/* fcntl(2), ioctl(2) */
#define SKIFF_F_GETFD    1
#define SKIFF_F_SETFD    2
#define SKIFF_F_GETFL    3
#define SKIFF_F_SETFL    4
#define SKIFF_FD_CLOEXEC 1
#define SKIFF_O_RDWR     2
#define SKIFF_O_NONBLOCK 04000
#define SKIFF_FIONREAD   0x541B
#define SKIFF_FIONBIO    0x5421

/* poll(2) */
#define SKIFF_POLLIN     0x1
#define SKIFF_POLLPRI    0x2
#define SKIFF_POLLOUT    0x4
#define SKIFF_POLLERR    0x8
#define SKIFF_POLLHUP    0x10
#define SKIFF_POLLNVAL   0x20
#define SKIFF_POLLRDNORM 0x40
#define SKIFF_POLLWRNORM 0x100
#define SKIFF_POLLRDHUP  0x2000

/* select(2): FD_SETSIZE bits in unsigned longs. */
#define SKIFF_FD_SETSIZE 1024

/* struct sockaddr_in: port and address in network byte order. */
struct skiff_sockaddr_in {
    uint16_t sin_family;
    uint16_t sin_port;
    uint32_t sin_addr;
    uint8_t sin_zero[8];
};

struct skiff_pollfd {
    int fd;
    short events;
    short revents;
};

struct skiff_linger {
    int l_onoff;
    int l_linger;
};

/* struct timeval, as SO_RCVTIMEO and SO_SNDTIMEO take it (64-bit time_t and suseconds_t). */
struct skiff_timeval {
    int64_t tv_sec;
    int64_t tv_usec;
};

_Static_assert(sizeof(struct skiff_sockaddr_in) == 16, "sockaddr_in size");
_Static_assert(sizeof(struct skiff_pollfd) == 8, "pollfd size");
_Static_assert(sizeof(struct skiff_timeval) == 16, "timeval size");

#endif /* SKIFF_SOCK_ABI_H */
