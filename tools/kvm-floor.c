/* kvm-floor.c: the floor for boot time: open KVM, create a VM and one vCPU, run one HLT, exit. */
/*
 * usage: kvm-floor [MiB] [cpuid]
 * This is the least any KVM monitor must do to start a guest and see it stop, so a monitor's
 * boot-to-exit time is judged against this program's, measured in the same run. With MiB, the
 * VM gets that much (untouched) memory, as a monitor's guest would: KVM's own cost of
 * registering memory grows with its size, and this shows how much of it is KVM's. With
 * "cpuid", it also gives the vCPU the host's supported CPUID table, as every
 * monitor whose guests may run CPUID must: on a nested host that alone is ~0.3 ms.
 */
#include <err.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
    size_t size = argc > 1 && atol(argv[1]) > 0 ? (size_t)atol(argv[1]) << 20 : 0x1000;
    int with_cpuid = argc > 2 && strcmp(argv[2], "cpuid") == 0;
    struct kvm_userspace_memory_region region;
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    struct kvm_run *run;
    uint8_t *mem;
    int kvm, vm, vcpu, run_size;

    if ((kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0)
        err(1, "/dev/kvm");
    if ((vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0)
        err(1, "KVM_CREATE_VM");
    mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
               0);
    if (mem == MAP_FAILED)
        err(1, "mmap");
    mem[0] = 0xf4; /* hlt, in real mode at 0:0 */
    region = (struct kvm_userspace_memory_region){.memory_size = size,
                                                  .userspace_addr = (uint64_t)(uintptr_t)mem};
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        err(1, "KVM_SET_USER_MEMORY_REGION");
    if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
        err(1, "KVM_CREATE_VCPU");
    if (with_cpuid) {
        static struct {
            struct kvm_cpuid2 h;
            struct kvm_cpuid_entry2 e[256];
        } cpuid = {.h = {.nent = 256}};

        if (ioctl(kvm, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0)
            err(1, "KVM_GET_SUPPORTED_CPUID");
        if (ioctl(vcpu, KVM_SET_CPUID2, &cpuid) < 0)
            err(1, "KVM_SET_CPUID2");
    }
    run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        err(1, "mmap kvm_run");
    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
        err(1, "KVM_GET_SREGS");
    sregs.cs.base = 0;
    sregs.cs.selector = 0;
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
        err(1, "KVM_SET_SREGS");
    memset(&regs, 0, sizeof(regs));
    regs.rip = 0;
    regs.rflags = 0x2;
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
        err(1, "KVM_SET_REGS");
    if (ioctl(vcpu, KVM_RUN, 0) < 0)
        err(1, "KVM_RUN");
    if (run->exit_reason != KVM_EXIT_HLT)
        errx(1, "unexpected exit reason %u", run->exit_reason);
    return 0;
}
