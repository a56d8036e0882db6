/* sock_tcp.c: TCP sockets on lwIP's raw API: lwIP's callbacks fill each socket's receive
 * queue and accept queue and record its errors; the calls take from them without waiting. */
#include "sock_impl.h"

static void tcp_attach(struct skiff_sock *s, struct tcp_pcb *pcb);

/* Linux's errno for an lwIP connection that ended with err (ERR_CLSD: an orderly end). */
static int conn_errno(const struct skiff_sock *s, err_t err)
{
    switch (err) {
    case ERR_CLSD:
        return 0;
    case ERR_RST:
        return s->state == SKIFF_SOCK_CONNECTING ? SKIFF_ECONNREFUSED : SKIFF_ECONNRESET;
    case ERR_ABRT: /* retransmissions or keepalives ran out (we detach before aborting) */
        return SKIFF_ETIMEDOUT;
    default:
        return SKIFF_ECONNABORTED;
    }
}

/* Leaves the pcb to lwIP, which finishes (or has finished) the connection alone. */
void skiff_sock_tcp_detach(struct skiff_sock *s)
{
    if (s->tcp) {
        tcp_arg(s->tcp, NULL);
        tcp_recv(s->tcp, NULL);
        tcp_err(s->tcp, NULL);
        s->tcp = NULL;
    }
}

void skiff_sock_rx_drop(struct skiff_sock *s)
{
    if (s->rx)
        pbuf_free(s->rx);
    s->rx = s->rx_tail = NULL;
    s->rx_off = s->rx_len = 0;
}

static void pending_unlink(struct skiff_sock *l, struct skiff_sock *c)
{
    for (struct skiff_sock **p = &l->pending; *p; p = &(*p)->next) {
        if (*p == c) {
            *p = c->next;
            break;
        }
    }
    c->next = c->listener = NULL;
}

/* lwIP freed the pcb. A connection nobody accepted yet simply leaves the queue. */
static void on_err(void *arg, err_t err)
{
    struct skiff_sock *s = arg;

    if (!s)
        return;
    s->tcp = NULL;
    if (s->listener) {
        pending_unlink(s->listener, s);
        skiff_sock_rx_drop(s);
        skiff_sock_free(s);
        return;
    }
    s->err = conn_errno(s, err);
    if (s->err == 0)
        s->rx_eof = 1;
    s->state = SKIFF_SOCK_DEAD;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct skiff_sock *s = arg;
    struct pbuf *last;

    (void)err;
    if (!p) {
        s->rx_eof = 1;
        /* Both directions are done: lwIP ends the connection (TIME_WAIT) without telling us. */
        if (s->shut_wr)
            skiff_sock_tcp_detach(s);
        return ERR_OK;
    }
    if (s->shut_rd) {
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    for (last = p; last->next; last = last->next)
        ;
    if (s->rx_tail)
        s->rx_tail->next = p;
    else
        s->rx = p;
    s->rx_tail = last;
    s->rx_len += p->tot_len;
    return ERR_OK;
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct skiff_sock *s = arg;

    (void)pcb, (void)err;
    s->state = SKIFF_SOCK_CONNECTED;
    return ERR_OK;
}

/* A new connection on a listener: queued until accept(), counted against the backlog until
 * then (tcp_backlog_delayed), so that lwIP drops further SYNs as Linux does. */
static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct skiff_sock *l = arg, *c, **tail;

    if (err != ERR_OK || !pcb || !l)
        return ERR_VAL;
    c = skiff_sock_new(SKIFF_SOCK_STREAM);
    if (!c)
        return ERR_MEM; /* lwIP aborts it */
    c->state = SKIFF_SOCK_CONNECTED;
    c->nodelay = l->nodelay;
    c->listener = l;
    tcp_attach(c, pcb);
    tcp_backlog_delayed(pcb);
    for (tail = &l->pending; *tail; tail = &(*tail)->next)
        ;
    *tail = c;
    return ERR_OK;
}

static void tcp_attach(struct skiff_sock *s, struct tcp_pcb *pcb)
{
    s->tcp = pcb;
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_err(pcb, on_err);
    if (s->nodelay)
        tcp_nagle_disable(pcb);
}

