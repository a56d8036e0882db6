/* sockecho.c: an ordinary single-threaded sockets program (poll, non-blocking I/O), built with
 * the C library and the network stack (docs/sockets.md); it would build unchanged for Linux.
 *   serve PORT                      TCP and UDP echo on PORT until a datagram "quit" comes
 *   client ADDR PORT CLOSED_PORT    echoes a line through ADDR:PORT, then connects to
 *                                   ADDR:CLOSED_PORT, blocking and non-blocking
 *   selftest                        the calls' errors and timeouts; needs no peer
 * The network's own options (--ipv4=, --ipv4-gateway=) never reach argv. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 128
#define BUF_SIZE  16384

struct conn {
    int fd;
    size_t len, off; /* buf[off..len) still to echo */
    int eof;
    char buf[BUF_SIZE];
};

static struct conn conns[MAX_CONNS];
static unsigned long accepted, echoed_bytes, resets, datagrams;

static const char *errname(int e)
{
    switch (e) {
    case EAGAIN:
        return "EAGAIN";
    case ECONNREFUSED:
        return "ECONNREFUSED";
    case ECONNRESET:
        return "ECONNRESET";
    case EPIPE:
        return "EPIPE";
    case EINPROGRESS:
        return "EINPROGRESS";
    case EADDRINUSE:
        return "EADDRINUSE";
    case EADDRNOTAVAIL:
        return "EADDRNOTAVAIL";
    case EAFNOSUPPORT:
        return "EAFNOSUPPORT";
    case EBADF:
        return "EBADF";
    case ENOTSOCK:
        return "ENOTSOCK";
    case ENOTCONN:
        return "ENOTCONN";
    case EINVAL:
        return "EINVAL";
    default:
        return "?";
    }
}

static int fail(const char *what)
{
    printf("FAIL %s: %s (%s)\n", what, strerror(errno), errname(errno));
    return 1;
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void conn_close(struct conn *c)
{
    close(c->fd);
    c->fd = -1;
}

/* Sends what is buffered; closes the connection on an error or once the peer's end is echoed. */
static void conn_flush(struct conn *c)
{
    while (c->off < c->len) {
        ssize_t n = send(c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            resets++;
            conn_close(c);
            return;
        }
        c->off += (size_t)n;
        echoed_bytes += (size_t)n;
    }
    c->off = c->len = 0;
    if (c->eof)
        conn_close(c);
}

static void conn_read(struct conn *c)
{
    ssize_t n = recv(c->fd, c->buf, sizeof(c->buf), 0);

    if (n > 0) {
        c->len = (size_t)n;
        conn_flush(c);
    } else if (n == 0) {
        c->eof = 1;
        conn_flush(c);
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        if (errno == ECONNRESET)
            resets++;
        conn_close(c);
    }
}

static void accept_all(int lfd)
{
    for (;;) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        int fd = accept(lfd, (struct sockaddr *)&peer, &plen), one = 1, slot;

        if (fd < 0)
            return; /* EAGAIN: all taken */
        for (slot = 0; slot < MAX_CONNS && conns[slot].fd >= 0; slot++)
            ;
        if (slot == MAX_CONNS || set_nonblock(fd) != 0) {
            close(fd);
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        conns[slot] = (struct conn){.fd = fd};
        accepted++;
    }
}

static int serve(int port)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    socklen_t alen = sizeof(addr);
    int lfd = socket(AF_INET, SOCK_STREAM, 0), ufd = socket(AF_INET, SOCK_DGRAM, 0), one = 1;
    struct pollfd pfd[2 + MAX_CONNS];

    if (lfd < 0 || ufd < 0)
        return fail("socket");
    if (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
        return fail("setsockopt SO_REUSEADDR");
    if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        bind(ufd, (struct sockaddr *)&addr, sizeof(addr)) != 0)
        return fail("bind");
    if (listen(lfd, SOMAXCONN) != 0 || set_nonblock(lfd) != 0 || set_nonblock(ufd) != 0)
        return fail("listen");
    if (getsockname(lfd, (struct sockaddr *)&addr, &alen) != 0)
        return fail("getsockname");
    /* Non-blocking: with no client yet, accept says so at once. */
    if (accept(lfd, NULL, NULL) >= 0 || errno != EAGAIN)
        return fail("accept before any client did not give EAGAIN");
    printf("accept before any client: %s\n", errname(errno));
    for (int i = 0; i < MAX_CONNS; i++)
        conns[i].fd = -1;
    printf("SERVING tcp and udp echo on %s:%d\n", inet_ntoa(addr.sin_addr), ntohs(addr.sin_port));
    for (;;) {
        nfds_t n = 2;
        int map[MAX_CONNS];

        pfd[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = ufd, .events = POLLIN};
        for (int i = 0; i < MAX_CONNS; i++) {
            if (conns[i].fd < 0)
                continue;
            map[n - 2] = i;
            pfd[n++] = (struct pollfd){.fd = conns[i].fd,
                                       .events = conns[i].len > conns[i].off ? POLLOUT : POLLIN};
        }
        if (poll(pfd, n, -1) < 0)
            return fail("poll");
        if (pfd[0].revents & POLLIN)
            accept_all(lfd);
        if (pfd[1].revents & POLLIN) {
            static char d[65536];
            struct sockaddr_in from;
            socklen_t flen = sizeof(from);
            ssize_t k = recvfrom(ufd, d, sizeof(d), 0, (struct sockaddr *)&from, &flen);

            if (k == 4 && memcmp(d, "quit", 4) == 0) {
                printf("served %lu connections, echoed %lu bytes, %lu resets, %lu datagrams\n",
                       accepted, echoed_bytes, resets, datagrams);
                return 0;
            }
            if (k >= 0 && sendto(ufd, d, (size_t)k, 0, (struct sockaddr *)&from, flen) == k)
                datagrams++;
        }
        for (nfds_t i = 2; i < n; i++) {
            struct conn *c = &conns[map[i - 2]];

            if (!pfd[i].revents || c->fd < 0)
                continue;
            if (c->len > c->off)
                conn_flush(c);
            else
                conn_read(c);
        }
    }
}

