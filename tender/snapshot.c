/* snapshot.c: saving a running guest (--snapshot=FILE, on SIGUSR2); format in snapshot.h. */
/*
 * The trigger is on the host side, so images need nothing new and stay runnable on any hvt
 * tender: SIGUSR2 sets a flag and immediate_exit. KVM_RUN then returns EINTR, after KVM has
 * completed any port I/O it exited for (api.rst, KVM_EXIT_IO: "the kernel side will first
 * finish incomplete operations"), so the registers read are those of an instruction boundary
 * with no hypercall half done. A guest waiting in POLL is saved when its wait ends.
 *
 * Only memory the guest touched is written: mincore() says which pages of the private mapping
 * exist at all, and of those the all-zero ones are left out (they read as zero on restore).
 * Each run of pages is page-aligned in the file, so a restore maps it MAP_PRIVATE.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

#include "arch.h"
#include "snapshot.h"

static struct {
    int fd;
    const char *path;
    int requested; /* set by the SIGUSR2 handler */
    struct kvm_run *run;
    size_t mft_size;
    uint8_t mft[MFT_MAX_SIZE]; /* as the image declared it */
} snap = {.fd = -1};

static bool is_zero(const uint8_t *p, size_t n)
{
    const uint64_t *w = (const uint64_t *)p;

    for (size_t i = 0; i < n / 8; i++)
        if (w[i])
            return false;
    return true;
}

void skiff_snapshot_keep_manifest(const struct mft *mft, size_t size)
{
    memcpy(snap.mft, mft, size);
    snap.mft_size = size;
}

