/* web.h: what the web server's files share: one connection's state, the counters the status
 * page shows, and the two halves that answer (respond.c) and move bytes (conn.c). */
#ifndef WEB_H
#define WEB_H

#include "http.h"
#include "lwip/tcp.h"
#include "skiff_libc.h"

#define WEB_MAX_CONNS 1050 /* at least 1,000 clients at once; lwipopts.h has the pcbs */
#define WEB_REQ_MAX   4096 /* bytes of request head (413 beyond), pipelined ones included */
#define WEB_OUT_MAX   1536 /* response head, or a generated body (the status page) */

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

struct web_stats {
    uint64_t total, refused, timed_out, reset, requests, bytes_out, responses[6];
    size_t open, max_open;
};

extern struct web_stats web_stats; /* conn.c's, read by respond.c's status page */
extern uint64_t web_started;       /* solo5_clock_monotonic() at start */

/* respond.c: queue a response in c->out / c->body. */
void web_respond_msg(struct web_conn *c, int status, const char *msg, int head_only);
void web_handle(struct web_conn *c, const struct http_request *r);
extern const char web_msg_408[], web_msg_413[];

/* conn.c: the lwIP side. web_accept is the listener's accept callback; web_conns_init
 * gives it n connections at mem. */
void web_conns_init(struct web_conn *mem, int n, uint32_t idle_ms, uint32_t head_ms);
err_t web_accept(void *arg, struct tcp_pcb *pcb, err_t err);

#endif
