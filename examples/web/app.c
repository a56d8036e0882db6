/* app.c: an HTTP/1.1 file server on lwIP's raw TCP API (docs/web.md). Serves the files of a
 * ustar archive on block device "storage" (content.c) and a status page at /_status; keeps
 * connections alive, answers pipelined requests in order, closes idle and slow ones.
 * Command line: --ipv4=ADDR/PREFIX [--ipv4-gateway=GW] [--port=N] [--idle-timeout=S]
 * [--head-timeout=S]; prints "SERVING http://ADDR[:PORT]/" once it listens. */
#include "content.h"
#include "http.h"
#include "lwip/stats.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "skiff_libc.h"
#include "skiff_lwip.h"

#define WEB_MAX_CONNS  1050 /* at least 1,000 clients at once; lwipopts.h has the pcbs */
#define WEB_REQ_MAX    4096 /* bytes of request head (413 beyond), pipelined ones included */
#define WEB_OUT_MAX    1536 /* response head, or a generated body (the status page) */
#define WEB_STACK      (256 * 1024) /* left to the stack at the top of the heap */
#define WEB_LINGER_MS  2000 /* input dropped after a response that ends a connection early */
#define WEB_EXIT_USAGE 64

_Static_assert(WEB_MAX_CONNS < MEMP_NUM_TCP_PCB, "lwipopts.h: fewer pcbs than connections");

static const char msg_400[] = "bad request\n", msg_404[] = "not found\n",
                  msg_405[] = "method not allowed\n", msg_408[] = "request timeout\n",
                  msg_413[] = "request head too large\n", msg_501[] = "not implemented\n",
                  msg_505[] = "HTTP version not supported\n";

/* One connection. Output is a head (copied into lwIP as it is written) and a body (a file in
 * memory for the whole run, or a message; referenced by lwIP until acknowledged). */
struct web_conn {
    struct tcp_pcb *pcb;
    struct web_conn *next_free;
    struct pbuf *rx; /* received, not yet in req: its window stays closed until it is */
    size_t req_len;
    size_t out_len, out_off;
    const uint8_t *body;
    size_t body_len, body_off;
    u32_t last_progress, head_start; /* sys_now() ms */
    uint8_t close_after;             /* close once the current response is written */
    uint8_t peer_closed;             /* the client sent FIN: answer what is complete, then close */
    uint8_t http10;                  /* the request is HTTP/1.0: keep-alive must be said */
    uint8_t draining;                /* answered and shut for sending: input is read and dropped */
    char req[WEB_REQ_MAX];
    char out[WEB_OUT_MAX];
};

static struct web_conn *conns, *free_conns;
static u32_t idle_ms = 30000, head_ms = 10000;
static uint64_t started;
static struct {
    uint64_t total, refused, timed_out, reset, requests, bytes_out, responses[6];
    size_t open, max_open;
} stats;

static void status_line(struct web_conn *c, int status, const char *type, size_t len,
                        const char *extra)
{
    char date[30];

    http_date(solo5_clock_wall() / 1000000000ULL, date);
    c->out_len =
        (size_t)snprintf(c->out, sizeof(c->out),
                         "HTTP/1.1 %d %s\r\nServer: skiff-web\r\nDate: %s\r\nContent-Type: %s\r\n"
                         "Content-Length: %zu\r\n%s%s\r\n",
                         status, http_reason(status), date, type, len, extra,
                         c->close_after ? "Connection: close\r\n"
                         : c->http10    ? "Connection: keep-alive\r\n"
                                        : "");
    if (c->out_len >= sizeof(c->out))
        c->out_len = sizeof(c->out) - 1;
    c->out_off = 0;
    stats.responses[status / 100 < 6 ? status / 100 : 0]++;
}

/* Queues a response whose body is body[0..len) (not sent for HEAD). */
static void respond(struct web_conn *c, int status, const char *type, const void *body, size_t len,
                    int head_only, const char *extra)
{
    status_line(c, status, type, len, extra);
    c->body = body;
    c->body_len = head_only ? 0 : len;
    c->body_off = 0;
}

static void respond_msg(struct web_conn *c, int status, const char *msg, int head_only)
{
    respond(c, status, "text/plain; charset=utf-8", msg, strlen(msg), head_only,
            status == 405 ? "Allow: GET, HEAD\r\n" : "");
}

