/* skiff_lwip_args.c: the network options of a lwIP unikernel's command line. */
#include "skiff_lwip.h"

/* Parses a dotted quad of decimal numbers (0-255, no leading zeros, nothing else) from
 * s[0..len). Returns 0, or -1 if it is not one. */
static int parse_quad(const char *s, size_t len, ip4_addr_t *out)
{
    uint32_t parts[4];
    size_t i = 0;

    for (int n = 0; n < 4; n++) {
        size_t start = i;
        uint32_t v = 0;

        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (uint32_t)(s[i++] - '0');
        if (i == start || v > 255 || (s[start] == '0' && i - start > 1))
            return -1;
        parts[n] = v;
        if (n < 3 && (i >= len || s[i++] != '.'))
            return -1;
    }
    if (i != len)
        return -1;
    IP4_ADDR(out, parts[0], parts[1], parts[2], parts[3]);
    return 0;
}

/* Parses ADDR/PREFIX (prefix 1-32) from s[0..len). Returns 0, or -1. */
static int parse_cidr(const char *s, size_t len, ip4_addr_t *addr, ip4_addr_t *mask)
{
    size_t slash = 0;
    uint32_t prefix = 0;

    while (slash < len && s[slash] != '/')
        slash++;
    if (slash == len || len - slash < 2 || len - slash > 3 || parse_quad(s, slash, addr) != 0)
        return -1;
    for (size_t i = slash + 1; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        prefix = prefix * 10 + (uint32_t)(s[i] - '0');
    }
    if (prefix < 1 || prefix > 32 || (s[slash + 1] == '0'))
        return -1;
    ip4_addr_set_u32(mask, lwip_htonl(prefix == 32 ? 0xffffffffU : ~(0xffffffffU >> prefix)));
    return 0;
}

const char *skiff_lwip_parse_args(const char *cmdline, struct skiff_lwip_config *cfg)
{
    static const char ipv4[] = "--ipv4=", gateway[] = "--ipv4-gateway=";
    int have_addr = 0;
    const char *s = cmdline ? cmdline : "";

    memset(cfg, 0, sizeof(*cfg));
    while (*s) {
        size_t len = 0;

        while (*s == ' ')
            s++;
        while (s[len] && s[len] != ' ')
            len++;
        if (len > sizeof(ipv4) - 1 && memcmp(s, ipv4, sizeof(ipv4) - 1) == 0) {
            if (parse_cidr(s + sizeof(ipv4) - 1, len - (sizeof(ipv4) - 1), &cfg->addr,
                           &cfg->netmask) != 0)
                return "--ipv4= takes ADDR/PREFIX (a dotted quad, a prefix of 1-32)";
            have_addr = 1;
        } else if (len >= sizeof(ipv4) - 1 && memcmp(s, ipv4, sizeof(ipv4) - 1) == 0) {
            return "--ipv4= takes ADDR/PREFIX (a dotted quad, a prefix of 1-32)";
        } else if (len >= sizeof(gateway) - 1 && memcmp(s, gateway, sizeof(gateway) - 1) == 0) {
            if (parse_quad(s + sizeof(gateway) - 1, len - (sizeof(gateway) - 1), &cfg->gateway) !=
                0)
                return "--ipv4-gateway= takes an IPv4 address (a dotted quad)";
        }
        s += len;
    }
    if (!have_addr)
        return "--ipv4=ADDR/PREFIX is missing";
    return NULL;
}
