/* eth.h: Ethernet, ARP and IPv4 helpers shared by the small network test unikernels. */
#ifndef SKIFF_TEST_ETH_H
#define SKIFF_TEST_ETH_H

#include "skiff_libc.h"
#include "solo5.h"

#define ETH_ARP  0x0806
#define ETH_IPV4 0x0800

static inline uint16_t eth_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t eth_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void eth_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void eth_put32(uint8_t *p, uint32_t v)
{
    eth_put16(p, (uint16_t)(v >> 16));
    eth_put16(p + 2, (uint16_t)v);
}

/* Internet checksum of p[0, len), continuing from sum (0, or a pseudo header's sum). */
static inline uint16_t eth_checksum(const uint8_t *p, size_t len, uint32_t sum)
{
    for (; len > 1; p += 2, len -= 2)
        sum += eth_get16(p);
    if (len)
        sum += (uint32_t)p[0] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Parses a dotted quad at *s and advances *s past it. Returns 0, or -1 if malformed. */
static inline int eth_parse_ip(const char **s, uint8_t ip[4])
{
    for (int i = 0; i < 4; i++) {
        unsigned v = 0, digits = 0;

        while (**s >= '0' && **s <= '9' && digits < 3)
            v = v * 10 + (unsigned)(*(*s)++ - '0'), digits++;
        if (!digits || v > 255 || (i < 3 && *(*s)++ != '.'))
            return -1;
        ip[i] = (uint8_t)v;
    }
    while (**s == ' ')
        (*s)++;
    return 0;
}

/* Writes an ARP packet (op 1 request, 2 reply) from mac/ip to tmac/tip into f; returns 42.
 * A request goes to the broadcast address. */
static inline size_t eth_arp(uint8_t *f, uint16_t op, const uint8_t mac[6], const uint8_t ip[4],
                             const uint8_t tmac[6], const uint8_t tip[4])
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

    memcpy(f, op == 1 ? bcast : tmac, 6);
    memcpy(f + 6, mac, 6);
    eth_put16(f + 12, ETH_ARP);
    eth_put16(f + 14, 1);
    eth_put16(f + 16, ETH_IPV4);
    f[18] = 6;
    f[19] = 4;
    eth_put16(f + 20, op);
    memcpy(f + 22, mac, 6);
    memcpy(f + 28, ip, 4);
    memcpy(f + 32, tmac, 6);
    memcpy(f + 38, tip, 4);
    return 42;
}

/* If f (len bytes) is an ARP request for ip, rewrites it into the reply in place and returns
 * its length; else returns 0. */
static inline size_t eth_arp_answer(uint8_t *f, size_t len, const uint8_t mac[6],
                                    const uint8_t ip[4])
{
    uint8_t smac[6], sip[4];

    if (len < 42 || eth_get16(f + 12) != ETH_ARP || eth_get16(f + 20) != 1 ||
        memcmp(f + 38, ip, 4) != 0)
        return 0;
    memcpy(smac, f + 22, 6);
    memcpy(sip, f + 28, 4);
    return eth_arp(f, 2, mac, ip, smac, sip);
}

/* Writes an IPv4 header (20 bytes, no options) at f + 14 and the Ethernet header before it,
 * for a payload of len bytes of protocol proto. */
static inline void eth_ipv4(uint8_t *f, const uint8_t dmac[6], const uint8_t smac[6],
                            const uint8_t src[4], const uint8_t dst[4], uint8_t proto, size_t len)
{
    uint8_t *ip = f + 14;

    memcpy(f, dmac, 6);
    memcpy(f + 6, smac, 6);
    eth_put16(f + 12, ETH_IPV4);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    eth_put16(ip + 2, (uint16_t)(20 + len));
    eth_put16(ip + 6, 0x4000); /* don't fragment */
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    eth_put16(ip + 10, eth_checksum(ip, 20, 0));
}

#endif /* SKIFF_TEST_ETH_H */
