/* arch_x86_64.h: the x86_64 hooks of the bindings (hypercall, cycle counter, thread pointer). */
/*
 * Every architecture provides this fixed list, so generic files never test arch macros:
 *   skiff_hypercall(nr, arg)   issue hypercall nr with the GPA of its argument structure
 *   skiff_cycles()             read the free-running cycle counter (ticks at cpu_cycle_freq)
 *   skiff_set_tp(base)         set the thread pointer used by TLS accesses
 *   SKIFF_TLS_TCB_SIZE         bytes of the thread control block in a TLS area
 *   skiff_tls_tp(tls, len)     where the thread pointer goes in a TLS area of len data bytes
 *   skiff_tls_data(tls)        where .tdata/.tbss go in a TLS area
 *   skiff_ring_kick()          wake the tender's ring thread (abi.md 6.3 step 4)
 *   skiff_wmb() skiff_rmb() skiff_mb()  store, load and full barriers for the shared ring
 *   skiff_cpu_relax()          pause inside a spin loop
 */
#ifndef SKIFF_ARCH_X86_64_H
#define SKIFF_ARCH_X86_64_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_x86_64.h"
#include "hvt_abi.h"

/* A 32-bit OUT to port 0x500 + nr carrying the 32-bit GPA of arg. The tender reads and writes
 * *arg before the guest resumes, hence the memory clobber. */
static inline void skiff_hypercall(enum hvt_hypercall nr, volatile void *arg)
{
    __asm__ __volatile__("outl %0, %1"
                         :
                         : "a"((uint32_t)(uintptr_t)arg),
                           "d"((uint16_t)(HVT_HYPERCALL_PIO_BASE + (unsigned)nr))
                         : "memory");
}

static inline uint64_t skiff_cycles(void)
{
    uint32_t lo, hi;

    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Sets the FS base from CPL3, where WRMSR is privileged (cpu_x86_64.c). */
void skiff_x86_set_fs_base_user(uintptr_t base);

/* The privilege level (skiff-cc --mode, chosen at link time) decides how: CPL0 writes the MSR
 * itself. Reading CS is one instruction and needs no state shared with the entry code. */
static inline void skiff_set_tp(uintptr_t base)
{
    uint16_t cs;

    __asm__("mov %%cs, %0" : "=r"(cs));
    if (cs & 3) {
        skiff_x86_set_fs_base_user(base);
        return;
    }
    __asm__ __volatile__("wrmsr"
                         :
                         : "c"(SKIFF_X86_MSR_FS_BASE), "a"((uint32_t)base),
                           "d"((uint32_t)((uint64_t)base >> 32)));
}

/* TLS variant II: data below the thread pointer, which points at an 8-byte TCB holding itself. */
#define SKIFF_TLS_TCB_SIZE 8

static inline uintptr_t skiff_tls_tp(uintptr_t tls, size_t len)
{
    return tls + len;
}

static inline uintptr_t skiff_tls_data(uintptr_t tls)
{
    return tls;
}

/* The ring kick: a 32-bit OUT of 0 to port 0x600, which the tender turns into an eventfd
 * signal inside KVM (no exit to the tender). Only valid while ring I/O is active. */
static inline void skiff_ring_kick(void)
{
    __asm__ __volatile__("outl %0, %1"
                         :
                         : "a"(0), "d"((uint16_t)HVT_RING_KICK_PIO_BASE)
                         : "memory");
}

/* x86 keeps stores in order and loads in order, so only the compiler must be held back;
 * a store followed by a load of another location needs a real fence. */
static inline void skiff_wmb(void)
{
    __asm__ __volatile__("" : : : "memory");
}

static inline void skiff_rmb(void)
{
    __asm__ __volatile__("" : : : "memory");
}

static inline void skiff_mb(void)
{
    __asm__ __volatile__("mfence" : : : "memory");
}

static inline void skiff_cpu_relax(void)
{
    __asm__ __volatile__("pause" : : : "memory");
}

#endif /* SKIFF_ARCH_X86_64_H */
