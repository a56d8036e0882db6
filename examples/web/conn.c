/* conn.c: the web server's connections on lwIP's raw TCP API: reading requests into each
 * connection's buffer, writing responses as the send window allows, keep-alive, pipelining,
 * and closing idle and slow connections (docs/web.md). */
#include "lwip/sys.h"
#include "web.h"

#define WEB_LINGER_MS 2000 /* input dropped after a response that ends a connection early */

struct web_stats web_stats;
static struct web_conn *free_conns;
static u32_t idle_ms, head_ms;

void web_conns_init(struct web_conn *mem, int n, uint32_t idle, uint32_t head)
{
    memset(mem, 0, (size_t)n * sizeof(*mem));
    for (int i = n - 1; i >= 0; i--) {
        mem[i].next_free = free_conns;
        free_conns = &mem[i];
    }
    idle_ms = idle;
    head_ms = head;
}

static void conn_free(struct web_conn *c)
{
    if (c->rx)
        pbuf_free(c->rx);
    c->rx = NULL;
    c->pcb = NULL;
    c->next_free = free_conns;
    free_conns = c;
    web_stats.open--;
}

static void detach(struct web_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;

    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
    tcp_err(pcb, NULL);
    conn_free(c);
}

/* Ends the connection: lwIP sends what is queued, then FIN. Returns ERR_ABRT if it had to
 * abort instead (the caller, a callback, must return that). */
static err_t web_close(struct web_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;

    detach(c);
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    tcp_abort(pcb);
    return ERR_ABRT;
}

/* Resets the connection (a client that stopped reading or talking). */
static err_t web_abort(struct web_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;

    detach(c);
    tcp_abort(pcb);
    return ERR_ABRT;
}

/* Closes a connection whose response is written. If the client may still be sending (a
 * request the server stopped reading), only the sending side is shut and input is dropped
 * for WEB_LINGER_MS: lwIP resets a connection closed with unread input, and the client would
 * lose the response with it. */
static err_t web_finish(struct web_conn *c)
{
    if (c->peer_closed || (!c->rx && !c->req_len))
        return web_close(c);
    if (c->rx) {
        tcp_recved(c->pcb, c->rx->tot_len);
        pbuf_free(c->rx);
        c->rx = NULL;
    }
    c->req_len = 0;
    c->draining = 1;
    c->head_start = sys_now();
    if (tcp_shutdown(c->pcb, 0, 1) != ERR_OK)
        return web_close(c);
    return ERR_OK;
}

/* Writes as much pending output as lwIP's send buffer takes. Returns 1 if all of it is. */
static int web_write(struct web_conn *c)
{
    while (c->out_off < c->out_len || c->body_off < c->body_len) {
        int in_head = c->out_off < c->out_len;
        const void *p = in_head ? (const void *)(c->out + c->out_off) : c->body + c->body_off;
        size_t n = in_head ? c->out_len - c->out_off : c->body_len - c->body_off;
        size_t room = tcp_sndbuf(c->pcb);
        u8_t flags = in_head ? TCP_WRITE_FLAG_COPY : 0;

        if (room == 0)
            break;
        if (n > room)
            n = room;
        if (n > 0xffff)
            n = 0xffff;
        if ((in_head && c->body_len) || (!in_head && c->body_off + n < c->body_len))
            flags |= TCP_WRITE_FLAG_MORE;
        if (tcp_write(c->pcb, p, (u16_t)n, flags) != ERR_OK)
            break; /* out of segments: the sent or poll callback tries again */
        if (in_head)
            c->out_off += n;
        else
            c->body_off += n;
        web_stats.bytes_out += n;
    }
    tcp_output(c->pcb);
    return c->out_off == c->out_len && c->body_off == c->body_len;
}

/* Moves received bytes into c->req as far as it has room, opening the window by as much. */
static void pull(struct web_conn *c)
{
    size_t n;

    if (!c->rx || c->req_len == sizeof(c->req))
        return;
    n = sizeof(c->req) - c->req_len;
    if (n > c->rx->tot_len)
        n = c->rx->tot_len;
    if (c->req_len == 0)
        c->head_start = sys_now();
    pbuf_copy_partial(c->rx, c->req + c->req_len, (u16_t)n, 0);
    c->req_len += n;
    c->rx = pbuf_free_header(c->rx, (u16_t)n);
    tcp_recved(c->pcb, (u16_t)n);
}

