/* hvt_abi.h: the Solo5 hvt guest/tender ABI, version 2, shared by the tender and the bindings. */
/*
 * Every structure here lives in guest memory and is read by both sides, so it is written with
 * fixed-width types and explicit padding that reproduce the LP64 layout of the reference ABI
 * exactly. Guest addresses are carried as uint64_t (the guest is identity mapped, so a guest
 * pointer and its GPA are the same number). The layout is pinned with _Static_assert below.
 * Direction of each field: IN = guest to tender, OUT = tender to guest.
 */
#ifndef HVT_ABI_H
#define HVT_ABI_H

#include <stddef.h>
#include <stdint.h>

#define HVT_ABI_VERSION 2
#define HVT_ABI_TARGET  1

#define HVT_GUEST_MIN_BASE  0x100000ULL /* lowest GPA an ELF segment may load at */
#define HVT_BOOT_INFO_BASE  0x10000ULL  /* GPA of struct hvt_boot_info */
#define HVT_CMDLINE_SIZE    8192        /* guest command line buffer, NUL included */
#define HVT_HALT_COOKIE_MAX 512         /* bytes that must be valid at a halt cookie */
#define HVT_PAGE_SIZE       4096ULL
#define HVT_MEM_ALIGN       0x200000ULL    /* guest memory is sized in 2 MiB steps */
#define HVT_MEM_MAX         0x100000000ULL /* 4 GiB: largest guest memory */
#define HVT_MEM_DEFAULT     0x20000000ULL  /* 512 MiB */

/* Hypercall numbers. x86_64: 32-bit OUT to HVT_HYPERCALL_PIO_BASE + nr.
 * aarch64: 32-bit store to HVT_HYPERCALL_MMIO_BASE + (nr << 3). The value is the GPA of the
 * argument structure, truncated to 32 bits. */
enum hvt_hypercall {
    HVT_HYPERCALL_WALLTIME = 1,
    HVT_HYPERCALL_PUTS = 2,
    HVT_HYPERCALL_POLL = 3,
    HVT_HYPERCALL_BLOCK_WRITE = 4,
    HVT_HYPERCALL_BLOCK_READ = 5,
    HVT_HYPERCALL_NET_WRITE = 6,
    HVT_HYPERCALL_NET_READ = 7,
    HVT_HYPERCALL_HALT = 8,
    HVT_HYPERCALL_MAX = 9
};

#define HVT_HYPERCALL_PIO_BASE  0x500
#define HVT_RING_KICK_PIO_BASE  0x600
#define HVT_HYPERCALL_MMIO_BASE 0x100000000ULL
#define HVT_RING_KICK_MMIO_BASE 0x100000100ULL

/* Results written to the ret field of hypercall structures (same values as solo5_result_t). */
enum hvt_result { HVT_R_OK = 0, HVT_R_AGAIN = 1, HVT_R_EINVAL = 2, HVT_R_EUNSPEC = 3 };

/* Host feature bits in hvt_boot_info.host_features. */
#define HVT_FEATURE_RING_IO (1U << 0)

/* Boot information, at HVT_BOOT_INFO_BASE; its GPA is the entry point's first argument. */
struct hvt_boot_info {
    uint64_t mem_size;       /* OUT: guest-usable memory in bytes (ring region excluded) */
    uint64_t kernel_end;     /* OUT: highest page-aligned end of the loaded segments */
    uint64_t cpu_cycle_freq; /* OUT: TSC (x86_64) or generic timer (aarch64) frequency, Hz */
    uint64_t cmdline;        /* OUT: GPA of the NUL-terminated command line */
    uint64_t mft;            /* OUT: GPA of the manifest copy */
    uint32_t host_features;  /* OUT: HVT_FEATURE_* offered by the tender */
    uint32_t guest_features; /* reserved, always 0 */
    uint64_t net_ring;       /* OUT: GPA of the network ring, 0 when ring I/O is off */
};

struct hvt_hc_walltime {
    uint64_t nsecs; /* OUT: host CLOCK_REALTIME in ns since the epoch */
};

struct hvt_hc_puts {
    uint64_t data; /* IN: GPA of the bytes to write */
    uint64_t len;  /* IN */
};

struct hvt_hc_poll {
    uint64_t timeout_nsecs; /* IN: relative timeout */
    uint64_t ready_set;     /* OUT: bit h set if network handle h is readable */
    int32_t ret;            /* OUT: number of readable devices */
    uint32_t pad;
};

/* BLOCK_WRITE and BLOCK_READ share one layout. */
struct hvt_hc_block_io {
    uint64_t handle; /* IN */
    uint64_t offset; /* IN: byte offset on the device */
    uint64_t data;   /* IN: GPA of the buffer */
    uint64_t len;    /* IN */
    int32_t ret;     /* OUT: solo5_result_t */
    uint32_t pad;
};

/* NET_WRITE and NET_READ share one layout. */
struct hvt_hc_net_io {
    uint64_t handle; /* IN */
    uint64_t data;   /* IN: GPA of the frame buffer */
    uint64_t len;    /* IN: frame or buffer size; OUT (read): frame size */
    int32_t ret;     /* OUT: solo5_result_t */
    uint32_t pad;
};

struct hvt_hc_halt {
    uint64_t cookie;     /* IN: GPA of up to HVT_HALT_COOKIE_MAX bytes, or 0 */
    int32_t exit_status; /* IN */
    uint32_t pad;
};

