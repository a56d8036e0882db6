/* cpu_x86_64.h: x86_64 descriptor-table constants shared by cpu_x86_64.c and the assembly. */
#ifndef SKIFF_CPU_X86_64_H
#define SKIFF_CPU_X86_64_H

/*
 * GDT layout. 0x08/0x10 equal the tender's boot GDT, so CS and SS need no reload. 0x18/0x20
 * are the user (DPL 3) data and code descriptors of the CPL3 mode, in the order SYSRET would
 * expect. The TSS descriptor takes two slots.
 */
#define SKIFF_SEL_KCODE 0x08
#define SKIFF_SEL_KDATA 0x10
#define SKIFF_SEL_UDATA 0x18
#define SKIFF_SEL_UCODE 0x20
#define SKIFF_SEL_TSS   0x28
#define SKIFF_GDT_SIZE  0x38
#define SKIFF_RPL3      3

/*
 * The hardware part of the 64-bit TSS is 104 bytes; the I/O permission bitmap follows, one bit
 * per port below SKIFF_TSS_IOMAP_PORTS (set = closed), then the 0xff byte the CPU may read
 * past the last port. The limit covers that byte, so CPL3 code can reach the open ports
 * (cpu_x86_64.c) and gets #GP on all others. CPL0 ignores the bitmap.
 */
#define SKIFF_TSS_HW_SIZE     104
#define SKIFF_TSS_IOMAP       SKIFF_TSS_HW_SIZE
#define SKIFF_TSS_IOMAP_PORTS 0x610
#define SKIFF_TSS_LIMIT       (SKIFF_TSS_IOMAP + SKIFF_TSS_IOMAP_PORTS / 8)

/* Interrupt stack table slots used by the exception gates. */
#define SKIFF_IST_TRAP 1 /* every exception not listed below */
#define SKIFF_IST_NMI  2 /* #NMI and #MC, which may arrive at any time */
#define SKIFF_IST_DF   3 /* #DF, so a fault while handling a fault still reports */
#define SKIFF_IST_SIZE 4096

/* Exception vectors have gates; the stubs are this many bytes apart. */
#define SKIFF_TRAP_VECTORS     32
#define SKIFF_TRAP_STUB_STRIDE 16

/* For the FS base from CPL3 (cpu_x86_64.c, trap_x86_64.S). */
#define SKIFF_X86_MSR_FS_BASE  0xc0000100
#define SKIFF_X86_CR4_FSGSBASE 0x10000

#ifdef __ASSEMBLER__
/* clang-format off */
/*
 * With the TSC value of _start in EDX:EAX: records it as skiff_boot_cycles and derives the
 * stack-protector guard t + (t << 32), bits 8..15 cleared (a NUL in the canary). Clobbers RAX,
 * RDX. Shared by both entry points (start_x86_64.S, user_x86_64.S).
 */
.macro SKIFF_GUARD_FROM_TSC
    shlq $32, %rdx
    orq %rdx, %rax
    movq %rax, skiff_boot_cycles(%rip)
    movq %rax, %rdx
    shlq $32, %rdx
    addq %rdx, %rax
    movb $0, %ah
    movq %rax, __stack_chk_guard(%rip)
.endm
/* clang-format on */
#endif

#endif /* SKIFF_CPU_X86_64_H */
