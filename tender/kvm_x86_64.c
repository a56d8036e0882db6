/* kvm_x86_64.c: x86_64 hooks: boot GDT, long-mode vCPU state, CPUID, TSC, exit decoding. */
#include <elf.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch.h"
#include "skiff.h"

const unsigned skiff_arch_elf_machine = EM_X86_64;
const uint32_t skiff_arch_audit = AUDIT_ARCH_X86_64;

#define X86_CR0_PE         0x1ULL
#define X86_CR0_NE         0x20ULL
#define X86_CR0_WP         0x10000ULL
#define X86_CR0_PG         0x80000000ULL
#define X86_CR4_PAE        0x20ULL
#define X86_CR4_OSFXSR     0x200ULL
#define X86_CR4_OSXMMEXCPT 0x400ULL
#define X86_EFER_LME       0x100ULL
#define X86_EFER_LMA       0x400ULL

#define GDT_CODE 0x00AF99000000FFFFULL /* 64-bit code, DPL 0 */
#define GDT_DATA 0x00CF93000000FFFFULL /* read/write data, DPL 0 */
#define SEL_CODE 0x08
#define SEL_DATA 0x10

void skiff_arch_setup_memory(struct skiff *s)
{
    uint64_t gdt[3] = {0, GDT_CODE, GDT_DATA};

    memcpy(s->guest.mem + SKIFF_X86_GDT_BASE, gdt, sizeof(gdt));
    skiff_x86_pagetables(s->guest.mem, s->guest.alloc_size);
}

static int prepare_fail(const char *what)
{
    skiff_set_error("KVM: %s: %s", what, strerror(errno));
    return SKIFF_EXIT_HOST;
}

/* The host's supported CPUID table, installed unmodified (abi.md 3.5). Fetching it is the
 * largest single cost of a boot on a nested host (~0.3 ms: every entry is a CPUID instruction
 * in the host kernel, and each of those traps to the outer hypervisor). */
