/* app.c: an iperf 2 server: lwIP's own lwiperf (src/apps/lwiperf in lwIP's sources) on TCP
 * port 5001, fed by skiff_lwip_poll. A client (iperf -c ADDR) sends for a while and closes; the
 * server counts what it received and prints one line per finished connection (so -P N gives
 * N lines). It serves until the tender is stopped.
 * Command line: --ipv4=ADDR/PREFIX [--ipv4-gateway=GW]; prints "SERVING iperf ADDR:5001". */
#include "lwip/apps/lwiperf.h"
#include "skiff_libc.h"
#include "skiff_lwip.h"

static const char *const outcome[] = {
    [LWIPERF_TCP_DONE_SERVER] = "done",
    [LWIPERF_TCP_DONE_CLIENT] = "done (client)",
    [LWIPERF_TCP_ABORTED_LOCAL] = "aborted (local)",
    [LWIPERF_TCP_ABORTED_LOCAL_DATAERROR] = "aborted (data error)",
    [LWIPERF_TCP_ABORTED_LOCAL_TXERROR] = "aborted (send error)",
    [LWIPERF_TCP_ABORTED_REMOTE] = "aborted (remote)",
};

/* lwiperf's report callback: one line per connection, in a fixed shape a script can read. */
static void report(void *arg, enum lwiperf_report_type type, const ip_addr_t *local_addr,
                   u16_t local_port, const ip_addr_t *remote_addr, u16_t remote_port, u32_t bytes,
                   u32_t ms, u32_t kbit_per_s)
{
    unsigned *tests = arg;

    (void)local_addr;
    (void)local_port;
    ++*tests;
    printf("iperf: test %u from %s:%u %s: %u bytes in %u ms, %u kbit/s\n", *tests,
           ip4addr_ntoa(ip_2_ip4(remote_addr)), remote_port,
           (unsigned)type < sizeof(outcome) / sizeof(outcome[0]) ? outcome[type] : "?", bytes, ms,
           kbit_per_s);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    static unsigned tests;
    struct netif *netif = skiff_lwip_start("service0", si->cmdline);

    if (!lwiperf_start_tcp_server_default(report, &tests)) {
        printf("iperf: cannot listen on port %d\n", LWIPERF_TCP_PORT_DEFAULT);
        return 1;
    }
    printf("SERVING iperf %s:%d\n", ip4addr_ntoa(netif_ip4_addr(netif)), LWIPERF_TCP_PORT_DEFAULT);
    for (;;)
        skiff_lwip_poll(UINT64_MAX);
}
