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
/* Registers every chunk left (after an exit that names no address). Returns 0 or
 * SKIFF_EXIT_HOST. */
int skiff_memslots_fill(struct skiff *s);
/* Whether the arch's exits let memory be registered on first touch, setting up the VM for it
 * if they do (x86_64: where KVM can be told to exit on emulation failures; aarch64: no). */
bool skiff_arch_lazy_memory(struct skiff *s);

#endif /* SKIFF_MEMSLOTS_H */
