/* fuzz_hypercall.c: libFuzzer target: a hostile guest's memory and one hypercall, dispatched to
 * the core, block and net modules as the run loop would, without KVM. */
/*
 * Input: byte 0 picks the hypercall number (including invalid ones), bytes 1-4 are the
 * argument's GPA as a 32-bit OUT would deliver it, the rest is the guest's memory from GPA 0.
 * The block device is a memfd; the net device one end of a datagram socketpair, so frames
 * go somewhere and reads find one now and then.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "skiff.h"

#define FUZZ_MEM_SIZE   0x10000 /* 64 KiB: small enough for the fuzzer to fill */
#define FUZZ_DISK_SIZE  0x8000
#define FUZZ_HDR_SIZE   5
#define FUZZ_HANDLE_BLK 1
#define FUZZ_HANDLE_NET 2
#define FUZZ_POLL_MAX   1000000ULL /* ns: POLL may block this long, not the guest's choice */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Stand-ins for the parts of the tender not linked here. The ring is never started (no KVM,
 * no ioeventfd) and no signal stops the run. */
int skiff_ring_start(struct skiff *s, uint64_t ring_gpa)
{
    (void)s;
    (void)ring_gpa;
    errno = ENOSYS;
    return -1;
}

void skiff_ring_stop(void)
{
}

int skiff_stop_signal(void)
{
    return 0;
}

/* Options are the command line's business (fuzz_cli); devices here are attached by hand. */
struct mft_entry *skiff_devopt_entry(struct skiff *s, const struct skiff_devopt *opt, uint32_t type)
{
    (void)s;
    (void)opt;
    (void)type;
    return NULL;
}

static struct skiff s;
static int net_peer = -1;
static union {
    struct mft m;
    uint8_t bytes[MFT_SIZE(3)];
} mft;

static void setup(void)
{
    int disk = memfd_create("fuzz_disk", MFD_CLOEXEC), sv[2];

    if (disk < 0 || ftruncate(disk, FUZZ_DISK_SIZE) < 0 ||
        socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
        abort();
    for (size_t i = 0; i < MFT_MAX_ENTRIES; i++)
        s.dev_fds[i] = -1;
    s.mft = &mft.m;
    s.mft_size = sizeof(mft);
    mft.m.version = MFT_VERSION;
    mft.m.entries = 3;
    mft.m.e[0].type = MFT_RESERVED_FIRST;
    strcpy(mft.m.e[FUZZ_HANDLE_BLK].name, "storage");
    mft.m.e[FUZZ_HANDLE_BLK].type = MFT_DEV_BLOCK_BASIC;
    mft.m.e[FUZZ_HANDLE_BLK].attached = 1;
    mft.m.e[FUZZ_HANDLE_BLK].u.block_basic.capacity = FUZZ_DISK_SIZE;
    s.dev_fds[FUZZ_HANDLE_BLK] = disk;
    strcpy(mft.m.e[FUZZ_HANDLE_NET].name, "service0");
    mft.m.e[FUZZ_HANDLE_NET].type = MFT_DEV_NET_BASIC;
    mft.m.e[FUZZ_HANDLE_NET].attached = 1;
    mft.m.e[FUZZ_HANDLE_NET].u.net_basic.mtu = 1500;
    s.dev_fds[FUZZ_HANDLE_NET] = sv[0];
    s.poll_fds[s.npoll] = sv[0];
    s.poll_handles[s.npoll++] = FUZZ_HANDLE_NET;
    net_peer = sv[1];

    s.guest.alloc_size = s.guest.size = FUZZ_MEM_SIZE;
    s.guest.mem =
        mmap(NULL, FUZZ_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (s.guest.mem == MAP_FAILED)
        abort();
    if (skiff_module_core.setup(&s) || skiff_module_block.setup(&s) || skiff_module_net.setup(&s))
        abort();
    /* PUTS writes to stdout; keep the fuzzer's own output readable. */
    if (dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), STDOUT_FILENO) < 0)
        abort();
}

/* Keeps the peer's queue from filling, and sometimes gives NET_READ a frame to find. */
static void net_traffic(uint8_t salt)
{
    uint8_t frame[64];

    while (recv(net_peer, frame, sizeof(frame), 0) > 0)
        ;
    if (salt & 1) {
        memset(frame, salt, sizeof(frame));
        (void)send(net_peer, frame, sizeof(frame), 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned nr;
    uint32_t gpa;
    struct hvt_hc_poll poll;

    if (!s.guest.mem)
        setup();
    if (size < FUZZ_HDR_SIZE)
        return 0;
    nr = data[0] % (HVT_HYPERCALL_MAX + 2);
    memcpy(&gpa, data + 1, sizeof(gpa));
    memset(s.guest.mem, 0, FUZZ_MEM_SIZE);
    size -= FUZZ_HDR_SIZE;
    memcpy(s.guest.mem, data + FUZZ_HDR_SIZE, size < FUZZ_MEM_SIZE ? size : FUZZ_MEM_SIZE);
    net_traffic(data[0] >> 4);

    /* The one thing a guest may legitimately make the tender do for long: wait. */
    if (nr == HVT_HYPERCALL_POLL && skiff_guest_read(&s.guest, gpa, &poll, sizeof(poll)) == 0 &&
        poll.timeout_nsecs > FUZZ_POLL_MAX) {
        poll.timeout_nsecs %= FUZZ_POLL_MAX;
        skiff_guest_write(&s.guest, gpa, &poll, sizeof(poll));
    }
    s.halted = false;
    (void)skiff_hypercall_dispatch(&s, nr, gpa);
    return 0;
}
