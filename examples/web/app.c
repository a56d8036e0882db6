/* app.c: a minimal HTTP/1.1 server on lwIP's raw TCP API. Serves a fixed page at "/", 1 MiB
 * of generated lines at "/big" (to exercise flow control), 404 for anything else; keeps
 * connections alive (HTTP/1.1 default; HTTP/1.0 with "Connection: keep-alive"), answers
 * pipelined requests in order, and closes a connection idle for 20 s.
 * Command line: --ipv4=ADDR/PREFIX [--ipv4-gateway=GW]; prints "SERVING http://ADDR/". */
#include "lwip/tcp.h"
#include "skiff_libc.h"
#include "skiff_lwip.h"

#define WEB_PORT       80
#define WEB_REQ_MAX    4096  /* bytes of request head (and pipelined requests) held */
#define WEB_IDLE_POLLS 20    /* tcp_poll every 1 s (2 coarse ticks): 20 s idle */
#define WEB_BIG_LINES  16384 /* /big: this many lines of 64 bytes */
#define WEB_BIG_SIZE   (WEB_BIG_LINES * 64)

static const char page[] = "<!DOCTYPE html>\n"
                           "<html><head><title>skiff</title></head>\n"
                           "<body><p>Hello from a skiff unikernel, served by lwIP.</p></body>\n"
                           "</html>\n";
static const char not_found[] = "not found\n";
static const char not_allowed[] = "method not allowed\n";
static const char bad_request[] = "bad request\n";
static char big[WEB_BIG_SIZE];

/* One connection. Output is a header (copied into lwIP as it is written) and a body (static,
 * referenced by lwIP until acknowledged); the next request is read once both are written. */
struct web_conn {
    struct tcp_pcb *pcb;
    char req[WEB_REQ_MAX];
    size_t req_len;
    char head[256];
    size_t head_len, head_off;
    const char *body;
    size_t body_len, body_off;
    int close_after; /* close once the current response is written */
    int http10;      /* the current request is HTTP/1.0: keep-alive must be said */
    int idle;        /* polls since the last progress */
};

/* The value of header name (case-insensitive) in the request head h[0..len), without the
 * spaces around it, or NULL; *vlen receives its length. */
static const char *header(const char *h, size_t len, const char *name, size_t *vlen)
{
    size_t nl = strlen(name);

    for (size_t i = 0; i + nl + 3 <= len; i++) {
        size_t j = 0, k, e;

        if (i == 0 || h[i - 1] != '\n')
            continue;
        while (j < nl && (h[i + j] | 0x20) == (name[j] | 0x20))
            j++;
        if (j < nl || h[i + nl] != ':')
            continue;
        for (k = i + nl + 1; k < len && h[k] == ' '; k++)
            ;
        for (e = k; e < len && h[e] != '\r'; e++)
            ;
        while (e > k && h[e - 1] == ' ')
            e--;
        *vlen = e - k;
        return h + k;
    }
    return NULL;
}

