/* skiff_lwip.c: lwIP's platform on a skiff guest: the clock, and a netif driver on one solo5
 * net device (frames in by polling solo5_net_read, out by solo5_net_write). */
#include "skiff_lwip.h"

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define SKIFF_LWIP_EXIT_USAGE 64 /* bad command line, as sysexits.h's EX_USAGE */
#define SKIFF_LWIP_BURST      64 /* frames handed to lwIP before its timers run again */

static solo5_handle_t net_handle;
static struct solo5_net_info net_info;
static struct netif net_if;
/* A frame made of several pbufs is gathered here before it is written. */
static uint8_t tx_frame[65535];

u32_t sys_now(void)
{
    return (u32_t)(solo5_clock_monotonic() / 1000000);
}

unsigned int skiff_lwip_rand(void)
{
    static uint64_t state;

    /* splitmix64 over the clock: not secret, only different from run to run. */
    state += 0x9e3779b97f4a7c15ULL ^ solo5_clock_wall();
    uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (unsigned int)(z ^ (z >> 31));
}

static err_t link_output(struct netif *netif, struct pbuf *p)
{
    const uint8_t *frame = p->payload;

    (void)netif;
    if (p->tot_len > net_info.mtu + SOLO5_NET_HLEN)
        return ERR_BUF;
    if (p->next) {
        pbuf_copy_partial(p, tx_frame, p->tot_len, 0);
        frame = tx_frame;
    }
    return solo5_net_write(net_handle, frame, p->tot_len) == SOLO5_R_OK ? ERR_OK : ERR_IF;
}

static err_t net_if_init(struct netif *netif)
{
    memcpy(netif->hwaddr, net_info.mac_address, SOLO5_NET_ALEN);
    netif->hwaddr_len = SOLO5_NET_ALEN;
    netif->mtu = (u16_t)net_info.mtu;
    netif->name[0] = 's';
    netif->name[1] = '0';
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = link_output;
    return ERR_OK;
}

struct netif *skiff_lwip_start(const char *device, const char *cmdline)
{
    struct skiff_lwip_config cfg;
    const char *bad = skiff_lwip_parse_args(cmdline, &cfg);

    if (bad) {
        printf("skiff-lwip: %s\n", bad);
        solo5_exit(SKIFF_LWIP_EXIT_USAGE);
    }
    if (solo5_net_acquire(device, &net_handle, &net_info) != SOLO5_R_OK) {
        printf("skiff-lwip: cannot acquire net device '%s'\n", device);
        solo5_exit(SOLO5_EXIT_FAILURE);
    }
    if (net_info.mtu > sizeof(tx_frame) - SOLO5_NET_HLEN) {
        printf("skiff-lwip: net device '%s': MTU %zu is more than lwIP's 65521\n", device,
               net_info.mtu);
        solo5_exit(SOLO5_EXIT_FAILURE);
    }
    lwip_init();
    netif_add(&net_if, &cfg.addr, &cfg.netmask, &cfg.gateway, NULL, net_if_init, ethernet_input);
    netif_set_default(&net_if);
    netif_set_link_up(&net_if);
    netif_set_up(&net_if);
    return &net_if;
}

/* Hands lwIP the frames pending on the device, at most SKIFF_LWIP_BURST. Returns how many. */
static int net_input(void)
{
    int n = 0;

    for (; n < SKIFF_LWIP_BURST; n++) {
        size_t cap = net_info.mtu + SOLO5_NET_HLEN, got = 0;
        struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)cap, PBUF_RAM);

        if (!p)
            break; /* lwIP is out of memory: the frame waits in the device */
        if (solo5_net_read(net_handle, p->payload, cap, &got) != SOLO5_R_OK) {
            pbuf_free(p);
            break;
        }
        pbuf_realloc(p, (u16_t)got);
        if (net_if.input(p, &net_if) != ERR_OK)
            pbuf_free(p);
    }
    return n;
}

int skiff_lwip_poll(solo5_time_t deadline)
{
    for (;;) {
        sys_check_timeouts();
        int n = net_input();
        if (n > 0)
            return n;

        solo5_time_t now = solo5_clock_monotonic(), wake = deadline;
        u32_t sleep_ms = sys_timeouts_sleeptime();

        if (now >= deadline)
            return 0;
        if (sleep_ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE &&
            now + (solo5_time_t)sleep_ms * 1000000 < wake)
            wake = now + (solo5_time_t)sleep_ms * 1000000;
        solo5_yield(wake, NULL);
    }
}
