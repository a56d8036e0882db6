/* kvm.c: architecture-independent KVM: the VM, its memory, the vCPU and the run loop. */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "skiff.h"

static int host_error(const char *what)
{
    skiff_set_error("KVM: %s: %s", what, strerror(errno));
    return SKIFF_EXIT_HOST;
}

int skiff_kvm_create(struct skiff *s)
{
    struct skiff_kvm *k = &s->kvm;
    struct kvm_userspace_memory_region region;
    int size;

    k->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (k->kvm_fd < 0) {
        skiff_set_error("/dev/kvm: %s (KVM must be enabled and accessible; in a container, "
                        "run with --device /dev/kvm)",
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
    k->vm_fd = ioctl(k->kvm_fd, KVM_CREATE_VM, 0);
    if (k->vm_fd < 0)
        return host_error("KVM_CREATE_VM");

    /* Private anonymous memory: zero-filled, and only pages the guest touches cost anything,
     * so boot time does not depend on the memory size. NORESERVE lets a 4 GiB guest start on
     * a host with strict overcommit accounting. */
    s->guest.mem = mmap(NULL, s->guest.alloc_size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (s->guest.mem == MAP_FAILED) {
        s->guest.mem = NULL;
        skiff_set_error("cannot map %llu bytes of guest memory: %s",
                        (unsigned long long)s->guest.alloc_size, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    region = (struct kvm_userspace_memory_region){
        .slot = 0,
        .guest_phys_addr = 0,
        .memory_size = s->guest.alloc_size,
        .userspace_addr = (uint64_t)(uintptr_t)s->guest.mem,
    };
    if (ioctl(k->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
        return host_error("KVM_SET_USER_MEMORY_REGION");

    k->vcpu_fd = ioctl(k->vm_fd, KVM_CREATE_VCPU, 0);
    if (k->vcpu_fd < 0)
        return host_error("KVM_CREATE_VCPU");
    size = ioctl(k->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size < (int)sizeof(struct kvm_run)) {
        skiff_set_error("KVM: vCPU mmap size %d is too small", size);
        return SKIFF_EXIT_HOST;
    }
    k->run_size = (size_t)size;
    k->run = mmap(NULL, k->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu_fd, 0);
    if (k->run == MAP_FAILED) {
        k->run = NULL;
        return host_error("mmap of the vCPU run structure");
    }
    return 0;
}

int skiff_kvm_protect(struct skiff *s)
{
    for (size_t i = 0; i < s->image.nsegs; i++) {
        const struct skiff_segment *seg = &s->image.segs[i];

        if (mprotect(s->guest.mem + seg->start, seg->end - seg->start, seg->prot) < 0) {
            skiff_set_error("mprotect of guest segment [0x%llx, 0x%llx): %s",
                            (unsigned long long)seg->start, (unsigned long long)seg->end,
                            strerror(errno));
            return SKIFF_EXIT_HOST;
        }
    }
    return 0;
}

/* Signals: the handler only records the signal and asks KVM to leave the guest. A signal that
 * lands between the check in the loop and KVM_RUN is still seen: immediate_exit makes the next
 * KVM_RUN return EINTR at once. */
static volatile sig_atomic_t stop_signal;
static struct kvm_run *volatile signal_run;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
    if (signal_run)
        signal_run->immediate_exit = 1;
}

void skiff_kvm_catch_signals(struct skiff *s)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: blocking calls (KVM_RUN, the POLL wait) must return EINTR. */
    signal_run = s->kvm.run;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A closed stdout is reported by write() as EPIPE and handled, not a silent death. */
    signal(SIGPIPE, SIG_IGN);
}

int skiff_stop_signal(void)
{
    return stop_signal;
}

static int stopped_by_signal(void)
{
    skiff_set_error("exiting on signal %d", (int)stop_signal);
    return SKIFF_EXIT_SIGNAL_BASE + stop_signal;
}

int skiff_kvm_run(struct skiff *s)
{
    for (;;) {
        enum skiff_exit_action action;
        unsigned nr = 0;
        uint64_t gpa = 0;
        int status = 0;

        if (stop_signal)
            return stopped_by_signal();
        if (ioctl(s->kvm.vcpu_fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            if (errno == EFAULT) {
                skiff_set_error("KVM: host/guest translation fault: pc=0x%llx",
                                (unsigned long long)skiff_arch_pc(s));
                return SKIFF_EXIT_FAULT;
            }
            return host_error("KVM_RUN");
        }
        action = skiff_arch_decode_exit(s, &nr, &gpa, &status);
        if (action == SKIFF_ACTION_FAIL)
            return status;
        if (action == SKIFF_ACTION_RESUME)
            continue;
        status = skiff_hypercall_dispatch(s, nr, gpa);
        if (status)
            return status;
        if (s->halted)
            return s->exit_status & 0xff;
    }
}
