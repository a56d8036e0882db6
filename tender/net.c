/* net.c: network devices backed by host tap interfaces; per-packet hypercalls and POLL fds. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "net.h"
#include "skiff.h"

static const char *const net_keys[] = {"net", "net-mac", NULL};

static int tap_mtu(const char *ifname, int *mtu)
{
    struct ifreq ifr;
    int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int r;

    if (sock < 0)
        return -1;
    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    r = ioctl(sock, SIOCGIFMTU, &ifr);
    close(sock);
    *mtu = ifr.ifr_mtu;
    return r;
}

/* Opens an existing tap interface. TUNSETIFF would create a missing one, so existence is
 * checked first: a typo must be an error, not a new, unconnected interface. */
static int tap_open(const struct skiff_devopt *opt, int *fdp, int *mtu)
{
    const char *ifname = opt->value;
    struct ifreq ifr;
    int fd;

    if (strlen(ifname) >= IFNAMSIZ) {
        skiff_set_error("%s: interface name '%s' is too long (max %d characters)", opt->arg, ifname,
                        IFNAMSIZ - 1);
        return SKIFF_EXIT_USAGE;
    }
    if (tap_mtu(ifname, mtu) < 0) {
        skiff_set_error("%s: cannot attach interface: %s: %s", opt->arg, ifname,
                        errno == ENODEV ? "no such network interface (create it first, "
                                          "e.g. ip tuntap add NAME mode tap)"
                                        : strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        skiff_set_error("%s: cannot attach interface: /dev/net/tun: %s", opt->arg, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;

        close(fd);
        skiff_set_error("%s: cannot attach interface: %s: %s", opt->arg, ifname,
                        e == EBUSY    ? "already in use by another process"
                        : e == EINVAL ? "not a tap interface"
                        : e == EPERM  ? "permission denied (needs CAP_NET_ADMIN or a tap "
                                        "owned by this user)"
                                      : strerror(e));
        return SKIFF_EXIT_HOST;
    }
    if (strncmp(ifr.ifr_name, ifname, IFNAMSIZ) != 0) {
        close(fd);
        skiff_set_error("%s: cannot attach interface: %s: kernel returned '%s'", opt->arg, ifname,
                        ifr.ifr_name);
        return SKIFF_EXIT_HOST;
    }
    *fdp = fd;
    return 0;
}

static int parse_mac(const struct skiff_devopt *opt, uint8_t mac[6])
{
    unsigned b[6];
    char tail;

    if (sscanf(opt->value, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
               &tail) != 6 ||
        strlen(opt->value) != 17) {
        skiff_set_error("%s: MAC address '%s' does not parse (expected xx:xx:xx:xx:xx:xx)",
                        opt->arg, opt->value);
        return SKIFF_EXIT_USAGE;
    }
    if (b[0] & 1) {
        skiff_set_error("%s: MAC address '%s' is a multicast address", opt->arg, opt->value);
        return SKIFF_EXIT_USAGE;
    }
    for (int i = 0; i < 6; i++)
        mac[i] = (uint8_t)b[i];
    return 0;
}

void skiff_net_attach(struct skiff *s, struct mft_entry *e, int fd, int mtu)
{
    uint32_t handle = (uint32_t)(e - s->mft->e);

    static const int tap_calls[] = {SYS_read, SYS_write, -1};

    e->u.net_basic.mtu = (uint16_t)mtu;
    e->attached = 1;
    s->dev_fds[handle] = fd;
    skiff_sandbox_allow_fd(fd, tap_calls);
    s->poll_fds[s->npoll] = fd;
    s->poll_handles[s->npoll++] = handle;
}

static int net_option(struct skiff *s, const struct skiff_devopt *opt)
{
    struct mft_entry *e = skiff_devopt_entry(s, opt, MFT_DEV_NET_BASIC);
    int fd, mtu, status;

    if (!e)
        return SKIFF_EXIT_USAGE;
    if (strcmp(opt->key, "net-mac") == 0)
        return parse_mac(opt, e->u.net_basic.mac);
    if (e->attached) {
        skiff_set_error("%s: network device '%s' is attached twice", opt->arg, opt->name);
        return SKIFF_EXIT_USAGE;
    }
    if ((status = tap_open(opt, &fd, &mtu)))
        return status;
    skiff_net_attach(s, e, fd, mtu);
    return 0;
}

/* NET_WRITE and NET_READ: the frame buffer is checked like any guest range; an invalid handle
 * is the guest's error (EINVAL), a host failure ends the run. */
static int net_io(struct skiff *s, uint64_t gpa, bool write)
{
    struct hvt_hc_net_io r;
    void *buf;
    int fd, status;

    if ((status = skiff_guest_read(&s->guest, gpa, &r, sizeof(r), SKIFF_READ | SKIFF_WRITE)))
        return status;
    r.ret = HVT_R_EINVAL;
    if ((fd = skiff_net_fd(s, r.handle)) >= 0) {
        if ((status = skiff_guest_range(&s->guest, r.data, r.len, write ? SKIFF_READ : SKIFF_WRITE,
                                        &buf)))
            return status;
        status = write ? skiff_tap_send(fd, buf, r.len, &r.ret)
                       : skiff_tap_recv(fd, buf, &r.len, &r.ret);
        if (status)
            return status;
    }
    return skiff_guest_write(&s->guest, gpa, &r, sizeof(r));
}

static int hc_net_write(struct skiff *s, uint64_t gpa)
{
    return net_io(s, gpa, true);
}

static int hc_net_read(struct skiff *s, uint64_t gpa)
{
    return net_io(s, gpa, false);
}

static int net_setup(struct skiff *s)
{
    bool any = false;

    for (uint32_t i = 0; i < s->mft->entries; i++) {
        struct mft_entry *e = &s->mft->e[i];
        static const uint8_t zero[6];

        if (e->type != MFT_DEV_NET_BASIC || !e->attached)
            continue;
        any = true;
        if (memcmp(e->u.net_basic.mac, zero, 6) == 0) {
            /* A random, locally administered, unicast address. */
            if (getrandom(e->u.net_basic.mac, 6, 0) != 6) {
                skiff_set_error("net: cannot get random bytes for a MAC: %s", strerror(errno));
                return SKIFF_EXIT_HOST;
            }
            e->u.net_basic.mac[0] = (uint8_t)((e->u.net_basic.mac[0] & 0xfe) | 0x02);
        }
    }
    if (any) {
        skiff_hypercall_register(s, HVT_HYPERCALL_NET_WRITE, hc_net_write);
        skiff_hypercall_register(s, HVT_HYPERCALL_NET_READ, hc_net_read);
    }
    return 0;
}

const struct skiff_module skiff_module_net = {
    .name = "net",
    .usage = "  --net:NAME=TAP              attach tap interface TAP as network device NAME\n"
             "  --net-mac:NAME=MAC          set the MAC address of network device NAME\n",
    .option_keys = net_keys,
    .option = net_option,
    .setup = net_setup,
};