long skiff_sock_tcp_open(struct skiff_sock *s)
{
    struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);

    if (!pcb)
        return -SKIFF_ENOBUFS;
    tcp_attach(s, pcb);
    return 0;
}

void skiff_sock_tcp_close(struct skiff_sock *s)
{
    if (s->state == SKIFF_SOCK_LISTEN) {
        while (s->pending) {
            struct skiff_sock *c = s->pending;
            struct tcp_pcb *pcb = c->tcp;

            s->pending = c->next;
            skiff_sock_tcp_detach(c);
            if (pcb)
                tcp_abort(pcb);
            skiff_sock_rx_drop(c);
            skiff_sock_free(c);
        }
        tcp_arg(s->tcp, NULL);
        tcp_accept(s->tcp, NULL);
        tcp_close(s->tcp); /* a listener always closes */
        s->tcp = NULL;
    } else if (s->tcp) {
        struct tcp_pcb *pcb = s->tcp;

        skiff_sock_tcp_detach(s);
        /* Unread data or SO_LINGER 0 reset the connection, as on Linux; otherwise lwIP sends
         * what is queued, then its FIN, on its own. */
        if (s->rx_len > 0 || s->linger0 || tcp_close(pcb) != ERR_OK)
            tcp_abort(pcb);
    }
    skiff_sock_rx_drop(s);
}

long skiff_sock_tcp_listen(struct skiff_sock *s, long backlog)
{
    struct tcp_pcb *l;
    err_t err = ERR_OK;

    if (s->state == SKIFF_SOCK_LISTEN) {
        tcp_backlog_set(s->tcp, (u8_t)(backlog < 1 ? 1 : backlog > 255 ? 255 : backlog));
        return 0;
    }
    if (s->state != SKIFF_SOCK_NEW || !s->tcp)
        return -SKIFF_EINVAL;
    /* An unbound socket listens on an ephemeral port, as on Linux. */
    if (s->tcp->local_port == 0 && tcp_bind(s->tcp, IP4_ADDR_ANY, 0) != ERR_OK)
        return -SKIFF_EADDRINUSE;
    l = tcp_listen_with_backlog_and_err(s->tcp,
                                        (u8_t)(backlog < 1     ? 1
                                               : backlog > 255 ? 255
                                                               : backlog),
                                        &err);
    if (!l)
        return err == ERR_USE ? -SKIFF_EADDRINUSE : -SKIFF_ENOBUFS;
    s->tcp = l; /* the old pcb is freed */
    s->state = SKIFF_SOCK_LISTEN;
    tcp_arg(l, s);
    tcp_accept(l, on_accept);
    return 0;
}

long skiff_sock_tcp_accept(struct skiff_sock *s, struct skiff_sock **out)
{
    struct skiff_sock *c = s->pending;

    if (s->state != SKIFF_SOCK_LISTEN)
        return -SKIFF_EINVAL;
    if (!c)
        return -SKIFF_EAGAIN;
    pending_unlink(s, c);
    if (c->tcp)
        tcp_backlog_accepted(c->tcp);
    *out = c;
    return 0;
}

long skiff_sock_tcp_connect(struct skiff_sock *s, const ip_addr_t *ip, u16_t port)
{
    err_t err;

    switch (s->state) {
    case SKIFF_SOCK_NEW:
        break;
    case SKIFF_SOCK_CONNECTING:
        return -SKIFF_EALREADY;
    case SKIFF_SOCK_CONNECTED:
        return -SKIFF_EISCONN;
    default:
        return -SKIFF_EINVAL;
    }
    err = tcp_connect(s->tcp, ip, port, on_connected);
    switch (err) {
    case ERR_OK:
        s->state = SKIFF_SOCK_CONNECTING;
        return -SKIFF_EINPROGRESS;
    case ERR_RTE:
        return -SKIFF_ENETUNREACH;
    case ERR_USE:
        return -SKIFF_EADDRINUSE;
    case ERR_MEM:
        return -SKIFF_ENOBUFS;
    default:
        return -SKIFF_EINVAL;
    }
}
