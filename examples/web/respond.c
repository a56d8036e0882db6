/* respond.c: the web server's answers: a request's file from the content image, the status
 * page, or a short message for each error status (docs/web.md). */
#include "content.h"
#include "lwip/stats.h"
#include "web.h"

static const char msg_400[] = "bad request\n", msg_404[] = "not found\n",
                  msg_405[] = "method not allowed\n", msg_501[] = "not implemented\n",
                  msg_505[] = "HTTP version not supported\n";
const char web_msg_408[] = "request timeout\n", web_msg_413[] = "request head too large\n";

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
    web_stats.responses[status / 100 < 6 ? status / 100 : 0]++;
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

void web_respond_msg(struct web_conn *c, int status, const char *msg, int head_only)
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
        (unsigned long long)((solo5_clock_monotonic() - web_started) / 1000000000ULL),
        web_stats.open, web_stats.max_open, WEB_MAX_CONNS, (unsigned long long)web_stats.total,
        (unsigned long long)web_stats.refused, (unsigned long long)web_stats.timed_out,
        (unsigned long long)web_stats.reset, (unsigned long long)web_stats.requests,
        (unsigned long long)web_stats.responses[2], (unsigned long long)web_stats.responses[3],
        (unsigned long long)web_stats.responses[4], (unsigned long long)web_stats.responses[5],
        (unsigned long long)web_stats.bytes_out, web_content_files(),
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
void web_handle(struct web_conn *c, const struct http_request *r)
{
    char path[HTTP_PATH_MAX + 16], extra[HTTP_PATH_MAX + 32];
    int head_only = r->method == HTTP_HEAD, n;
    const struct web_file *f;

    web_stats.requests++;
    c->close_after = !r->keep_alive || c->peer_closed;
    c->http10 = r->minor == 0;
    if (r->status) {
        web_respond_msg(c, r->status,
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
        web_respond_msg(c, 400, msg_400, head_only);
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
    web_respond_msg(c, 404, msg_404, head_only);
}
