/* sandbox.c: the seccomp allow-list the tender runs the guest under (abi.md 9.3, STYLE 10). */
/*
 * Installed once every host resource is open and right before the first KVM_RUN, so from then
 * on a guest that finds a bug in the tender can reach only the kernel calls the run loop, the
 * hypercalls, the ring thread and the exit paths make, and only on the fds they make them on.
 * Nothing can be opened any more: no open, socket, mmap, execve or fork is on the list.
 * Anything else kills the whole process (not just the thread: a ring thread killed alone
 * would leave the guest waiting forever).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp_prog.h"
#include "arch.h"
#include "skiff.h"

#ifdef SKIFF_NO_SANDBOX
/* Only for the AddressSanitizer build (make asan): ASan's runtime needs mmap, sigaltstack,
 * /proc reads and more at any moment, which an allow-list would turn into kills. */
void skiff_sandbox_allow_fd(int fd, const int *calls)
{
    (void)fd;
    (void)calls;
}

void skiff_sandbox_allow_vcpu_ioctl(unsigned long request)
{
    (void)request;
}

void skiff_sandbox_allow_call(int nr)
{
    (void)nr;
}

int skiff_sandbox_enter(const struct skiff *s)
{
    (void)s;
    return 0;
}
#else
/* The allow-list under construction: one rule per call, conditions filled in as the devices
 * are visited. */
struct policy {
    struct skiff_seccomp_rule rule[24];
    size_t n;
    bool overflow; /* a rule, condition or value did not fit: refuse to install a partial list */
};

static struct skiff_seccomp_rule *rule_for(struct policy *p, int nr)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->rule[i].nr == nr)
            return &p->rule[i];
    if (p->n == sizeof(p->rule) / sizeof(p->rule[0])) {
        p->overflow = true;
        return NULL;
    }
    p->rule[p->n] = (struct skiff_seccomp_rule){.nr = nr};
    return &p->rule[p->n++];
}

/* Allows nr with no condition on its arguments. */
static void allow(struct policy *p, int nr)
{
    (void)rule_for(p, nr);
}

/* Allows nr when argument arg is value; called again for the same nr and arg, any of the
 * values. */
static void allow_arg(struct policy *p, int nr, unsigned arg, uint32_t value)
{
    struct skiff_seccomp_rule *r = rule_for(p, nr);
    struct skiff_seccomp_cond *c = NULL;

    if (!r)
        return;
    for (unsigned i = 0; i < r->nconds; i++)
        if (r->cond[i].arg == arg)
            c = &r->cond[i];
    if (!c && r->nconds < SKIFF_SECCOMP_MAX_CONDS) {
        c = &r->cond[r->nconds++];
        c->arg = arg;
    }
    if (c && c->nvalues < SKIFF_SECCOMP_MAX_VALUES)
        c->values[c->nvalues++] = value;
    else
        p->overflow = true;
}

/* The fds the modules opened for the guest, each with the calls made on it (module-owned:
 * block.c registers its files, net.c its taps, net_ring.c its kick eventfd). */
static struct {
    int fd;
    const int *calls;
} fd_rules[MFT_MAX_ENTRIES + 4];
static size_t nfd_rules;
static bool fd_rules_overflow;

void skiff_sandbox_allow_fd(int fd, const int *calls)
{
    if (nfd_rules == sizeof(fd_rules) / sizeof(fd_rules[0])) {
        fd_rules_overflow = true;
        return;
    }
    fd_rules[nfd_rules].fd = fd;
    fd_rules[nfd_rules].calls = calls;
    nfd_rules++;
}

/* Requests on the vCPU fd and argument-free calls that optional features add. */
static uint32_t extra_ioctls[16];
static int extra_calls[4];
static size_t nextra_ioctls, nextra_calls;
static bool extra_overflow;

void skiff_sandbox_allow_vcpu_ioctl(unsigned long request)
{
    if (nextra_ioctls == sizeof(extra_ioctls) / sizeof(extra_ioctls[0]))
        extra_overflow = true;
    else
        extra_ioctls[nextra_ioctls++] = (uint32_t)request;
}

void skiff_sandbox_allow_call(int nr)
{
    if (nextra_calls == sizeof(extra_calls) / sizeof(extra_calls[0]))
        extra_overflow = true;
    else
        extra_calls[nextra_calls++] = nr;
}

static void allow_fds(struct policy *p)
{
    if (fd_rules_overflow)
        p->overflow = true;
    for (size_t i = 0; i < nfd_rules; i++)
        for (const int *c = fd_rules[i].calls; *c >= 0; c++)
            allow_arg(p, *c, 0, (uint32_t)fd_rules[i].fd);
}

