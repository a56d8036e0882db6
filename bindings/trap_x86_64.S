/* trap_x86_64.S: exception entry stubs, the IDT and the GDT, all complete at link time. */
/*
 * Gate and TSS descriptors split addresses into bit fields, which neither C nor the assembler
 * can compute from relocatable symbols. The linker script provides the pieces as absolute
 * symbols (skiff_traps_lo16/hi16, skiff_tss_lo16/b2/b3), so building the tables costs no
 * guest instructions at boot: _start only loads GDTR, TR and IDTR.
 */
#include "cpu_x86_64.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_EC(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                   (v) == 29 || (v) == 30)

    .section .text.skiff_traps, "ax", @progbits
    /* 512-byte alignment keeps all stubs in one 64 KiB window, so gates differ only in the
     * low 16 bits of the offset. The linker script asserts it. */
    .balign 512
    .globl skiff_trap_stubs
skiff_trap_stubs:
    vector = 0
    .rept SKIFF_TRAP_VECTORS
    .balign SKIFF_TRAP_STUB_STRIDE
    .if vector == 13
    jmp skiff_gp_entry
    .else
    .ifeq HAS_EC(vector)
    pushq $0
    .endif
    pushq $vector
    jmp skiff_trap_common
    .endif
    vector = vector + 1
    .endr

/*
 * #GP, checked before it is treated as fatal: the one WRMSR at skiff_x86_fs_wrmsr_site, which
 * CPL3 code executes on purpose, is performed here and skipped. This is the bindings' only
 * service call from CPL3. It uses a fault because a fault is the one way into CPL0 that
 * nested KVM (kvm_pvm) delivers from CPL3: `int $n` through a DPL 3 gate raises #UD there.
 * The handler does no more than the privileged work, since each instruction here is emulated;
 * with ESI != 0 it also sets CR4.FSGSBASE, so that later calls can use WRFSBASE at CPL3.
 * A non-canonical base makes this WRMSR raise #GP in turn, reported as a fatal trap.
 */
skiff_gp_entry:
    cmpq $skiff_x86_fs_wrmsr_site, 8(%rsp)  /* RIP, above the error code */
    jne 1f
    wrmsr
    testl %esi, %esi
    jz 2f
    movq %cr4, %rax
    orl $SKIFF_X86_CR4_FSGSBASE, %eax
    movq %rax, %cr4
2:  addq $8, %rsp                           /* the error code */
    addq $2, (%rsp)                         /* past the 2-byte WRMSR */
    iretq
1:  pushq $13
    jmp skiff_trap_common

/* void skiff_x86_fs_base_trap(uint64_t base, int enable_fsgsbase): for CPL3 only, see
 * skiff_gp_entry. Clobbers what the SysV ABI lets a call clobber. */
    .text
    .globl skiff_x86_fs_base_trap
    .type skiff_x86_fs_base_trap, @function
skiff_x86_fs_base_trap:
    movl $SKIFF_X86_MSR_FS_BASE, %ecx
    movl %edi, %eax
    movq %rdi, %rdx
    shrq $32, %rdx
    .globl skiff_x86_fs_wrmsr_site
skiff_x86_fs_wrmsr_site:
    wrmsr
    ret
    .size skiff_x86_fs_base_trap, . - skiff_x86_fs_base_trap

    .section .text.skiff_traps, "ax", @progbits

/* On the IST stack (16-byte aligned by the CPU): vector, ec, rip, cs, rflags, rsp, ss. Traps
 * are fatal, so nothing is saved: the frame becomes {cr2, ec, rip, cs, rflags, rsp, ss}, the
 * HALT cookie that skiff_trap() reports and passes to the tender. */
skiff_trap_common:
    popq %rsi
    movq %cr2, %rax
    pushq %rax
    movq %rsp, %rdi
    subq $8, %rsp
    cld
    call skiff_trap
    ud2

    .section .rodata.skiff_idt, "a", @progbits
    .balign 16
skiff_idt:
    vector = 0
    .rept SKIFF_TRAP_VECTORS
    .word skiff_traps_lo16 + vector * SKIFF_TRAP_STUB_STRIDE
    .word SKIFF_SEL_KCODE
    .if vector == 8
    .byte SKIFF_IST_DF
    .elseif vector == 2 || vector == 18
    .byte SKIFF_IST_NMI
    .else
    .byte SKIFF_IST_TRAP
    .endif
    .byte 0x8e                      /* present, DPL 0, 64-bit interrupt gate */
    .word skiff_traps_hi16
    .long 0                         /* offset 63:32: the image is below 4 GiB */
    .long 0
    vector = vector + 1
    .endr
skiff_idt_end:


    .balign 8
    .globl skiff_idt_ptr
skiff_idt_ptr:
    .word skiff_idt_end - skiff_idt - 1
    .quad skiff_idt

    /* Writable: the CPU sets the busy bit of the TSS descriptor on LTR. */
    .data
    .balign 16
skiff_gdt:
    .quad 0                         /* null */
    .quad 0x00af9b000000ffff        /* 0x08 code: 64-bit, DPL 0, accessed */
    .quad 0x00cf93000000ffff        /* 0x10 data: DPL 0, accessed */
    .quad 0x00cff3000000ffff        /* 0x18 user data: DPL 3, accessed */
    .quad 0x00affb000000ffff        /* 0x20 user code: 64-bit, DPL 3, accessed */
    .word SKIFF_TSS_LIMIT           /* 0x28 TSS: limit 15:0 */
    .word skiff_tss_lo16            /* base 15:0 */
    .byte skiff_tss_b2              /* base 23:16 */
    .byte 0x89                      /* present, DPL 0, available 64-bit TSS */
    .byte 0                         /* limit 19:16, flags */
    .byte skiff_tss_b3              /* base 31:24 */
    .long 0                         /* base 63:32 */
    .long 0
skiff_gdt_end:

    .balign 8
    .globl skiff_gdt_ptr
skiff_gdt_ptr:
    .word skiff_gdt_end - skiff_gdt - 1
    .quad skiff_gdt

    /* For `ltr` with a memory operand: one emulated instruction less than through a register. */
    .globl skiff_tss_sel
skiff_tss_sel:
    .word SKIFF_SEL_TSS

    .if skiff_gdt_end - skiff_gdt != SKIFF_GDT_SIZE
    .error "GDT size does not match SKIFF_GDT_SIZE"
    .endif

    .section .note.GNU-stack, "", @progbits
