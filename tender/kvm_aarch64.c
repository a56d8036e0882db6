/* kvm_aarch64.c: aarch64 hooks: page tables, EL1 vCPU state, timer frequency, MMIO hypercalls. */
#include <elf.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch.h"
#include "skiff.h"

const unsigned skiff_arch_elf_machine = EM_AARCH64;
const uint32_t skiff_arch_audit = AUDIT_ARCH_AARCH64;

/* Initial EL1 state (abi.md 3.6). MAIR_EL1 bytes by AttrIndx: 0 Device-nGnRnE, 1 Device-nGnRE,
 * 2 Device-GRE, 3 Normal non-cacheable, 4 Normal write-back, 5 Normal write-through; the page
 * tables use 1 for the MMIO window and 4 for RAM. */
#define MAIR_VALUE 0x0000BBFF440C0400ULL
/* TCR_EL1: T0SZ = T1SZ = 24 (40-bit VA, walks start at level 0), walks inner shareable and
 * write-back cacheable, 4 KiB granules, IPS 40-bit, 16-bit ASIDs, top byte ignored for TTBR0. */
#define TCR_VALUE    0x00000032B5183518ULL
#define SCTLR_M      (1ULL << 0)  /* MMU on */
#define SCTLR_C      (1ULL << 2)  /* data cache on */
#define SCTLR_I      (1ULL << 12) /* instruction cache on */
#define CPACR_FPEN   (3ULL << 20) /* FP/SIMD not trapped at EL0/EL1 */
#define PSTATE_EL1H  0x5ULL       /* EL1 with SP_EL1 */
#define PSTATE_DAIF  (0xfULL << 6)
#define MMIO_WINDOW  (HVT_HYPERCALL_MAX * 8ULL) /* bytes of hypercall addresses */
#define STACK_OFFSET 16 /* SP_EL1 = mem_size - 16, 16-byte aligned as AAPCS64 wants */

#define CORE_REG(name)                                                                             \
    (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(name))
#define REG_PC     CORE_REG(regs.pc)
#define REG_X0     CORE_REG(regs.regs[0])
#define REG_PSTATE CORE_REG(regs.pstate)
#define REG_SP_EL1 CORE_REG(sp_el1)
#define REG_SCTLR  ARM64_SYS_REG(3, 0, 1, 0, 0)
#define REG_CPACR  ARM64_SYS_REG(3, 0, 1, 0, 2)
#define REG_TTBR0  ARM64_SYS_REG(3, 0, 2, 0, 0)
#define REG_TCR    ARM64_SYS_REG(3, 0, 2, 0, 2)
#define REG_MAIR   ARM64_SYS_REG(3, 0, 10, 2, 0)

/* arm64 KVM has no per-page cost at slot creation (stage 2 is built on demand), and a data
 * abort outside any slot carries no usable syndrome for pair or writeback accesses: all of
 * RAM is registered at once. */
bool skiff_arch_lazy_memory(struct skiff *s)
{
    (void)s;
    return false;
}

/* Nothing before the image is known: KVM_ARM_VCPU_INIT and the EL1 state all go in
 * skiff_arch_vcpu_init(). */
int skiff_arch_vcpu_prepare(struct skiff *s)
{
    (void)s;
    return 0;
}

void skiff_arch_setup_memory(struct skiff *s)
{
    skiff_aarch64_pagetables(s->guest.mem, s->guest.alloc_size);
}

