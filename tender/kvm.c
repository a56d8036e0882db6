/* kvm.c: architecture-independent KVM: the VM, its memory, the vCPU and the run loop. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "skiff.h"

/*
 * No helper thread: the kernel's work (KVM_CREATE_VM, KVM_CREATE_VCPU and on x86_64
 * KVM_GET_SUPPORTED_CPUID, each a few hundred microseconds on a nested host) could overlap
 * with itself or with reading the image, but waking the idle second CPU for a new thread took
 * longer here than the work it would take over: measured in one run, a thread that fetched
 * the CPUID table while the main thread created the VM made the main thread wait the whole
 * 0.3 ms at the join, and boots were ~0.1 ms slower with the thread than without. So
 * everything happens in skiff_kvm_finish(), after every check of the image and the command
 * line: their errors come first.
 */
void skiff_kvm_start(struct skiff *s)
{
    s->kvm.kvm_fd = s->kvm.vm_fd = s->kvm.vcpu_fd = -1;
}

static int kvm_open(struct skiff_kvm *k)
{
    k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (k->kvm_fd < 0) {
        skiff_set_error("/dev/kvm: %s (KVM must be enabled and accessible; in a container, run "
                        "with --device /dev/kvm; on an x86_64 host without KVM, 'tests/vm/shell "
                        "-- skiff ...' in skiff's source tree runs skiff on a QEMU VM's KVM)",
                        strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    if (ioctl(k->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
        skiff_set_error("KVM: unsupported API version (need %d)", KVM_API_VERSION);
        return SKIFF_EXIT_HOST;
    }
    if (ioctl(k->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0) {
        skiff_set_error("KVM: host does not support KVM_CAP_USER_MEMORY");
        return SKIFF_EXIT_HOST;
    }
    return 0;
}

static int kvm_create(struct skiff *s)
{
    struct skiff_kvm *k = &s->kvm;
    int size;

    if ((k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0)) < 0) {
        skiff_set_error("KVM: KVM_CREATE_VM: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    if ((k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0)) < 0) {
        skiff_set_error("KVM: KVM_CREATE_VCPU: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size < (int)sizeof(struct kvm_run)) {
        skiff_set_error("KVM: vCPU mmap size %d is too small", size);
        return SKIFF_EXIT_HOST;
    }
    k->run_size = (size_t)size;
    k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
    if (k->run == MAP_FAILED) {
        k->run = NULL;
        skiff_set_error("KVM: mmap of the vCPU run structure: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    return 0;
}

int skiff_kvm_finish(struct skiff *s)
{
    int status;

    if ((status = kvm_open(&s->kvm)) || (status = kvm_create(s)))
        return status;
    if (skiff_arch_kvm_prepare(s) < 0) {
        skiff_set_error("%s", skiff_arch_prepare_error());
        return SKIFF_EXIT_HOST;
    }
    return skiff_memslots_init(s);
}

int skiff_kvm_protect(struct skiff *s)
{
    for (size_t i = 0; i < s->image.nsegs; i++) {
        const struct skiff_segment *seg = &s->image.segs[i];
        int status = skiff_guest_protect(&s->guest, seg->start, seg->end, seg->prot);

        if (status)
            return status;
    }
    return 0;
}

enum skiff_exit_action skiff_readonly_fault(struct skiff *s, uint64_t gpa, int *status)
{
    skiff_set_error("KVM: host/guest translation fault: guest wrote to read-only memory at "
                    "gpa=0x%llx, pc=0x%llx",
                    (unsigned long long)gpa, (unsigned long long)skiff_arch_pc(s));
    return skiff_action_fail(status, SKIFF_EXIT_FAULT);
}

int skiff_kvm_run(struct skiff *s)
{
    for (;;) {
        enum skiff_exit_action action;
        unsigned nr = 0;
        uint64_t gpa = 0;
        int status = 0;

        if (skiff_stop_status())
            return skiff_stop_report();
        if (ioctl(s->kvm.vcpu_fd, KVM_RUN, 0) < 0) {
            /* Interrupted by a signal or immediate_exit: clear the latter before looking at
             * the stop status, so a request that comes after the look still ends the next
             * KVM_RUN at once (stop.c sets the status, then immediate_exit). */
            if (errno == EINTR || errno == EAGAIN) {
                __atomic_store_n(&s->kvm.run->immediate_exit, 0, __ATOMIC_SEQ_CST);
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
        action = skiff_arch_decode_exit(s, &nr, &gpa, &status);
        if (action == SKIFF_ACTION_FAIL)
            return status;
        if (action == SKIFF_ACTION_RESUME)
            continue;
        status = skiff_hypercall_dispatch(s, nr, gpa);
        if (status)
            return skiff_stop_status() ? skiff_stop_report() : status;
        if (s->halted)
            return s->exit_status & 0xff;
    }
}
