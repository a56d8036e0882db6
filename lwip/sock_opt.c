/* sock_opt.c: a socket's names, options and flags: getsockname, getpeername, setsockopt,
 * getsockopt, fcntl and ioctl. */
#include "sock_impl.h"

/* The pcb fields both kinds share (lwIP's IP_PCB), or NULL. */
static const ip_addr_t *local_ip(const struct skiff_sock *s, u16_t *port)
{
    if (s->tcp) {
        *port = s->tcp->local_port;
        return &s->tcp->local_ip;
    }
    if (s->udp) {
        *port = s->udp->local_port;
        return &s->udp->local_ip;
    }
    *port = 0;
    return NULL;
}

long skiff_sock_getsockname(long fd, void *addr, uint32_t *len)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);
    u16_t port;
    const ip_addr_t *ip;

    if (!s)
        return err;
    if (!addr || !len)
        return -SKIFF_EFAULT;
    ip = local_ip(s, &port);
    skiff_sock_addr_out(addr, len, ip, port);
    return 0;
}

long skiff_sock_getpeername(long fd, void *addr, uint32_t *len)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);

    if (!s)
        return err;
    if (!addr || !len)
        return -SKIFF_EFAULT;
    if (s->state != SKIFF_SOCK_CONNECTED || (!s->tcp && !s->udp))
        return -SKIFF_ENOTCONN;
    if (s->tcp)
        skiff_sock_addr_out(addr, len, &s->tcp->remote_ip, s->tcp->remote_port);
    else
        skiff_sock_addr_out(addr, len, &s->udp->remote_ip, s->udp->remote_port);
    return 0;
}

static int64_t timeval_ns(const struct skiff_timeval *tv)
{
    if (tv->tv_sec == 0 && tv->tv_usec == 0)
        return -1; /* zero: no timeout */
    return tv->tv_sec * 1000000000 + tv->tv_usec * 1000;
}

/* A socket-level option's so_options bit on the pcb (which lwIP's listen copies). */
static void set_so_bit(struct skiff_sock *s, u8_t bit, int on)
{
    u8_t *opts = s->tcp ? &s->tcp->so_options : s->udp ? &s->udp->so_options : NULL;

    if (opts)
        *opts = (u8_t)(on ? *opts | bit : *opts & ~bit);
}

long skiff_sock_setsockopt(long fd, long level, long name, const void *val, long len)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);
    int on = 0;

    if (!s)
        return err;
    if (!val)
        return -SKIFF_EFAULT;
    if (len >= (long)sizeof(int))
        memcpy(&on, val, sizeof(int));
    if (level == SKIFF_SOL_SOCKET && (name == SKIFF_SO_RCVTIMEO || name == SKIFF_SO_SNDTIMEO)) {
        struct skiff_timeval tv;

        if (len < (long)sizeof(tv))
            return -SKIFF_EINVAL;
        memcpy(&tv, val, sizeof(tv));
        if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
            return -SKIFF_EINVAL;
        *(name == SKIFF_SO_RCVTIMEO ? &s->rcvtimeo : &s->sndtimeo) = timeval_ns(&tv);
        return 0;
    }
    if (level == SKIFF_SOL_SOCKET && name == SKIFF_SO_LINGER) {
        struct skiff_linger l;

        if (len < (long)sizeof(l))
            return -SKIFF_EINVAL;
        memcpy(&l, val, sizeof(l));
        s->linger0 = l.l_onoff && l.l_linger == 0; /* other lingers: close() never waits */
        return 0;
    }
    if (len < (long)sizeof(int))
        return -SKIFF_EINVAL;
    switch (level == SKIFF_SOL_SOCKET ? name : -1) {
    case SKIFF_SO_REUSEADDR:
        set_so_bit(s, SOF_REUSEADDR, on);
        return 0;
    case SKIFF_SO_KEEPALIVE:
        set_so_bit(s, SOF_KEEPALIVE, on);
        return 0;
    case SKIFF_SO_BROADCAST:
        set_so_bit(s, SOF_BROADCAST, on);
        return 0;
    case SKIFF_SO_REUSEPORT: /* accepted: one process owns every port here anyway */
    case SKIFF_SO_RCVBUF:    /* accepted: lwIP's window and buffer are fixed (lwipopts.h) */
    case SKIFF_SO_SNDBUF:
        return 0;
    default:
        break;
    }
    if (level == SKIFF_IPPROTO_TCP && s->type == SKIFF_SOCK_STREAM) {
        switch (name) {
        case SKIFF_TCP_NODELAY:
            s->nodelay = on != 0;
            /* A listening pcb has no flags (lwIP's tcp_pcb_listen): its connections inherit
             * the option when they are accepted (sock_tcp.c). */
            if (s->tcp && s->state != SKIFF_SOCK_LISTEN) {
                if (on)
                    tcp_nagle_disable(s->tcp);
                else
                    tcp_nagle_enable(s->tcp);
            }
            return 0;
        case SKIFF_TCP_KEEPIDLE: /* accepted; lwIP's keepalive timing is fixed */
        case SKIFF_TCP_KEEPINTVL:
        case SKIFF_TCP_KEEPCNT:
            return 0;
        default:
            return -SKIFF_ENOPROTOOPT;
        }
    }
    if (level == SKIFF_IPPROTO_IP && (name == SKIFF_IP_TOS || name == SKIFF_IP_TTL))
        return 0; /* accepted, not applied */
    return -SKIFF_ENOPROTOOPT;
}

