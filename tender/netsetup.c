/* netsetup.c: --net-from:NAME=IFACE: the guest takes over a container's interface via a tap. */
/*
 * Inside a container, the unikernel should be the container on the network: same MAC, same
 * IPv4 address, reachable through published ports. skiff creates a tap and joins it to IFACE
 * with tc: an ingress qdisc on each side and a u32 match-all filter whose mirred action
 * redirects every frame to the other side. The container's own stack never sees a frame, so
 * the guest can use IFACE's MAC and address. Everything happens while options are applied,
 * long before the sandbox: the tap fd is then just another network device fd.
 * The guest learns the address through placeholders in its arguments (@IP, @PREFIX, @GATEWAY).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "net.h"
#include "skiff.h"

#define NETSETUP_MAX 8

/* What the guest is told about one taken-over interface (addresses in network order). */
static struct netsetup_dev {
    char name[MFT_NAME_SIZE];
    uint32_t ip, gw;
    unsigned prefix;
} devs[NETSETUP_MAX];
static size_t ndevs;

static const char *const netsetup_keys[] = {"net-from", NULL};

static const char *const cap_hint =
    " (needs CAP_NET_ADMIN; in a container: docker run --cap-add NET_ADMIN)";

/* Reads IFACE's index, MAC, MTU and IPv4 address. No privilege needed. */
static int iface_info(int sock, const struct skiff_devopt *opt, struct netsetup_dev *d,
                      uint8_t mac[6], int *mtu, int *ifindex)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", opt->value);
    if (ioctl(sock, SIOCGIFINDEX, &ifr) < 0) {
        skiff_set_error("%s: no network interface '%s'%s", opt->arg, opt->value,
                        errno == ENODEV ? " (does the container have a network?)" : "");
        return SKIFF_EXIT_HOST;
    }
    *ifindex = ifr.ifr_ifindex;
    if (ioctl(sock, SIOCGIFHWADDR, &ifr) < 0 || ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
        skiff_set_error("%s: '%s' is not an Ethernet interface", opt->arg, opt->value);
        return SKIFF_EXIT_HOST;
    }
    memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    if (ioctl(sock, SIOCGIFMTU, &ifr) < 0) {
        skiff_set_error("%s: cannot read the MTU of %s: %s", opt->arg, opt->value, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    *mtu = ifr.ifr_mtu;
    /* No IPv4 address is not an error: @IP then reads 0.0.0.0 (a guest may use DHCP). */
    if (ioctl(sock, SIOCGIFADDR, &ifr) == 0) {
        d->ip = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
        if (ioctl(sock, SIOCGIFNETMASK, &ifr) == 0)
            d->prefix = (unsigned)__builtin_popcount(
                ((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr.s_addr);
    }
    return 0;
}

/* Opens /dev/net/tun, creating the node first if the container lacks it (Docker's default
 * device rules allow it, and the default capabilities include MKNOD). */
static int open_tun(const struct skiff_devopt *opt, int *fdp)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);

    if (fd < 0 && errno == ENOENT) {
        if (mkdir("/dev/net", 0755) < 0 && errno != EEXIST) {
            skiff_set_error("%s: /dev/net/tun is missing and /dev/net cannot be created (%s): "
                            "run the container with --device /dev/net/tun",
                            opt->arg, strerror(errno));
            return SKIFF_EXIT_HOST;
        }
        if (mknod("/dev/net/tun", S_IFCHR | 0600, makedev(10, 200)) < 0 && errno != EEXIST) {
            skiff_set_error("%s: /dev/net/tun is missing and cannot be created (%s): run the "
                            "container with --device /dev/net/tun",
                            opt->arg, strerror(errno));
            return SKIFF_EXIT_HOST;
        }
        fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    }
    if (fd < 0) {
        skiff_set_error("%s: /dev/net/tun: %s (in a container: docker run --device "
                        "/dev/net/tun)",
                        opt->arg, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    *fdp = fd;
    return 0;
}

/* Creates tap "skiffN" (N: the manifest handle, so names never collide), sets its MTU to
 * IFACE's and brings it up. The tap lives as long as its fd: it goes away with skiff. */
static int create_tap(int sock, const struct skiff_devopt *opt, uint32_t handle, int mtu, int *fdp,
                      int *ifindex)
{
    struct ifreq ifr;
    int fd, status;

    if ((status = open_tun(opt, &fd)))
        return status;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "skiff%u", (unsigned)handle);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        skiff_set_error("%s: cannot create a tap: %s%s", opt->arg, strerror(errno),
                        errno == EPERM ? cap_hint : "");
        close(fd);
        return SKIFF_EXIT_HOST;
    }
    ifr.ifr_mtu = mtu;
    if (ioctl(sock, SIOCSIFMTU, &ifr) < 0 || ioctl(sock, SIOCGIFINDEX, &ifr) < 0 ||
        (*ifindex = ifr.ifr_ifindex, ioctl(sock, SIOCGIFFLAGS, &ifr) < 0) ||
        (ifr.ifr_flags |= IFF_UP, ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)) {
        skiff_set_error("%s: cannot configure tap %s: %s", opt->arg, ifr.ifr_name, strerror(errno));
        close(fd);
        return SKIFF_EXIT_HOST;
    }
    *fdp = fd;
    return 0;
}

/* Mirrors every frame between IFACE and the tap, both ways, and reads the default gateway. */
static int wire(const struct skiff_devopt *opt, int iface, int tap, struct netsetup_dev *d)
{
    int nl = skiff_netlink_open(), r;
    const char *step = "netlink socket";

    if (nl >= 0) {
        step = "tc ingress qdisc";
        if ((r = skiff_tc_ingress(nl, iface)) == 0 && (r = skiff_tc_ingress(nl, tap)) == 0) {
            step = "tc mirred filter";
            if ((r = skiff_tc_redirect(nl, iface, tap)) == 0 &&
                (r = skiff_tc_redirect(nl, tap, iface)) == 0) {
                step = "default route";
                r = skiff_route_gateway(nl, iface, &d->gw);
            }
        }
        close(nl);
    } else {
        r = nl;
    }
    if (r < 0) {
        skiff_set_error("%s: %s: %s%s", opt->arg, step, strerror(-r),
                        r == -EPERM ? cap_hint
                        : r == -ENOENT && strncmp(step, "tc", 2) == 0
                            ? " (the kernel lacks sch_ingress, cls_u32 or act_mirred)"
                            : "");
        return SKIFF_EXIT_HOST;
    }
    return 0;
}

static int netsetup_option(struct skiff *s, const struct skiff_devopt *opt)
{
    static const uint8_t zero[6];
    struct mft_entry *e = skiff_devopt_entry(s, opt, MFT_DEV_NET_BASIC);
    struct netsetup_dev d;
    uint8_t mac[6];
    int sock, status, mtu, iface, tap, fd = -1;

    memset(&d, 0, sizeof(d));
    if (!e)
        return SKIFF_EXIT_USAGE;
    if (e->attached) {
        skiff_set_error("%s: network device '%s' is attached twice", opt->arg, opt->name);
        return SKIFF_EXIT_USAGE;
    }
    if (strlen(opt->value) >= IFNAMSIZ || ndevs == NETSETUP_MAX) {
        skiff_set_error("%s: interface name too long, or more than %d --net-from", opt->arg,
                        NETSETUP_MAX);
        return SKIFF_EXIT_USAGE;
    }
    if ((sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
        skiff_set_error("%s: socket: %s", opt->arg, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    status = iface_info(sock, opt, &d, mac, &mtu, &iface);
    if (!status)
        status = create_tap(sock, opt, (uint32_t)(e - s->mft->e), mtu, &fd, &tap);
    close(sock);
    if (!status && (status = wire(opt, iface, tap, &d)))
        close(fd);
    if (status)
        return status;
    /* The guest is the interface's owner now: its MAC, unless --net-mac chose one first. */
    if (memcmp(e->u.net_basic.mac, zero, 6) == 0)
        memcpy(e->u.net_basic.mac, mac, 6);
    snprintf(d.name, sizeof(d.name), "%s", opt->name);
    devs[ndevs++] = d;
    skiff_net_attach(s, e, fd, mtu);
    return 0;
}

/* If p starts a placeholder, formats its value into val and returns its length, else 0.
 * "@IP", "@PREFIX", "@GATEWAY" name the first --net-from device; a ":NAME" suffix naming
 * another --net-from device picks that one. */
static size_t placeholder(const char *p, char *val, size_t size)
{
    static const char *const words[] = {"@IP", "@PREFIX", "@GATEWAY"};
    const struct netsetup_dev *d = &devs[0];
    size_t len = 0, w;
    struct in_addr a;

    for (w = 0; w < 3; w++)
        if (strncmp(p, words[w], strlen(words[w])) == 0)
            break;
    if (w == 3)
        return 0;
    len = strlen(words[w]);
    if (p[len] == ':')
        for (size_t i = 0; i < ndevs; i++) {
            size_t n = strlen(devs[i].name);

            if (strncmp(p + len + 1, devs[i].name, n) == 0 &&
                !((p[len + 1 + n] >= '0' && p[len + 1 + n] <= '9') ||
                  ((p[len + 1 + n] | 0x20) >= 'a' && (p[len + 1 + n] | 0x20) <= 'z'))) {
                d = &devs[i];
                len += 1 + n;
                break;
            }
        }
    a.s_addr = w == 0 ? d->ip : d->gw;
    if (w == 1)
        snprintf(val, size, "%u", d->prefix);
    else
        inet_ntop(AF_INET, &a, val, (socklen_t)size);
    return len;
}

static int netsetup_cmdline(struct skiff *s, char *buf, size_t size)
{
    static char out[HVT_CMDLINE_SIZE];
    size_t o = 0;

    (void)s;
    if (ndevs == 0)
        return 0;
    for (const char *p = buf; *p;) {
        char val[INET_ADDRSTRLEN] = "";
        size_t skip = placeholder(p, val, sizeof(val)), n = skip ? strlen(val) : 1;

        if (o + n >= size || o + n >= sizeof(out)) {
            skiff_set_error("guest command line too long after replacing @IP, @PREFIX and "
                            "@GATEWAY (max=%zu characters)",
                            size - 1);
            return SKIFF_EXIT_USAGE;
        }
        memcpy(out + o, skip ? val : p, n);
        o += n;
        p += skip ? skip : 1;
    }
    out[o] = '\0';
    memcpy(buf, out, o + 1);
    return 0;
}

const struct skiff_module skiff_module_netsetup = {
    .name = "netsetup",
    .usage =
        "  --net-from:NAME=IFACE       give interface IFACE (a container's eth0) to network\n"
        "                              device NAME: a new tap joined to IFACE with tc, IFACE's\n"
        "                              MAC and MTU; @IP, @PREFIX and @GATEWAY in ARGS become\n"
        "                              IFACE's IPv4 address, prefix length and gateway\n",
    .option_keys = netsetup_keys,
    .option = netsetup_option,
    .cmdline = netsetup_cmdline,
};
