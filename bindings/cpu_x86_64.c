/* cpu_x86_64.c: the TSS with its interrupt stacks, and the report of a fatal CPU exception. */
#include "bindings.h"
#include "cpu_x86_64.h"

/* 64-bit TSS: only the RSP/IST slots and the I/O map base matter in long mode. */
struct skiff_tss {
    uint32_t reserved0;
    uint64_t rsp[3]; /* stacks for CPL0..2: used once code runs at CPL3 */
    uint64_t reserved1;
    uint64_t ist[7]; /* IST1..IST7 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
    /* Room for the I/O permission bitmap of the CPL3 mode (outside the limit for now). */
    uint8_t iomap[SKIFF_TSS_IOMAP_PORTS / 8 + 1];
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct skiff_tss, ist) == 36, "TSS IST offset");
_Static_assert(__builtin_offsetof(struct skiff_tss, iomap_base) == 102, "TSS iomap_base offset");
_Static_assert(__builtin_offsetof(struct skiff_tss, iomap) == SKIFF_TSS_IOMAP, "TSS iomap");

static uint8_t ist_stacks[3][SKIFF_IST_SIZE] __attribute__((aligned(16)));

#define IST_TOP(i) ((uint64_t)(uintptr_t)&ist_stacks[(i)-1][SKIFF_IST_SIZE])

/* Complete at link time; the GDT's TSS descriptor points here (see trap_x86_64.S). */
__attribute__((aligned(128))) struct skiff_tss skiff_tss = {
    .ist = {IST_TOP(1), IST_TOP(2), IST_TOP(3)},
    .iomap_base = SKIFF_TSS_IOMAP,
};

/* What the trap stubs leave on the stack; also the HALT cookie (ABI.md 5.4.8). */
struct skiff_trap_frame {
    uint64_t cr2, ec, rip, cs, rflags, rsp, ss;
};

void skiff_trap(const struct skiff_trap_frame *f, uint64_t vector) SKIFF_NORETURN;

void skiff_trap(const struct skiff_trap_frame *f, uint64_t vector)
{
    static const char names[][5] = {"#DE", "#DB", "#NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
                                    "#DF", "#9",  "#TS",  "#NP", "#SS", "#GP", "#PF", "#15",
                                    "#MF", "#AC", "#MC",  "#XM", "#VE", "#CP"};
    char other[8];
    const char *name = other;

    if (vector < sizeof(names) / sizeof(names[0]))
        name = names[vector];
    else
        snprintf(other, sizeof(other), "#%u", (unsigned)vector);
    skiff_log(SKIFF_LOG_INFO, "trap: type=%s ec=0x%llx rip=0x%llx rsp=0x%llx rflags=0x%llx\n", name,
              (unsigned long long)f->ec, (unsigned long long)f->rip, (unsigned long long)f->rsp,
              (unsigned long long)f->rflags);
    if (vector == 14)
        skiff_log(SKIFF_LOG_INFO, "trap: cr2=0x%llx\n", (unsigned long long)f->cr2);
    SKIFF_PANIC("Fatal trap", f);
}
