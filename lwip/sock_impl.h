/* sock_impl.h: the socket module's internals (lwIP's side): the socket struct, the descriptor
 * table, the TCP and UDP halves and the wait that runs the stack. */
#ifndef SKIFF_SOCK_IMPL_H
#define SKIFF_SOCK_IMPL_H

#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "sock.h"

/* Descriptors 3 .. SKIFF_SOCK_FDS-1 (0-2 are the console's), so that select() reaches all. */
#define SKIFF_SOCK_FDS 1024
/* Datagrams a UDP socket holds before it drops new ones, like a full receive buffer. */
#define SKIFF_SOCK_DGRAMS 32

enum skiff_sock_state {
    SKIFF_SOCK_NEW,        /* created, perhaps bound */
    SKIFF_SOCK_LISTEN,     /* TCP: listen() done */
    SKIFF_SOCK_CONNECTING, /* TCP: SYN sent */
    SKIFF_SOCK_CONNECTED,  /* TCP: established (or accepted); UDP: connect() done */
    SKIFF_SOCK_DEAD,       /* TCP: lwIP freed the connection (reset, timeout or closed) */
};

struct skiff_sock_dgram {
    struct pbuf *p;
    uint32_t addr; /* source, network order */
    uint16_t port; /* source, host order */
};

struct skiff_sock {
    int type; /* SKIFF_SOCK_STREAM or SKIFF_SOCK_DGRAM */
    enum skiff_sock_state state;
    int nonblock, cloexec, nodelay, linger0;
    int err; /* pending error (SO_ERROR), a Linux errno; 0 if none */
    int shut_rd, shut_wr;
    int64_t rcvtimeo, sndtimeo; /* ns, -1: none */
    struct tcp_pcb *tcp;        /* TCP (the listening pcb once listening); NULL once dead */
    struct udp_pcb *udp;        /* UDP */
    /* TCP: bytes received and not yet read, as a chain of pbufs linked by next (their tot_len
     * is not kept: the chain may exceed 64 KiB), rx_off bytes of the first already read. */
    struct pbuf *rx, *rx_tail;
    size_t rx_off, rx_len;
    int rx_eof; /* the peer's FIN came */
    /* TCP listener: connections not yet accept()ed, oldest first; backlog limits them. */
    struct skiff_sock *pending, *next, *listener;
    /* UDP: a ring of received datagrams. */
    struct skiff_sock_dgram *dgrams;
    unsigned dg_head, dg_count;
};

/* ---- sock.c: descriptors and what is common to TCP and UDP ---- */

/* The socket open on fd, or NULL (fd not a socket: *err gets -EBADF or -ENOTSOCK). */
struct skiff_sock *skiff_sock_get(long fd, long *err);
/* A zeroed socket of type, from lwIP's heap; NULL if out of memory. */
struct skiff_sock *skiff_sock_new(int type);
void skiff_sock_free(struct skiff_sock *s);
/* The lowest free descriptor, now holding s; -EMFILE if none is free. */
long skiff_sock_fd_alloc(struct skiff_sock *s);
/* Reads a sockaddr_in (AF_INET, len >= 16): 0, or -EINVAL / -EAFNOSUPPORT / -EFAULT. */
long skiff_sock_addr_in(const void *addr, long len, ip_addr_t *ip, u16_t *port);
/* Stores ip:port as a sockaddr_in in addr (at most *len bytes) and sets *len to its size. */
void skiff_sock_addr_out(void *addr, uint32_t *len, const ip_addr_t *ip, u16_t port);

/* ---- sock_poll.c: waiting ---- */

/* When a call would block: returns 1 to try again, 0 to give up (-EAGAIN). A non-blocking
 * call gets one more try after the stack has been fed once (*tries counts); a blocking call
 * runs the stack until deadline (skiff_sock_deadline). */
int skiff_sock_again(int nonblock, int *tries, solo5_time_t deadline);
/* now + timeout_ns, or for ever if timeout_ns is negative. */
solo5_time_t skiff_sock_deadline(int64_t timeout_ns);

/* ---- sock_tcp.c ---- */

/* Creates the pcb; 0 or -errno. */
long skiff_sock_tcp_open(struct skiff_sock *s);
void skiff_sock_tcp_close(struct skiff_sock *s);
long skiff_sock_tcp_listen(struct skiff_sock *s, long backlog);
/* Takes the oldest pending connection (-EAGAIN if none; does not wait). */
long skiff_sock_tcp_accept(struct skiff_sock *s, struct skiff_sock **out);
long skiff_sock_tcp_connect(struct skiff_sock *s, const ip_addr_t *ip, u16_t port);
/* One attempt each: bytes moved, or -EAGAIN when nothing can move now, or -errno. */
long skiff_sock_tcp_recv(struct skiff_sock *s, void *buf, size_t len, long flags);
long skiff_sock_tcp_send(struct skiff_sock *s, const void *buf, size_t len);
long skiff_sock_tcp_shutdown(struct skiff_sock *s, long how);
/* The poll bits that hold now (POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDHUP). */
short skiff_sock_tcp_events(struct skiff_sock *s);
/* Shared by sock_tcp.c and sock_tcp_io.c: frees the receive queue; leaves the pcb to lwIP. */
void skiff_sock_rx_drop(struct skiff_sock *s);
void skiff_sock_tcp_detach(struct skiff_sock *s);

/* ---- sock_udp.c ---- */

long skiff_sock_udp_open(struct skiff_sock *s);
void skiff_sock_udp_close(struct skiff_sock *s);
long skiff_sock_udp_recv(struct skiff_sock *s, void *buf, size_t len, long flags, void *addr,
                         uint32_t *alen);
long skiff_sock_udp_send(struct skiff_sock *s, const void *buf, size_t len, const ip_addr_t *ip,
                         u16_t port);
short skiff_sock_udp_events(struct skiff_sock *s);

#endif /* SKIFF_SOCK_IMPL_H */
