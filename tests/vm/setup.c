/* setup.c: the set-up steps of the test VM's init (files, taps, pings, kernel modules). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "setup.h"

#define PING_WAIT     2    /* seconds for each echo reply */
#define PING_MAX_DATA 1472 /* a 1500-byte IP packet: the tap's MTU */

double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "+file=PATH:BYTES": a zero-filled (sparse) file. Returns NULL or what went wrong. */
const char *make_file(char *spec)
{
    char *colon = strrchr(spec, ':'), *end;
    unsigned long long size;
    int fd;

    if (!colon)
        return "+file needs PATH:BYTES";
    *colon = '\0';
    size = strtoull(colon + 1, &end, 10);
    if (*end == 'K')
        size <<= 10;
    else if (*end == 'M')
        size <<= 20;
    fd = open(spec, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
        if (fd >= 0)
            close(fd);
        return strerror(errno);
    }
    close(fd);
    return NULL;
}

/* One SIOCSIF* request on interface name through socket s. */
static int if_ioctl(int s, unsigned long req, const char *name, struct ifreq *ifr)
{
    snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", name);
    return ioctl(s, req, ifr);
}

static void set_in_addr(struct sockaddr *sa, in_addr_t a)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = a};

    memcpy(sa, &sin, sizeof(sin));
}

/* Brings interface name up through socket s; returns 0 or -1 (errno set). */
int if_up(int s, const char *name)
{
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    if (if_ioctl(s, SIOCGIFFLAGS, name, &ifr) < 0)
        return -1;
    ifr.ifr_flags |= IFF_UP;
    return if_ioctl(s, SIOCSIFFLAGS, name, &ifr);
}

const char *tap_create(const char *name)
{
    struct ifreq ifr;
    int fd = open("/dev/net/tun", O_RDWR);

    if (fd < 0)
        return "/dev/net/tun missing (tun.ko not loaded?)";
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (if_ioctl(fd, TUNSETIFF, name, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 1) < 0) {
        close(fd);
        return "TUNSETIFF/TUNSETPERSIST failed";
    }
    close(fd);
    return NULL;
}

/* "+tap=NAME:A.B.C.D/LEN": a persistent tap that skiff can attach to, addressed and up. An
 * existing tap (an earlier case made it) is left as it is. */
const char *make_tap(char *spec)
{
    char *colon = strchr(spec, ':'), *slash = strchr(spec, '/');
    struct ifreq ifr;
    struct in_addr addr;
    const char *err;
    int s, len;

    if (!colon || !slash || slash < colon)
        return "+tap needs NAME:A.B.C.D/LEN";
    *colon = *slash = '\0';
    len = atoi(slash + 1);
    if (inet_pton(AF_INET, colon + 1, &addr) != 1 || len < 1 || len > 32)
        return "+tap: bad address";
    if (if_nametoindex(spec) != 0)
        return NULL;
    if ((err = tap_create(spec)) != NULL)
        return err;
    s = socket(AF_INET, SOCK_DGRAM, 0);
    memset(&ifr, 0, sizeof(ifr));
    set_in_addr(&ifr.ifr_addr, addr.s_addr);
    if (s < 0 || if_ioctl(s, SIOCSIFADDR, spec, &ifr) < 0)
        goto fail;
    set_in_addr(&ifr.ifr_netmask, htonl(0xffffffffU << (32 - len)));
    if (if_ioctl(s, SIOCSIFNETMASK, spec, &ifr) < 0 || if_up(s, spec) < 0)
        goto fail;
    close(s);
    return NULL;
fail:
    if (s >= 0)
        close(s);
    return strerror(errno);
}

