/* sock_io.c: listen, accept, connect, recv and send: one attempt at the TCP or UDP half, then,
 * while it would block, waiting (sock_poll.c) or EAGAIN in non-blocking mode. */
#include "sock_impl.h"

long skiff_sock_listen(long fd, long backlog)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);

    if (!s)
        return err;
    if (s->type != SKIFF_SOCK_STREAM)
        return -SKIFF_EOPNOTSUPP;
    return skiff_sock_tcp_listen(s, backlog);
}

long skiff_sock_accept(long fd, void *addr, uint32_t *len, long flags)
{
    long err, r;
    struct skiff_sock *s = skiff_sock_get(fd, &err), *c = NULL;
    solo5_time_t deadline;
    int tries = 0;

    if (!s)
        return err;
    if (s->type != SKIFF_SOCK_STREAM)
        return -SKIFF_EOPNOTSUPP;
    if (flags & ~(SKIFF_SOCK_NONBLOCK | SKIFF_SOCK_CLOEXEC))
        return -SKIFF_EINVAL;
    deadline = skiff_sock_deadline(s->rcvtimeo);
    while ((r = skiff_sock_tcp_accept(s, &c)) == -SKIFF_EAGAIN &&
           skiff_sock_again(s->nonblock, &tries, deadline))
        ;
    if (r < 0)
        return r;
    r = skiff_sock_fd_alloc(c);
    if (r < 0) {
        /* No descriptor: the connection ends, as Linux would leave nothing to accept. */
        struct tcp_pcb *pcb = c->tcp;

        if (pcb) {
            tcp_arg(pcb, NULL);
            tcp_err(pcb, NULL);
            tcp_abort(pcb);
            c->tcp = NULL;
        }
        skiff_sock_tcp_close(c);
        skiff_sock_free(c);
        return r;
    }
    c->nonblock = (flags & SKIFF_SOCK_NONBLOCK) != 0;
    c->cloexec = (flags & SKIFF_SOCK_CLOEXEC) != 0;
    if (c->tcp)
        skiff_sock_addr_out(addr, len, &c->tcp->remote_ip, c->tcp->remote_port);
    else
        skiff_sock_addr_out(addr, len, NULL, 0);
    return r;
}

long skiff_sock_connect(long fd, const void *addr, long len)
{
    long err, r;
    struct skiff_sock *s = skiff_sock_get(fd, &err);
    ip_addr_t ip;
    u16_t port;
    solo5_time_t deadline;

    if (!s)
        return err;
    if (s->type == SKIFF_SOCK_DGRAM) {
        uint16_t family = 0;

        if (addr && len >= (long)sizeof(family))
            memcpy(&family, addr, sizeof(family));
        if (family == 0) { /* AF_UNSPEC: forget the peer */
            udp_disconnect(s->udp);
            s->state = SKIFF_SOCK_NEW;
            return 0;
        }
        r = skiff_sock_addr_in(addr, len, &ip, &port);
        if (r == 0 && udp_connect(s->udp, &ip, port) != ERR_OK)
            r = -SKIFF_ENETUNREACH;
        if (r == 0)
            s->state = SKIFF_SOCK_CONNECTED;
        return r;
    }
    r = skiff_sock_addr_in(addr, len, &ip, &port);
    if (r)
        return r;
    r = skiff_sock_tcp_connect(s, &ip, port);
    if (r != -SKIFF_EINPROGRESS || s->nonblock)
        return r;
    deadline = skiff_sock_deadline(s->sndtimeo);
    while (s->state == SKIFF_SOCK_CONNECTING) {
        if (!skiff_sock_again(0, NULL, deadline))
            return -SKIFF_EINPROGRESS;
    }
    if (s->state == SKIFF_SOCK_CONNECTED)
        return 0;
    r = s->err ? -s->err : -SKIFF_ECONNABORTED;
    s->err = 0;
    return r;
}

long skiff_sock_recvfrom(long fd, void *buf, size_t len, long flags, void *addr, uint32_t *alen)
{
    long err, r;
    struct skiff_sock *s = skiff_sock_get(fd, &err);
    int nonblock, tries = 0;
    size_t got = 0;
    solo5_time_t deadline;

    if (!s)
        return err;
    nonblock = s->nonblock || (flags & SKIFF_MSG_DONTWAIT);
    deadline = skiff_sock_deadline(s->rcvtimeo);
    for (;;) {
        if (s->type == SKIFF_SOCK_DGRAM) {
            r = skiff_sock_udp_recv(s, buf, len, flags, addr, alen);
        } else {
            r = skiff_sock_tcp_recv(s, (char *)buf + got, len - got, flags);
            if (r > 0) {
                if (got == 0)
                    skiff_sock_addr_out(addr, alen, s->tcp ? &s->tcp->remote_ip : NULL,
                                        s->tcp ? s->tcp->remote_port : 0);
                got += (size_t)r;
                /* MSG_WAITALL (blocking): on until len, the end, an error or the timeout. */
                if (!(flags & SKIFF_MSG_WAITALL) || (flags & SKIFF_MSG_PEEK) || nonblock ||
                    got == len)
                    return (long)got;
                continue;
            }
        }
        if (r != -SKIFF_EAGAIN || !skiff_sock_again(nonblock, &tries, deadline))
            return got > 0 ? (long)got : r;
    }
}

long skiff_sock_sendto(long fd, const void *buf, size_t len, long flags, const void *addr,
                       long alen)
{
    long err, r;
    struct skiff_sock *s = skiff_sock_get(fd, &err);
    int nonblock, tries = 0;
    size_t sent = 0;
    solo5_time_t deadline;

    if (!s)
        return err;
    nonblock = s->nonblock || (flags & SKIFF_MSG_DONTWAIT);
    if (s->type == SKIFF_SOCK_DGRAM) {
        ip_addr_t ip;
        u16_t port = 0;

        if (!addr)
            return skiff_sock_udp_send(s, buf, len, NULL, 0);
        r = skiff_sock_addr_in(addr, alen, &ip, &port);
        return r ? r : skiff_sock_udp_send(s, buf, len, &ip, port);
    }
    if (addr && s->state != SKIFF_SOCK_CONNECTED)
        return -SKIFF_EOPNOTSUPP; /* no TCP Fast Open */
    deadline = skiff_sock_deadline(s->sndtimeo);
    /* A blocking send returns once all of buf is queued; a non-blocking one takes what fits. */
    for (;;) {
        r = skiff_sock_tcp_send(s, (const char *)buf + sent, len - sent);
        if (r >= 0) {
            sent += (size_t)r;
            if (sent >= len)
                return (long)sent;
            continue;
        }
        if (r != -SKIFF_EAGAIN || (nonblock && sent > 0) ||
            !skiff_sock_again(nonblock, &tries, deadline))
            return sent > 0 ? (long)sent : r;
    }
}

long skiff_sock_shutdown(long fd, long how)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);

    if (!s)
        return err;
    if (how != SKIFF_SHUT_RD && how != SKIFF_SHUT_WR && how != SKIFF_SHUT_RDWR)
        return -SKIFF_EINVAL;
    if (s->type == SKIFF_SOCK_STREAM)
        return skiff_sock_tcp_shutdown(s, how);
    if (s->state != SKIFF_SOCK_CONNECTED)
        return -SKIFF_ENOTCONN;
    s->shut_rd |= how != SKIFF_SHUT_WR;
    s->shut_wr |= how != SKIFF_SHUT_RD;
    return 0;
}