/* The status page: counters as "name value" lines, head and body in c->out. */
static void respond_status(struct web_conn *c, int head_only)
{
    char body[1024];
    size_t n;
    const struct stats_mem *pcb = lwip_stats.memp[MEMP_TCP_PCB];
    const struct stats_mem *seg = lwip_stats.memp[MEMP_TCP_SEG];
    const struct stats_mem *ref = lwip_stats.memp[MEMP_PBUF];

    n = (size_t)snprintf(
        body, sizeof(body),
        "uptime_seconds %llu\nconnections_open %zu\nconnections_max_open %zu\n"
        "connections_limit %d\nconnections_total %llu\nconnections_refused %llu\n"
        "connections_timed_out %llu\nconnections_reset %llu\nrequests %llu\n"
        "responses_2xx %llu\nresponses_3xx %llu\nresponses_4xx %llu\nresponses_5xx %llu\n"
        "bytes_out %llu\nfiles %zu\ncontent_bytes %llu\n"
        "lwip_heap_used %lu\nlwip_heap_max %lu\nlwip_heap_size %lu\nlwip_heap_errors %lu\n"
        "tcp_pcbs_used %u\ntcp_pcbs_max %u\ntcp_pcbs_limit %u\n"
        "tcp_segs_used %u\ntcp_segs_max %u\ntcp_segs_limit %u\ntcp_segs_errors %u\n"
        "pbuf_refs_used %u\npbuf_refs_max %u\npbuf_refs_limit %u\n",
        (unsigned long long)((solo5_clock_monotonic() - started) / 1000000000ULL), stats.open,
        stats.max_open, WEB_MAX_CONNS, (unsigned long long)stats.total,
        (unsigned long long)stats.refused, (unsigned long long)stats.timed_out,
        (unsigned long long)stats.reset, (unsigned long long)stats.requests,
        (unsigned long long)stats.responses[2], (unsigned long long)stats.responses[3],
        (unsigned long long)stats.responses[4], (unsigned long long)stats.responses[5],
        (unsigned long long)stats.bytes_out, web_content_files(),
        (unsigned long long)web_content_bytes(), (unsigned long)lwip_stats.mem.used,
        (unsigned long)lwip_stats.mem.max, (unsigned long)MEM_SIZE,
        (unsigned long)lwip_stats.mem.err, (unsigned)pcb->used, (unsigned)pcb->max,
        (unsigned)pcb->avail, (unsigned)seg->used, (unsigned)seg->max, (unsigned)seg->avail,
        (unsigned)seg->err, (unsigned)ref->used, (unsigned)ref->max, (unsigned)ref->avail);
    if (n >= sizeof(body))
        n = sizeof(body) - 1;
    status_line(c, 200, "text/plain; charset=utf-8", n, "Cache-Control: no-store\r\n");
    if (!head_only && c->out_len + n <= sizeof(c->out)) {
        memcpy(c->out + c->out_len, body, n); /* copied with the head */
        c->out_len += n;
    }
    c->body = NULL;
    c->body_len = 0;
}

/* Queues the response to one parsed request. */
static void handle(struct web_conn *c, const struct http_request *r)
{
    char path[HTTP_PATH_MAX + 16], extra[HTTP_PATH_MAX + 32];
    int head_only = r->method == HTTP_HEAD, n;
    const struct web_file *f;

    stats.requests++;
    c->close_after = !r->keep_alive || c->peer_closed;
    c->http10 = r->minor == 0;
    if (r->status) {
        respond_msg(c, r->status,
                    r->status == 405   ? msg_405
                    : r->status == 501 ? msg_501
                    : r->status == 505 ? msg_505
                                       : msg_400,
                    0);
        return;
    }
    n = http_path(r->target, r->target_len, path);
    if (n < 0) {
        c->close_after = 1;
        respond_msg(c, 400, msg_400, head_only);
        return;
    }
    if (strcmp(path, "/_status") == 0) {
        respond_status(c, head_only);
        return;
    }
    if (path[n - 1] == '/') /* a directory: its index.html */
        memcpy(path + n, "index.html", 11);
    f = web_content_find(path);
    if (f) {
        respond(c, 200, http_content_type(f->path), f->data, f->size, head_only, "");
        return;
    }
    memcpy(path + n, "/index.html", 12);
    if (path[n - 1] != '/' && web_content_find(path)) { /* a directory named without its / */
        path[n] = '\0';
        snprintf(extra, sizeof(extra), "Location: %s/\r\n", path);
        respond(c, 301, "text/plain; charset=utf-8", "", 0, head_only, extra);
        return;
    }
    respond_msg(c, 404, msg_404, head_only);
}

static void conn_free(struct web_conn *c)
{
    if (c->rx)
        pbuf_free(c->rx);
    c->rx = NULL;
    c->pcb = NULL;
    c->next_free = free_conns;
    free_conns = c;
    stats.open--;
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
        stats.bytes_out += n;
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
            stats.requests++;
            c->close_after = 1;
            respond_msg(c, 413, msg_413, 0);
            c->req_len = 0;
            continue;
        }
        handle(c, &r);
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
        stats.timed_out++;
        return web_abort(c); /* the client stopped reading */
    }
    if ((c->req_len || c->rx) && now - c->head_start >= head_ms) {
        stats.timed_out++;
        stats.requests++;
        c->close_after = 1;
        c->req_len = 0;
        respond_msg(c, 408, msg_408, 0);
        return web_serve(c);
    }
    if (!c->req_len && !c->rx && now - c->last_progress >= idle_ms) {
        stats.timed_out++;
        return web_close(c);
    }
    return web_serve(c);
}

