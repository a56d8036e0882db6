/* cpu_aarch64.h: the exception frame layout shared by trap_aarch64.S and cpu_aarch64.c. */
#ifndef SKIFF_CPU_AARCH64_H
#define SKIFF_CPU_AARCH64_H

/*
 * What the vector stubs save on the trap stack, in 8-byte slots: x0..x30, then the interrupted
 * SP, ELR_EL1, SPSR_EL1, ESR_EL1 and FAR_EL1. Traps are fatal, so nothing is ever restored.
 */
#define SKIFF_FRAME_X0   0
#define SKIFF_FRAME_LR   (30 * 8)
#define SKIFF_FRAME_SP   (31 * 8)
#define SKIFF_FRAME_ELR  (32 * 8)
#define SKIFF_FRAME_SPSR (33 * 8)
#define SKIFF_FRAME_ESR  (34 * 8)
#define SKIFF_FRAME_FAR  (35 * 8)
#define SKIFF_FRAME_SIZE (36 * 8) /* a multiple of 16, as SP must be */

/* A separate stack for the trap handler: a fault caused by a bad SP must still be reported. */
#define SKIFF_TRAP_STACK_SIZE 8192

/* VBAR_EL1 holds 16 vectors of 0x80 bytes; the table is aligned to 2 KiB. */
#define SKIFF_VECTOR_SIZE 0x80

#endif /* SKIFF_CPU_AARCH64_H */
