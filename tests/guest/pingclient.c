/* pingclient.c: pings a host and exits 0 once it has answered COUNT echo requests.
 * Command line: MYIP[/PREFIX] TARGET [COUNT] (default 3). Resolves TARGET with ARP, then
 * sends one echo request at a time, resending every half second. Prints "SUCCESS" and exits 0
 * after COUNT replies; prints "TIMEOUT" and exits 1 if they do not come within 60 s. */
#include "eth.h"

static solo5_handle_t handle;
static struct solo5_net_info info;
static uint8_t my_ip[4], target_ip[4], target_mac[6], frame[9018];
static int resolved;
static unsigned answered, count = 3;

static void send_echo(void)
{
    uint8_t *icmp = frame + 34;

    eth_ipv4(frame, target_mac, info.mac_address, my_ip, target_ip, 1, 8 + 32);
    memset(icmp, 0, 8 + 32);
    icmp[0] = 8;
    eth_put16(icmp + 4, 0x5f1f);
    eth_put16(icmp + 6, (uint16_t)(answered + 1));
    memcpy(icmp + 8, "skiff pingclient echo payload..", 32);
    eth_put16(icmp + 2, eth_checksum(icmp, 8 + 32, 0));
    solo5_net_write(handle, frame, 34 + 8 + 32);
}

static void input(size_t len)
{
    const uint8_t *ip = frame + 14, *icmp;
    size_t n;

    if ((n = eth_arp_answer(frame, len, info.mac_address, my_ip))) {
        solo5_net_write(handle, frame, n);
        return;
    }
    if (len >= 42 && eth_get16(frame + 12) == ETH_ARP && eth_get16(frame + 20) == 2 &&
        memcmp(frame + 28, target_ip, 4) == 0) {
        memcpy(target_mac, frame + 22, 6);
        if (!resolved)
            printf("%d.%d.%d.%d is at %02x:%02x:%02x:%02x:%02x:%02x\n", target_ip[0], target_ip[1],
                   target_ip[2], target_ip[3], target_mac[0], target_mac[1], target_mac[2],
                   target_mac[3], target_mac[4], target_mac[5]);
        resolved = 1;
        return;
    }
    if (len < 42 || eth_get16(frame + 12) != ETH_IPV4 || ip[9] != 1 ||
        memcmp(ip + 12, target_ip, 4) != 0 || (size_t)(ip[0] & 0xf) * 4 + 14 + 8 > len)
        return;
    icmp = ip + (ip[0] & 0xf) * 4;
    if (icmp[0] == 0 && eth_get16(icmp + 6) == answered + 1) {
        answered++;
        printf("reply %u from %d.%d.%d.%d\n", answered, target_ip[0], target_ip[1], target_ip[2],
               target_ip[3]);
        if (answered < count)
            send_echo();
    }
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    solo5_time_t start = solo5_clock_monotonic(), last = 0;
    unsigned prefix = 32;

    if (eth_parse_ip(&p, my_ip) < 0)
        goto usage;
    if (*p == '/') /* a prefix length is accepted and shown, not needed */
        for (p++, prefix = 0; *p >= '0' && *p <= '9'; p++)
            prefix = prefix * 10 + (unsigned)(*p - '0');
    while (*p == ' ')
        p++;
    if (eth_parse_ip(&p, target_ip) < 0)
        goto usage;
    if (*p >= '0' && *p <= '9')
        for (count = 0; *p >= '0' && *p <= '9'; p++)
            count = count * 10 + (unsigned)(*p - '0');
    if (solo5_net_acquire("service0", &handle, &info) != SOLO5_R_OK) {
        printf("cannot acquire service0\n");
        return 1;
    }
    printf("pinging %d.%d.%d.%d from %d.%d.%d.%d/%u\n", target_ip[0], target_ip[1], target_ip[2],
           target_ip[3], my_ip[0], my_ip[1], my_ip[2], my_ip[3], prefix);
    while (answered < count) {
        solo5_time_t now = solo5_clock_monotonic();
        solo5_handle_set_t ready = 0;
        size_t len;

        if (now - start > 60000000000ULL) {
            printf("TIMEOUT after %u replies\n", answered);
            return 1;
        }
        if (now - last > 500000000ULL) {
            static const uint8_t zero[6];

            last = now;
            if (resolved)
                send_echo();
            else
                solo5_net_write(handle, frame,
                                eth_arp(frame, 1, info.mac_address, my_ip, zero, target_ip));
        }
        solo5_yield(now + 100000000ULL, &ready);
        while (answered < count && solo5_net_read(handle, frame, sizeof(frame), &len) == SOLO5_R_OK)
            input(len);
    }
    printf("%u replies\nSUCCESS\n", answered);
    return 0;
usage:
    printf("usage: MYIP[/PREFIX] TARGET [COUNT]\n");
    return 1;
}
