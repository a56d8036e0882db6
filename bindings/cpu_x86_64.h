/* cpu_x86_64.h: x86_64 descriptor-table constants shared by cpu_x86_64.c and the assembly. */
#ifndef SKIFF_CPU_X86_64_H
#define SKIFF_CPU_X86_64_H

/*
 * GDT layout. 0x08/0x10 equal the tender's boot GDT, so CS and SS need no reload. 0x18/0x20
 * are reserved for user (CPL3) data and code descriptors and are not present yet. The TSS
 * descriptor takes two slots.
 */
#define SKIFF_SEL_KCODE 0x08
#define SKIFF_SEL_KDATA 0x10
#define SKIFF_SEL_UDATA 0x18
#define SKIFF_SEL_UCODE 0x20
#define SKIFF_SEL_TSS   0x28
#define SKIFF_GDT_SIZE  0x38

/*
 * The hardware part of the 64-bit TSS is 104 bytes. Its I/O permission bitmap would follow at
 * SKIFF_TSS_IOMAP (one bit per port up to SKIFF_TSS_IOMAP_PORTS, then a 0xff byte). For now
 * the TSS limit ends before the bitmap, so CPL3 may use no port at all.
 */
#define SKIFF_TSS_HW_SIZE     104
#define SKIFF_TSS_IOMAP       SKIFF_TSS_HW_SIZE
#define SKIFF_TSS_IOMAP_PORTS 0x610
#define SKIFF_TSS_LIMIT       (SKIFF_TSS_HW_SIZE - 1)

/* Interrupt stack table slots used by the exception gates. */
#define SKIFF_IST_TRAP 1 /* every exception not listed below */
#define SKIFF_IST_NMI  2 /* #NMI and #MC, which may arrive at any time */
#define SKIFF_IST_DF   3 /* #DF, so a fault while handling a fault still reports */
#define SKIFF_IST_SIZE 4096

/* Exception vectors have gates; the stubs are this many bytes apart. */
#define SKIFF_TRAP_VECTORS     32
#define SKIFF_TRAP_STUB_STRIDE 16

#endif /* SKIFF_CPU_X86_64_H */