/* Ring I/O extension (network only): one ring per VM at hvt_boot_info.net_ring. */
#define HVT_RING_SIZE       1024
#define HVT_RING_MASK       (HVT_RING_SIZE - 1)
#define HVT_RING_BUF_SIZE   2048
#define HVT_RING_POLL_ITERS 4096
#define HVT_RING_NET_WRITE  1
#define HVT_RING_NET_READ   2
#define HVT_RING_RESERVED   0x200000ULL /* memory reserved at the top of RAM for the ring */

struct hvt_ring_entry {
    uint32_t operation; /* IN: HVT_RING_NET_WRITE or HVT_RING_NET_READ */
    uint32_t handle;    /* IN: manifest index of a NET_BASIC device */
    uint64_t data;      /* IN: GPA of the frame buffer */
    uint32_t len;       /* IN: frame length (write) or buffer size (read) */
    uint32_t id;        /* IN: guest tag, echoed in the completion */
    uint64_t reserved;
};

struct hvt_ring_completion {
    uint32_t id;  /* OUT */
    int32_t ret;  /* OUT: solo5_result_t */
    uint32_t len; /* OUT: bytes received (reads) */
    uint32_t reserved;
};

struct hvt_ring {
    uint32_t ent_tail; /* guest: submission producer index */
    uint32_t com_head; /* guest: completion consumer index */
    uint8_t pad0[56];
    uint32_t ent_head;   /* host: submission consumer index */
    uint32_t com_tail;   /* host: completion producer index */
    uint32_t needs_kick; /* host: non-zero when the host is (about to be) asleep */
    uint8_t pad1[52];
    struct hvt_ring_entry entries[HVT_RING_SIZE];
    struct hvt_ring_completion commits[HVT_RING_SIZE];
};

#define HVT_ASSERT_LAYOUT(type, size) _Static_assert(sizeof(type) == (size), #type " size")
#define HVT_ASSERT_OFFSET(type, field, off)                                                        \
    _Static_assert(offsetof(type, field) == (off), #type "." #field " offset")

HVT_ASSERT_LAYOUT(struct hvt_boot_info, 56);
HVT_ASSERT_OFFSET(struct hvt_boot_info, mem_size, 0);
HVT_ASSERT_OFFSET(struct hvt_boot_info, kernel_end, 8);
HVT_ASSERT_OFFSET(struct hvt_boot_info, cpu_cycle_freq, 16);
HVT_ASSERT_OFFSET(struct hvt_boot_info, cmdline, 24);
HVT_ASSERT_OFFSET(struct hvt_boot_info, mft, 32);
HVT_ASSERT_OFFSET(struct hvt_boot_info, host_features, 40);
HVT_ASSERT_OFFSET(struct hvt_boot_info, guest_features, 44);
HVT_ASSERT_OFFSET(struct hvt_boot_info, net_ring, 48);

HVT_ASSERT_LAYOUT(struct hvt_hc_walltime, 8);
HVT_ASSERT_LAYOUT(struct hvt_hc_puts, 16);
HVT_ASSERT_OFFSET(struct hvt_hc_puts, len, 8);
HVT_ASSERT_LAYOUT(struct hvt_hc_poll, 24);
HVT_ASSERT_OFFSET(struct hvt_hc_poll, ready_set, 8);
HVT_ASSERT_OFFSET(struct hvt_hc_poll, ret, 16);
HVT_ASSERT_LAYOUT(struct hvt_hc_block_io, 40);
HVT_ASSERT_OFFSET(struct hvt_hc_block_io, offset, 8);
HVT_ASSERT_OFFSET(struct hvt_hc_block_io, data, 16);
HVT_ASSERT_OFFSET(struct hvt_hc_block_io, len, 24);
HVT_ASSERT_OFFSET(struct hvt_hc_block_io, ret, 32);
HVT_ASSERT_LAYOUT(struct hvt_hc_net_io, 32);
HVT_ASSERT_OFFSET(struct hvt_hc_net_io, data, 8);
HVT_ASSERT_OFFSET(struct hvt_hc_net_io, len, 16);
HVT_ASSERT_OFFSET(struct hvt_hc_net_io, ret, 24);
HVT_ASSERT_LAYOUT(struct hvt_hc_halt, 16);
HVT_ASSERT_OFFSET(struct hvt_hc_halt, exit_status, 8);

HVT_ASSERT_LAYOUT(struct hvt_ring_entry, 32);
HVT_ASSERT_OFFSET(struct hvt_ring_entry, handle, 4);
HVT_ASSERT_OFFSET(struct hvt_ring_entry, data, 8);
HVT_ASSERT_OFFSET(struct hvt_ring_entry, len, 16);
HVT_ASSERT_OFFSET(struct hvt_ring_entry, id, 20);
HVT_ASSERT_LAYOUT(struct hvt_ring_completion, 16);
HVT_ASSERT_OFFSET(struct hvt_ring_completion, ret, 4);
HVT_ASSERT_OFFSET(struct hvt_ring_completion, len, 8);
HVT_ASSERT_LAYOUT(struct hvt_ring, 49280);
HVT_ASSERT_OFFSET(struct hvt_ring, com_head, 4);
HVT_ASSERT_OFFSET(struct hvt_ring, ent_head, 64);
HVT_ASSERT_OFFSET(struct hvt_ring, com_tail, 68);
HVT_ASSERT_OFFSET(struct hvt_ring, needs_kick, 72);
HVT_ASSERT_OFFSET(struct hvt_ring, entries, 128);
HVT_ASSERT_OFFSET(struct hvt_ring, commits, 32896);

#endif /* HVT_ABI_H */
