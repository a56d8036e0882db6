/* start_aarch64.S: the image entry point: stack-protector guard, TLS base and vectors, then C. */
    .text
    .globl _start
    .type _start, %function
/* Entered at EL1 with X0 = boot info GPA, SP_EL1 = mem_size - 16 (16-byte aligned), the MMU
 * and caches on with the tender's identity tables, DAIF masked and FP/SIMD not trapped. */
_start:
    /* Guard = t + (t << 32) for counter value t, bits 8..15 cleared (a NUL in the canary). */
    isb
    mrs     x9, cntvct_el0
    adrp    x10, skiff_boot_cycles
    str     x9, [x10, :lo12:skiff_boot_cycles]
    add     x9, x9, x9, lsl #32
    and     x9, x9, #0xffffffffffff00ff
    adrp    x10, __stack_chk_guard
    str     x9, [x10, :lo12:__stack_chk_guard]

    /* TPIDR_EL0 resets to an UNKNOWN value: make TLS accesses fault on the unmapped zero page
     * until the application sets a TLS base. */
    msr     tpidr_el0, xzr

    adrp    x9, skiff_vectors
    add     x9, x9, :lo12:skiff_vectors
    msr     vbar_el1, x9
    isb

    mov     x29, xzr                /* end of the frame-pointer chain */
    mov     x30, xzr
    bl      skiff_boot
1:  wfi
    b       1b
    .size _start, . - _start

    .section .note.GNU-stack, "", %progbits