static int set_reg(struct skiff *s, uint64_t id, uint64_t value, const char *name)
{
    struct kvm_one_reg reg = {.id = id, .addr = (uint64_t)(uintptr_t)&value};

    if (ioctl(s->kvm.vcpu_fd, KVM_SET_ONE_REG, &reg) < 0) {
        skiff_set_error("KVM: KVM_SET_ONE_REG %s: %s", name, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    return 0;
}

static int get_reg(struct skiff *s, uint64_t id, uint64_t *value)
{
    struct kvm_one_reg reg = {.id = id, .addr = (uint64_t)(uintptr_t)value};

    return ioctl(s->kvm.vcpu_fd, KVM_GET_ONE_REG, &reg);
}

/*
 * The guest reads CNTVCT_EL0, which KVM runs at the host's counter frequency, so the host's own
 * CNTFRQ_EL0 is the guest's cycle frequency. Linux lets EL0 read it (the vDSO relies on that);
 * KVM does not expose it as a vCPU register on every kernel, so it is read here directly.
 */
static int setup_timer_freq(struct skiff *s)
{
    uint64_t freq;

    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    if (freq == 0) {
        skiff_set_error("host CNTFRQ_EL0 is 0: the generic timer frequency is not set");
        return SKIFF_EXIT_HOST;
    }
    s->cpu_cycle_freq = freq;
    return 0;
}

int skiff_arch_vcpu_init(struct skiff *s)
{
    struct kvm_vcpu_init init;
    struct kvm_enable_cap nisv = {.cap = KVM_CAP_ARM_NISV_TO_USER};
    uint64_t cpacr;
    int status;

    memset(&init, 0, sizeof(init));
    if (ioctl(s->kvm.vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0) {
        skiff_set_error("KVM: KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    memset(init.features, 0, sizeof(init.features)); /* no optional vCPU features */
    if (ioctl(s->kvm.vcpu_fd, KVM_ARM_VCPU_INIT, &init) < 0) {
        skiff_set_error("KVM: KVM_ARM_VCPU_INIT: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    /* Optional: an MMIO access KVM cannot decode (e.g. a store pair) then comes back as an exit
     * we report as the guest's fault, instead of KVM_RUN failing with ENOSYS. */
    if (ioctl(s->kvm.kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_NISV_TO_USER) > 0)
        (void)ioctl(s->kvm.vm_fd, KVM_ENABLE_CAP, &nisv);

    if (get_reg(s, REG_CPACR, &cpacr) < 0) {
        skiff_set_error("KVM: KVM_GET_ONE_REG CPACR_EL1: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    if ((status = setup_timer_freq(s)) ||
        (status = set_reg(s, REG_CPACR, cpacr | CPACR_FPEN, "CPACR_EL1")) ||
        (status = set_reg(s, REG_MAIR, MAIR_VALUE, "MAIR_EL1")) ||
        (status = set_reg(s, REG_TCR, TCR_VALUE, "TCR_EL1")) ||
        (status = set_reg(s, REG_TTBR0, SKIFF_AARCH64_PGD_BASE, "TTBR0_EL1")) ||
        (status = set_reg(s, REG_SCTLR, SCTLR_M | SCTLR_C | SCTLR_I, "SCTLR_EL1")) ||
        (status = set_reg(s, REG_PSTATE, PSTATE_EL1H | PSTATE_DAIF, "PSTATE")) ||
        (status = set_reg(s, REG_SP_EL1, s->guest.size - STACK_OFFSET, "SP_EL1")) ||
        (status = set_reg(s, REG_X0, HVT_BOOT_INFO_BASE, "X0")) ||
        (status = set_reg(s, REG_PC, s->image.entry, "PC")))
        return status;
    return 0;
}

void skiff_arch_ring_kick(struct kvm_ioeventfd *kick)
{
    kick->addr = HVT_RING_KICK_MMIO_BASE;
    kick->len = 4;
    kick->flags = 0; /* MMIO */
}

uint64_t skiff_arch_pc(struct skiff *s)
{
    uint64_t pc;

    if (get_reg(s, REG_PC, &pc) < 0)
        return 0;
    return pc;
}

/* A hypercall is a 32-bit store of the argument's GPA to HVT_HYPERCALL_MMIO_BASE + (nr << 3). */
static enum skiff_exit_action decode_mmio(struct skiff *s, unsigned *nr, uint64_t *gpa, int *status)
{
    const struct kvm_run *run = s->kvm.run;
    uint64_t addr = run->mmio.phys_addr;
    uint32_t value;

    if (!run->mmio.is_write || run->mmio.len != 4 || addr < HVT_HYPERCALL_MMIO_BASE ||
        addr - HVT_HYPERCALL_MMIO_BASE >= MMIO_WINDOW) {
        skiff_set_error("invalid guest mmio access: addr=0x%llx, len=%u, %s, pc=0x%llx",
                        (unsigned long long)addr, run->mmio.len,
                        run->mmio.is_write ? "write" : "read",
                        (unsigned long long)skiff_arch_pc(s));
        return skiff_action_fail(status, SKIFF_EXIT_HYPERCALL);
    }
    memcpy(&value, run->mmio.data, sizeof(value)); /* little-endian, like the guest */
    *nr = (unsigned)((addr - HVT_HYPERCALL_MMIO_BASE) >> 3);
    *gpa = value;
    return SKIFF_ACTION_HYPERCALL;
}

static const char *system_event_name(uint32_t type)
{
    switch (type) {
    case KVM_SYSTEM_EVENT_SHUTDOWN:
        return "shutdown (PSCI SYSTEM_OFF)";
    case KVM_SYSTEM_EVENT_RESET:
        return "reset (PSCI SYSTEM_RESET)";
    case KVM_SYSTEM_EVENT_CRASH:
        return "crash";
    default:
        return "event";
    }
}

enum skiff_exit_action skiff_arch_decode_exit(struct skiff *s, unsigned *nr, uint64_t *gpa,
                                              int *status)
{
    const struct kvm_run *run = s->kvm.run;

    switch (run->exit_reason) {
    case KVM_EXIT_MMIO:
        return decode_mmio(s, nr, gpa, status);
    case KVM_EXIT_ARM_NISV:
        skiff_set_error("invalid guest mmio access: addr=0x%llx, instruction KVM cannot "
                        "emulate (esr_iss=0x%llx), pc=0x%llx",
                        (unsigned long long)run->arm_nisv.fault_ipa,
                        (unsigned long long)run->arm_nisv.esr_iss,
                        (unsigned long long)skiff_arch_pc(s));
        return skiff_action_fail(status, SKIFF_EXIT_HYPERCALL);
    case KVM_EXIT_SYSTEM_EVENT:
        /* The guest stopped the machine without HALT: like a vCPU shutdown on x86_64. */
        skiff_set_error("KVM: guest requested system %s (type %u) instead of a HALT "
                        "hypercall, pc=0x%llx",
                        system_event_name(run->system_event.type), run->system_event.type,
                        (unsigned long long)skiff_arch_pc(s));
        return skiff_action_fail(status, SKIFF_EXIT_TRIPLE_FAULT);
    default:
        return SKIFF_ACTION_UNHANDLED;
    }
}