static void web_err(void *arg, err_t err)
{
    struct web_conn *c = arg;

    if (err == ERR_RST)
        stats.reset++;
    conn_free(c); /* lwIP has freed the pcb already */
}

static err_t web_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct web_conn *c = free_conns;

    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    if (!c) {
        stats.refused++;
        return ERR_MEM; /* lwIP resets the connection */
    }
    free_conns = c->next_free;
    c->pcb = pcb;
    c->rx = NULL;
    c->req_len = c->out_len = c->out_off = c->body_len = c->body_off = 0;
    c->close_after = c->peer_closed = c->draining = 0;
    c->last_progress = c->head_start = sys_now();
    stats.total++;
    if (++stats.open > stats.max_open)
        stats.max_open = stats.open;
    tcp_arg(pcb, c);
    tcp_recv(pcb, web_recv);
    tcp_sent(pcb, web_sent);
    tcp_poll(pcb, web_poll, 2);
    tcp_err(pcb, web_err);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

/* Reads "--NAME=N" (seconds or a port, 1..max) from word w[0..len) into *v. Returns 1 if w is
 * that option, -1 if it is with a bad value, 0 if it is another word. */
static int number_opt(const char *w, size_t len, const char *name, u32_t max, u32_t *v)
{
    size_t nl = strlen(name), i;
    u32_t n = 0;

    if (len < nl || memcmp(w, name, nl) != 0)
        return 0;
    for (i = nl; i < len && w[i] >= '0' && w[i] <= '9' && n <= max; i++)
        n = n * 10 + (u32_t)(w[i] - '0');
    if (i == nl || i != len || n == 0 || n > max)
        return -1;
    *v = n;
    return 1;
}

/* The application's options (lwIP's --ipv4 ones are skiff_lwip_start's). Exits 64 on a bad
 * one. */
static void parse_args(const char *s, u32_t *port)
{
    u32_t idle = idle_ms / 1000, head = head_ms / 1000;

    while (s && *s) {
        size_t len = 0;
        int r = 0;

        while (*s == ' ')
            s++;
        while (s[len] && s[len] != ' ')
            len++;
        if (len == 0)
            break;
        if (!(len >= 7 && memcmp(s, "--ipv4=", 7) == 0) &&
            !(len >= 15 && memcmp(s, "--ipv4-gateway=", 15) == 0) &&
            !(r = number_opt(s, len, "--port=", 65535, port)) &&
            !(r = number_opt(s, len, "--idle-timeout=", 86400, &idle)) &&
            !(r = number_opt(s, len, "--head-timeout=", 86400, &head)))
            r = -1;
        if (r < 0) {
            printf("web: '%.*s' is not an option (--ipv4=ADDR/PREFIX --ipv4-gateway=GW "
                   "--port=1-65535 --idle-timeout=SECONDS --head-timeout=SECONDS)\n",
                   (int)len, s);
            solo5_exit(WEB_EXIT_USAGE);
        }
        s += len;
    }
    idle_ms = idle * 1000;
    head_ms = head * 1000;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    u32_t port = 80;
    struct netif *netif;
    struct tcp_pcb *listener;
    uint8_t *mem = (uint8_t *)si->heap_start;
    size_t pool = WEB_MAX_CONNS * sizeof(struct web_conn), used = 0;
    int st;

    started = solo5_clock_monotonic();
    parse_args(si->cmdline, &port);
    if (si->heap_size < pool + WEB_STACK + 64 * 1024) {
        printf("web: %zu KiB of memory is not enough for %d connections (give more --mem)\n",
               si->heap_size / 1024, WEB_MAX_CONNS);
        return WEB_EXIT_DATAERR;
    }
    conns = (struct web_conn *)mem;
    memset(conns, 0, pool);
    for (int i = WEB_MAX_CONNS - 1; i >= 0; i--) {
        conns[i].next_free = free_conns;
        free_conns = &conns[i];
    }
    st = web_content_load("storage", mem + pool, si->heap_size - pool - WEB_STACK, &used);
    if (st)
        return st;
    printf("web: %zu files, %llu bytes from storage; %zu KiB of memory for content, %zu KiB for "
           "%d connections\n",
           web_content_files(), (unsigned long long)web_content_bytes(),
           (si->heap_size - pool - WEB_STACK) / 1024, pool / 1024, WEB_MAX_CONNS);
    netif = skiff_lwip_start("service0", si->cmdline);
    listener = tcp_new();
    if (!listener || tcp_bind(listener, IP_ADDR_ANY, (u16_t)port) != ERR_OK ||
        !(listener = tcp_listen_with_backlog(listener, 255))) {
        printf("web: cannot listen on port %u\n", (unsigned)port);
        return 1;
    }
    tcp_accept(listener, web_accept);
    if (port == 80)
        printf("SERVING http://%s/\n", ip4addr_ntoa(netif_ip4_addr(netif)));
    else
        printf("SERVING http://%s:%u/\n", ip4addr_ntoa(netif_ip4_addr(netif)), (unsigned)port);
    for (;;)
        skiff_lwip_poll(UINT64_MAX);
}
