/* sock_udp.c: UDP sockets on lwIP's raw API: received datagrams wait in a small ring per
 * socket (dropped when it is full, like a full receive buffer); sends go out at once. */
#include "sock_impl.h"

/* The largest payload of one IPv4 datagram. */
#define UDP_MAX_PAYLOAD 65507

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                    u16_t port)
{
    struct skiff_sock *s = arg;
    struct skiff_sock_dgram *d;

    (void)pcb;
    if (s->shut_rd || s->dg_count == SKIFF_SOCK_DGRAMS) {
        pbuf_free(p);
        return;
    }
    d = &s->dgrams[(s->dg_head + s->dg_count++) % SKIFF_SOCK_DGRAMS];
    d->p = p;
    d->addr = ip_addr_get_ip4_u32(addr);
    d->port = port;
}

long skiff_sock_udp_open(struct skiff_sock *s)
{
    s->dgrams = mem_calloc(SKIFF_SOCK_DGRAMS, sizeof(*s->dgrams));
    if (!s->dgrams)
        return -SKIFF_ENOMEM;
    s->udp = udp_new_ip_type(IPADDR_TYPE_V4);
    if (!s->udp) {
        mem_free(s->dgrams);
        s->dgrams = NULL;
        return -SKIFF_ENOBUFS;
    }
    udp_recv(s->udp, on_recv, s);
    return 0;
}

void skiff_sock_udp_close(struct skiff_sock *s)
{
    if (s->udp)
        udp_remove(s->udp);
    s->udp = NULL;
    for (; s->dg_count > 0; s->dg_count--) {
        pbuf_free(s->dgrams[s->dg_head].p);
        s->dg_head = (s->dg_head + 1) % SKIFF_SOCK_DGRAMS;
    }
    if (s->dgrams)
        mem_free(s->dgrams);
    s->dgrams = NULL;
}

long skiff_sock_udp_recv(struct skiff_sock *s, void *buf, size_t len, long flags, void *addr,
                         uint32_t *alen)
{
    struct skiff_sock_dgram *d = &s->dgrams[s->dg_head];
    size_t n, full;
    ip_addr_t from;

    if (s->dg_count == 0)
        return s->shut_rd ? 0 : -SKIFF_EAGAIN;
    full = d->p->tot_len;
    n = len < full ? len : full;
    pbuf_copy_partial(d->p, buf, (u16_t)n, 0);
    ip_addr_set_ip4_u32(&from, d->addr);
    skiff_sock_addr_out(addr, alen, &from, d->port);
    if (!(flags & SKIFF_MSG_PEEK)) {
        pbuf_free(d->p);
        d->p = NULL;
        s->dg_head = (s->dg_head + 1) % SKIFF_SOCK_DGRAMS;
        s->dg_count--;
    }
    /* The rest of a datagram longer than len is lost; MSG_TRUNC asks for its real length. */
    return (long)((flags & SKIFF_MSG_TRUNC) ? full : n);
}

long skiff_sock_udp_send(struct skiff_sock *s, const void *buf, size_t len, const ip_addr_t *ip,
                         u16_t port)
{
    struct pbuf *p;
    err_t err;

    if (s->shut_wr)
        return -SKIFF_EPIPE;
    if (!ip) {
        if (s->state != SKIFF_SOCK_CONNECTED)
            return -SKIFF_EDESTADDRREQ;
        ip = &s->udp->remote_ip;
        port = s->udp->remote_port;
    }
    if (len > UDP_MAX_PAYLOAD)
        return -SKIFF_EMSGSIZE;
    p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (!p)
        return -SKIFF_ENOBUFS;
    pbuf_take(p, buf, (u16_t)len);
    err = udp_sendto(s->udp, p, ip, port);
    pbuf_free(p);
    switch (err) {
    case ERR_OK:
        return (long)len;
    case ERR_RTE:
        return -SKIFF_ENETUNREACH;
    case ERR_USE:
        return -SKIFF_EADDRINUSE;
    case ERR_VAL:
        return -SKIFF_EINVAL;
    default:
        return -SKIFF_ENOBUFS;
    }
}

short skiff_sock_udp_events(struct skiff_sock *s)
{
    return (short)((s->dg_count > 0 || s->shut_rd ? SKIFF_POLLIN : 0) | SKIFF_POLLOUT);
}
