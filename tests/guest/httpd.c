/* httpd.c: a tiny HTTP server: answers ARP, ICMP echo and every GET on one TCP port.
 * Command line: IP [PORT] (default 80). Prints "SERVING" once ready, one line per request.
 * TCP is stateless here: each segment is answered from its own headers (SYN -> SYN+ACK, a
 * request -> the response with FIN, FIN -> ACK), enough for curl and Docker's port proxy. */
#include "eth.h"

#define ISS     0x10000000U /* our initial sequence number */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

static const char response[] = "HTTP/1.0 200 OK\r\n"
                               "Content-Type: text/plain\r\n"
                               "Content-Length: 17\r\n"
                               "Connection: close\r\n"
                               "\r\n"
                               "hello from skiff\n";

static solo5_handle_t handle;
static struct solo5_net_info info;
static uint8_t my_ip[4], in[9018], out[2048];
static uint16_t port = 80;
static unsigned long served;

/* Sends a TCP segment back to the sender of the segment in `in`. */
static void tcp_reply(const uint8_t *ip, const uint8_t *tcp, uint32_t seq, uint32_t ack,
                      uint8_t flags, const void *data, size_t len)
{
    uint8_t *t = out + 34;
    uint32_t sum;

    eth_ipv4(out, in + 6, info.mac_address, my_ip, ip + 12, 6, 20 + len);
    memset(t, 0, 20);
    memcpy(t, tcp + 2, 2); /* source port: the one they called */
    memcpy(t + 2, tcp, 2);
    eth_put32(t + 4, seq);
    eth_put32(t + 8, ack);
    t[12] = 5 << 4;
    t[13] = flags;
    eth_put16(t + 14, 65535);
    memcpy(t + 20, data, len);
    /* pseudo header: addresses, protocol, TCP length */
    sum = eth_get16(my_ip) + eth_get16(my_ip + 2) + eth_get16(ip + 12) + eth_get16(ip + 14) + 6 +
          (uint32_t)(20 + len);
    eth_put16(t + 16, eth_checksum(t, 20 + len, sum));
    solo5_net_write(handle, out, 54 + len);
}

static void tcp_input(const uint8_t *ip, size_t ihl, size_t total)
{
    const uint8_t *tcp = ip + ihl;
    size_t doff = (size_t)(tcp[12] >> 4) * 4, len;
    uint32_t seq = eth_get32(tcp + 4), ack = eth_get32(tcp + 8);
    uint8_t flags = tcp[13];

    if (total < ihl + 20 || doff < 20 || total < ihl + doff || eth_get16(tcp + 2) != port ||
        (flags & TCP_RST))
        return;
    len = total - ihl - doff;
    if (flags & TCP_SYN) {
        tcp_reply(ip, tcp, ISS, seq + 1, TCP_SYN | TCP_ACK, NULL, 0);
    } else if (len >= 4 && memcmp(tcp + doff + len - 4, "\r\n\r\n", 4) == 0) {
        tcp_reply(ip, tcp, ack, seq + (uint32_t)len, TCP_ACK | TCP_PSH | TCP_FIN, response,
                  sizeof(response) - 1);
        printf("request %lu from %d.%d.%d.%d\n", ++served, ip[12], ip[13], ip[14], ip[15]);
    } else if (len) {
        tcp_reply(ip, tcp, ack, seq + (uint32_t)len, TCP_ACK, NULL, 0);
    } else if (flags & TCP_FIN) {
        tcp_reply(ip, tcp, ack, seq + 1, TCP_ACK, NULL, 0);
    }
}

/* Turns an ICMP echo request into its reply, in place. */
static size_t icmp_input(uint8_t *ip, size_t ihl, size_t total)
{
    if (total < ihl + 8 || ip[ihl] != 8)
        return 0;
    eth_ipv4(out, in + 6, info.mac_address, my_ip, ip + 12, 1, total - ihl);
    memcpy(out + 34, ip + ihl, total - ihl);
    out[34] = 0;
    eth_put16(out + 36, 0);
    eth_put16(out + 36, eth_checksum(out + 34, total - ihl, 0));
    return 14 + 20 + total - ihl;
}

static void input(size_t len)
{
    uint8_t *ip = in + 14;
    size_t n, ihl, total;

    if ((n = eth_arp_answer(in, len, info.mac_address, my_ip))) {
        solo5_net_write(handle, in, n);
        return;
    }
    if (len < 34 || eth_get16(in + 12) != ETH_IPV4 || (ip[0] >> 4) != 4 ||
        memcmp(ip + 16, my_ip, 4) != 0)
        return;
    ihl = (size_t)(ip[0] & 0xf) * 4;
    total = eth_get16(ip + 2);
    if (ihl < 20 || total < ihl || 14 + total > len || total > sizeof(out) - 34)
        return;
    if (ip[9] == 6)
        tcp_input(ip, ihl, total);
    else if (ip[9] == 1 && (n = icmp_input(ip, ihl, total)))
        solo5_net_write(handle, out, n);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;

    if (eth_parse_ip(&p, my_ip) < 0) {
        printf("usage: IP [PORT]\n");
        return 1;
    }
    if (*p >= '0' && *p <= '9')
        for (port = 0; *p >= '0' && *p <= '9'; p++)
            port = (uint16_t)(port * 10 + (*p - '0'));
    if (solo5_net_acquire("service0", &handle, &info) != SOLO5_R_OK) {
        printf("cannot acquire service0\n");
        return 1;
    }
    printf("httpd: %d.%d.%d.%d port %u\nSERVING\n", my_ip[0], my_ip[1], my_ip[2], my_ip[3],
           (unsigned)port);
    for (;;) {
        solo5_handle_set_t ready = 0;
        size_t len;

        solo5_yield(solo5_clock_monotonic() + 1000000000ULL, &ready);
        while (solo5_net_read(handle, in, sizeof(in), &len) == SOLO5_R_OK)
            input(len);
    }
}
