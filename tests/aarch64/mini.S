/* mini.S: a hand-written aarch64 hvt guest that tests the tender before the bindings exist. */
/*
 * The first character of the command line picks what it does:
 *   (none)  PUTS "HELLO_AARCH64", HALT 7
 *   s       checks the entry state (X0, SP, EL, DAIF, MMU, timer frequency): "STATE_OK", HALT 0
 *   m       32-bit store to the ring kick 0x100000100 without a ring (invalid MMIO)
 *   b       1-byte store to the PUTS hypercall address (invalid MMIO)
 *   r       32-bit load from the PUTS hypercall address (invalid MMIO)
 *   p       store pair to the hypercall window (no syndrome: KVM cannot decode it)
 *   o       PSCI SYSTEM_OFF via HVC; if the call returns, "PSCI_RETURNED" and HALT 3
 *   z       hypercall number 0 (invalid hypercall)
 *   f       store to its own text, which the host maps read-only (translation fault)
 *   w       store to the read-only boot info: an in-guest permission fault
 *   n       load from GPA 8: an in-guest translation fault (zero page unmapped)
 *   x       jump into the boot data area, mapped PXN: an in-guest permission fault
 * In-guest exceptions land in a vector table that prints "TRAP_PERM", "TRAP_XLAT" or
 * "TRAP_OTHER" and halts with 255, like the bindings' fatal trap.
 */
#define BOOT_CMDLINE   24 /* struct hvt_boot_info offsets */
#define BOOT_MEM_SIZE  0
#define BOOT_CYCLE_FREQ 16
#define HC_PUTS        (2 << 3) /* offsets in the hypercall MMIO window */
#define HC_HALT        (8 << 3)

    .section .text, "ax"
    .globl _start
