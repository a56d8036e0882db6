/* cpu_aarch64.c: the report of a fatal exception taken through the vectors of trap_aarch64.S. */
#include "bindings.h"
#include "cpu_aarch64.h"

/* What the vector stubs leave on the trap stack (offsets in cpu_aarch64.h). */
struct skiff_trap_frame {
    uint64_t x[30];
    uint64_t lr, sp, elr, spsr, esr, far;
};

_Static_assert(__builtin_offsetof(struct skiff_trap_frame, lr) == SKIFF_FRAME_LR, "frame lr");
_Static_assert(__builtin_offsetof(struct skiff_trap_frame, sp) == SKIFF_FRAME_SP, "frame sp");
_Static_assert(__builtin_offsetof(struct skiff_trap_frame, elr) == SKIFF_FRAME_ELR, "frame elr");
_Static_assert(__builtin_offsetof(struct skiff_trap_frame, spsr) == SKIFF_FRAME_SPSR, "frame spsr");
_Static_assert(__builtin_offsetof(struct skiff_trap_frame, esr) == SKIFF_FRAME_ESR, "frame esr");
_Static_assert(__builtin_offsetof(struct skiff_trap_frame, far) == SKIFF_FRAME_FAR, "frame far");
_Static_assert(sizeof(struct skiff_trap_frame) == SKIFF_FRAME_SIZE, "frame size");

/* ESR_EL1.EC (bits 31:26) of data aborts from a lower EL and from the current EL. */
#define ESR_EC(esr)         (((esr) >> 26) & 0x3f)
#define ESR_EC_DABT_LOWER   0x24
#define ESR_EC_DABT_CURRENT 0x25

void skiff_trap(const struct skiff_trap_frame *f, uint64_t vector) SKIFF_NORETURN;

/*
 * The vector number is 4 * group + kind. Groups: 0 current EL with SP_EL0 (the bindings never
 * run so, hence "Invalid"), 1 current EL with SP_EL1 (the bindings themselves), 2 lower EL in
 * AArch64, 3 lower EL in AArch32 (never used). Kinds: Synchronous, IRQ, FIQ, SError.
 */
void skiff_trap(const struct skiff_trap_frame *f, uint64_t vector)
{
    static const char kinds[4][18] = {"Synchronous Abort", "IRQ", "FIQ", "Error"};
    static int reporting;
    unsigned group = (unsigned)(vector >> 2) & 3;

    if (reporting++) /* the report itself faulted: do not try again */
        skiff_halt(SOLO5_EXIT_ABORT, NULL);
    skiff_log(SKIFF_LOG_INFO, "Trap: EL%u %s%s caught\n", group < 2 ? 1U : 0U,
              group == 0 || group == 3 ? "Invalid " : "", kinds[vector & 3]);
    if (ESR_EC(f->esr) == ESR_EC_DABT_LOWER || ESR_EC(f->esr) == ESR_EC_DABT_CURRENT)
        skiff_log(SKIFF_LOG_INFO, "Data Abort Address: 0x%016llx\n", (unsigned long long)f->far);
    skiff_log(SKIFF_LOG_INFO, "Dump registers:\n");
    skiff_log(SKIFF_LOG_INFO, "\tESR    : 0x%016llx\n", (unsigned long long)f->esr);
    skiff_log(SKIFF_LOG_INFO, "\tPC     : 0x%016llx\n", (unsigned long long)f->elr);
    skiff_log(SKIFF_LOG_INFO, "\tLR     : 0x%016llx\n", (unsigned long long)f->lr);
    skiff_log(SKIFF_LOG_INFO, "\tSP     : 0x%016llx\n", (unsigned long long)f->sp);
    skiff_log(SKIFF_LOG_INFO, "\tPSTATE : 0x%016llx\n", (unsigned long long)f->spsr);
    for (unsigned i = 0; i < 30; i++)
        skiff_log(SKIFF_LOG_INFO, "\tx%02u    : 0x%016llx\n", i, (unsigned long long)f->x[i]);
    SKIFF_PANIC("Fatal trap", NULL);
}
