/* start_x86_64.S: the kernel-mode entry point: guard and CPU tables, then C, all at CPL0. */
#include "cpu_x86_64.h"

    .text
    .globl _start
    .type _start, @function
/* The entry point of images built with `skiff-cc --mode=kernel` (user_x86_64.S holds that of
 * --mode=user). Entered with RDI = boot info GPA, RSP = mem_size - 8, interrupts off, FS base 0
 * (so TLS accesses fault until the application sets a TLS base). Kept short: every guest
 * instruction at CPL0 is expensive on nested KVM. */
_start:
    rdtsc
    SKIFF_GUARD_FROM_TSC

    /* The boot GDT is not mapped; load ours (same code/data selectors, so no segment
     * reloads), the TSS with the IST stacks, and the exception gates. */
    lgdt skiff_gdt_ptr(%rip)
    ltr skiff_tss_sel(%rip)
    lidt skiff_idt_ptr(%rip)

    xorl %ebp, %ebp
    andq $-16, %rsp
    call skiff_boot
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
