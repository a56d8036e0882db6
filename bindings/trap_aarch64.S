/* trap_aarch64.S: the exception vector table (VBAR_EL1) and the trap stack it switches to. */
#include "cpu_aarch64.h"

/*
 * Every vector saves x0 in TPIDR_EL1 and the interrupted SP in SP_EL0 (neither is used while
 * the bindings run at EL1 with SP_EL1), moves to the trap stack, stores x0/x1 and jumps to the
 * common code with the vector's number in x1. Re-entry (a fault while reporting one) starts
 * again at the top of the trap stack; skiff_trap() notices and halts at once.
 */
.macro vector n
    .balign SKIFF_VECTOR_SIZE
    msr     tpidr_el1, x0
    mov     x0, sp
    msr     sp_el0, x0
    adrp    x0, skiff_trap_stack_end
    add     x0, x0, :lo12:skiff_trap_stack_end
    sub     sp, x0, #SKIFF_FRAME_SIZE
    mrs     x0, tpidr_el1
    stp     x0, x1, [sp, #SKIFF_FRAME_X0]
    mov     x1, #\n
    b       skiff_trap_common
.endm

    .section .text.skiff_vectors, "ax", %progbits
    .balign 2048
    .globl skiff_vectors
skiff_vectors:
    /* Order fixed by the architecture: current EL with SP_EL0, current EL with SP_ELx, lower
     * EL in AArch64, lower EL in AArch32; each Synchronous, IRQ, FIQ, SError. */
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    vector \n
    .endr

skiff_trap_common:
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    stp     x6, x7, [sp, #48]
    stp     x8, x9, [sp, #64]
    stp     x10, x11, [sp, #80]
    stp     x12, x13, [sp, #96]
    stp     x14, x15, [sp, #112]
    stp     x16, x17, [sp, #128]
    stp     x18, x19, [sp, #144]
    stp     x20, x21, [sp, #160]
    stp     x22, x23, [sp, #176]
    stp     x24, x25, [sp, #192]
    stp     x26, x27, [sp, #208]
    stp     x28, x29, [sp, #224]
    mrs     x2, sp_el0
    stp     x30, x2, [sp, #SKIFF_FRAME_LR]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #SKIFF_FRAME_ELR]
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #SKIFF_FRAME_ESR]
    mov     x0, sp
    mov     x29, xzr
    bl      skiff_trap
1:  wfi
    b       1b

    .bss
    .balign 16
skiff_trap_stack:
    .space SKIFF_TRAP_STACK_SIZE
skiff_trap_stack_end:

    .section .note.GNU-stack, "", %progbits
