/* start_x86_64.S: the image entry point: stack-protector guard and CPU tables, then C. */
#include "cpu_x86_64.h"

    .text
    .globl _start
    .type _start, @function
/* Entered with RDI = boot info GPA, RSP = mem_size - 8, interrupts off, FS base 0 (so TLS
 * accesses fault until the application sets a TLS base). Kept short: every guest instruction
 * at CPL0 is expensive on nested KVM. */
_start:
    /* Guard = t + (t << 32) for TSC value t, bits 8..15 cleared (a NUL in the canary). */
    rdtsc
    shlq $32, %rdx
    orq %rdx, %rax
    movq %rax, skiff_boot_cycles(%rip)
    movq %rax, %rdx
    shlq $32, %rdx
    addq %rdx, %rax
    movb $0, %ah
    movq %rax, __stack_chk_guard(%rip)

    /* The boot GDT is not mapped; load ours (same code/data selectors, so no segment
     * reloads), the TSS with the IST stacks, and the exception gates. */
    lgdt skiff_gdt_ptr(%rip)
    movl $SKIFF_SEL_TSS, %eax
    ltr %ax
    lidt skiff_idt_ptr(%rip)

    xorl %ebp, %ebp
    andq $-16, %rsp
    call skiff_boot
    ud2
    .size _start, . - _start

    .section .note.GNU-stack, "", @progbits
