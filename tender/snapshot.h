/* snapshot.h: saving a running guest to a file and restoring it (format: docs/snapshots.md). */
#ifndef SKIFF_SNAPSHOT_H
#define SKIFF_SNAPSHOT_H

#include "skiff.h"

#define SKIFF_SNAP_MAGIC      "SKIFFSNP"
#define SKIFF_SNAP_VERSION    1
#define SKIFF_SNAP_PAGE       4096ULL
#define SKIFF_SNAP_MAX_RANGES 4096  /* memory ranges in one file; more are merged at save */
#define SKIFF_SNAP_ARCH_MAX   16384 /* bytes of arch (vCPU) state */

/* The first page of a snapshot file. Host byte order: a file is only ever restored on its own
 * architecture (arch is checked first). */
struct skiff_snap_header {
    char magic[8];        /* SKIFF_SNAP_MAGIC, no NUL */
    uint32_t version;     /* SKIFF_SNAP_VERSION */
    uint32_t arch;        /* ELF e_machine of the tender that wrote it */
    uint32_t header_crc;  /* CRC-32 (zlib) of this header with header_crc 0 */
    uint32_t meta_crc;    /* of the metadata block [meta_offset, meta_offset + meta_size) */
    uint32_t mem_crc;     /* of the memory ranges' bytes, in range order */
    uint32_t nranges;     /* memory ranges, at most SKIFF_SNAP_MAX_RANGES */
    uint64_t meta_offset; /* SKIFF_SNAP_PAGE */
    uint64_t meta_size;
    uint64_t mem_size;   /* guest memory the guest may name (boot info's mem_size) */
    uint64_t alloc_size; /* guest memory mapped (equal: no reserved region is saved) */
    uint64_t kernel_end;
    uint64_t cpu_cycle_freq; /* what the guest's clock was scaled with */
    uint32_t mft_size;       /* bytes of each of the two manifests */
    uint32_t arch_size;      /* bytes of arch state */
    uint32_t nro;            /* read-only ranges (image text, rodata) */
    uint32_t reserved;       /* 0 */
};

/* The metadata block, in this order: nro ranges {start, end}, the manifest as the image
 * declared it (mft_size bytes), the manifest as the tender filled it (attached, MACs,
 * capacities: mft_size bytes), the arch state (arch_size bytes), the memory ranges. */
struct skiff_snap_ro {
    uint64_t start, end;
};
struct skiff_snap_range {
    uint64_t gpa, size, offset; /* guest range [gpa, gpa + size) is file [offset, +size) */
};

/* --snapshot=FILE, before the sandbox: opens FILE for writing (not truncated until a snapshot
 * is taken), allows the calls a save makes, and makes SIGUSR2 request one. Call after module
 * setup: refuses a network ring, whose thread and memory cannot be saved yet. Returns 0 or a
 * skiff_exit code with an error. */
int skiff_snapshot_arm(struct skiff *s, const char *path);
/* For the run loop, after KVM_RUN returned EINTR (so any I/O exit is completed and the vCPU is
 * at an instruction boundary): whether SIGUSR2 asked for a snapshot. */
bool skiff_snapshot_pending(void);
/* Writes the snapshot; on success the run ends as if the guest halted with status 0 (one line
 * on stderr unless --quiet). Returns 0, or a skiff_exit code with an error. */
int skiff_snapshot_save(struct skiff *s);
/* In load_manifest(), once validated: the manifest as the image declared it, for the file. */
void skiff_snapshot_keep_manifest(const struct mft *mft, size_t size);

/* --restore=FILE: reads and checks the file (exit 65 naming the field, 66 if it cannot be
 * opened), maps guest memory MAP_PRIVATE from it and fills s (manifest, sizes, read-only
 * ranges as image segments). Returns 0 or a skiff_exit code with an error. */
int skiff_snapshot_load(struct skiff *s, const char *path);
/* After the options attached devices and before module setup: network devices without
 * --net-mac get the MAC the guest knows. */
void skiff_snapshot_devices_prepare(struct skiff *s);
/* After module setup: every device is attached as the guest saw it (same capacity, block
 * size, MAC, MTU), else SKIFF_EXIT_USAGE naming it. Then sets the vCPU from the file. */
int skiff_snapshot_resume(struct skiff *s);

/* ---- snapshot_<arch>.c ---- */
/* Whether this architecture can save and restore (aarch64: not yet). */
extern const bool skiff_arch_snapshot_supported;
/* The vCPU ioctls a save makes, beyond the run loop's; ended by 0. */
extern const unsigned long skiff_arch_snapshot_ioctls[];
/* Writes the vCPU state into buf (cap bytes), setting *len. Returns 0 or SKIFF_EXIT_HOST. */
int skiff_arch_snapshot_save(struct skiff *s, void *buf, size_t cap, size_t *len);
/* Checks state (len bytes, from the file) and sets the vCPU from it; freq is the cycle counter
 * frequency the guest's clock uses. Returns 0, SKIFF_EXIT_IMAGE for a malformed state or
 * SKIFF_EXIT_HOST with an error. */
int skiff_arch_snapshot_restore(struct skiff *s, const void *state, size_t len, uint64_t freq);

#endif /* SKIFF_SNAPSHOT_H */
