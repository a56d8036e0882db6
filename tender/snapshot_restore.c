/* snapshot_restore.c: --restore=FILE: checks a snapshot, maps its memory, sets the vCPU. */
/*
 * The file is untrusted: every size is bounded before use, every range checked to lie inside
 * guest memory and inside the file before it is mapped (a mapping past the end of a file would
 * fault in the tender), and the checksums are verified before anything reaches KVM. A bad file
 * fails with one line naming the field and SKIFF_EXIT_IMAGE (65).
 *
 * Guest memory is one private anonymous reservation of the saved size, with each saved range
 * mapped over it MAP_PRIVATE | MAP_FIXED from the file: the page cache holds one copy that
 * every restore of the file shares until it writes a page, and the pages not saved read as
 * zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "arch.h"
#include "snapshot.h"

static struct {
    const char *path;
    uint64_t freq;
    const uint8_t *arch_state;
    size_t arch_size;
    const struct mft *filled; /* the manifest as the saving tender filled it */
} rs;

/* A malformed file: the error names the file and the field. */
#define BAD(...) (skiff_set_error(__VA_ARGS__), SKIFF_EXIT_IMAGE)
#define ULL(x)   ((unsigned long long)(x))

static int read_exact(int fd, void *buf, size_t len, off_t off)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = pread(fd, (uint8_t *)buf + done, len - done, off + (off_t)done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

static int check_header(const struct skiff_snap_header *h, uint64_t file_size)
{
    struct skiff_snap_header c = *h;
    uint64_t meta_max = SKIFF_GUEST_RO_MAX * sizeof(struct skiff_snap_ro) + 2 * MFT_MAX_SIZE +
                        SKIFF_SNAP_ARCH_MAX +
                        SKIFF_SNAP_MAX_RANGES * sizeof(struct skiff_snap_range);

    if (memcmp(h->magic, SKIFF_SNAP_MAGIC, sizeof(h->magic)) != 0)
        return BAD("%s: not a skiff snapshot (%s)", rs.path, "magic");
    if (h->version != SKIFF_SNAP_VERSION)
        return BAD("%s: %s %llu not supported (this skiff reads %llu)", rs.path, "version",
                   ULL(h->version), ULL(SKIFF_SNAP_VERSION));
    if (h->arch != skiff_arch_elf_machine)
        return BAD("%s: %s: saved on ELF machine %llu, this skiff runs %llu", rs.path, "arch",
                   ULL(h->arch), ULL(skiff_arch_elf_machine));
    c.header_crc = 0;
    if ((uint32_t)crc32(0, (const Bytef *)&c, sizeof(c)) != h->header_crc)
        return BAD("%s: %s mismatch: the header is corrupt", rs.path, "header_crc");
    if (h->alloc_size == 0 || h->alloc_size > HVT_MEM_MAX || h->alloc_size % HVT_MEM_ALIGN ||
        h->mem_size != h->alloc_size)
        return BAD("%s: %s %llu is not a guest memory size (max %llu)", rs.path, "alloc_size",
                   ULL(h->alloc_size), ULL(HVT_MEM_MAX));
    if (h->kernel_end > h->mem_size || h->kernel_end % SKIFF_SNAP_PAGE)
        return BAD("%s: %s 0x%llx outside guest memory of %llu bytes", rs.path, "kernel_end",
                   ULL(h->kernel_end), ULL(h->mem_size));
    if (h->nro > SKIFF_GUEST_RO_MAX)
        return BAD("%s: %s %llu above the maximum %llu", rs.path, "nro", ULL(h->nro),
                   ULL(SKIFF_GUEST_RO_MAX));
    if (h->nranges > SKIFF_SNAP_MAX_RANGES)
        return BAD("%s: %s %llu above the maximum %llu", rs.path, "nranges", ULL(h->nranges),
                   ULL(SKIFF_SNAP_MAX_RANGES));
    if (h->mft_size < sizeof(struct mft) || h->mft_size > MFT_MAX_SIZE)
        return BAD("%s: %s %llu outside [8, %llu]", rs.path, "mft_size", ULL(h->mft_size),
                   ULL(MFT_MAX_SIZE));
    if (h->arch_size > SKIFF_SNAP_ARCH_MAX)
        return BAD("%s: %s %llu above the maximum %llu", rs.path, "arch_size", ULL(h->arch_size),
                   ULL(SKIFF_SNAP_ARCH_MAX));
    if (h->meta_offset != SKIFF_SNAP_PAGE ||
        h->meta_size != h->nro * sizeof(struct skiff_snap_ro) + 2ULL * h->mft_size + h->arch_size +
                            h->nranges * sizeof(struct skiff_snap_range) ||
        h->meta_size > meta_max)
        return BAD("%s: %s %llu does not match the header's counts (offset %llu)", rs.path,
                   "meta_size", ULL(h->meta_size), ULL(h->meta_offset));
    if (h->meta_offset + h->meta_size > file_size)
        return BAD("%s: truncated: %s ends at byte %llu, the file has %llu", rs.path, "metadata",
                   ULL(h->meta_offset + h->meta_size), ULL(file_size));
    if (h->cpu_cycle_freq == 0)
        return BAD("%s: %s is 0", rs.path, "cpu_cycle_freq");
    return 0;
}

/* Ranges sorted, disjoint, page-aligned, inside guest memory and inside the file. */
static int check_ranges(const struct skiff_snap_header *h, const struct skiff_snap_range *r,
                        uint64_t file_size)
{
    uint64_t next_gpa = 0, data_start = h->meta_offset + h->meta_size;

    for (uint32_t i = 0; i < h->nranges; i++) {
        char field[32];

        snprintf(field, sizeof(field), "range %u", i);
        if (r[i].size == 0 || (r[i].gpa | r[i].size | r[i].offset) % SKIFF_SNAP_PAGE ||
            r[i].gpa < next_gpa || r[i].gpa > h->alloc_size || r[i].size > h->alloc_size - r[i].gpa)
            return BAD("%s: %s: guest [0x%llx, +0x%llx) not page-aligned, sorted and inside "
                       "guest memory",
                       rs.path, field, ULL(r[i].gpa), ULL(r[i].size));
        if (r[i].offset < data_start || r[i].offset > file_size ||
            r[i].size > file_size - r[i].offset)
            return BAD("%s: truncated: %s: file bytes from %llu (+%llu) are not all in the file",
                       rs.path, field, ULL(r[i].offset), ULL(r[i].size));
        next_gpa = r[i].gpa + r[i].size;
    }
    return 0;
}

static int map_memory(struct skiff *s, int fd, const struct skiff_snap_header *h,
                      const struct skiff_snap_range *r)
{
    uint32_t crc = (uint32_t)crc32(0, NULL, 0);

    s->guest.alloc_size = h->alloc_size;
    s->guest.size = h->mem_size;
    if (skiff_guest_alloc(&s->guest))
        return SKIFF_EXIT_HOST;
    for (uint32_t i = 0; i < h->nranges; i++) {
        uint8_t *at = s->guest.mem + r[i].gpa;

        if (mmap(at, r[i].size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, fd,
                 (off_t)r[i].offset) == MAP_FAILED) {
            skiff_set_error("%s: cannot map memory range %u: %s", rs.path, i, strerror(errno));
            return SKIFF_EXIT_HOST;
        }
        for (uint64_t done = 0; done < r[i].size; done += 1U << 30)
            crc = (uint32_t)crc32(
                crc, at + done,
                (uInt)(r[i].size - done > (1U << 30) ? (1U << 30) : r[i].size - done));
    }
    if (crc != h->mem_crc)
        return BAD("%s: %s mismatch: guest memory in the file is corrupt", rs.path, "mem_crc");
    return 0;
}

/* The manifests: the declared one validates like an image's; the filled one names the same
 * devices. */
static int check_manifests(struct skiff *s, const uint8_t *declared, const uint8_t *filled,
                           size_t size)
{
    static union {
        struct mft m;
        uint8_t bytes[MFT_MAX_SIZE];
    } d, f;

    memcpy(d.bytes, declared, size);
    memcpy(f.bytes, filled, size);
    if (skiff_mft_validate(&d.m, size) < 0) {
        skiff_set_error("%s: manifest: %s", rs.path, skiff_error());
        return SKIFF_EXIT_IMAGE;
    }
    for (uint32_t i = 0; i < d.m.entries; i++)
        if (f.m.entries != d.m.entries || memcmp(f.m.e[i].name, d.m.e[i].name, MFT_NAME_SIZE) ||
            f.m.e[i].type != d.m.e[i].type)
            return BAD("%s: %s entry %llu differs from the declared one", rs.path,
                       "filled manifest", ULL(i));
    s->mft = &d.m;
    s->mft_size = size;
    rs.filled = &f.m;
    skiff_snapshot_keep_manifest(&d.m, size);
    return 0;
}

int skiff_snapshot_load(struct skiff *s, const char *path)
{
    static uint8_t meta[SKIFF_GUEST_RO_MAX * sizeof(struct skiff_snap_ro) + 2 * MFT_MAX_SIZE +
                        SKIFF_SNAP_ARCH_MAX +
                        SKIFF_SNAP_MAX_RANGES * sizeof(struct skiff_snap_range)];
    struct skiff_snap_header h;
    struct stat st;
    const uint8_t *p = meta;
    int fd, status;

    rs.path = path;
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        skiff_set_error("%s: cannot open the snapshot: %s", path,
                        fd < 0 ? strerror(errno) : "not a regular file");
        return SKIFF_EXIT_NOINPUT;
    }
    if ((uint64_t)st.st_size < sizeof(h) || read_exact(fd, &h, sizeof(h), 0) < 0) {
        close(fd);
        return BAD("%s: truncated: %s of %llu bytes needs %llu", rs.path, "header",
                   ULL((unsigned long long)st.st_size), ULL(sizeof(h)));
    }
    if ((status = check_header(&h, (uint64_t)st.st_size)) ||
        (read_exact(fd, meta, h.meta_size, (off_t)h.meta_offset) < 0 &&
         (status = BAD("%s: %s: cannot be read", rs.path, "metadata"))))
        goto out;
    if ((uint32_t)crc32(0, meta, (uInt)h.meta_size) != h.meta_crc) {
        status = BAD("%s: %s mismatch: the metadata is corrupt", rs.path, "meta_crc");
        goto out;
    }
    s->image.kernel_end = h.kernel_end;
    s->image.nsegs = h.nro;
    for (uint32_t i = 0; i < h.nro; i++, p += sizeof(struct skiff_snap_ro)) {
        struct skiff_snap_ro ro;

        memcpy(&ro, p, sizeof(ro));
        if (ro.start >= ro.end || (ro.start | ro.end) % SKIFF_SNAP_PAGE || ro.end > h.mem_size) {
            status = BAD("%s: %s: [0x%llx, 0x%llx) is not a page range in guest memory", rs.path,
                         "read-only range", ULL(ro.start), ULL(ro.end));
            goto out;
        }
        s->image.segs[i] = (struct skiff_segment){ro.start, ro.end, PROT_READ};
    }
    if ((status = check_manifests(s, p, p + h.mft_size, h.mft_size)))
        goto out;
    p += 2 * h.mft_size;
    rs.arch_state = p;
    rs.arch_size = h.arch_size;
    rs.freq = h.cpu_cycle_freq;
    p += h.arch_size;
    {
        static struct skiff_snap_range r[SKIFF_SNAP_MAX_RANGES];

        memcpy(r, p, h.nranges * sizeof(r[0]));
        if ((status = check_ranges(&h, r, (uint64_t)st.st_size)) ||
            (status = map_memory(s, fd, &h, r)))
            goto out;
    }
    s->cpu_cycle_freq = h.cpu_cycle_freq;
out:
    close(fd);
    return status;
}

