/* kvm-pio.c: the floor for a hypercall: a bare VM whose guest does N port writes in a loop. */
/*
 * usage: kvm-pio N [0|3]
 * The guest runs in 64-bit mode at the given privilege level (0 by default, or 3 with a TSS
 * I/O bitmap opening the port) and executes `out` N times; each write exits to this program,
 * which resumes the guest at once. Prints the nanoseconds per exit: what any monitor pays for
 * one PIO round trip at that privilege level, with no hypercall handling at all.
 */
#include <err.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#define MEM_SIZE  0x200000
#define PML4      0x1000
#define PDPT      0x2000
#define PD        0x3000
#define TSS       0x4000
#define CODE      0x10000
#define PORT_LOOP 0x500
#define PORT_DONE 0x501

/* out %eax,%dx; dec %rcx; jnz back to the out; mov $PORT_DONE,%dx; out %eax,%dx */
static const uint8_t guest_code[] = {0xef, 0x48, 0xff, 0xc9, 0x75, 0xfa,
                                     0x66, 0xba, 0x01, 0x05, 0xef};

static void put64(uint8_t *mem, uint64_t at, uint64_t v)
{
    memcpy(mem + at, &v, sizeof(v));
}

static struct kvm_segment segment(uint16_t sel, uint8_t type, uint8_t dpl, uint8_t l)
{
    return (struct kvm_segment){.selector = sel,
                                .type = type,
                                .present = 1,
                                .dpl = dpl,
                                .db = !l,
                                .s = 1,
                                .l = l,
                                .g = 1,
                                .limit = 0xffffffff};
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Long mode at CPL cpl, TR of type tr_type, RIP at the loop with RCX = n. */
static void set_up_vcpu(int vcpu, int cpl, uint8_t tr_type, long n)
{
    struct kvm_sregs sregs;
    struct kvm_regs regs;

    if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
        err(1, "KVM_GET_SREGS");
    sregs.cr0 = 0x80000031; /* PG, NE, ET, PE */
    sregs.cr3 = PML4;
    sregs.cr4 = 0x20; /* PAE */
    sregs.efer = 0x500;
    sregs.cs = segment(cpl ? 0x2b : 0x08, 11, (uint8_t)cpl, 1);
    sregs.ss = sregs.ds = sregs.es = sregs.fs = sregs.gs =
        segment(cpl ? 0x23 : 0x10, 3, (uint8_t)cpl, 0);
    sregs.tr = (struct kvm_segment){
        .base = TSS, .limit = 104 + PORT_DONE / 8 + 1, .type = tr_type, .present = 1};
    if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
        err(1, "KVM_SET_SREGS");
    memset(&regs, 0, sizeof(regs));
    regs.rip = CODE;
    regs.rflags = 2;
    regs.rcx = (uint64_t)n;
    regs.rdx = PORT_LOOP;
    if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
        err(1, "KVM_SET_REGS");
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    int cpl = argc > 2 ? atoi(argv[2]) : 0, kvm, vm, vcpu;
    struct kvm_userspace_memory_region region;
    struct kvm_run *run;
    uint8_t *mem, tr_type;
    long exits = 0;
    double start;

    if (n < 1 || (cpl != 0 && cpl != 3))
        errx(2, "usage: kvm-pio N [0|3]");
    if ((kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0)
        err(1, "/dev/kvm");
    if ((vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0)
        err(1, "KVM_CREATE_VM");
    mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        err(1, "mmap");
    /* One 2 MiB user-accessible page, identity mapped. */
    put64(mem, PML4, PDPT | 7);
    put64(mem, PDPT, PD | 7);
    put64(mem, PD, 0x87);
    /* A TSS whose I/O bitmap (all zero: every port open) starts right after it. */
    mem[TSS + 102] = 104;
    memcpy(mem + CODE, guest_code, sizeof(guest_code));
    region = (struct kvm_userspace_memory_region){.memory_size = MEM_SIZE,
                                                  .userspace_addr = (uint64_t)(uintptr_t)mem};
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        err(1, "KVM_SET_USER_MEMORY_REGION");
    if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
        err(1, "KVM_CREATE_VCPU");
    run = mmap(NULL, (size_t)ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), PROT_READ | PROT_WRITE,
               MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        err(1, "mmap kvm_run");
    /* A loaded TSS is "busy" (type 11), as VMX requires. QEMU's emulated CPU (the shell VM's
     * nested SVM) consults the I/O bitmap only of a TSS cached as "available" (9), and
     * raises #GP otherwise: at CPL3 the first `out` then shuts the VM down, and the run is
     * retried with type 9. */
    tr_type = 11;
    set_up_vcpu(vcpu, cpl, tr_type, n);
    start = now();
    for (;;) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0)
            err(1, "KVM_RUN");
        if (run->exit_reason == KVM_EXIT_SHUTDOWN && exits == 0 && cpl == 3 && tr_type == 11) {
            set_up_vcpu(vcpu, cpl, tr_type = 9, n);
            continue;
        }
        if (run->exit_reason != KVM_EXIT_IO)
            errx(1, "unexpected exit reason %u after %ld exits", run->exit_reason, exits);
        if (run->io.port == PORT_DONE)
            break;
        exits++;
    }
    printf("kvm-pio: cpl=%d exits=%ld ns_per_exit=%.0f\n", cpl, exits, (now() - start) / exits);
    return exits == n ? 0 : 1;
}
