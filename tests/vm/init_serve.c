/* init_serve.c: the serve mode of the test VM's /init (tests/vm/serve): one skiff whose
 * unikernel the host's clients reach through a bridge, until the host says stop. */
/*
 * The list (/serve.txt, written by tests/vm/serve) holds one word a line: skiff's arguments in
 * order, and set-up steps, which start with '+':
 *   +bridge=TAP   create the persistent tap TAP (which skiff then attaches to) and join it to
 *                 the VM's NIC (eth0: virtio-net on the host's tap) in the bridge br0, so that
 *                 the unikernel's own address is reachable at layer 2 from the host's side
 * The VM's kernel has no address on any of these and IPv6 off, so it neither answers nor
 * sends anything there: every frame on the host's tap is the unikernel's or the host's.
 * Console lines (skiff's own output comes between, as it is written):
 *   SKIFF-SERVE-START modules=... kvm=yes|no bridge=br0:eth0,TAP...   set up; skiff starts
 *   SKIFF-SERVE-FAIL reason                   the set-up failed, skiff did not run
 *   SKIFF-SERVE-EXIT status=N (T s)           skiff ended: its status, 128+N after signal N
 * A line holding "SKIFF-STOP" read from the console (the host writes it to QEMU's stdin)
 * sends skiff SIGTERM, and SIGKILL SERVE_GRACE seconds later if it is still there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "setup.h"

#define SERVE_MAX_ARGS 64
#define SERVE_GRACE    20 /* s for skiff to end after SIGTERM (all of it emulated here) */
#define SERVE_NIC_WAIT 10 /* s for the NIC to show up once virtio_net is loaded */
#define SERVE_NIC      "eth0"
#define SERVE_BRIDGE   "br0"
#define SERVE_STOP     "SKIFF-STOP"

static char serve_skiff[] = "/skiff";
static char bridged[256] = "none"; /* the bridge and its ports, for the start line */

/* Writes "1" to a sysctl file if it exists (IPv6 may be absent: nothing to turn off then). */
static void sysctl_on(const char *path)
{
    int fd = open(path, O_WRONLY);

    if (fd >= 0) {
        if (write(fd, "1", 1) < 0)
            printf("init: %s: %s\n", path, strerror(errno));
        close(fd);
    }
}

/* Joins interface port to the bridge and brings it up, through socket s. */
static const char *bridge_join(int s, const char *port)
{
    static char why[96];
    struct ifreq ifr;

    memset(&ifr, 0, sizeof(ifr));
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", SERVE_BRIDGE);
    ifr.ifr_ifindex = (int)if_nametoindex(port);
    if (ifr.ifr_ifindex == 0 || ioctl(s, SIOCBRADDIF, &ifr) < 0 || if_up(s, port) < 0) {
        snprintf(why, sizeof(why), "cannot join %.16s to %s: %s", port, SERVE_BRIDGE,
                 ifr.ifr_ifindex ? strerror(errno) : "no such interface");
        return why;
    }
    return NULL;
}

/* The bridge with the NIC in it, made once. */
static const char *bridge_make(int s)
{
    static int made;
    double deadline = now() + SERVE_NIC_WAIT;
    const char *err;

    if (made)
        return NULL;
    /* Before any interface comes up: a silent VM kernel (default: new ones, all: the NIC). */
    sysctl_on("/proc/sys/net/ipv6/conf/default/disable_ipv6");
    sysctl_on("/proc/sys/net/ipv6/conf/all/disable_ipv6");
    while (if_nametoindex(SERVE_NIC) == 0 && now() < deadline)
        usleep(100 * 1000);
    if (if_nametoindex(SERVE_NIC) == 0)
        return "no " SERVE_NIC " (no NIC, or virtio_net not loaded)";
    if (ioctl(s, SIOCBRADDBR, SERVE_BRIDGE) < 0 && errno != EEXIST)
        return "cannot create the bridge (bridge.ko not loaded?)";
    if ((err = bridge_join(s, SERVE_NIC)) != NULL)
        return err;
    if (if_up(s, SERVE_BRIDGE) < 0)
        return "cannot bring the bridge up";
    made = 1;
    snprintf(bridged, sizeof(bridged), "%s", SERVE_BRIDGE ":" SERVE_NIC);
    return NULL;
}

/* "+bridge=TAP": the tap, joined to the bridge with the NIC. */
static const char *make_bridge(const char *tap)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    const char *err;

    if (s < 0)
        return "no socket for the bridge ioctls";
    err = bridge_make(s);
    if (!err && if_nametoindex(tap) == 0)
        err = tap_create(tap);
    if (!err)
        err = bridge_join(s, tap);
    close(s);
    if (!err && strlen(bridged) + strlen(tap) + 2 < sizeof(bridged))
        strcat(strcat(bridged, ","), tap);
    return err;
}

/* Reads the list into args (skiff's path first, NULL last), doing its steps. */
static const char *read_list(const char *list, char **args)
{
    static char line[1024];
    FILE *f = fopen(list, "r");
    const char *err = NULL;
    size_t n = 0;

    if (!f)
        return "cannot open the list";
    args[n++] = serve_skiff;
    while (!err && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "+bridge=", 8) == 0)
            err = make_bridge(line + 8);
        else if (line[0] == '+')
            err = "unknown step in the list";
        else if (n == SERVE_MAX_ARGS + 1)
            err = "too many arguments";
        else if ((args[n++] = strdup(line)) == NULL)
            err = "out of memory";
    }
    fclose(f);
    args[n] = NULL;
    return err;
}

/* Whether the console said stop; the console stops being watched (fd -1) at its end. */
static int stop_asked(int *fd)
{
    char buf[256];
    ssize_t n = read(*fd, buf, sizeof(buf) - 1);

    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN))
            *fd = -1;
        return 0;
    }
    buf[n] = '\0';
    return strstr(buf, SERVE_STOP) != NULL;
}

/* Runs skiff until it exits, stopping it when the console asks; returns its status. */
static int serve(char **args)
{
    struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
    struct termios t;
    double kill_at = 0;
    int status;
    pid_t pid;

    /* The host's stop line is not to be echoed into the output it reads. */
    if (tcgetattr(STDIN_FILENO, &t) == 0) {
        t.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &t);
    }
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);

        dup2(null, STDIN_FILENO); /* the console's input is init's */
        execv(args[0], args);
        perror(args[0]);
        _exit(127);
    }
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (poll(&p, 1, 200) > 0 && stop_asked(&p.fd) && kill_at == 0) {
            kill(pid, SIGTERM);
            kill_at = now() + SERVE_GRACE;
        }
        if (kill_at != 0 && now() > kill_at)
            kill(pid, SIGKILL);
    }
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

void init_serve(const char *list, const char *modules)
{
    char *args[SERVE_MAX_ARGS + 2];
    const char *err = read_list(list, args);
    double start = now();
    int status;

    if (err) {
        printf("SKIFF-SERVE-FAIL %s: %s\n", list, err);
        return;
    }
    printf("SKIFF-SERVE-START modules=%s kvm=%s bridge=%s\n", modules,
           access("/dev/kvm", R_OK | W_OK) == 0 ? "yes" : "no", bridged);
    fflush(stdout);
    status = serve(args);
    printf("SKIFF-SERVE-EXIT status=%d (%.1f s)\n", status, now() - start);
}
