/* fuzz_netif.c: lwIP's input path as a skiff guest runs it, on the host: each input is one
 * Ethernet frame handed to ethernet_input on an interface configured like examples/web's
 * (10.10.0.2/24, gateway 10.10.0.1, MTU 1500), with a TCP listener that echoes what it
 * receives and a UDP socket that answers every datagram, so that input also drives lwIP's
 * output path. lwIP's timers run after each frame on a clock that advances 100 ms per input.
 * lwIP keeps its state from one input to the next (connections, ARP entries, fragments being
 * reassembled), as a guest's does from frame to frame. Frames lwIP sends go nowhere. */
#include <stdint.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"

#define FUZZ_TCP_PORT 80
#define FUZZ_UDP_PORT 7
#define FUZZ_MTU      1500

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct netif fuzz_if;
static u32_t fuzz_now;

u32_t sys_now(void)
{
    return fuzz_now;
}

/* Deterministic, so that an input that crashes does so again when replayed alone. */
unsigned int skiff_lwip_rand(void)
{
    static uint32_t x = 0x2545f491;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* Checks what lwIP sends as the guest's link_output would, then drops it. */
static err_t fuzz_linkoutput(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    if (p->tot_len > FUZZ_MTU + 14 || p->tot_len < 14)
        abort(); /* lwIP built a frame the device would refuse */
    return ERR_OK;
}

static err_t fuzz_if_init(struct netif *netif)
{
    static const u8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x2a};

    memcpy(netif->hwaddr, mac, sizeof(mac));
    netif->hwaddr_len = sizeof(mac);
    netif->mtu = FUZZ_MTU;
    netif->name[0] = 'f';
    netif->name[1] = '0';
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    netif->output = etharp_output;
    netif->linkoutput = fuzz_linkoutput;
    return ERR_OK;
}

static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    (void)arg;
    if (!p || err != ERR_OK) {
        if (p)
            pbuf_free(p);
        tcp_arg(pcb, NULL);
        tcp_recv(pcb, NULL);
        if (tcp_close(pcb) != ERR_OK) {
            tcp_abort(pcb);
            return ERR_ABRT;
        }
        return ERR_OK;
    }
    for (struct pbuf *q = p; q; q = q->next)
        if (q->len && tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    tcp_output(pcb);
    return ERR_OK;
}

static err_t echo_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    tcp_recv(pcb, echo_recv);
    return ERR_OK;
}

static void udp_answer(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                       u16_t port)
{
    (void)arg;
    udp_sendto(pcb, p, addr, port);
    pbuf_free(p);
}

/* lwIP, the interface, the listener and the UDP socket: once, for the whole run. */
static void fuzz_setup(void)
{
    ip4_addr_t addr, mask, gw;
    struct tcp_pcb *tcp;
    struct udp_pcb *udp;

    lwip_init();
    IP4_ADDR(&addr, 10, 10, 0, 2);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 10, 10, 0, 1);
    netif_add(&fuzz_if, &addr, &mask, &gw, NULL, fuzz_if_init, ethernet_input);
    netif_set_default(&fuzz_if);
    netif_set_link_up(&fuzz_if);
    netif_set_up(&fuzz_if);
    tcp = tcp_new();
    if (!tcp || tcp_bind(tcp, IP_ADDR_ANY, FUZZ_TCP_PORT) != ERR_OK || !(tcp = tcp_listen(tcp)))
        abort();
    tcp_accept(tcp, echo_accept);
    udp = udp_new();
    if (!udp || udp_bind(udp, IP_ADDR_ANY, FUZZ_UDP_PORT) != ERR_OK)
        abort();
    udp_recv(udp, udp_answer, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    struct pbuf *p;

    if (!ready) {
        fuzz_setup();
        ready = 1;
    }
    /* As skiff_lwip.c's net_input: a PBUF_RAM frame of at most MTU + header bytes. */
    if (size > FUZZ_MTU + 14)
        size = FUZZ_MTU + 14;
    p = pbuf_alloc(PBUF_RAW, (u16_t)size, PBUF_RAM);
    if (p) {
        memcpy(p->payload, data, size);
        if (fuzz_if.input(p, &fuzz_if) != ERR_OK)
            pbuf_free(p);
    }
    fuzz_now += 100;
    sys_check_timeouts();
    return 0;
}
