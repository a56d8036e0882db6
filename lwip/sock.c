/* sock.c: the socket descriptor table, socket(), bind(), close(), the sockaddr_in conversions
 * and the network's start from the command line. */
#include "sock_impl.h"

#include "hvt_abi.h"
#include "mft_abi.h"
#include "skiff_lwip.h"

/* The bindings' boot info (bindings/bindings.h): where the manifest copy lies. */
extern const struct hvt_boot_info *skiff_bi;

static struct skiff_sock *table[SKIFF_SOCK_FDS];

void skiff_sock_net_start(const char *cmdline)
{
    const struct mft *m = (const struct mft *)(uintptr_t)skiff_bi->mft;

    for (uint32_t i = 1; i < m->entries && i < MFT_MAX_ENTRIES; i++) {
        if (m->e[i].type == MFT_DEV_NET_BASIC) {
            skiff_lwip_start(m->e[i].name, cmdline);
            return;
        }
    }
    /* skiff-cc links the stack only for a manifest with a net device; say so if not. */
    printf("skiff-sock: the manifest declares no NET_BASIC device\n");
    solo5_exit(SOLO5_EXIT_FAILURE);
}

int skiff_sock_is_net_option(const char *arg)
{
    return strncmp(arg, "--ipv4=", 7) == 0 || strncmp(arg, "--ipv4-gateway=", 15) == 0;
}

struct skiff_sock *skiff_sock_get(long fd, long *err)
{
    if (fd >= 3 && fd < SKIFF_SOCK_FDS && table[fd])
        return table[fd];
    *err = fd >= 0 && fd <= 2 ? -SKIFF_ENOTSOCK : -SKIFF_EBADF;
    return NULL;
}

struct skiff_sock *skiff_sock_new(int type)
{
    struct skiff_sock *s = mem_calloc(1, sizeof(*s));

    if (s) {
        s->type = type;
        s->rcvtimeo = s->sndtimeo = -1;
    }
    return s;
}

void skiff_sock_free(struct skiff_sock *s)
{
    mem_free(s);
}

long skiff_sock_fd_alloc(struct skiff_sock *s)
{
    for (long fd = 3; fd < SKIFF_SOCK_FDS; fd++) {
        if (!table[fd]) {
            table[fd] = s;
            return fd;
        }
    }
    return -SKIFF_EMFILE;
}

long skiff_sock_addr_in(const void *addr, long len, ip_addr_t *ip, u16_t *port)
{
    struct skiff_sockaddr_in sa;

    if (!addr)
        return -SKIFF_EFAULT;
    if (len < (long)sizeof(uint16_t))
        return -SKIFF_EINVAL;
    memcpy(&sa.sin_family, addr, sizeof(sa.sin_family));
    if (sa.sin_family != SKIFF_AF_INET)
        return -SKIFF_EAFNOSUPPORT;
    if (len < (long)sizeof(sa))
        return -SKIFF_EINVAL;
    memcpy(&sa, addr, sizeof(sa));
    ip_addr_set_ip4_u32(ip, sa.sin_addr);
    *port = lwip_ntohs(sa.sin_port);
    return 0;
}

void skiff_sock_addr_out(void *addr, uint32_t *len, const ip_addr_t *ip, u16_t port)
{
    struct skiff_sockaddr_in sa = {
        .sin_family = SKIFF_AF_INET,
        .sin_port = lwip_htons(port),
        .sin_addr = ip ? ip_addr_get_ip4_u32(ip) : 0,
    };

    if (!addr || !len)
        return;
    memcpy(addr, &sa, *len < sizeof(sa) ? *len : sizeof(sa));
    *len = sizeof(sa);
}

long skiff_sock_socket(long domain, long type, long protocol)
{
    int kind = (int)(type & ~(SKIFF_SOCK_NONBLOCK | SKIFF_SOCK_CLOEXEC));
    struct skiff_sock *s;
    long r;

    if (domain != SKIFF_AF_INET)
        return -SKIFF_EAFNOSUPPORT;
    if (kind != SKIFF_SOCK_STREAM && kind != SKIFF_SOCK_DGRAM)
        return -SKIFF_EPROTONOSUPPORT;
    if (protocol != 0 &&
        protocol != (kind == SKIFF_SOCK_STREAM ? SKIFF_IPPROTO_TCP : SKIFF_IPPROTO_UDP))
        return -SKIFF_EPROTONOSUPPORT;
    s = skiff_sock_new(kind);
    if (!s)
        return -SKIFF_ENOMEM;
    s->nonblock = (type & SKIFF_SOCK_NONBLOCK) != 0;
    s->cloexec = (type & SKIFF_SOCK_CLOEXEC) != 0;
    r = kind == SKIFF_SOCK_STREAM ? skiff_sock_tcp_open(s) : skiff_sock_udp_open(s);
    if (r == 0)
        r = skiff_sock_fd_alloc(s);
    if (r < 0) {
        if (kind == SKIFF_SOCK_STREAM)
            skiff_sock_tcp_close(s);
        else
            skiff_sock_udp_close(s);
        skiff_sock_free(s);
    }
    return r;
}

long skiff_sock_close(long fd)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);

    if (!s)
        return err;
    table[fd] = NULL;
    if (s->type == SKIFF_SOCK_STREAM)
        skiff_sock_tcp_close(s);
    else
        skiff_sock_udp_close(s);
    skiff_sock_free(s);
    return 0;
}

long skiff_sock_bind(long fd, const void *addr, long len)
{
    long err;
    struct skiff_sock *s = skiff_sock_get(fd, &err);
    ip_addr_t ip;
    u16_t port;
    err_t e;

    if (!s)
        return err;
    err = skiff_sock_addr_in(addr, len, &ip, &port);
    if (err)
        return err;
    /* Only this interface's address or any: there is no other. */
    if (!ip_addr_isany(&ip) && !ip_addr_cmp(&ip, netif_ip_addr4(netif_default)))
        return -SKIFF_EADDRNOTAVAIL;
    if (s->type == SKIFF_SOCK_STREAM) {
        if (s->state != SKIFF_SOCK_NEW || !s->tcp || s->tcp->local_port != 0)
            return -SKIFF_EINVAL;
        e = tcp_bind(s->tcp, &ip, port);
    } else {
        if (s->udp->local_port != 0)
            return -SKIFF_EINVAL;
        e = udp_bind(s->udp, &ip, port);
    }
    return e == ERR_OK ? 0 : e == ERR_USE ? -SKIFF_EADDRINUSE : -SKIFF_EINVAL;
}
