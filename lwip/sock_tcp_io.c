/* sock_tcp_io.c: moving bytes on TCP sockets: reading from the receive queue lwIP's callbacks
 * fill (sock_tcp.c), writing into lwIP's send buffer, shutdown, and the poll bits. */
#include "sock_impl.h"

/* Tells lwIP that n bytes were read, so it opens the window again (it takes 16 bits). */
static void rx_done(struct skiff_sock *s, size_t n)
{
    while (s->tcp && n > 0) {
        u16_t k = n > 0xffff ? 0xffff : (u16_t)n;

        tcp_recved(s->tcp, k);
        n -= k;
    }
}

long skiff_sock_tcp_recv(struct skiff_sock *s, void *buf, size_t len, long flags)
{
    size_t n = 0, off = s->rx_off;
    struct pbuf *q = s->rx;

    if (s->rx_len > 0) {
        while (q && n < len) {
            size_t k = q->len - off < len - n ? q->len - off : len - n;

            memcpy((char *)buf + n, (const char *)q->payload + off, k);
            n += k;
            off += k;
            if (off < q->len)
                break;
            q = q->next;
            off = 0;
        }
        if (!(flags & SKIFF_MSG_PEEK)) {
            /* Free the pbufs read to their end, one by one (the chain's tot_len is not kept). */
            while (s->rx != q) {
                struct pbuf *done = s->rx;

                s->rx = done->next;
                done->next = NULL;
                pbuf_free(done);
            }
            if (!s->rx)
                s->rx_tail = NULL;
            s->rx_off = off;
            s->rx_len -= n;
            rx_done(s, n);
        }
        return (long)n;
    }
    if (s->rx_eof || s->shut_rd || len == 0)
        return 0;
    if (s->err) {
        long e = s->err;

        s->err = 0;
        return -e;
    }
    switch (s->state) {
    case SKIFF_SOCK_CONNECTED:
    case SKIFF_SOCK_CONNECTING:
        return -SKIFF_EAGAIN;
    case SKIFF_SOCK_DEAD:
        return 0;
    default:
        return -SKIFF_ENOTCONN;
    }
}

long skiff_sock_tcp_send(struct skiff_sock *s, const void *buf, size_t len)
{
    size_t room;
    err_t err;

    if (s->err) {
        long e = s->err;

        s->err = 0;
        return -e;
    }
    if (s->state == SKIFF_SOCK_CONNECTING)
        return -SKIFF_EAGAIN;
    if (s->state == SKIFF_SOCK_NEW || s->state == SKIFF_SOCK_LISTEN)
        return -SKIFF_ENOTCONN;
    if (!s->tcp || s->shut_wr)
        return -SKIFF_EPIPE; /* no signals here: as with MSG_NOSIGNAL */
    if (len == 0)
        return 0;
    room = tcp_sndbuf(s->tcp);
    if (tcp_sndqueuelen(s->tcp) >= TCP_SND_QUEUELEN)
        room = 0;
    if (room == 0)
        return -SKIFF_EAGAIN;
    if (len > room)
        len = room;
    if (len > 0xffff)
        len = 0xffff;
    err = tcp_write(s->tcp, buf, (u16_t)len, TCP_WRITE_FLAG_COPY);
    if (err == ERR_MEM) {
        tcp_output(s->tcp);
        return -SKIFF_EAGAIN;
    }
    if (err != ERR_OK)
        return -SKIFF_EPIPE;
    tcp_output(s->tcp);
    return (long)len;
}

long skiff_sock_tcp_shutdown(struct skiff_sock *s, long how)
{
    if (s->state != SKIFF_SOCK_CONNECTED && s->state != SKIFF_SOCK_DEAD)
        return -SKIFF_ENOTCONN;
    if (how == SKIFF_SHUT_RD || how == SKIFF_SHUT_RDWR) {
        s->shut_rd = 1;
        rx_done(s, s->rx_len);
        skiff_sock_rx_drop(s);
    }
    if ((how == SKIFF_SHUT_WR || how == SKIFF_SHUT_RDWR) && !s->shut_wr) {
        s->shut_wr = 1;
        if (s->tcp && tcp_shutdown(s->tcp, 0, 1) != ERR_OK)
            return -SKIFF_ENOBUFS;
        /* The peer had ended already: lwIP finishes alone from here. */
        if (s->rx_eof)
            skiff_sock_tcp_detach(s);
    }
    return 0;
}

short skiff_sock_tcp_events(struct skiff_sock *s)
{
    short ev = 0;

    switch (s->state) {
    case SKIFF_SOCK_LISTEN:
        return s->pending ? SKIFF_POLLIN : 0;
    case SKIFF_SOCK_NEW:
        return SKIFF_POLLOUT | SKIFF_POLLHUP; /* as Linux reports an unconnected socket */
    case SKIFF_SOCK_CONNECTING:
        return 0;
    case SKIFF_SOCK_DEAD:
        ev = SKIFF_POLLIN | SKIFF_POLLOUT | SKIFF_POLLHUP | SKIFF_POLLRDHUP;
        break;
    case SKIFF_SOCK_CONNECTED:
        if (s->rx_len > 0)
            ev |= SKIFF_POLLIN;
        if (s->rx_eof || s->shut_rd)
            ev |= SKIFF_POLLIN | SKIFF_POLLRDHUP;
        if (s->rx_eof && s->shut_wr)
            ev |= SKIFF_POLLHUP;
        /* Writable once a quarter of the send buffer is free, so that writers fill it in
         * large pieces; after shutdown(SHUT_WR), writes fail at once. */
        if (s->shut_wr || !s->tcp ||
            (tcp_sndbuf(s->tcp) >= TCP_SND_BUF / 4 && tcp_sndqueuelen(s->tcp) < TCP_SND_QUEUELEN))
            ev |= SKIFF_POLLOUT;
        break;
    }
    if (s->err)
        ev |= SKIFF_POLLERR;
    return ev;
}
