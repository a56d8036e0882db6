/* user_x86_64.S: the user-mode entry point: a short CPL0 prologue, then everything at CPL3. */
/*
 * Why: on nested KVM (kvm_pvm) every guest instruction at CPL0 goes through KVM's instruction
 * emulator (about 1 us each, and no SSE or x87 at all), while CPL3 code runs natively. So
 * images built with `skiff-cc --mode=user` (the default) run only this prologue at CPL0:
 * load the GDT (with DPL 3 code/data), the TSS (rsp0, IST stacks, I/O bitmap opening the
 * hypercall ports) and the IDT, switch to page tables that carry the U/S bit, and IRETQ to
 * CPL3. The bindings and the application then run at CPL3; hypercalls are plain OUTs let
 * through by the bitmap, and traps enter the same CPL0 handlers as in kernel mode.
 *
 * Nothing here depends on the tender beyond abi.md's initial state, so the image runs on any
 * hvt tender (skiff, solo5-hvt).
 */
#include "cpu_x86_64.h"

#define PTE_P  0x01
#define PTE_RW 0x02
#define PTE_US 0x04 /* user: reachable from CPL3 */
#define PTE_A  0x20
#define PTE_D  0x40
#define PTE_PS 0x80 /* 2 MiB page in a page directory */

/* Accessed and dirty are preset, so the CPU never writes an entry: the tables can live in
 * rodata, which the tender maps read-only, and the application cannot corrupt them. */
#define TABLE   (PTE_P | PTE_RW | PTE_US | PTE_A)
#define PAGE_RO (PTE_P | PTE_US | PTE_A)
#define PAGE_RW (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)
#define BIG_RW  (PAGE_RW | PTE_PS)

#define BOOT_DATA_PAGE 16  /* HVT_BOOT_INFO_BASE / 4 KiB (hvt_abi.h is C only) */
#define IMAGE_PAGE     256 /* HVT_GUEST_MIN_BASE / 4 KiB */

    .text
    .globl skiff_start_user
    .type skiff_start_user, @function
/* Entered like _start (start_x86_64.S): RDI = boot info GPA, RSP = mem_size - 8. Nine
 * emulated instructions; the general registers (RDI, and the TSC in EDX:EAX) survive IRETQ. */
skiff_start_user:
    rdtsc
    lgdt skiff_gdt_ptr(%rip)
    ltr skiff_tss_sel(%rip)
    lidt skiff_idt_ptr(%rip)
    movl $skiff_pml4, %ecx
    movq %rcx, %cr3
    /* The IRETQ frame is prebuilt in .data but for the stack pointer: two instructions
     * instead of five pushes. */
    movq %rsp, user_frame_rsp(%rip)
    leaq user_frame(%rip), %rsp
    iretq
    .size skiff_start_user, . - skiff_start_user

    .type user_entry, @function
/* CPL3 from here on. */
user_entry:
    SKIFF_GUARD_FROM_TSC
    xorl %ebp, %ebp
    andq $-16, %rsp
    call skiff_boot
    ud2
    .size user_entry, . - user_entry

    .data
    .balign 16
user_frame:
    .quad user_entry                    /* RIP */
    .quad SKIFF_SEL_UCODE | SKIFF_RPL3  /* CS */
    .quad 0x2                           /* RFLAGS: IF clear, IOPL 0 (the TSS bitmap rules) */
user_frame_rsp:
    .quad 0                             /* RSP: the boot stack, stored by the prologue */
    .quad SKIFF_SEL_UDATA | SKIFF_RPL3  /* SS */

/*
 * The identity map of abi.md 3.2/3.3 with the U/S bit, complete at link time (filling it at
 * boot would cost thousands of emulated instructions). As in the tender's tables the first
 * 64 KiB are not present (NULL faults in the guest) and the boot data area 0x10000-0xfffff is
 * read-only. Unlike them, 2 MiB pages cover all 4 GiB whatever mem_size is: an access beyond
 * guest memory then reaches the tender as a fault on memory it does not back (exit 81, "outside
 * its memory") instead of raising #PF inside the guest. The tender's own tables (0x2000-0x8fff)
 * stay unmapped.
 *
 * They live in writable data although nothing here writes them: under nested paging (AMD NPT
 * always, Intel EPT with accessed/dirty flags, which KVM enables) the CPU's walks of guest
 * page tables are writes at the nested level, even with every A and D bit preset, so tables
 * in memory the tender maps read-only stop the guest at its first access (KVM_RUN: EFAULT).
 */
    .section .data.skiff_pagetables, "aw", @progbits
    .balign 4096
skiff_pml4:
    .quad skiff_pdpt + TABLE
    .fill 511, 8, 0

skiff_pdpt:
    i = 0
    .rept 4
    .quad skiff_pd + i * 4096 + TABLE
    i = i + 1
    .endr
    .fill 508, 8, 0

/* Four page directories back to back: entry k maps k * 2 MiB; entry 0 points at skiff_pt0. */
skiff_pd:
    .quad skiff_pt0 + TABLE
    k = 1
    .rept 2047
    .quad (k << 21) | BIG_RW
    k = k + 1
    .endr

skiff_pt0:
    .fill BOOT_DATA_PAGE, 8, 0
    i = BOOT_DATA_PAGE
    .rept IMAGE_PAGE - BOOT_DATA_PAGE
    .quad (i << 12) | PAGE_RO
    i = i + 1
    .endr
    .rept 512 - IMAGE_PAGE
    .quad (i << 12) | PAGE_RW
    i = i + 1
    .endr

    .section .note.GNU-stack, "", @progbits
