/* snapshot_x86_64.c: the x86_64 vCPU state a snapshot holds, and setting it back. */
/*
 * Registers, system registers, the whole XSAVE area (x87, SSE, AVX) with XCR0, pending
 * events, and the MSRs a guest of the hvt ABI can have changed: SYSCALL/SYSENTER setup, FS/GS
 * bases (the bindings set FS for TLS), PAT and the TSC. No LAPIC: skiff never creates an
 * in-kernel irqchip, so there is none to save.
 *
 * The guest's clock is the TSC scaled by the frequency the boot info gave it, so a restore
 * sets the TSC to its saved value (the clock resumes where it stopped, never goes back) at the
 * saved frequency: KVM_SET_TSC_KHZ when this host's differs, or an error if KVM cannot scale.
 * Writing MSR_IA32_TSC is not enough: KVM treats a host write within a second of what the new
 * VM's TSC would read as "synchronising" and keeps its own value (kvm_synchronize_tsc), so a
 * guest saved less than a second after boot would restart its clock near 0. The TSC offset
 * attribute (KVM_VCPU_TSC_CTRL, Linux 5.16) sets it exactly; the MSR write is the fallback.
 */
#include <cpuid.h>
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch.h"
#include "snapshot.h"

#define MSR_TSC 0x10

static const uint32_t saved_msrs[] = {
    MSR_TSC,    0x174,      0x175,      0x176,      0x277,      0xc0000081, 0xc0000082,
    0xc0000083, 0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103,
};
#define NMSRS (sizeof(saved_msrs) / sizeof(saved_msrs[0]))

struct x86_state {
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    uint32_t xsave[1024]; /* struct kvm_xsave's region (it ends in a flexible array) */
    struct kvm_xcrs xcrs;
    struct kvm_vcpu_events events;
    uint32_t nmsrs, pad;
    struct kvm_msr_entry msrs[NMSRS];
};
_Static_assert(sizeof(struct x86_state) <= SKIFF_SNAP_ARCH_MAX, "x86 state fits");
_Static_assert(sizeof(((struct x86_state *)0)->xsave) == sizeof(struct kvm_xsave),
               "the XSAVE region is struct kvm_xsave's");

const bool skiff_arch_snapshot_supported = true;
const unsigned long skiff_arch_snapshot_ioctls[] = {
    KVM_GET_SREGS, KVM_GET_XSAVE, KVM_GET_XCRS, KVM_GET_VCPU_EVENTS, KVM_GET_MSRS, 0};

