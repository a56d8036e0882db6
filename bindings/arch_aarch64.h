/* arch_aarch64.h: the aarch64 hooks of the bindings (hypercall, cycle counter, thread pointer). */
/*
 * The same fixed list as arch_x86_64.h:
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
#ifndef SKIFF_ARCH_AARCH64_H
#define SKIFF_ARCH_AARCH64_H

#include <stddef.h>
#include <stdint.h>

#include "hvt_abi.h"

/*
 * A 32-bit store of the GPA of arg to HVT_HYPERCALL_MMIO_BASE + (nr << 3), which the tender
 * maps nowhere: KVM stops the vCPU at the store and hands it to the tender. The store must use
 * a plain base-register address (no writeback, no pair) so that the abort carries a syndrome
 * KVM can decode. "dmb oshst" orders the caller's stores to *arg (Normal memory) before the
 * Device store, for an observer on another host CPU; the trap is precise, so the loads of the
 * OUT fields after it run only once the tender has written them. The memory clobber keeps the
 * compiler from caching *arg across the call.
 */
static inline void skiff_hypercall(enum hvt_hypercall nr, volatile void *arg)
{
    uint64_t addr = HVT_HYPERCALL_MMIO_BASE + ((uint64_t)nr << 3);

    __asm__ __volatile__("dmb oshst\n\t"
                         "str %w0, [%1]"
                         :
                         : "r"((uint32_t)(uintptr_t)arg), "r"(addr)
                         : "memory");
}

/* The virtual counter; the ISB keeps the read from being done ahead of earlier instructions. */
static inline uint64_t skiff_cycles(void)
{
    uint64_t t;

    __asm__ __volatile__("isb\n\t"
                         "mrs %0, cntvct_el0"
                         : "=r"(t)
                         :
                         : "memory");
    return t;
}

static inline void skiff_set_tp(uintptr_t base)
{
    __asm__ __volatile__("msr tpidr_el0, %0" : : "r"(base) : "memory");
}

/*
 * TLS variant I: the thread pointer points at a 16-byte TCB (its first word holds the thread
 * pointer itself) and the TLS data follows it. The compiler addresses a variable at
 * tp + round_up(16, alignment of the TLS segment) + its offset; the linker script asserts that
 * alignment is at most 16, so the data starts right after the TCB.
 */
#define SKIFF_TLS_TCB_SIZE 16

static inline uintptr_t skiff_tls_tp(uintptr_t tls, size_t len)
{
    (void)len;
    return tls;
}

static inline uintptr_t skiff_tls_data(uintptr_t tls)
{
    return tls + SKIFF_TLS_TCB_SIZE;
}

/* The ring kick: a 32-bit store of 0 to HVT_RING_KICK_MMIO_BASE, which the tender registered
 * as an ioeventfd, so KVM signals it without an exit to the tender. Only valid while ring I/O
 * is active. Callers order their ring stores with skiff_mb() first. */
static inline void skiff_ring_kick(void)
{
    __asm__ __volatile__("str wzr, [%0]" : : "r"(HVT_RING_KICK_MMIO_BASE) : "memory");
}

/* The ring lives in Normal, inner shareable memory that a tender thread on another host CPU
 * reads and writes: barriers over the inner shareable domain, stores-only or loads-only where
 * that is enough. */
static inline void skiff_wmb(void)
{
    __asm__ __volatile__("dmb ishst" : : : "memory");
}

static inline void skiff_rmb(void)
{
    __asm__ __volatile__("dmb ishld" : : : "memory");
}

static inline void skiff_mb(void)
{
    __asm__ __volatile__("dmb ish" : : : "memory");
}

static inline void skiff_cpu_relax(void)
{
    __asm__ __volatile__("yield" : : : "memory");
}

#endif /* SKIFF_ARCH_AARCH64_H */