/* Makes progress: writes pending output, then answers the next complete request. */
static err_t web_serve(struct web_conn *c)
{
    struct http_request r;
    int got;

    if (c->draining)
        return ERR_OK;
    while (web_write(c)) {
        if (c->close_after)
            return web_finish(c);
        pull(c);
        got = http_parse(c->req, c->req_len, sizeof(c->req), &r);
        if (got == 0) {
            if (c->peer_closed && !c->rx)
                return web_close(c); /* nothing complete is left to answer */
            break;
        }
        if (got < 0) {
            web_stats.requests++;
            c->close_after = 1;
            web_respond_msg(c, 413, web_msg_413, 0);
            c->req_len = 0;
            continue;
        }
        web_handle(c, &r);
        c->req_len -= r.head_len;
        memmove(c->req, c->req + r.head_len, c->req_len);
        c->head_start = sys_now();
    }
    return ERR_OK;
}

static err_t web_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct web_conn *c = arg;

    if (err != ERR_OK) {
        if (p)
            pbuf_free(p);
        return err;
    }
    if (c->draining) {
        if (!p)
            return web_close(c);
        tcp_recved(pcb, p->tot_len);
        pbuf_free(p);
        return ERR_OK;
    }
    if (!p)
        c->peer_closed = 1;
    else if (c->rx)
        pbuf_cat(c->rx, p);
    else
        c->rx = p;
    c->last_progress = sys_now();
    return web_serve(c);
}

static err_t web_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct web_conn *c = arg;

    (void)pcb;
    (void)len;
    c->last_progress = sys_now();
    return web_serve(c);
}

/* Every second: ends connections that stalled. A request head must be complete within
 * head_ms of its first byte (408); anything else, idle for idle_ms, is closed. */
static err_t web_poll(void *arg, struct tcp_pcb *pcb)
{
    struct web_conn *c = arg;
    u32_t now = sys_now();

    (void)pcb;
    if (c->draining)
        return now - c->head_start >= WEB_LINGER_MS ? web_close(c) : ERR_OK;
    if (c->out_off < c->out_len || c->body_off < c->body_len) {
        if (now - c->last_progress < idle_ms)
            return web_serve(c);
        web_stats.timed_out++;
        return web_abort(c); /* the client stopped reading */
    }
    if ((c->req_len || c->rx) && now - c->head_start >= head_ms) {
        web_stats.timed_out++;
        web_stats.requests++;
        c->close_after = 1;
        c->req_len = 0;
        web_respond_msg(c, 408, web_msg_408, 0);
        return web_serve(c);
    }
    if (!c->req_len && !c->rx && now - c->last_progress >= idle_ms) {
        web_stats.timed_out++;
        return web_close(c);
    }
    return web_serve(c);
}

static void web_err(void *arg, err_t err)
{
    struct web_conn *c = arg;

    if (err == ERR_RST)
        web_stats.reset++;
    conn_free(c); /* lwIP has freed the pcb already */
}

err_t web_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct web_conn *c = free_conns;

    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    if (!c) {
        web_stats.refused++;
        return ERR_MEM; /* lwIP resets the connection */
    }
    free_conns = c->next_free;
    c->pcb = pcb;
    c->rx = NULL;
    c->req_len = c->out_len = c->out_off = c->body_len = c->body_off = 0;
    c->close_after = c->peer_closed = c->draining = 0;
    c->last_progress = c->head_start = sys_now();
    web_stats.total++;
    if (++web_stats.open > web_stats.max_open)
        web_stats.max_open = web_stats.open;
    tcp_arg(pcb, c);
    tcp_recv(pcb, web_recv);
    tcp_sent(pcb, web_sent);
    tcp_poll(pcb, web_poll, 2);
    tcp_err(pcb, web_err);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}