static uint16_t icmp_checksum(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(b[i] | b[i + 1] << 8);
    if (len & 1)
        sum += b[len - 1];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* Waits up to PING_WAIT s for the echo reply with this id and sequence number, carrying
 * size bytes of data. */
static int await_reply(int s, uint16_t id, uint16_t seq, size_t size)
{
    double deadline = now() + PING_WAIT;
    uint8_t pkt[1500];

    for (double left; (left = deadline - now()) > 0;) {
        struct pollfd p = {.fd = s, .events = POLLIN};
        const struct icmphdr *ic;
        ssize_t n;
        size_t hl;

        if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        n = recv(s, pkt, sizeof(pkt), 0); /* a raw socket passes the IP header on */
        if (n < 20 || (size_t)n < (hl = (size_t)(pkt[0] & 0xf) * 4) + sizeof(*ic))
            continue;
        ic = (const struct icmphdr *)(pkt + hl);
        if (ic->type == ICMP_ECHOREPLY && ic->un.echo.id == htons(id) &&
            ic->un.echo.sequence == htons(seq) && (size_t)n == hl + sizeof(*ic) + size)
            return 1;
    }
    return 0;
}

/* One target "A.B.C.D:COUNT[:SIZE]": COUNT echo requests, one at a time, with SIZE bytes of
 * data (default 56; 1472 makes 1500-byte IP packets, a full Ethernet frame). */
static const char *ping_one(const char *spec)
{
    static char why[96];
    char ip[32];
    int count = 0, size = 56, s;
    struct sockaddr_in to = {.sin_family = AF_INET};
    uint16_t id = (uint16_t)getpid();

    if (sscanf(spec, "%31[0-9.]:%d:%d", ip, &count, &size) < 2 || count < 1 || size < 16 ||
        size > PING_MAX_DATA || inet_pton(AF_INET, ip, &to.sin_addr) != 1)
        return "+ping needs A.B.C.D:COUNT[:SIZE], SIZE 16-1472";
    s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    if (s < 0)
        return "raw ICMP socket refused";
    for (int seq = 1; seq <= count; seq++) {
        struct {
            struct icmphdr h;
            char data[PING_MAX_DATA];
        } req;
        size_t len = sizeof(req.h) + (size_t)size;

        memset(&req, 0, sizeof(req));
        snprintf(req.data, sizeof(req.data), "skiff vm ping %d", seq);
        req.h.type = ICMP_ECHO;
        req.h.un.echo.id = htons(id);
        req.h.un.echo.sequence = htons((uint16_t)seq);
        req.h.checksum = icmp_checksum(&req, len);
        if (sendto(s, &req, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0 ||
            !await_reply(s, id, (uint16_t)seq, (size_t)size)) {
            snprintf(why, sizeof(why), "no echo reply %d of %d from %s", seq, count, ip);
            close(s);
            return why;
        }
    }
    close(s);
    return NULL;
}

int ping_total(const char *spec)
{
    int total = 0, count;

    for (const char *p = spec; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
        if (sscanf(p, "%*[0-9.]:%d", &count) == 1 && count > 0)
            total += count;
    return total;
}

const char *do_ping(const char *spec)
{
    const char *err = NULL;

    for (const char *p = spec; p && !err; p = strchr(p, ','), p = p ? p + 1 : NULL)
        err = ping_one(p);
    return err;
}

const char *check_wall(const char *out, size_t len)
{
    static char why[80];
    const char *w = memmem(out, len, "WALL ", 5);
    long long guest, host = (long long)time(NULL);

    if (!w || sscanf(w + 5, "%lld", &guest) != 1)
        return "no WALL line";
    if (guest - host > 2 || host - guest > 2) {
        snprintf(why, sizeof(why), "guest says %lld s, the VM %lld s", guest, host);
        return why;
    }
    return NULL;
}

const char *check_sandbox(int pid, int min_threads)
{
    static char why[160];
    char path[64], line[128];
    struct dirent *d;
    DIR *tasks;
    int threads = 0;

    snprintf(path, sizeof(path), "/proc/%d/task", pid);
    if (!(tasks = opendir(path)))
        return "skiff is gone";
    while ((d = readdir(tasks)) != NULL) {
        int filtered = 0, no_new_privs = 0;
        FILE *status;

        if (d->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/%d/task/%.20s/status", pid, d->d_name);
        if (!(status = fopen(path, "r")))
            continue; /* the thread ended meanwhile */
        while (fgets(line, sizeof(line), status)) {
            filtered |= strncmp(line, "Seccomp:\t2", 10) == 0;
            no_new_privs |= strncmp(line, "NoNewPrivs:\t1", 13) == 0;
        }
        fclose(status);
        threads++;
        if (!filtered || !no_new_privs) {
            snprintf(why, sizeof(why), "thread %.20s: seccomp filter %s, no_new_privs %s",
                     d->d_name, filtered ? "on" : "off", no_new_privs ? "on" : "off");
            closedir(tasks);
            return why;
        }
    }
    closedir(tasks);
    if (threads < min_threads) {
        snprintf(why, sizeof(why), "%d thread(s), expected at least %d", threads, min_threads);
        return why;
    }
    return NULL;
}

/* Loads the kernel modules /modules.txt names (one path per line, dependencies first): the
 * kernels the runner boots build KVM (x86_64) and TUN as modules. Returns "none", "N loaded"
 * or the first failure. */
const char *load_modules(void)
{
    static char result[400];
    char path[256];
    int loaded = 0;
    FILE *list = fopen("/modules.txt", "r");

    if (!list)
        return "none";
    snprintf(result, sizeof(result), "none");
    while (fgets(path, sizeof(path), list)) {
        int fd;
        long r = -1;

        path[strcspn(path, "\r\n")] = '\0';
        if (path[0] == '\0')
            continue;
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            r = syscall(SYS_finit_module, fd, "", 0);
            close(fd);
        }
        if (r != 0 && errno != EEXIST) {
            snprintf(result, sizeof(result), "%s: %s", path, strerror(errno));
            fclose(list);
            return result;
        }
        snprintf(result, sizeof(result), "%d loaded", ++loaded);
    }
    fclose(list);
    return result;
}