long skiff_sock_getsockopt(long fd, long level, long name, void *val, uint32_t *len)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);
    int v;
    u8_t opts = 0;

    if (!s)
        return err;
    if (!val || !len)
        return -SKIFF_EFAULT;
    if (s->tcp)
        opts = s->tcp->so_options;
    else if (s->udp)
        opts = s->udp->so_options;
    if (level == SKIFF_SOL_SOCKET) {
        switch (name) {
        case SKIFF_SO_ERROR: /* reading it clears it */
            v = s->err;
            s->err = 0;
            break;
        case SKIFF_SO_TYPE:
            v = s->type;
            break;
        case SKIFF_SO_ACCEPTCONN:
            v = s->state == SKIFF_SOCK_LISTEN;
            break;
        case SKIFF_SO_REUSEADDR:
            v = (opts & SOF_REUSEADDR) != 0;
            break;
        case SKIFF_SO_KEEPALIVE:
            v = (opts & SOF_KEEPALIVE) != 0;
            break;
        case SKIFF_SO_BROADCAST:
            v = (opts & SOF_BROADCAST) != 0;
            break;
        case SKIFF_SO_RCVBUF:
            v = TCP_WND;
            break;
        case SKIFF_SO_SNDBUF:
            v = TCP_SND_BUF;
            break;
        default:
            return -SKIFF_ENOPROTOOPT;
        }
    } else if (level == SKIFF_IPPROTO_TCP && name == SKIFF_TCP_NODELAY &&
               s->type == SKIFF_SOCK_STREAM) {
        v = s->nodelay;
    } else {
        return -SKIFF_ENOPROTOOPT;
    }
    memcpy(val, &v, *len < sizeof(v) ? *len : sizeof(v));
    *len = sizeof(v);
    return 0;
}

long skiff_sock_fcntl(long fd, long cmd, long arg)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);

    if (!s)
        return err;
    switch (cmd) {
    case SKIFF_F_GETFL:
        return SKIFF_O_RDWR | (s->nonblock ? SKIFF_O_NONBLOCK : 0);
    case SKIFF_F_SETFL:
        s->nonblock = (arg & SKIFF_O_NONBLOCK) != 0;
        return 0;
    case SKIFF_F_GETFD:
        return s->cloexec ? SKIFF_FD_CLOEXEC : 0;
    case SKIFF_F_SETFD:
        s->cloexec = (arg & SKIFF_FD_CLOEXEC) != 0;
        return 0;
    default:
        return -SKIFF_EINVAL; /* no F_DUPFD: descriptors are not duplicated here */
    }
}

long skiff_sock_ioctl(long fd, unsigned long req, void *arg)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);
    int v;

    if (!s)
        return err;
    if (!arg)
        return -SKIFF_EFAULT;
    switch (req) {
    case SKIFF_FIONBIO:
        memcpy(&v, arg, sizeof(v));
        s->nonblock = v != 0;
        return 0;
    case SKIFF_FIONREAD:
        if (s->type == SKIFF_SOCK_STREAM)
            v = (int)s->rx_len;
        else
            v = s->dg_count > 0 ? s->dgrams[s->dg_head].p->tot_len : 0;
        memcpy(arg, &v, sizeof(v));
        return 0;
    default:
        return -SKIFF_ENOTTY;
    }
}
