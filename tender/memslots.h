/* memslots.h: which parts of guest RAM are registered with KVM, on first touch (memslots.c). */
#ifndef SKIFF_MEMSLOTS_H
#define SKIFF_MEMSLOTS_H

#include <stdbool.h>
#include <stdint.h>

#include "hvt_abi.h"

struct skiff;

#define SKIFF_CHUNK_SIZE 0x2000000ULL /* 32 MiB: at most 128 slots for HVT_MEM_MAX */
struct skiff_memslots {
    bool lazy; /* chunks registered on first touch; else one slot for all */
    unsigned nchunks, nregistered;
    uint64_t registered_bytes; /* for --json */
    bool registered[HVT_MEM_MAX / SKIFF_CHUNK_SIZE];
};

/* Registers guest RAM with the VM: all of it as one slot, or (where skiff_arch_lazy_memory
 * and the guest is large) only the chunks holding the image and the top of memory. Call once
 * the image is loaded. Returns 0 or SKIFF_EXIT_HOST. */
int skiff_memslots_init(struct skiff *s);
/* Whether chunks are left to register (the sandbox must then allow it). */
static inline bool skiff_memslots_pending(const struct skiff_memslots *m)
{
    return m->nregistered < m->nchunks;
}
/* The guest's access of len bytes at gpa (inside guest RAM) found no memory slot: registers
 * its chunk and completes the access from the host mapping (data: the exit's buffer). Returns
 * 0, SKIFF_MEMSLOTS_ALL_REGISTERED if all of RAM is registered (so the access was refused for
 * another reason: a write to read-only memory), or an exit status with the error set. Read-only
 * memory is the caller's to check first. */
#define SKIFF_MEMSLOTS_ALL_REGISTERED (-1)
int skiff_memslots_touch(struct skiff *s, uint64_t gpa, uint8_t *data, uint32_t len, bool is_write);
/* Registers every chunk left (after an exit that names no address). Returns 0 or
 * SKIFF_EXIT_HOST. */
int skiff_memslots_fill(struct skiff *s);
#endif /* SKIFF_MEMSLOTS_H */