void skiff_snapshot_devices_prepare(struct skiff *s)
{
    static const uint8_t zero[6];

    for (uint32_t i = 0; i < s->mft->entries; i++) {
        struct mft_entry *e = &s->mft->e[i];

        if (e->type == MFT_DEV_NET_BASIC && memcmp(e->u.net_basic.mac, zero, 6) == 0)
            memcpy(e->u.net_basic.mac, rs.filled->e[i].u.net_basic.mac, 6);
    }
}

int skiff_snapshot_resume(struct skiff *s)
{
    for (uint32_t i = 0; i < s->mft->entries; i++) {
        const struct mft_entry *e = &s->mft->e[i], *saved = &rs.filled->e[i];
        char name[SKIFF_MFT_PRINTABLE_SIZE];

        if ((e->type == MFT_DEV_BLOCK_BASIC || e->type == MFT_DEV_NET_BASIC) &&
            memcmp(&e->u, &saved->u, sizeof(e->u)) != 0) {
            skiff_set_error("device '%s' is attached differently from the snapshot (%s)",
                            skiff_mft_printable_name(e, name),
                            e->type == MFT_DEV_BLOCK_BASIC ? "capacity or block size"
                                                           : "MAC or MTU");
            return SKIFF_EXIT_USAGE;
        }
    }
    return skiff_arch_snapshot_restore(s, rs.arch_state, rs.arch_size, rs.freq);
}
