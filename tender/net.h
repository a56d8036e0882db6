/* net.h: network devices: tap I/O, the NET hypercalls, --net-from's netlink, the ring. */
#ifndef SKIFF_NET_H
#define SKIFF_NET_H

#include "skiff.h"

/* ---- tap_io.c: frames to and from taps, for the hypercalls (net.c) and the ring ---- */

#define SKIFF_ETH_HLEN      14
#define SKIFF_NET_FRAME_MAX 65535

/* The tap fd behind a guest's handle, or -1 if it is not an attached network device. */
int skiff_net_fd(const struct skiff *s, uint64_t handle);
/* True if the manifest has an attached network device. */
bool skiff_net_attached(const struct skiff *s);
/* Sends one frame. *ret: HVT_R_OK (sent, or dropped because the tap queue is full) or
 * HVT_R_EINVAL (a frame no Ethernet can carry). Returns 0, or SKIFF_EXIT_IO on host failure. */
int skiff_tap_send(int fd, const uint8_t *buf, uint64_t len, int32_t *ret);
/* Receives one frame of at most *len bytes without blocking. *ret: HVT_R_OK with *len set to
 * the frame size, or HVT_R_AGAIN. Returns 0, or SKIFF_EXIT_IO on host failure. */
int skiff_tap_recv(int fd, uint8_t *buf, uint64_t *len, int32_t *ret);

/* ---- net.c: tap-backed network devices: options, NET_READ/NET_WRITE, POLL fds ---- */

/* Makes open tap fd (MTU mtu) the backend of network entry e, which must not be attached yet:
 * sets the entry's MTU and attached flag, adds fd to the device and POLL fds and allows the
 * tap's calls in the sandbox; s owns fd. */
void skiff_net_attach(struct skiff *s, struct mft_entry *e, int fd, int mtu);

/* ---- netlink.c: the rtnetlink requests of netsetup.c (--net-from); each returns 0 or a
 * negative errno ---- */

/* A NETLINK_ROUTE socket (close-on-exec), or a negative errno. */
int skiff_netlink_open(void);
/* Replaces any ingress qdisc of interface ifindex with a new, empty one. */
int skiff_tc_ingress(int fd, int ifindex);
/* Adds to from's ingress qdisc a u32 filter matching every frame, with a mirred action that
 * redirects it to the egress of interface to. */
int skiff_tc_redirect(int fd, int from, int to);
/* Sets *gw to the gateway (network order) of the main table's IPv4 default route through
 * ifindex, or 0 if there is none. */
int skiff_route_gateway(int fd, int ifindex, uint32_t *gw);

/* ---- net_ring.c (the ring module: memory, kick, thread) and net_ring_serve.c ---- */

/* The ring is shared with a guest running on another CPU: indices it reads are loaded with
 * acquire, indices it publishes stored with release (abi.md 6). */
#define SKIFF_LOAD_ACQUIRE(p)     __atomic_load_n(p, __ATOMIC_ACQUIRE)
#define SKIFF_STORE_RELEASE(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)

/* Serves every entry from *head up to the guest's ent_tail, advancing *head and publishing
 * ent_head and completions. Returns 0, or an exit status with the error set (a broken ring,
 * a buffer outside guest memory, a host write error): the caller ends the run. */
int skiff_ring_serve(struct skiff *s, struct hvt_ring *r, uint32_t *head);

#endif /* SKIFF_NET_H */