static void on_snapshot_signal(int sig)
{
    (void)sig;
    __atomic_store_n(&snap.requested, 1, __ATOMIC_SEQ_CST);
    if (snap.run)
        __atomic_store_n(&snap.run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

bool skiff_snapshot_pending(void)
{
    return __atomic_load_n(&snap.requested, __ATOMIC_SEQ_CST) != 0;
}

int skiff_snapshot_arm(struct skiff *s, const char *path)
{
    /* Writing the file, sizing it, and making it durable before the run ends. */
    static const int calls[] = {SYS_pwrite64, SYS_ftruncate, SYS_fdatasync, -1};
    struct sigaction sa;

    if (!skiff_arch_snapshot_supported) {
        skiff_set_error("--snapshot: not supported on this architecture yet");
        return SKIFF_EXIT_USAGE;
    }
    if (s->net_ring) {
        skiff_set_error("--snapshot: the network ring cannot be saved; add --no-net-ring");
        return SKIFF_EXIT_USAGE;
    }
    /* Not truncated here: an earlier snapshot at this path stays intact until a new one is
     * taken. */
    snap.fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (snap.fd < 0) {
        skiff_set_error("%s: cannot open for the snapshot: %s", path, strerror(errno));
        return SKIFF_EXIT_NOINPUT;
    }
    snap.path = path;
    snap.run = s->kvm.run;
    skiff_sandbox_allow_fd(snap.fd, calls);
    /* Reading the vCPU's state, and which pages of guest memory exist (find_ranges). */
    for (const unsigned long *r = skiff_arch_snapshot_ioctls; *r; r++)
        skiff_sandbox_allow_vcpu_ioctl(*r);
    skiff_sandbox_allow_call(SYS_mincore);
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_snapshot_signal;
    sigaction(SIGUSR2, &sa, NULL);
    return 0;
}

/* The guest's memory as ranges of pages that exist and are not all zero; adjacent pages merge,
 * and past SKIFF_SNAP_MAX_RANGES the last range grows over the gap instead. */
static int find_ranges(struct skiff *s, struct skiff_snap_range *r, uint32_t *nranges)
{
    static unsigned char vec[HVT_MEM_MAX / SKIFF_SNAP_PAGE];
    uint64_t npages = s->guest.alloc_size / SKIFF_SNAP_PAGE;
    uint32_t n = 0;

    if (mincore(s->guest.mem, s->guest.alloc_size, vec) < 0) {
        skiff_set_error("snapshot: mincore of guest memory: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    for (uint64_t p = 0; p < npages; p++) {
        uint64_t gpa = p * SKIFF_SNAP_PAGE;

        if (!(vec[p] & 1) || is_zero(s->guest.mem + gpa, SKIFF_SNAP_PAGE))
            continue;
        if (n > 0 && r[n - 1].gpa + r[n - 1].size == gpa)
            r[n - 1].size += SKIFF_SNAP_PAGE;
        else if (n == SKIFF_SNAP_MAX_RANGES)
            r[n - 1].size = gpa + SKIFF_SNAP_PAGE - r[n - 1].gpa;
        else
            r[n++] = (struct skiff_snap_range){.gpa = gpa, .size = SKIFF_SNAP_PAGE};
    }
    *nranges = n;
    return 0;
}

static int write_all(const void *buf, uint64_t len, uint64_t off)
{
    const uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = pwrite(snap.fd, p, len > (1U << 30) ? (1U << 30) : len, (off_t)off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            skiff_set_error("%s: snapshot write: %s", snap.path, n < 0 ? strerror(errno) : "short");
            return SKIFF_EXIT_IO;
        }
        p += n;
        off += (uint64_t)n;
        len -= (uint64_t)n;
    }
    return 0;
}

static uint32_t crc_update(uint32_t crc, const uint8_t *p, uint64_t len)
{
    while (len > 0) {
        uInt n = len > (1U << 30) ? (1U << 30) : (uInt)len;

        crc = (uint32_t)crc32(crc, p, n);
        p += n;
        len -= n;
    }
    return crc;
}

int skiff_snapshot_save(struct skiff *s)
{
    static struct skiff_snap_range ranges[SKIFF_SNAP_MAX_RANGES];
    static uint8_t meta[SKIFF_GUEST_RO_MAX * sizeof(struct skiff_snap_ro) + 2 * MFT_MAX_SIZE +
                        SKIFF_SNAP_ARCH_MAX + sizeof(ranges)];
    struct skiff_snap_header h = {.version = SKIFF_SNAP_VERSION, .arch = skiff_arch_elf_machine};
    size_t arch_len, m = 0;
    uint32_t nranges;
    uint64_t off, mem_bytes = 0;
    int status;

    __atomic_store_n(&snap.requested, 0, __ATOMIC_SEQ_CST);
    for (size_t i = 0; i < s->guest.nro; i++) {
        struct skiff_snap_ro ro = {s->guest.ro[i].start, s->guest.ro[i].end};

        memcpy(meta + m, &ro, sizeof(ro));
        m += sizeof(ro);
    }
    memcpy(meta + m, snap.mft, snap.mft_size);
    m += snap.mft_size;
    memcpy(meta + m, s->mft, snap.mft_size);
    m += snap.mft_size;
    if ((status = skiff_arch_snapshot_save(s, meta + m, SKIFF_SNAP_ARCH_MAX, &arch_len)))
        return status;
    m += arch_len;
    if ((status = find_ranges(s, ranges, &nranges)))
        return status;

    /* Memory first, from the page after the metadata, each range page-aligned. */
    off = (SKIFF_SNAP_PAGE + m + nranges * sizeof(ranges[0]) + SKIFF_SNAP_PAGE - 1) &
          ~(SKIFF_SNAP_PAGE - 1);
    if (ftruncate(snap.fd, 0) < 0) {
        skiff_set_error("%s: snapshot truncate: %s", snap.path, strerror(errno));
        return SKIFF_EXIT_IO;
    }
    h.mem_crc = (uint32_t)crc32(0, NULL, 0);
    for (uint32_t i = 0; i < nranges; i++) {
        ranges[i].offset = off;
        if ((status = write_all(s->guest.mem + ranges[i].gpa, ranges[i].size, off)))
            return status;
        h.mem_crc = crc_update(h.mem_crc, s->guest.mem + ranges[i].gpa, ranges[i].size);
        off += ranges[i].size;
        mem_bytes += ranges[i].size;
    }
    memcpy(meta + m, ranges, nranges * sizeof(ranges[0]));
    m += nranges * sizeof(ranges[0]);

    memcpy(h.magic, SKIFF_SNAP_MAGIC, sizeof(h.magic));
    h.nranges = nranges;
    h.meta_offset = SKIFF_SNAP_PAGE;
    h.meta_size = m;
    h.meta_crc = crc_update((uint32_t)crc32(0, NULL, 0), meta, m);
    h.mem_size = s->guest.size;
    h.alloc_size = s->guest.alloc_size;
    h.kernel_end = s->image.kernel_end;
    h.cpu_cycle_freq = s->cpu_cycle_freq;
    h.mft_size = (uint32_t)snap.mft_size;
    h.arch_size = (uint32_t)arch_len;
    h.nro = (uint32_t)s->guest.nro;
    h.header_crc = (uint32_t)crc32(0, (const Bytef *)&h, sizeof(h));
    if ((status = write_all(meta, m, SKIFF_SNAP_PAGE)) || (status = write_all(&h, sizeof(h), 0)))
        return status;
    if (fdatasync(snap.fd) < 0) {
        skiff_set_error("%s: snapshot sync: %s", snap.path, strerror(errno));
        return SKIFF_EXIT_IO;
    }
    if (!s->quiet)
        fprintf(stderr, "skiff: snapshot saved to %s: %llu KiB of memory in %u ranges\n", snap.path,
                (unsigned long long)(mem_bytes >> 10), nranges);
    s->halted = true;
    s->exit_status = 0;
    return 0;
}