static int setup_cpuid(struct skiff *s)
{
    struct kvm_cpuid2 *cpuid;
    int nent = 128;

    for (;;) {
        cpuid = calloc(1, sizeof(*cpuid) + (size_t)nent * sizeof(cpuid->entries[0]));
        if (!cpuid)
            return prepare_fail("CPUID table");
        cpuid->nent = (uint32_t)nent;
        if (ioctl(s->kvm.kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
            break;
        free(cpuid);
        if (errno != E2BIG || nent > 1024)
            return prepare_fail("KVM_GET_SUPPORTED_CPUID");
        nent *= 2;
    }
    if (ioctl(s->kvm.vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
        free(cpuid);
        return prepare_fail("KVM_SET_CPUID2");
    }
    free(cpuid);
    return 0;
}

static int setup_tsc(struct skiff *s)
{
    int khz;

    if (ioctl(s->kvm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ) <= 0) {
        skiff_set_error("KVM: host does not support KVM_CAP_GET_TSC_KHZ");
        return SKIFF_EXIT_HOST;
    }
    khz = ioctl(s->kvm.vcpu_fd, KVM_GET_TSC_KHZ, 0);
    if (khz <= 0) {
        if (errno != EIO)
            return prepare_fail("KVM_GET_TSC_KHZ");
        skiff_set_error("KVM: host TSC is unstable, cannot continue");
        return SKIFF_EXIT_HOST;
    }
    s->cpu_cycle_freq = (uint64_t)khz * 1000;
    return 0;
}

static struct kvm_segment flat_segment(uint16_t selector, uint8_t type, uint8_t l, uint8_t db)
{
    return (struct kvm_segment){
        .base = 0,
        .limit = 0xffffffff,
        .selector = selector,
        .type = type,
        .present = 1,
        .dpl = 0,
        .db = db,
        .s = 1,
        .l = l,
        .g = 1,
    };
}

/* Long mode with the boot GDT and page tables (abi.md 3.5): nothing here depends on the
 * image. */
static int setup_sregs(struct skiff *s)
{
    struct kvm_sregs sregs;
    struct kvm_segment data = flat_segment(SEL_DATA, 3, 0, 1);

    if (ioctl(s->kvm.vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
        return prepare_fail("KVM_GET_SREGS");
    sregs.cr0 = X86_CR0_PE | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;
    sregs.cr3 = SKIFF_X86_PML4_BASE;
    sregs.cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    sregs.efer = X86_EFER_LME | X86_EFER_LMA;
    sregs.gdt = (struct kvm_dtable){.base = SKIFF_X86_GDT_BASE, .limit = 3 * 8 - 1};
    sregs.idt = (struct kvm_dtable){.base = 0, .limit = 0};
    sregs.cs = flat_segment(SEL_CODE, 9, 1, 0);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
    sregs.tr = (struct kvm_segment){.type = 11, .present = 1};
    sregs.ldt = (struct kvm_segment){.unusable = 1};
    if (ioctl(s->kvm.vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
        return prepare_fail("KVM_SET_SREGS");
    return 0;
}

int skiff_arch_vcpu_prepare(struct skiff *s)
{
    int status;

    if ((status = setup_cpuid(s)) || (status = setup_tsc(s)) || (status = setup_sregs(s)))
        return status;
    return 0;
}

/* Every access to memory without a slot exits as MMIO with its address and data, but an
 * instruction KVM cannot emulate raises #UD in the guest when it comes from CPL3 (and is
 * queued as #UD even when it exits, from CPL0), unless KVM is told to exit to skiff instead:
 * only then is registering memory on first touch safe. */
bool skiff_arch_lazy_memory(struct skiff *s)
{
    struct kvm_enable_cap cap = {.cap = KVM_CAP_EXIT_ON_EMULATION_FAILURE, .args = {1}};

    return ioctl(s->kvm.vm_fd, KVM_ENABLE_CAP, &cap) == 0;
}

int skiff_arch_vcpu_init(struct skiff *s)
{
    struct kvm_regs regs;

    memset(&regs, 0, sizeof(regs));
    regs.rip = s->image.entry;
    regs.rsp = s->guest.size - 8;
    regs.rdi = HVT_BOOT_INFO_BASE;
    regs.rflags = 0x2;
    if (ioctl(s->kvm.vcpu_fd, KVM_SET_REGS, &regs) < 0) {
        skiff_set_error("KVM: KVM_SET_REGS: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    return 0;
}

void skiff_arch_ring_kick(struct kvm_ioeventfd *kick)
{
    kick->addr = HVT_RING_KICK_PIO_BASE;
    kick->len = 4;
    kick->flags = KVM_IOEVENTFD_FLAG_PIO;
}

uint64_t skiff_arch_pc(struct skiff *s)
{
    struct kvm_regs regs;

    if (ioctl(s->kvm.vcpu_fd, KVM_GET_REGS, &regs) < 0)
        return 0;
    return regs.rip;
}

static enum skiff_exit_action decode_io(struct skiff *s, unsigned *nr, uint64_t *gpa, int *status)
{
    const struct kvm_run *run = s->kvm.run;
    unsigned port = run->io.port;
    uint32_t value;

    if (run->io.direction != KVM_EXIT_IO_OUT || run->io.size != 4 ||
        port < HVT_HYPERCALL_PIO_BASE || port >= HVT_HYPERCALL_PIO_BASE + HVT_HYPERCALL_MAX ||
        run->io.data_offset > s->kvm.run_size - sizeof(value)) {
        skiff_set_error("invalid guest port access: port=0x%x, size=%u, %s, rip=0x%llx", port,
                        run->io.size, run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in",
                        (unsigned long long)skiff_arch_pc(s));
        return skiff_action_fail(status, SKIFF_EXIT_HYPERCALL);
    }
    memcpy(&value, (const uint8_t *)run + run->io.data_offset, sizeof(value));
    *nr = port - HVT_HYPERCALL_PIO_BASE;
    *gpa = value;
    return SKIFF_ACTION_HYPERCALL;
}

enum skiff_exit_action skiff_arch_decode_exit(struct skiff *s, unsigned *nr, uint64_t *gpa,
                                              int *status)
{
    const struct kvm_run *run = s->kvm.run;

    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        return decode_io(s, nr, gpa, status);
    case KVM_EXIT_MMIO:
        /* x86 guests have no MMIO devices, and accesses inside RAM are the run loop's. */
        skiff_set_error("KVM: guest accessed gpa=0x%llx outside its memory, rip=0x%llx",
                        (unsigned long long)run->mmio.phys_addr,
                        (unsigned long long)skiff_arch_pc(s));
        return skiff_action_fail(status, SKIFF_EXIT_FAULT);
    case KVM_EXIT_SHUTDOWN:
        skiff_set_error("KVM: guest triple fault (vCPU shutdown), rip=0x%llx",
                        (unsigned long long)skiff_arch_pc(s));
        return skiff_action_fail(status, SKIFF_EXIT_TRIPLE_FAULT);
    default:
        return SKIFF_ACTION_UNHANDLED;
    }
}
