/* harness.c: the struct skiff the tender-side fuzz targets drive, without KVM or threads. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static struct skiff s;
static int net_peer = -1;
static union {
    struct mft m;
    uint8_t bytes[MFT_SIZE(3)];
} mft;

static void attach(uint32_t handle, const char *name, uint32_t type, int fd)
{
    strcpy(mft.m.e[handle].name, name);
    mft.m.e[handle].type = type;
    mft.m.e[handle].attached = 1;
    s.dev_fds[handle] = fd;
}

struct skiff *fuzz_tender_setup(size_t extra_bytes)
{
    int disk, sv[2];

    if (s.guest.mem)
        return &s;
    disk = memfd_create("fuzz_disk", MFD_CLOEXEC);
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
    attach(FUZZ_HANDLE_BLK, "storage", MFT_DEV_BLOCK_BASIC, disk);
    mft.m.e[FUZZ_HANDLE_BLK].u.block_basic.capacity = FUZZ_DISK_SIZE;
    attach(FUZZ_HANDLE_NET, "service0", MFT_DEV_NET_BASIC, sv[0]);
    mft.m.e[FUZZ_HANDLE_NET].u.net_basic.mtu = 1500;
    s.poll_fds[s.npoll] = sv[0];
    s.poll_handles[s.npoll++] = FUZZ_HANDLE_NET;
    net_peer = sv[1];

    s.guest.size = FUZZ_MEM_SIZE;
    s.guest.alloc_size = FUZZ_MEM_SIZE + extra_bytes;
    s.guest.mem =
        mmap(NULL, s.guest.alloc_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (s.guest.mem == MAP_FAILED)
        abort();
    /* Read-only as an image's text is: a host write there on the guest's behalf crashes the
     * fuzzer, as it would the tender. */
    memset(s.guest.mem + FUZZ_RO_START, 0xc3, FUZZ_RO_END - FUZZ_RO_START);
    if (skiff_guest_protect(&s.guest, FUZZ_RO_START, FUZZ_RO_END, PROT_READ))
        abort();
    if (skiff_module_core.setup(&s) || skiff_module_block.setup(&s) || skiff_module_net.setup(&s))
        abort();
    /* PUTS and frames write to stdout; keep the fuzzer's own output readable. */
    if (dup2(open("/dev/null", O_WRONLY | O_CLOEXEC), STDOUT_FILENO) < 0)
        abort();
    return &s;
}

void fuzz_net_traffic(uint8_t salt)
{
    uint8_t frame[64];

    while (recv(net_peer, frame, sizeof(frame), 0) > 0)
        ;
    if (salt & 1) {
        memset(frame, salt, sizeof(frame));
        (void)send(net_peer, frame, sizeof(frame), 0);
    }
}

void fuzz_guest_fill(struct skiff *t, const uint8_t *data, size_t size)
{
    memset(t->guest.mem, 0, FUZZ_RO_START);
    memset(t->guest.mem + FUZZ_RO_END, 0, t->guest.alloc_size - FUZZ_RO_END);
    if (size > FUZZ_RO_START)
        size = FUZZ_RO_START;
    if (size > 0)
        memcpy(t->guest.mem, data, size);
}
