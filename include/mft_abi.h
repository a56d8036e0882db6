/* mft_abi.h: the application manifest (version 1), embedded in the image and copied to the guest.
 */
/*
 * The manifest declares the devices a unikernel needs. The tender validates the copy found in
 * the image's MFT1 note, fills in the host-side properties of each device it attaches, and
 * places the result in guest memory. Handles are indices into e[]; entry 0 is reserved.
 */
#ifndef MFT_ABI_H
#define MFT_ABI_H

#include <stddef.h>
#include <stdint.h>

#define MFT_VERSION     1
#define MFT_MAX_ENTRIES 64
#define MFT_NAME_SIZE   68
#define MFT_NAME_MAX    67

enum mft_type {
    MFT_DEV_BLOCK_BASIC = 1,
    MFT_DEV_NET_BASIC = 2,
    MFT_RESERVED_FIRST = 1U << 30 /* any type at or above this is not a device */
};

struct mft_block_basic {
    uint64_t capacity;   /* OUT: device size in bytes */
    uint16_t block_size; /* OUT: bytes per block */
    uint8_t pad[6];
};

struct mft_net_basic {
    uint8_t mac[6]; /* OUT: MAC address, transmission order */
    uint16_t mtu;   /* OUT: MTU, Ethernet header excluded */
    uint8_t pad[8];
};

struct mft_entry {
    char name[MFT_NAME_SIZE]; /* IN: NUL-terminated device name */
    uint32_t type;            /* IN: enum mft_type */
    union {
        struct mft_block_basic block_basic;
        struct mft_net_basic net_basic;
    } u;
    /* Tender-private in the reference ABI (a host fd or pointer). skiff keeps its device state
     * on the host side and always leaves this zero in the guest's copy. */
    uint64_t tender_private;
    uint8_t attached; /* OUT: 1 once the tender attached a host resource; 0 in the image */
    uint8_t pad[7];
};

struct mft {
    uint32_t version; /* MFT_VERSION */
    uint32_t entries; /* number of entries in e[], reserved first entry included */
    struct mft_entry e[];
};

#define MFT_SIZE(entries) (sizeof(struct mft) + (size_t)(entries) * sizeof(struct mft_entry))
#define MFT_MAX_SIZE      MFT_SIZE(MFT_MAX_ENTRIES)

_Static_assert(sizeof(struct mft_block_basic) == 16, "mft_block_basic size");
_Static_assert(offsetof(struct mft_block_basic, block_size) == 8, "block_size offset");
_Static_assert(sizeof(struct mft_net_basic) == 16, "mft_net_basic size");
_Static_assert(offsetof(struct mft_net_basic, mtu) == 6, "mtu offset");
_Static_assert(sizeof(struct mft_entry) == 104, "mft_entry size");
_Static_assert(offsetof(struct mft_entry, type) == 68, "mft_entry.type offset");
_Static_assert(offsetof(struct mft_entry, u) == 72, "mft_entry.u offset");
_Static_assert(offsetof(struct mft_entry, tender_private) == 88, "mft_entry.b offset");
_Static_assert(offsetof(struct mft_entry, attached) == 96, "mft_entry.attached offset");
_Static_assert(sizeof(struct mft) == 8, "mft header size");
_Static_assert(offsetof(struct mft, e) == 8, "mft.e offset");
_Static_assert(MFT_MAX_SIZE == 6664, "largest manifest");

#endif /* MFT_ABI_H */
