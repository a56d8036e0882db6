/* app.c: an HTTP/1.1 file server on lwIP's raw TCP API (docs/web.md). Serves the files of a
 * ustar archive on block device "storage" (content.c) and a status page at /_status; keeps
 * connections alive, answers pipelined requests in order, closes idle and slow ones (conn.c).
 * Command line: --ipv4=ADDR/PREFIX [--ipv4-gateway=GW] [--port=N] [--idle-timeout=S]
 * [--head-timeout=S]; prints "SERVING http://ADDR[:PORT]/" once it listens. */
#include "content.h"
#include "skiff_lwip.h"
#include "web.h"

#define WEB_STACK      (256 * 1024) /* left to the stack at the top of the heap */
#define WEB_EXIT_USAGE 64

_Static_assert(WEB_MAX_CONNS < MEMP_NUM_TCP_PCB, "lwipopts.h: fewer pcbs than connections");

uint64_t web_started;
static u32_t idle_ms = 30000, head_ms = 10000;

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

    web_started = solo5_clock_monotonic();
    parse_args(si->cmdline, &port);
    if (si->heap_size < pool + WEB_STACK + 64 * 1024) {
        printf("web: %zu KiB of memory is not enough for %d connections (give more --mem)\n",
               si->heap_size / 1024, WEB_MAX_CONNS);
        return WEB_EXIT_DATAERR;
    }
    web_conns_init((struct web_conn *)mem, WEB_MAX_CONNS, idle_ms, head_ms);
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