static void add_rules(struct policy *p, const struct skiff *s)
{
    const uint32_t vcpu = (uint32_t)s->kvm.vcpu_fd;

    /* The run loop, on the vCPU only; and the guest's pc for error messages (x86_64 reads all
     * registers, aarch64 one), both only reading this vCPU's state. */
    allow_arg(p, SYS_ioctl, 0, vcpu);
    allow_arg(p, SYS_ioctl, 1, (uint32_t)KVM_RUN);
    allow_arg(p, SYS_ioctl, 1, (uint32_t)KVM_GET_REGS);
    allow_arg(p, SYS_ioctl, 1, (uint32_t)KVM_GET_ONE_REG);
    /* Guest RAM still to be registered on first touch (memslots.c), on the VM. Its fd and
     * request pair with the vCPU's in this filter; each fails on the other fd (ENOTTY). */
    if (skiff_memslots_pending(&s->slots)) {
        allow_arg(p, SYS_ioctl, 0, (uint32_t)s->kvm.vm_fd);
        allow_arg(p, SYS_ioctl, 1, (uint32_t)KVM_SET_USER_MEMORY_REGION);
    }
    /* PUTS to stdout; the one-line error on stderr. */
    allow_arg(p, SYS_write, 0, 1);
    allow_arg(p, SYS_write, 0, 2);
    /* A stop request (the signal handler, the ring thread) makes the stop eventfd readable
     * and the ring thread signals the vCPU thread out of KVM_RUN, in this process only, with
     * the one signal whose handler does nothing else (stop.c). */
    allow_arg(p, SYS_write, 0, (uint32_t)skiff_stop_fd());
    allow_arg(p, SYS_tgkill, 0, (uint32_t)getpid());
    allow_arg(p, SYS_tgkill, 2, (uint32_t)SKIFF_STOP_KICK_SIGNAL);
    allow_fds(p);
    /* What optional features asked for (--snapshot: reading the vCPU's state, mincore on
     * guest memory; snapshot.c says why). */
    for (size_t i = 0; i < nextra_ioctls; i++)
        allow_arg(p, SYS_ioctl, 1, extra_ioctls[i]);
    for (size_t i = 0; i < nextra_calls; i++)
        allow(p, extra_calls[i]);
    if (extra_overflow)
        p->overflow = true;
    /* POLL waits on the tap fds (or only for the timeout), and PUTS for room on stdout, with
     * ppoll, on the stop eventfd too. */
    allow(p, SYS_ppoll);
    /* WALLTIME and POLL's deadline; normally answered by the vDSO, the call is the fallback
     * on hosts whose clock source the vDSO cannot read. */
    allow(p, SYS_clock_gettime);
    /* Returning from the handlers of SIGINT/SIGTERM and of the ring thread's kick, which
     * interrupt KVM_RUN. */
    allow(p, SYS_rt_sigreturn);
    /* pthread_join() of the ring thread waits on a futex; glibc's locks may too. */
    allow(p, SYS_futex);
    /* The ring thread ending: glibc hands back the unused part of its stack with madvise
     * (MADV_DONTNEED only) and blocks signals before the exit call. */
    allow_arg(p, SYS_madvise, 2, MADV_DONTNEED);
    allow(p, SYS_rt_sigprocmask);
    allow(p, SYS_exit);
    /* Every way out of the process. */
    allow(p, SYS_exit_group);
}

int skiff_sandbox_enter(const struct skiff *s)
{
    static struct policy policy;
    static struct sock_filter insn[BPF_MAXINSNS];
    struct sock_fprog prog;
    long n, r;

    /* Required for an unprivileged filter, and keeps a setuid helper from ever regaining
     * what the filter takes away. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        skiff_set_error("sandbox: cannot set no_new_privs: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    policy.n = 0;
    policy.overflow = false;
    add_rules(&policy, s);
    n = policy.overflow
            ? -1
            : skiff_seccomp_build(policy.rule, policy.n, skiff_arch_audit, insn, BPF_MAXINSNS);
    if (n < 0) {
        skiff_set_error("sandbox: the seccomp program does not fit");
        return SKIFF_EXIT_HOST;
    }
    prog = (struct sock_fprog){.len = (unsigned short)n, .filter = insn};
    /* TSYNC puts the ring thread, already running, under the same filter; it fails (with the
     * id of a thread it could not move) rather than leave one unfiltered. */
    r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog);
    if (r != 0) {
        skiff_set_error("sandbox: cannot install the seccomp filter: %s",
                        r < 0 ? strerror(errno) : "a thread could not be synchronised");
        return SKIFF_EXIT_HOST;
    }
    return 0;
}
#endif /* SKIFF_NO_SANDBOX */
