/* run.c: the run loop: it owns every VM exit, and every way a run ends passes through it. */
/*
 * Exits every architecture has (an interrupted KVM_RUN, entry failures, KVM internal errors,
 * memory without a slot) are handled here once; the arch's decoder turns the rest into a
 * hypercall (number and argument) or handles what only that architecture has (x86_64 port
 * I/O and vCPU shutdown, aarch64 MMIO hypercalls and system events), and says when an exit is
 * none of those, for the one "unhandled exit" message below.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch.h"
#include "snapshot.h"
#include "skiff.h"

/* A guest write to memory the host maps read-only (text, rodata): KVM reports it as EFAULT
 * from KVM_RUN, or on some KVMs as an MMIO exit. "host/guest translation fault" are the words
 * upstream tests look for. */
static int readonly_fault(struct skiff *s, uint64_t gpa)
{
    skiff_set_error("KVM: host/guest translation fault: guest wrote to read-only memory at "
                    "gpa=0x%llx, pc=0x%llx",
                    (unsigned long long)gpa, (unsigned long long)skiff_arch_pc(s));
    return SKIFF_EXIT_FAULT;
}

/* An MMIO exit inside guest RAM: a first touch of a chunk not registered yet (memslots.c),
 * completed from the host mapping, or a write to read-only memory. Returns 0 to resume. */
static int ram_access(struct skiff *s)
{
    struct kvm_run *run = s->kvm.run;
    uint64_t gpa = run->mmio.phys_addr;
    int status;

    if (run->mmio.is_write && skiff_guest_readonly(&s->guest, gpa, run->mmio.len))
        return readonly_fault(s, gpa);
    status = skiff_memslots_touch(s, gpa, run->mmio.data, run->mmio.len, run->mmio.is_write);
    /* Registered already (all of RAM is, without first-touch registration): the access can
     * only have been a write the host refused. */
    if (status == SKIFF_MEMSLOTS_ALL_REGISTERED)
        return readonly_fault(s, gpa);
    return status;
}

/* KVM could not emulate an instruction. It may have touched memory not registered yet (the
 * exit does not say where): register all of it and run the instruction again. */
static int internal_error(struct skiff *s)
{
    const struct kvm_run *run = s->kvm.run;
    bool emulation = run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION;

    if (emulation && skiff_memslots_pending(&s->slots))
        return skiff_memslots_fill(s);
    skiff_set_error("KVM: internal error exit: suberror=0x%x%s, pc=0x%llx", run->internal.suberror,
                    emulation ? " (KVM cannot emulate the guest's instruction)" : "",
                    (unsigned long long)skiff_arch_pc(s));
    return SKIFF_EXIT_VMEXIT;
}

/* One exit: 0 to run the guest again, else the status the run ends with (error set). */
static int handle_exit(struct skiff *s)
{
    const struct kvm_run *run = s->kvm.run;
    unsigned nr = 0;
    uint64_t gpa = 0;
    int status = 0;

    switch (run->exit_reason) {
    case KVM_EXIT_INTR:
        return 0;
    case KVM_EXIT_FAIL_ENTRY:
        skiff_set_error("KVM: entry failure: hw_entry_failure_reason=0x%llx",
                        (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        return SKIFF_EXIT_VMEXIT;
    case KVM_EXIT_INTERNAL_ERROR:
        return internal_error(s);
    case KVM_EXIT_MMIO:
        if (run->mmio.phys_addr < s->guest.alloc_size)
            return ram_access(s);
        break;
    }
    switch (skiff_arch_decode_exit(s, &nr, &gpa, &status)) {
    case SKIFF_ACTION_HYPERCALL:
        return skiff_hypercall_dispatch(s, nr, gpa);
    case SKIFF_ACTION_RESUME:
        return 0;
    case SKIFF_ACTION_FAIL:
        return status;
    case SKIFF_ACTION_UNHANDLED:
        break;
    }
    skiff_set_error("KVM: unhandled exit: exit_reason=0x%x%s, pc=0x%llx", run->exit_reason,
                    run->exit_reason == KVM_EXIT_HLT ? " (guest executed HLT)" : "",
                    (unsigned long long)skiff_arch_pc(s));
    return SKIFF_EXIT_VMEXIT;
}

int skiff_run(struct skiff *s)
{
    for (;;) {
        int status;

        if (skiff_stop_status())
            return skiff_stop_report();
        if (ioctl(s->kvm.vcpu_fd, KVM_RUN, 0) < 0) {
            /* Interrupted by a signal or immediate_exit: clear the latter before looking at
             * the stop status, so a request that comes after the look still ends the next
             * KVM_RUN at once (stop.c sets the status, then immediate_exit). */
            if (errno == EINTR || errno == EAGAIN) {
                __atomic_store_n(&s->kvm.run->immediate_exit, 0, __ATOMIC_SEQ_CST);
                /* Here, and only here, the vCPU is at a boundary a snapshot can be taken at
                 * (snapshot.c). */
                if (skiff_snapshot_pending() && !skiff_stop_status())
                    return skiff_snapshot_save(s);
                continue;
            }
            if (errno == EFAULT) {
                skiff_set_error("KVM: host/guest translation fault: pc=0x%llx",
                                (unsigned long long)skiff_arch_pc(s));
                return SKIFF_EXIT_FAULT;
            }
            skiff_set_error("KVM: KVM_RUN: %s", strerror(errno));
            return SKIFF_EXIT_HOST;
        }
        s->exits++;
        /* A stop requested while the exit was handled (a hypercall that waited) wins: the
         * hypercall's failure, if any, came from the stop. */
        if ((status = handle_exit(s)))
            return skiff_stop_status() ? skiff_stop_report() : status;
        if (s->halted)
            return s->exit_status & 0xff;
    }
}