/* Does header name hold exactly value (case-insensitive)? */
static int header_is(const char *h, size_t len, const char *name, const char *value)
{
    size_t vlen, n = strlen(value);
    const char *v = header(h, len, name, &vlen);

    if (!v || vlen != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((v[i] | 0x20) != (value[i] | 0x20))
            return 0;
    return 1;
}

/* Queues a response: status line, headers, then body[0..len) unless head_only. */
static void respond(struct web_conn *c, int status, const char *reason, const char *type,
                    const char *body, size_t len, int head_only)
{
    int n = snprintf(c->head, sizeof(c->head),
                     "HTTP/1.1 %d %s\r\nServer: skiff-lwip\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\n%s\r\n",
                     status, reason, type, len,
                     c->close_after ? "Connection: close\r\n"
                     : c->http10    ? "Connection: keep-alive\r\n"
                                    : "");

    c->head_len = (size_t)n < sizeof(c->head) ? (size_t)n : sizeof(c->head) - 1;
    c->head_off = 0;
    c->body = body;
    c->body_len = head_only ? 0 : len;
    c->body_off = 0;
}

/* Takes one complete request off c->req and queues its response. Returns 0 if there is none
 * yet. */
static int next_request(struct web_conn *c)
{
    const char *r = c->req, *end = NULL;
    size_t line, head, target, tlen, vlen;
    int get, head_only;

    for (size_t i = 0; i + 4 <= c->req_len; i++)
        if (memcmp(r + i, "\r\n\r\n", 4) == 0) {
            end = r + i + 4;
            break;
        }
    if (!end)
        return 0;
    head = (size_t)(end - r);
    for (line = 0; r[line] != '\r'; line++)
        ;
    get = line > 4 && memcmp(r, "GET ", 4) == 0;
    head_only = line > 5 && memcmp(r, "HEAD ", 5) == 0;
    target = get ? 4 : head_only ? 5 : 0;
    for (tlen = 0; target && target + tlen < line && r[target + tlen] != ' '; tlen++)
        ;
    /* The request line must end " HTTP/1.x"; a body is not something this server takes. */
    if (line < 9 || memcmp(r + line - 9, " HTTP/1.", 8) != 0 ||
        (r[line - 1] != '0' && r[line - 1] != '1') || header(r, head, "Transfer-Encoding", &vlen) ||
        (header(r, head, "Content-Length", &vlen) && !header_is(r, head, "Content-Length", "0"))) {
        c->close_after = 1;
        respond(c, 400, "Bad Request", "text/plain", bad_request, sizeof(bad_request) - 1, 0);
    } else {
        c->http10 = r[line - 1] == '0';
        c->close_after = c->http10 ? !header_is(r, head, "Connection", "keep-alive")
                                   : header_is(r, head, "Connection", "close");
        if (!target)
            respond(c, 405, "Method Not Allowed", "text/plain", not_allowed,
                    sizeof(not_allowed) - 1, 0);
        else if (tlen == 1 && r[target] == '/')
            respond(c, 200, "OK", "text/html", page, sizeof(page) - 1, head_only);
        else if (tlen == 4 && memcmp(r + target, "/big", 4) == 0)
            respond(c, 200, "OK", "text/plain", big, sizeof(big), head_only);
        else
            respond(c, 404, "Not Found", "text/plain", not_found, sizeof(not_found) - 1, head_only);
    }
    c->req_len -= head;
    memmove(c->req, end, c->req_len);
    return 1;
}

/* Ends the connection: lwIP sends what is queued, then FIN. Returns ERR_ABRT if it had to
 * abort instead (the caller, a callback, must return that). */
static err_t web_close(struct web_conn *c)
{
    struct tcp_pcb *pcb = c->pcb;

    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_poll(pcb, NULL, 0);
    tcp_err(pcb, NULL);
    mem_free(c);
    if (tcp_close(pcb) == ERR_OK)
        return ERR_OK;
    tcp_abort(pcb);
    return ERR_ABRT;
}

/* Writes as much pending output as lwIP's send buffer takes. Returns 1 if all of it is. */
static int web_write(struct web_conn *c)
{
    while (c->head_off < c->head_len || c->body_off < c->body_len) {
        int in_head = c->head_off < c->head_len;
        const char *p = in_head ? c->head + c->head_off : c->body + c->body_off;
        size_t n = in_head ? c->head_len - c->head_off : c->body_len - c->body_off;
        size_t room = tcp_sndbuf(c->pcb);
        u8_t flags = in_head ? TCP_WRITE_FLAG_COPY : 0;

        if (room == 0)
            break;
        if (n > room)
            n = room;
        if (n > 0xffff)
            n = 0xffff;
        if ((in_head && c->body_len) || p + n < c->body + c->body_len)
            flags |= TCP_WRITE_FLAG_MORE;
        if (tcp_write(c->pcb, p, (u16_t)n, flags) != ERR_OK)
            break; /* out of segments: the sent or poll callback tries again */
        if (in_head)
            c->head_off += n;
        else
            c->body_off += n;
    }
    tcp_output(c->pcb);
    return c->head_off == c->head_len && c->body_off == c->body_len;
}

/* Makes progress: writes pending output, then answers the next buffered request. */
static err_t web_serve(struct web_conn *c)
{
    while (web_write(c)) {
        if (c->close_after)
            return web_close(c);
        if (!next_request(c))
            break;
    }
    return ERR_OK;
}

static err_t web_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct web_conn *c = arg;

    if (!p) { /* the client is done sending: finish the response in hand, then close */
        c->close_after = 1;
        c->req_len = 0;
        return web_serve(c);
    }
    if (err != ERR_OK) {
        pbuf_free(p);
        return err;
    }
    if (p->tot_len > sizeof(c->req) - c->req_len) {
        if (c->head_off < c->head_len || c->body_off < c->body_len)
            return ERR_MEM;          /* busy: lwIP holds the data and offers it again later */
        tcp_recved(pcb, p->tot_len); /* a request head larger than the buffer */
        pbuf_free(p);
        c->req_len = 0;
        c->close_after = 1;
        respond(c, 400, "Bad Request", "text/plain", bad_request, sizeof(bad_request) - 1, 0);
        return web_serve(c);
    }
    pbuf_copy_partial(p, c->req + c->req_len, p->tot_len, 0);
    c->req_len += p->tot_len;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    c->idle = 0;
    return web_serve(c);
}

static err_t web_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct web_conn *c = arg;

    (void)pcb;
    (void)len;
    c->idle = 0;
    return web_serve(c);
}

static err_t web_poll(void *arg, struct tcp_pcb *pcb)
{
    struct web_conn *c = arg;

    (void)pcb;
    if (++c->idle >= WEB_IDLE_POLLS)
        return web_close(c);
    return web_serve(c);
}

static void web_err(void *arg, err_t err)
{
    (void)err;
    mem_free(arg); /* lwIP has freed the pcb already */
}

static err_t web_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct web_conn *c;

    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    c = mem_malloc(sizeof(*c));
    if (!c)
        return ERR_MEM; /* lwIP aborts the connection */
    memset(c, 0, sizeof(*c));
    c->pcb = pcb;
    tcp_arg(pcb, c);
    tcp_recv(pcb, web_recv);
    tcp_sent(pcb, web_sent);
    tcp_poll(pcb, web_poll, 2);
    tcp_err(pcb, web_err);
    tcp_nagle_disable(pcb);
    return ERR_OK;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    struct netif *netif = skiff_lwip_start("service0", si->cmdline);
    struct tcp_pcb *listener = tcp_new();

    for (size_t i = 0; i < sizeof(big); i++)
        big[i] = (i % 64 == 63) ? '\n' : (char)('a' + (i / 64) % 26);
    if (!listener || tcp_bind(listener, IP_ADDR_ANY, WEB_PORT) != ERR_OK ||
        !(listener = tcp_listen(listener))) {
        printf("web: cannot listen on port %d\n", WEB_PORT);
        return 1;
    }
    tcp_accept(listener, web_accept);
    printf("SERVING http://%s/\n", ip4addr_ntoa(netif_ip4_addr(netif)));
    for (;;)
        skiff_lwip_poll(UINT64_MAX);
}
