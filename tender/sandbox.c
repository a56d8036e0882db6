/* sandbox.c: the seccomp allow-list the tender runs the guest under (ABI.md 9.3, STYLE 10). */
/*
 * Installed once every host resource is open and right before the first KVM_RUN, so from then
 * on a guest that finds a bug in the tender can reach only the kernel calls the run loop, the
 * hypercalls, the ring thread and the exit paths make, and only on the fds they make them on.
 * Nothing can be opened any more: no open, socket, mmap, execve or fork is on the list.
 * Anything else kills the whole process (not just the thread: a ring thread killed alone
 * would leave the guest waiting forever).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <seccomp.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>

#include "skiff.h"

#ifdef SKIFF_NO_SANDBOX
/* Only for the AddressSanitizer build (make asan): ASan's runtime needs mmap, sigaltstack,
 * /proc reads and more at any moment, which an allow-list would turn into kills. */
int skiff_sandbox_enter(const struct skiff *s)
{
    (void)s;
    return 0;
}
#else

/* Adds one rule; rc collects the first failure so the caller checks once. */
static void allow(scmp_filter_ctx ctx, int *rc, int nr, unsigned nargs, ...)
{
    struct scmp_arg_cmp cmp[2];
    va_list ap;

    va_start(ap, nargs);
    for (unsigned i = 0; i < nargs && i < 2; i++)
        cmp[i] = va_arg(ap, struct scmp_arg_cmp);
    va_end(ap);
    if (*rc == 0)
        *rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, nargs, cmp);
}

/* Per-device rules: each host fd gets only the calls its device's hypercalls make. */
static void allow_devices(scmp_filter_ctx ctx, int *rc, const struct skiff *s)
{
    for (uint32_t i = 0; s->mft && i < s->mft->entries && i < MFT_MAX_ENTRIES; i++) {
        const int fd = s->dev_fds[i];

        if (fd < 0 || !s->mft->e[i].attached)
            continue;
        if (s->mft->e[i].type == MFT_DEV_BLOCK_BASIC) {
            /* BLOCK_READ / BLOCK_WRITE, and the flush on the way out. */
            allow(ctx, rc, SCMP_SYS(pread64), 1, SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd));
            allow(ctx, rc, SCMP_SYS(pwrite64), 1, SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd));
            allow(ctx, rc, SCMP_SYS(fdatasync), 1, SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd));
        } else if (s->mft->e[i].type == MFT_DEV_NET_BASIC) {
            /* NET_READ / NET_WRITE and the ring thread move frames with read and write. */
            allow(ctx, rc, SCMP_SYS(read), 1, SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd));
            allow(ctx, rc, SCMP_SYS(write), 1, SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)fd));
        }
    }
}

static int add_rules(scmp_filter_ctx ctx, const struct skiff *s)
{
    const uint32_t vcpu = (uint32_t)s->kvm.vcpu_fd;
    int rc = 0;

    /* The run loop. The request is compared on 32 bits, as the kernel reads it. */
    allow(ctx, &rc, SCMP_SYS(ioctl), 2, SCMP_A0_32(SCMP_CMP_EQ, vcpu),
          SCMP_A1_32(SCMP_CMP_EQ, (uint32_t)KVM_RUN));
    /* The guest's pc for error messages (x86_64 reads all registers, aarch64 one); both only
     * read this vCPU's state. */
    allow(ctx, &rc, SCMP_SYS(ioctl), 2, SCMP_A0_32(SCMP_CMP_EQ, vcpu),
          SCMP_A1_32(SCMP_CMP_EQ, (uint32_t)KVM_GET_REGS));
    allow(ctx, &rc, SCMP_SYS(ioctl), 2, SCMP_A0_32(SCMP_CMP_EQ, vcpu),
          SCMP_A1_32(SCMP_CMP_EQ, (uint32_t)KVM_GET_ONE_REG));
    /* PUTS to stdout; the one-line error on stderr. */
    allow(ctx, &rc, SCMP_SYS(write), 1, SCMP_A0_32(SCMP_CMP_EQ, 1));
    allow(ctx, &rc, SCMP_SYS(write), 1, SCMP_A0_32(SCMP_CMP_EQ, 2));
    /* The ring thread sleeps on its kick eventfd; teardown writes it to wake the thread. */
    if (s->net_ring) {
        allow(ctx, &rc, SCMP_SYS(read), 1, SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)s->ring_kick_fd));
        allow(ctx, &rc, SCMP_SYS(write), 1, SCMP_A0_32(SCMP_CMP_EQ, (uint32_t)s->ring_kick_fd));
    }
    allow_devices(ctx, &rc, s);
    /* POLL waits on the tap fds (or only for the timeout) with ppoll. */
    allow(ctx, &rc, SCMP_SYS(ppoll), 0);
    /* WALLTIME and POLL's deadline; normally answered by the vDSO, the call is the fallback
     * on hosts whose clock source the vDSO cannot read. */
    allow(ctx, &rc, SCMP_SYS(clock_gettime), 0);
    /* Returning from the SIGINT/SIGTERM handler that interrupts KVM_RUN. */
    allow(ctx, &rc, SCMP_SYS(rt_sigreturn), 0);
    /* pthread_join() of the ring thread waits on a futex; glibc's locks may too. */
    allow(ctx, &rc, SCMP_SYS(futex), 0);
    /* The ring thread ending: glibc hands back the unused part of its stack with madvise
     * (MADV_DONTNEED only) and blocks signals before the exit call. */
    allow(ctx, &rc, SCMP_SYS(madvise), 1, SCMP_A2_32(SCMP_CMP_EQ, MADV_DONTNEED));
    allow(ctx, &rc, SCMP_SYS(rt_sigprocmask), 0);
    allow(ctx, &rc, SCMP_SYS(exit), 0);
    /* Every way out of the process. */
    allow(ctx, &rc, SCMP_SYS(exit_group), 0);
    return rc;
}

int skiff_sandbox_enter(const struct skiff *s)
{
    scmp_filter_ctx ctx;
    int rc;

    /* Required for an unprivileged filter, and keeps a setuid helper from ever regaining
     * what the filter takes away. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        skiff_set_error("sandbox: cannot set no_new_privs: %s", strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    if (!(ctx = seccomp_init(SCMP_ACT_KILL_PROCESS))) {
        skiff_set_error("sandbox: cannot create the seccomp filter");
        return SKIFF_EXIT_HOST;
    }
    /* TSYNC puts the ring thread, already running, under the same filter; a call from a
     * foreign architecture (i386 int 0x80 on x86_64) kills like any other. */
    if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) == 0 &&
        (rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS)) == 0 &&
        (rc = add_rules(ctx, s)) == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc < 0) {
        skiff_set_error("sandbox: cannot install the seccomp filter: %s", strerror(-rc));
        return SKIFF_EXIT_HOST;
    }
    return 0;
}
#endif /* SKIFF_NO_SANDBOX */