static int vcpu_ioctl(struct skiff *s, unsigned long req, void *arg, const char *name)
{
    if (ioctl(s->kvm.vcpu_fd, req, arg) < 0) {
        skiff_set_error("KVM: %s: %s", name, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    return 0;
}

int skiff_arch_snapshot_save(struct skiff *s, void *buf, size_t cap, size_t *len)
{
    static struct x86_state st;
    /* struct kvm_msrs ends in a flexible array: a buffer with room for one entry. */
    union {
        struct kvm_msrs hdr;
        uint8_t bytes[sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)];
    } one;
    struct kvm_msr_entry *e = (struct kvm_msr_entry *)(one.bytes + sizeof(struct kvm_msrs));
    int status;

    memset(&st, 0, sizeof(st));
    if ((status = vcpu_ioctl(s, KVM_GET_REGS, &st.regs, "KVM_GET_REGS")) ||
        (status = vcpu_ioctl(s, KVM_GET_SREGS, &st.sregs, "KVM_GET_SREGS")) ||
        (status = vcpu_ioctl(s, KVM_GET_XSAVE, st.xsave, "KVM_GET_XSAVE")) ||
        (status = vcpu_ioctl(s, KVM_GET_XCRS, &st.xcrs, "KVM_GET_XCRS")) ||
        (status = vcpu_ioctl(s, KVM_GET_VCPU_EVENTS, &st.events, "KVM_GET_VCPU_EVENTS")))
        return status;
    /* One at a time: a host without one of them (TSC_AUX without RDTSCP) leaves it out. */
    for (size_t i = 0; i < NMSRS; i++) {
        memset(&one, 0, sizeof(one));
        one.hdr.nmsrs = 1;
        e->index = saved_msrs[i];
        if (ioctl(s->kvm.vcpu_fd, KVM_GET_MSRS, &one) == 1)
            st.msrs[st.nmsrs++] = *e;
        else if (saved_msrs[i] == MSR_TSC) {
            skiff_set_error("KVM: cannot read the guest's TSC");
            return SKIFF_EXIT_HOST;
        }
    }
    if (cap < sizeof(st))
        return SKIFF_EXIT_HOST;
    memcpy(buf, &st, sizeof(st));
    *len = sizeof(st);
    return 0;
}

static bool known_msr(uint32_t index)
{
    for (size_t i = 0; i < NMSRS; i++)
        if (saved_msrs[i] == index)
            return true;
    return false;
}

/* guest TSC = host TSC + offset (no scaling: the frequencies matched), set so that the guest
 * reads tsc now. Returns false where KVM has no such attribute or scales the TSC. */
static bool set_tsc_offset(struct skiff *s, uint64_t tsc, bool scaled)
{
    uint64_t offset;
    struct kvm_device_attr attr = {
        .group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET, .addr = (uintptr_t)&offset};
    unsigned lo, hi;

    if (scaled || ioctl(s->kvm.vcpu_fd, KVM_HAS_DEVICE_ATTR, &attr) < 0)
        return false;
    __asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
    offset = tsc - (((uint64_t)hi << 32) | lo);
    return ioctl(s->kvm.vcpu_fd, KVM_SET_DEVICE_ATTR, &attr) == 0;
}

/* On AMD (SVM) the VMCB holds the TSS descriptor type as LTR loaded it, 9 (available), and
 * KVM_GET_SREGS adds the busy bit to what it reports (svm_get_segment); setting that 11 back
 * makes the nested SVM of QEMU's TCG refuse every I/O permission check against the TSS (#GP
 * on the hypercall OUT). So on AMD the type goes back as the hardware had it. Intel (VMX)
 * requires the busy type and keeps it. */
static void tr_type_for_host(struct kvm_segment *tr)
{
    unsigned a, b, c, d;

    if (tr->type == 11 && __get_cpuid(0, &a, &b, &c, &d) && b == 0x68747541 /* "Auth" */ &&
        d == 0x69746e65 /* "enti" */ && c == 0x444d4163 /* "cAMD" */)
        tr->type = 9;
}

/* The guest's clock runs at freq: this vCPU's TSC must too. Sets *scaled if KVM scales it. */
static int set_frequency(struct skiff *s, uint64_t freq, bool *scaled)
{
    int khz = ioctl(s->kvm.vcpu_fd, KVM_GET_TSC_KHZ, 0);

    *scaled = false;
    if (khz > 0 && (uint64_t)khz * 1000 == freq)
        return 0;
    *scaled = true;
    if (freq / 1000 > 0x7fffffff || ioctl(s->kvm.vcpu_fd, KVM_SET_TSC_KHZ, freq / 1000) < 0) {
        skiff_set_error("KVM: the snapshot's TSC runs at %llu kHz, this host's at %d kHz, and "
                        "KVM cannot scale it",
                        (unsigned long long)(freq / 1000), khz);
        return SKIFF_EXIT_HOST;
    }
    return 0;
}

int skiff_arch_snapshot_restore(struct skiff *s, const void *state, size_t len, uint64_t freq)
{
    static struct x86_state st;
    union {
        struct kvm_msrs hdr;
        uint8_t bytes[sizeof(struct kvm_msrs) + NMSRS * sizeof(struct kvm_msr_entry)];
    } msrs;
    struct kvm_msr_entry *e = (struct kvm_msr_entry *)(msrs.bytes + sizeof(struct kvm_msrs));
    uint64_t tsc = 0;
    bool scaled;
    int status;

    if (len != sizeof(st)) {
        skiff_set_error("snapshot: arch_size %zu, x86_64 state is %zu bytes", len, sizeof(st));
        return SKIFF_EXIT_IMAGE;
    }
    memcpy(&st, state, sizeof(st));
    if (st.nmsrs > NMSRS) {
        skiff_set_error("snapshot: %u MSRs, at most %zu", st.nmsrs, NMSRS);
        return SKIFF_EXIT_IMAGE;
    }
    memset(&msrs, 0, sizeof(msrs));
    msrs.hdr.nmsrs = st.nmsrs;
    for (uint32_t i = 0; i < st.nmsrs; i++) {
        if (!known_msr(st.msrs[i].index)) {
            skiff_set_error("snapshot: MSR 0x%x is not one skiff saves", st.msrs[i].index);
            return SKIFF_EXIT_IMAGE;
        }
        e[i] = st.msrs[i];
        if (st.msrs[i].index == MSR_TSC)
            tsc = st.msrs[i].data;
    }
    tr_type_for_host(&st.sregs.tr);
    if ((status = set_frequency(s, freq, &scaled)) ||
        (status = vcpu_ioctl(s, KVM_SET_SREGS, &st.sregs, "KVM_SET_SREGS")) ||
        (status = vcpu_ioctl(s, KVM_SET_XCRS, &st.xcrs, "KVM_SET_XCRS")) ||
        (status = vcpu_ioctl(s, KVM_SET_XSAVE, st.xsave, "KVM_SET_XSAVE")) ||
        (status = vcpu_ioctl(s, KVM_SET_REGS, &st.regs, "KVM_SET_REGS")) ||
        (status = vcpu_ioctl(s, KVM_SET_VCPU_EVENTS, &st.events, "KVM_SET_VCPU_EVENTS")))
        return status;
    /* Last, the TSC among them: the guest's clock resumes at the saved count. */
    if (ioctl(s->kvm.vcpu_fd, KVM_SET_MSRS, &msrs) != (int)st.nmsrs) {
        skiff_set_error("KVM: KVM_SET_MSRS: the saved MSRs were not all accepted");
        return SKIFF_EXIT_HOST;
    }
    set_tsc_offset(s, tsc, scaled);
    return 0;
}
