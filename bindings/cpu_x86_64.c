/* cpu_x86_64.c: the TSS (stacks, I/O bitmap) and the FS base from CPL3. */
#include "bindings.h"
#include "cpu_x86_64.h"

/* 64-bit TSS: only the RSP/IST slots and the I/O map base matter in long mode. */
struct skiff_tss {
    uint32_t reserved0;
    uint64_t rsp[3]; /* stacks for CPL0..2 on a privilege change through a gate without IST */
    uint64_t reserved1;
    uint64_t ist[7]; /* IST1..IST7 */
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
    uint8_t iomap[SKIFF_TSS_IOMAP_PORTS / 8 + 1]; /* I/O permission bitmap, then 0xff */
} __attribute__((packed));

_Static_assert(__builtin_offsetof(struct skiff_tss, ist) == 36, "TSS IST offset");
_Static_assert(__builtin_offsetof(struct skiff_tss, iomap_base) == 102, "TSS iomap_base offset");
_Static_assert(__builtin_offsetof(struct skiff_tss, iomap) == SKIFF_TSS_IOMAP, "TSS iomap");
_Static_assert(sizeof(struct skiff_tss) == SKIFF_TSS_LIMIT + 1, "TSS limit");

/*
 * The ports CPL3 code may use: the hypercalls 0x500 + 1..8 and the ring kick 0x600. A 32-bit
 * access checks the bits of all four ports it covers, so OUTL to 0x508 needs 0x508-0x50b open
 * and the kick 0x600-0x603. Port 0x500 (hypercall 0) and the rest of 0x501-0x50b stay open as
 * a side effect of whole bytes; the tender refuses them as it refuses them from CPL0.
 */
#define PORT_BYTE(p) ((p) / 8)
#define HC_BYTE      PORT_BYTE(HVT_HYPERCALL_PIO_BASE)
#define KICK_BYTE    PORT_BYTE(HVT_RING_KICK_PIO_BASE)
_Static_assert(HVT_HYPERCALL_PIO_BASE % 8 == 0 && HVT_RING_KICK_PIO_BASE % 8 == 0, "port bytes");
_Static_assert(HVT_HYPERCALL_MAX == 9, "the bitmap opens hypercalls 1..8");
_Static_assert(KICK_BYTE < SKIFF_TSS_IOMAP_PORTS / 8, "bitmap too short");

static uint8_t ist_stacks[3][SKIFF_IST_SIZE] __attribute__((aligned(16)));

#define IST_TOP(i) ((uint64_t)(uintptr_t)&ist_stacks[(i)-1][SKIFF_IST_SIZE])

/* Complete at link time; the GDT's TSS descriptor points here (see trap_x86_64.S). Every gate
 * has an IST stack, so rsp0 is never used; it still names a valid stack rather than 0. */
__attribute__((aligned(128))) struct skiff_tss skiff_tss = {
    .rsp = {IST_TOP(SKIFF_IST_TRAP)},
    .ist = {IST_TOP(1), IST_TOP(2), IST_TOP(3)},
    .iomap_base = SKIFF_TSS_IOMAP,
    .iomap =
        {
            [0 ... HC_BYTE - 1] = 0xff,
            [HC_BYTE] = 0x00,     /* 0x500-0x507 */
            [HC_BYTE + 1] = 0xf0, /* 0x508-0x50b open, 0x50c-0x50f closed */
            [HC_BYTE + 2 ... KICK_BYTE - 1] = 0xff,
            [KICK_BYTE] = 0xf0, /* 0x600-0x603 */
            [KICK_BYTE + 1 ... SKIFF_TSS_IOMAP_PORTS / 8] = 0xff,
        },
};

/* Whether CPL3 may use WRFSBASE: 0 not asked yet, 1 yes (CR4.FSGSBASE set), -1 no. */
static int fsgsbase;

static int cpu_has_fsgsbase(void)
{
    uint32_t a, b, c, d;

    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0), "c"(0));
    if (a < 7)
        return 0;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(7), "c"(0));
    return b & 1;
}

/* WRMSR at CPL3 trapped and performed by the #GP handler (trap_x86_64.S). */
void skiff_x86_fs_base_trap(uint64_t base, int enable_fsgsbase);

/*
 * The first call goes through the #GP handler, which writes the MSR and, if the CPU has
 * FSGSBASE, enables it; every later call is then one native WRFSBASE. So an application that
 * never sets a TLS base pays nothing, one that sets it once pays one round trip to CPL0, and
 * one that switches often pays no transitions after the first.
 */
void skiff_x86_set_fs_base_user(uintptr_t base)
{
    int enable = 0;

    if (fsgsbase > 0) {
        __asm__ volatile("wrfsbase %0" : : "r"(base) : "memory");
        return;
    }
    if (fsgsbase == 0) {
        fsgsbase = cpu_has_fsgsbase() ? 1 : -1;
        enable = fsgsbase > 0;
    }
    skiff_x86_fs_base_trap(base, enable);
}

/* What the trap stubs leave on the stack; also the HALT cookie (abi.md 5.4.8). */
