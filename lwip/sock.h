/* sock.h: BSD sockets on lwIP's raw API for unikernels built with the C library
 * (docs/sockets.md): what the system call dispatch (sock_syscall.c, musl's side) calls in the
 * socket module (lwIP's side). Plain C types only; structs are sock_abi.h's. */
/*
 * Every function takes the Linux system call's arguments and returns its result or -errno
 * (sock_abi.h's values). A file descriptor that is not a socket gives -EBADF (-ENOTSOCK for
 * the console's 0, 1 and 2). Timeouts are in nanoseconds, -1 for none. Blocking calls, poll
 * and select run the network stack (skiff_lwip_poll) until they can return.
 */
#ifndef SKIFF_SOCK_H
#define SKIFF_SOCK_H

#include <stddef.h>
#include <stdint.h>

#include "sock_abi.h"

/* Brings the network up once, before main(): the first NET_BASIC device of the manifest,
 * configured from --ipv4=ADDR/PREFIX and --ipv4-gateway=GW on cmdline (skiff_lwip_start:
 * a bad or missing option prints one line and exits 64). */
void skiff_sock_net_start(const char *cmdline);
/* Whether arg is one of the network's options (which the program must not see in argv). */
int skiff_sock_is_net_option(const char *arg);

long skiff_sock_socket(long domain, long type, long protocol);
long skiff_sock_close(long fd);
long skiff_sock_bind(long fd, const void *addr, long len);
long skiff_sock_listen(long fd, long backlog);
long skiff_sock_accept(long fd, void *addr, uint32_t *len, long flags);
long skiff_sock_connect(long fd, const void *addr, long len);
/* recvfrom(2)/sendto(2); read and write are these with no flags and no address. */
long skiff_sock_recvfrom(long fd, void *buf, size_t len, long flags, void *addr, uint32_t *alen);
long skiff_sock_sendto(long fd, const void *buf, size_t len, long flags, const void *addr,
                       long alen);
long skiff_sock_shutdown(long fd, long how);
long skiff_sock_getsockname(long fd, void *addr, uint32_t *len);
long skiff_sock_getpeername(long fd, void *addr, uint32_t *len);
long skiff_sock_setsockopt(long fd, long level, long name, const void *val, long len);
long skiff_sock_getsockopt(long fd, long level, long name, void *val, uint32_t *len);
long skiff_sock_fcntl(long fd, long cmd, long arg);
long skiff_sock_ioctl(long fd, unsigned long req, void *arg);

/* poll(2) on n entries; timeout_ns -1 waits for ever. */
long skiff_sock_poll(struct skiff_pollfd *fds, unsigned long n, int64_t timeout_ns);
/* select(2): the three sets are arrays of unsigned long, any of them NULL. */
long skiff_sock_select(long nfds, unsigned long *rd, unsigned long *wr, unsigned long *ex,
                       int64_t timeout_ns);

#endif /* SKIFF_SOCK_H */
