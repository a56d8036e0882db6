/* skiff_lwip.h: lwIP on a skiff (Solo5 hvt) guest: one Ethernet interface on a solo5 net
 * device, configured from the guest command line, and the loop that feeds it. */
/*
 * Use: skiff_lwip_start() once, then set up lwIP's raw API (tcp_new, tcp_bind, ...) and call
 * skiff_lwip_poll() in a loop; lwIP's callbacks run from inside it. Link the unikernel with
 * liblwip.a (lwIP and this port) before libskiff.a; see examples/web.
 */
#ifndef SKIFF_LWIP_H
#define SKIFF_LWIP_H

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "solo5.h"

/* The network configuration, in MirageOS's spelling: --ipv4=ADDR/PREFIX (required) and
 * --ipv4-gateway=GW (optional). */
struct skiff_lwip_config {
    ip4_addr_t addr, netmask, gateway;
};

/* Reads --ipv4= and --ipv4-gateway= from cmdline (space-separated words; others are left to
 * the application) into cfg. Returns NULL, or a message naming the bad or missing option.
 * Never exits. */
const char *skiff_lwip_parse_args(const char *cmdline, struct skiff_lwip_config *cfg);

/* Initialises lwIP and brings up one interface on the net device named device, configured
 * from cmdline. A bad or missing option prints one line and exits 64; a device that cannot be
 * acquired prints one line and exits 1. Returns the interface (lwIP's default). */
struct netif *skiff_lwip_start(const char *device, const char *cmdline);

/* Feeds lwIP: runs its due timers and hands it every pending frame; if there was none, sleeps
 * (solo5_yield) until a frame arrives, the next timer is due or the monotonic clock reaches
 * deadline, and tries again. Returns the number of frames handled (0: deadline reached). */
int skiff_lwip_poll(solo5_time_t deadline);

#endif /* SKIFF_LWIP_H */