static int connect_to(const char *host, const char *port, int nonblock)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai;
    int fd, r = getaddrinfo(host, port, &hints, &ai);

    if (r != 0) {
        printf("FAIL getaddrinfo %s %s: %s\n", host, port, gai_strerror(r));
        return -2;
    }
    fd = socket(AF_INET, SOCK_STREAM | (nonblock ? SOCK_NONBLOCK : 0), 0);
    if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        int e = errno;

        if (!(nonblock && e == EINPROGRESS)) {
            close(fd);
            fd = -1;
        }
        errno = e;
    }
    freeaddrinfo(ai);
    return fd;
}

static int client(const char *host, const char *port, const char *closed)
{
    static const char line[] = "hello through a socket\n";
    char got[256];
    size_t n = 0;
    ssize_t k;
    int fd = connect_to(host, port, 0), err = 0;
    socklen_t elen = sizeof(err);
    struct pollfd p;

    if (fd < 0)
        return fail("connect");
    if (send(fd, line, sizeof(line) - 1, 0) != (ssize_t)sizeof(line) - 1)
        return fail("send");
    shutdown(fd, SHUT_WR);
    /* All of the line in one call (MSG_WAITALL), then the server's end. */
    k = recv(fd, got, sizeof(line) - 1, MSG_WAITALL);
    if (k != (ssize_t)sizeof(line) - 1)
        return fail("recv MSG_WAITALL");
    n = (size_t)k;
    while (n < sizeof(got) - 1 && (k = recv(fd, got + n, sizeof(got) - 1 - n, 0)) > 0)
        n += (size_t)k;
    got[n] = '\0';
    close(fd);
    printf("echoed: %s", got);
    /* A closed port: refused, blocking and non-blocking (EINPROGRESS, then SO_ERROR). */
    if (connect_to(host, closed, 0) >= 0 || errno != ECONNREFUSED)
        return fail("connect to a closed port did not give ECONNREFUSED");
    printf("connect %s:%s: %s (%s)\n", host, closed, strerror(errno), errname(errno));
    fd = connect_to(host, closed, 1);
    if (fd < 0)
        return fail("non-blocking connect");
    printf("non-blocking connect: %s\n", errname(EINPROGRESS));
    p = (struct pollfd){.fd = fd, .events = POLLOUT};
    if (poll(&p, 1, 5000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
        return fail("poll after non-blocking connect");
    printf("then poll: %s%s, SO_ERROR %s\n", p.revents & POLLOUT ? "POLLOUT" : "",
           p.revents & POLLERR ? "|POLLERR" : "", errname(err));
    close(fd);
    return err == ECONNREFUSED && strcmp(got, line) == 0 ? 0 : 1;
}

/* check(NAME, CONDITION): prints the outcome; counts failures. */
static int failures;
#define check(name, cond)                                                                          \
    do {                                                                                           \
        int ok_ = (cond);                                                                          \
        printf("%s %s\n", ok_ ? "ok" : "FAILED", name);                                            \
        failures += !ok_;                                                                          \
    } while (0)

static int selftest(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(7)}, b = a;
    socklen_t alen = sizeof(b);
    int l = socket(AF_INET, SOCK_STREAM, 0), l2 = socket(AF_INET, SOCK_STREAM, 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0), v = 1, nb = 1, nd = 0;
    struct pollfd p[2] = {{.fd = l, .events = POLLIN}, {.fd = u, .events = POLLIN | POLLOUT}};
    struct timespec t0, t1;
    struct timeval tv = {0, 100000};
    fd_set rd;
    char c;

    check("socket", l >= 3 && l2 > l && u > l2);
    check("bind", bind(l, (struct sockaddr *)&a, sizeof(a)) == 0);
    check("bind again: EADDRINUSE",
          bind(l2, (struct sockaddr *)&a, sizeof(a)) < 0 && errno == EADDRINUSE);
    inet_pton(AF_INET, "192.0.2.1", &b.sin_addr);
    check("bind a foreign address: EADDRNOTAVAIL",
          bind(l2, (struct sockaddr *)&b, sizeof(b)) < 0 && errno == EADDRNOTAVAIL);
    check("listen", listen(l, 4) == 0);
    check("getsockname", getsockname(l, (struct sockaddr *)&b, &alen) == 0 && alen == sizeof(b) &&
                             ntohs(b.sin_port) == 7);
    check("ioctl FIONBIO", ioctl(l, FIONBIO, &nb) == 0 && (fcntl(l, F_GETFL) & O_NONBLOCK));
    check("accept: EAGAIN", accept(l, NULL, NULL) < 0 && errno == EAGAIN);
    check("setsockopt TCP_NODELAY", setsockopt(l2, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) == 0);
    check("TCP_NODELAY on a listener",
          setsockopt(l, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) == 0 &&
              getsockopt(l, IPPROTO_TCP, TCP_NODELAY, &nd, &alen) == 0 && nd == 1);
    alen = sizeof(b);
    check("recv unconnected: ENOTCONN", recv(l2, &c, 1, 0) < 0 && errno == ENOTCONN);
    check("getpeername unconnected: ENOTCONN",
          getpeername(l2, (struct sockaddr *)&b, &alen) < 0 && errno == ENOTCONN);
    check("socket AF_INET6: EAFNOSUPPORT",
          socket(AF_INET6, SOCK_STREAM, 0) < 0 && errno == EAFNOSUPPORT);
    check("close a bad fd: EBADF", close(999) < 0 && errno == EBADF);
    check("send on stdout: ENOTSOCK", send(1, "x", 1, 0) < 0 && errno == ENOTSOCK);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    v = poll(p, 2, 200);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    check("poll: only the UDP socket writable",
          v == 1 && p[0].revents == 0 && p[1].revents == POLLOUT);
    v = poll(p, 1, 200);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    check("poll timeout: 0 after ~200 ms",
          v == 0 && (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 >= 190);
    FD_ZERO(&rd);
    FD_SET(l, &rd);
    check("select timeout: 0", select(l + 1, &rd, NULL, NULL, &tv) == 0 && !FD_ISSET(l, &rd));
    check("close", close(l) == 0 && close(l2) == 0 && close(u) == 0);
    check("descriptor reused", (l = socket(AF_INET, SOCK_STREAM, 0)) == 3);
    close(l);
    printf(failures ? "SELFTEST FAILED (%d)\n" : "SELFTEST OK\n", failures);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    printf("argv:");
    for (int i = 1; i < argc; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
    if (argc == 3 && strcmp(argv[1], "serve") == 0)
        return serve(atoi(argv[2]));
    if (argc == 5 && strcmp(argv[1], "client") == 0)
        return client(argv[2], argv[3], argv[4]);
    if (argc == 2 && strcmp(argv[1], "selftest") == 0)
        return selftest();
    fprintf(stderr, "usage: sockecho serve PORT | client ADDR PORT CLOSED_PORT | selftest\n");
    return 2;
}