_start:
    adrp    x9, vectors
    add     x9, x9, :lo12:vectors
    msr     vbar_el1, x9
    isb
    mov     x19, x0                 /* boot info */
    movz    x20, #1, lsl #32        /* hypercall MMIO base 0x100000000 */
    ldr     x9, [x19, #BOOT_CMDLINE]
    ldrb    w9, [x9]
    cmp     w9, #'s'
    b.eq    check_state
    cmp     w9, #'m'
    b.eq    bad_kick
    cmp     w9, #'b'
    b.eq    bad_byte
    cmp     w9, #'r'
    b.eq    bad_read
    cmp     w9, #'z'
    b.eq    bad_number
    cmp     w9, #'p'
    b.eq    bad_pair
    cmp     w9, #'o'
    b.eq    psci_off
    cmp     w9, #'f'
    b.eq    write_text
    cmp     w9, #'w'
    b.eq    write_boot_info
    cmp     w9, #'n'
    b.eq    read_null
    cmp     w9, #'x'
    b.eq    exec_boot_data

    adrp    x0, puts_hello
    add     x0, x0, :lo12:puts_hello
    bl      hypercall_puts
    adrp    x0, halt_7
    add     x0, x0, :lo12:halt_7
    b       hypercall_halt

/* x0: GPA of a struct hvt_hc_puts. Returns. */
hypercall_puts:
    dsb     sy                      /* the tender reads the struct from memory */
    str     w0, [x20, #HC_PUTS]
    ret

/* x0: GPA of a struct hvt_hc_halt. Never returns. */
hypercall_halt:
    dsb     sy
    str     w0, [x20, #HC_HALT]
1:  b       1b

/* Everything abi.md 3.6 promises at entry; x0 was saved in x19. */
check_state:
    mov     x9, #0x10000
    cmp     x19, x9
    b.ne    state_bad
    ldr     x9, [x19, #BOOT_MEM_SIZE]
    sub     x9, x9, #16
    mov     x10, sp
    cmp     x9, x10
    b.ne    state_bad
    mrs     x9, CurrentEL
    cmp     x9, #(1 << 2)           /* EL1 */
    b.ne    state_bad
    mrs     x9, SPSel
    cmp     x9, #1                  /* SP_EL1 */
    b.ne    state_bad
    mrs     x9, DAIF
    cmp     x9, #0x3c0              /* D, A, I, F masked */
    b.ne    state_bad
    mrs     x9, sctlr_el1
    mov     x10, #0x1005            /* M, C, I */
    and     x9, x9, x10
    cmp     x9, x10
    b.ne    state_bad
    mrs     x9, tcr_el1
    movz    x10, #0x3518
    movk    x10, #0xb518, lsl #16
    movk    x10, #0x32, lsl #32
    cmp     x9, x10
    b.ne    state_bad
    mrs     x9, ttbr0_el1
    cmp     x9, #0x1000
    b.ne    state_bad
    mrs     x9, cpacr_el1
    ubfx    x9, x9, #20, #2         /* FPEN */
    cmp     x9, #3
    b.ne    state_bad
    fmov    d0, x19                 /* FP/SIMD must not trap */
    mrs     x9, cntfrq_el0
    ldr     x10, [x19, #BOOT_CYCLE_FREQ]
    cbz     x10, state_bad
    cmp     x9, x10
    b.ne    state_bad
    adrp    x0, puts_state_ok
    add     x0, x0, :lo12:puts_state_ok
    bl      hypercall_puts
    adrp    x0, halt_0
    add     x0, x0, :lo12:halt_0
    b       hypercall_halt
state_bad:
    adrp    x0, puts_state_bad
    add     x0, x0, :lo12:puts_state_bad
    bl      hypercall_puts
    adrp    x0, halt_1
    add     x0, x0, :lo12:halt_1
    b       hypercall_halt

bad_kick:
    add     x9, x20, #0x100
    str     wzr, [x9]
    b       .
bad_byte:
    strb    w19, [x20, #HC_PUTS]
    b       .
bad_read:
    ldr     w9, [x20, #HC_PUTS]
    b       .
bad_number:
    str     w19, [x20]
    b       .
bad_pair:
    stp     w19, w19, [x20, #HC_PUTS]
    b       .
psci_off:
    movz    x0, #0x0008
    movk    x0, #0x8400, lsl #16    /* PSCI 0.2 SYSTEM_OFF */
    hvc     #0
    adrp    x0, puts_psci_returned
    add     x0, x0, :lo12:puts_psci_returned
    bl      hypercall_puts
    adrp    x0, halt_3
    add     x0, x0, :lo12:halt_3
    b       hypercall_halt
write_text:
    adrp    x9, _start
    str     wzr, [x9]
    b       .
write_boot_info:
    str     xzr, [x19]
    b       .
read_null:
    mov     x9, #8
    ldr     x9, [x9]
    b       .
exec_boot_data:
    mov     x9, #0x10000
    add     x9, x9, #0x1000
    br      x9

/* Every exception is fatal: say what kind of abort it was, then halt with 255. */
trap:
    movz    x20, #1, lsl #32        /* x20 may not hold the MMIO base yet */
    mrs     x9, esr_el1
    and     x9, x9, #0x3c           /* fault status code, level bits dropped */
    adrp    x0, puts_trap_other
    add     x0, x0, :lo12:puts_trap_other
    cmp     x9, #0x04               /* translation fault */
    b.ne    1f
    adrp    x0, puts_trap_xlat
    add     x0, x0, :lo12:puts_trap_xlat
1:  cmp     x9, #0x0c               /* permission fault */
    b.ne    2f
    adrp    x0, puts_trap_perm
    add     x0, x0, :lo12:puts_trap_perm
2:  bl      hypercall_puts
    adrp    x0, halt_255
    add     x0, x0, :lo12:halt_255
    b       hypercall_halt

    .balign 2048
vectors:
    .rept   16
    b       trap
    .balign 128
    .endr

    .section .rodata, "a"
    .balign 8
#define PUTS(label, text)                                                                      \
label:  .quad   1f;                                                                            \
        .quad   2f - 1f;                                                                       \
        .pushsection .rodata.str, "a";                                                         \
1:      .ascii  text;                                                                          \
2:      .popsection
PUTS(puts_hello, "HELLO_AARCH64\n")
PUTS(puts_state_ok, "STATE_OK\n")
PUTS(puts_state_bad, "STATE_BAD\n")
PUTS(puts_trap_perm, "TRAP_PERM\n")
PUTS(puts_trap_xlat, "TRAP_XLAT\n")
PUTS(puts_trap_other, "TRAP_OTHER\n")
PUTS(puts_psci_returned, "PSCI_RETURNED\n")
#define HALT(label, status) label: .quad 0; .long status; .long 0
HALT(halt_0, 0)
HALT(halt_1, 1)
HALT(halt_3, 3)
HALT(halt_7, 7)
HALT(halt_255, 255)

/* ABI note (abi.md 1.5): hvt target, ABI version 2. */
    .section .note.solo5.abi, "a", %note
    .balign 4
    .long   6                       /* namesz: "Solo5" and its NUL */
    .long   16                      /* descsz */
    .long   0x31494241              /* "ABI1" */
    .asciz  "Solo5"
    .balign 4
    .long   1, 2, 0, 0

/* Manifest note (abi.md 1.6): 4 bytes of padding, then a manifest of the reserved entry only. */
    .section .note.solo5.manifest, "a", %note
    .balign 4
    .long   6
    .long   4 + 8 + 104             /* descsz: padding, header, one entry */
    .long   0x3154464d              /* "MFT1" */
    .asciz  "Solo5"
    .balign 4
    .long   0                       /* padding: the content is 8-byte aligned */
    .long   1                       /* version */
    .long   1                       /* entries */
    .zero   68                      /* e[0].name: empty */
    .long   0x40000000              /* e[0].type: MFT_RESERVED_FIRST */
    .zero   32                      /* u, b, attached, padding */
