/* kvm.c: creating the VM and its vCPU (the run loop is run.c). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arch.h"
#include "skiff.h"

/*
 * No helper thread: the kernel's work (KVM_CREATE_VM, KVM_CREATE_VCPU and on x86_64
 * KVM_GET_SUPPORTED_CPUID, each a few hundred microseconds on a nested host) could overlap
 * with itself or with reading the image, but waking the idle second CPU for a new thread took
 * longer here than the work it would take over: measured in one run, a thread that fetched
 * the CPUID table while the main thread created the VM made the main thread wait the whole
 * 0.3 ms at the join, and boots were ~0.1 ms slower with the thread than without. So
 * everything happens in skiff_vm_create(), after every check of the image and the command
 * line: their errors come first.
 */

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

int skiff_vm_create(struct skiff *s)
{
    int status;

    if ((status = kvm_open(&s->kvm)) || (status = kvm_create(s)) ||
        (status = skiff_arch_vcpu_prepare(s)))
        return status;
    return skiff_memslots_init(s);
}
