/* ping.c: a ping server: answers ARP and ICMP echo on its network device(s).
 * Command line: IP [COUNT]. With COUNT, it exits 0 after answering COUNT echo requests.
 * Built with one NIC ("service0"); ping2.c builds it with two ("service0" at IP, "service1"
 * at IP with its third octet plus one). Prints "SERVING" once ready. */
#include "args.h"
#include "eth.h"

#ifndef PING_NICS
#define PING_NICS 1
#endif

struct nic {
    solo5_handle_t handle;
    struct solo5_net_info info;
    uint8_t ip[4];
};

static struct nic nics[PING_NICS];
static uint8_t frame[9018];
static unsigned long answered, limit;

/* Turns the frame around: the reply goes back to where the request came from. */
static void swap_ethernet(const struct nic *n)
{
    memcpy(frame, frame + 6, 6);
    memcpy(frame + 6, n->info.mac_address, 6);
}

static int handle_arp(const struct nic *n, size_t len)
{
    uint8_t *arp = frame + 14;

    if (len < 42 || eth_get16(arp) != 1 || eth_get16(arp + 2) != 0x0800 ||
        eth_get16(arp + 6) != 1 || memcmp(arp + 24, n->ip, 4) != 0)
        return 0;
    swap_ethernet(n);
    eth_put16(arp + 6, 2);
    memcpy(arp + 18, arp + 8, 10); /* requester's MAC and IP become the target */
    memcpy(arp + 8, n->info.mac_address, 6);
    memcpy(arp + 14, n->ip, 4);
    return 1;
}

/* Is this an ICMP echo request to us? */
static int is_echo_request(const struct nic *n, size_t len)
{
    const uint8_t *ip = frame + 14;
    size_t ihl, total;

    if (len < 34 || (ip[0] >> 4) != 4 || ip[9] != 1 || memcmp(ip + 16, n->ip, 4) != 0)
        return 0;
    ihl = (size_t)(ip[0] & 0xf) * 4;
    total = eth_get16(ip + 2);
    return ihl >= 20 && total >= ihl + 8 && 14 + total <= len && ip[ihl] == 8;
}

/* Rewrites the echo request in frame into its reply. */
static size_t echo_reply(const struct nic *n)
{
    uint8_t *ip = frame + 14;
    size_t ihl = (size_t)(ip[0] & 0xf) * 4, total = eth_get16(ip + 2);

    swap_ethernet(n);
    memcpy(ip + 16, ip + 12, 4);
    memcpy(ip + 12, n->ip, 4);
    eth_put16(ip + 10, 0);
    eth_put16(ip + 10, eth_checksum(ip, ihl, 0));
    ip[ihl] = 0;
    eth_put16(ip + ihl + 2, 0);
    eth_put16(ip + ihl + 2, eth_checksum(ip + ihl, total - ihl, 0));
    return 14 + total;
}

static void serve(const struct nic *n, size_t len)
{
    uint16_t type = eth_get16(frame + 12);
    size_t out = 0;

    if (type == 0x0806 && handle_arp(n, len)) {
        out = 42;
    } else if (type == 0x0800 && is_echo_request(n, len)) {
        out = echo_reply(n);
        answered++;
    }
    if (out && solo5_net_write(n->handle, frame, out) != SOLO5_R_OK)
        printf("net_write failed\n");
}

int solo5_app_main(const struct solo5_start_info *si)
{
    static const char *const names[2] = {"service0", "service1"};
    const char *p = si->cmdline;
    uint8_t ip[4];

    if (eth_parse_ip(&p, ip) < 0) {
        printf("usage: IP [COUNT]\n");
        return 1;
    }
    limit = arg_number(&p);
    for (int i = 0; i < PING_NICS; i++) {
        if (solo5_net_acquire(names[i], &nics[i].handle, &nics[i].info) != SOLO5_R_OK) {
            printf("cannot acquire %s\n", names[i]);
            return 1;
        }
        memcpy(nics[i].ip, ip, 4);
        nics[i].ip[2] = (uint8_t)(ip[2] + i);
        printf(
            "%s: %d.%d.%d.%d mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n", names[i], nics[i].ip[0],
            nics[i].ip[1], nics[i].ip[2], nics[i].ip[3], nics[i].info.mac_address[0],
            nics[i].info.mac_address[1], nics[i].info.mac_address[2], nics[i].info.mac_address[3],
            nics[i].info.mac_address[4], nics[i].info.mac_address[5], (unsigned)nics[i].info.mtu);
    }
    printf("SERVING\n");
    while (!limit || answered < limit) {
        solo5_handle_set_t ready = 0;

        solo5_yield(solo5_clock_monotonic() + 1000000000ULL, &ready);
        for (int i = 0; i < PING_NICS; i++) {
            size_t len;

            while (solo5_net_read(nics[i].handle, frame, sizeof(frame), &len) == SOLO5_R_OK)
                serve(&nics[i], len);
        }
    }
    printf("answered %lu echo requests\nSUCCESS\n", answered);
    return 0;
}
