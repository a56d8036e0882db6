/* arch.h: what each architecture implements (kvm_<arch>.c, pagetable_<arch>.c). */
#ifndef SKIFF_TENDER_ARCH_H
#define SKIFF_TENDER_ARCH_H

#include "skiff.h"

/* ---- kvm_<arch>.c: what each architecture implements, in the order a run calls it ----
 * A new architecture starts as a file of these that fail with a message naming the missing
 * piece; everything else in tender/ is shared. */

/* ELF e_machine accepted on this architecture. */
extern const unsigned skiff_arch_elf_machine;
/* The AUDIT_ARCH_* value seccomp reports for this architecture's system calls. */
extern const uint32_t skiff_arch_audit;
/* Writes page tables (and GDT) into guest memory per abi.md 3.2-3.6. */
void skiff_arch_setup_memory(struct skiff *s);
/* In skiff_vm_create() once the vCPU exists, before the image's entry is set: what does not
 * depend on the image (x86_64: CPUID, TSC frequency, long-mode system registers). Returns 0, or
 * SKIFF_EXIT_HOST with an error. */
int skiff_arch_vcpu_prepare(struct skiff *s);
/* In skiff_memslots_init(): whether this arch's exits let guest memory be registered on first
 * touch, enabling what that needs (x86_64: exits on emulation failure; aarch64: never). */
bool skiff_arch_lazy_memory(struct skiff *s);
/* Sets what depends on the image: entry, stack, boot info pointer (and on aarch64, the whole
 * EL1 state). Returns 0 or SKIFF_EXIT_HOST with an error. */
int skiff_arch_vcpu_init(struct skiff *s);

struct kvm_ioeventfd;
/* Fills the address and flags of the ring kick (x86_64: port 0x600; aarch64: MMIO). */
void skiff_arch_ring_kick(struct kvm_ioeventfd *kick);

/* What the arch makes of an exit the run loop does not handle itself. */
enum skiff_exit_action {
    SKIFF_ACTION_HYPERCALL, /* *nr and *gpa are set */
    SKIFF_ACTION_RESUME,    /* nothing to do, run again */
    SKIFF_ACTION_FAIL,      /* *status is set, with an error */
    SKIFF_ACTION_UNHANDLED  /* not an exit this arch knows: the run loop reports it */
};
/* For decode hooks: stores code in *status and tells the run loop to stop. */
static inline enum skiff_exit_action skiff_action_fail(int *status, int code)
{
    *status = code;
    return SKIFF_ACTION_FAIL;
}
/* Decodes the exit in s->kvm.run: the hypercall it is, or what only this arch has (x86_64:
 * port I/O, vCPU shutdown; aarch64: MMIO hypercalls, system events). Exits every arch has
 * (interrupted runs, entry failures, internal errors, accesses inside guest RAM) never come
 * here. */
enum skiff_exit_action skiff_arch_decode_exit(struct skiff *s, unsigned *nr, uint64_t *gpa,
                                              int *status);
/* The guest's program counter, for messages; 0 if it cannot be read. */
uint64_t skiff_arch_pc(struct skiff *s);

/* ---- pagetable_x86_64.c: the identity map of abi.md 3.3 (pure, unit tested) ---- */

#define SKIFF_X86_GDT_BASE  0x1000ULL
#define SKIFF_X86_PML4_BASE 0x2000ULL
#define SKIFF_X86_PDPT_BASE 0x3000ULL
#define SKIFF_X86_PD_BASE   0x4000ULL
#define SKIFF_X86_PT0_BASE  0x8000ULL

/* Writes PML4, PDPT, PDs and PT0 into mem (at least 0x9000 bytes) for alloc_size bytes of
 * guest memory (a multiple of 2 MiB, at most 4 GiB). */
void skiff_x86_pagetables(uint8_t *mem, uint64_t alloc_size);

/* ---- pagetable_aarch64.c: the identity map of abi.md 3.6 (pure, unit tested on any host) ---- */

#define SKIFF_AARCH64_PGD_BASE 0x1000ULL /* level 0 */
#define SKIFF_AARCH64_PUD_BASE 0x2000ULL /* level 1 */
#define SKIFF_AARCH64_PMD_BASE 0x3000ULL /* level 2: four tables, one per GiB */
#define SKIFF_AARCH64_PTE_BASE 0x7000ULL /* level 3 for the first 2 MiB */

/* Writes the level 0-3 tables into mem (at least 0x8000 bytes) for alloc_size bytes of guest
 * memory (a multiple of 2 MiB, at most 4 GiB), plus the 1 GiB device block of the MMIO window. */
void skiff_aarch64_pagetables(uint8_t *mem, uint64_t alloc_size);

#endif /* SKIFF_TENDER_ARCH_H */
