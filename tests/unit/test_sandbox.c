/* test_sandbox.c: the seccomp allow-list kills on a forbidden call and lets the run loop's calls
 * through, checked in forked children so the test process itself stays unfiltered. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/kvm.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "arch.h"
#include "skiff.h"

/* What kvm_ARCH.c gives the tender; this test links only the sandbox. */
#if defined(__x86_64__)
const uint32_t skiff_arch_audit = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
const uint32_t skiff_arch_audit = AUDIT_ARCH_AARCH64;
#endif

/* What a child does once the filter is in; returns normally only if nothing killed it. */
typedef void (*probe_fn)(const struct skiff *s);

static union {
    struct mft m;
    uint8_t bytes[MFT_SIZE(3)];
} mft_buf;

/* A tender as the sandbox sees it: a vCPU fd, one block and one net device, no ring. Plain
 * files stand in for the KVM and tap fds; the filter only looks at the numbers. */
static void fake_skiff(struct skiff *s)
{
    memset(s, 0, sizeof(*s));
    memset(&mft_buf, 0, sizeof(mft_buf));
    for (size_t i = 0; i < MFT_MAX_ENTRIES; i++)
        s->dev_fds[i] = -1;
    s->mft = &mft_buf.m;
    s->mft->entries = 3;
    s->mft->e[0].type = MFT_RESERVED_FIRST;
    s->mft->e[1].type = MFT_DEV_BLOCK_BASIC;
    s->mft->e[1].attached = 1;
    s->mft->e[2].type = MFT_DEV_NET_BASIC;
    s->mft->e[2].attached = 1;
    s->kvm.vcpu_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    s->dev_fds[1] = open("/dev/zero", O_RDWR | O_CLOEXEC);
    s->dev_fds[2] = open("/dev/null", O_RDWR | O_CLOEXEC);
    assert_true(s->kvm.vcpu_fd >= 0 && s->dev_fds[1] >= 0 && s->dev_fds[2] >= 0);
}

/* Ends a child without going through libc's or a sanitizer's exit hooks, which make calls of
 * their own (sigaltstack, munmap) that the filter rightly refuses. Not declared noreturn: ASan
 * instruments calls to noreturn functions with a sigaltstack() query. */
static void child_exit(int status)
{
    syscall(SYS_exit_group, status);
}

/* Runs probe under the filter in a child; returns its wait status. Exit 0 = survived. With
 * lazy_memory, guest RAM is still being registered on first touch (memslots.c), on a VM fd. */
static int run_probe_with(probe_fn probe, bool lazy_memory)
{
    struct skiff s;
    int status;
    pid_t pid;

    fake_skiff(&s);
    s.kvm.vm_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    assert_true(s.kvm.vm_fd >= 0);
    s.slots.nchunks = lazy_memory ? 4 : 1;
    s.slots.nregistered = lazy_memory ? 2 : 1;
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* A killed child must not leave a core file behind in the build tree. */
        struct rlimit no_core = {0, 0};

        setrlimit(RLIMIT_CORE, &no_core);
        /* What block.c and net.c register for their fds when they attach them. */
        static const int block_calls[] = {SYS_pread64, SYS_pwrite64, SYS_fdatasync, -1};
        static const int net_calls[] = {SYS_read, SYS_write, -1};

        skiff_sandbox_allow_fd(s.dev_fds[1], block_calls);
        skiff_sandbox_allow_fd(s.dev_fds[2], net_calls);
        if (skiff_stop_init(&s) != 0 || skiff_sandbox_enter(&s) != 0)
            child_exit(3);
        probe(&s);
        child_exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(s.kvm.vcpu_fd);
    close(s.kvm.vm_fd);
    close(s.dev_fds[1]);
    close(s.dev_fds[2]);
    return status;
}

static int run_probe(probe_fn probe)
{
    return run_probe_with(probe, false);
}

static void assert_killed(int status)
{
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void assert_survived(int status)
{
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

static void probe_nothing(const struct skiff *s)
{
    (void)s;
}

static void probe_getpid(const struct skiff *s)
{
    (void)s;
    syscall(SYS_getpid);
}

static void probe_openat(const struct skiff *s)
{
    (void)s;
    syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY);
}

/* What the run loop and the hypercalls do: KVM_RUN and KVM_GET_REGS on the vCPU fd (ENOTTY on
 * /dev/null, but allowed), console and error writes, block and net I/O, POLL, WALLTIME. */
static void probe_allowed(const struct skiff *s)
{
    struct kvm_regs regs;
    struct timespec ts = {0, 1000};
    uint8_t buf[512];

    ioctl(s->kvm.vcpu_fd, KVM_RUN, 0);
    ioctl(s->kvm.vcpu_fd, KVM_GET_REGS, &regs);
    if (write(1, "", 0) < 0 || write(2, "", 0) < 0)
        child_exit(4);
    if (pread(s->dev_fds[1], buf, sizeof(buf), 0) != sizeof(buf) ||
        pwrite(s->dev_fds[1], buf, sizeof(buf), 0) != sizeof(buf))
        child_exit(5);
    fdatasync(s->dev_fds[1]);
    if (write(s->dev_fds[2], buf, 14) != 14 || read(s->dev_fds[2], buf, sizeof(buf)) != 0)
        child_exit(6);
    ppoll(NULL, 0, &ts, NULL);
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
}

/* A stop request as the ring thread makes it under the filter: the stop eventfd is written and
 * the vCPU thread (here, this one) is sent the kick signal; the request must arrive. */
static void probe_stop_request(const struct skiff *s)
{
    (void)s;
    skiff_stop_request(SKIFF_EXIT_HYPERCALL, "ring: %s", "test");
    if (skiff_stop_status() != SKIFF_EXIT_HYPERCALL)
        child_exit(8);
}

/* The kick signal to any other process. */
static void probe_kick_other_process(const struct skiff *s)
{
    (void)s;
    syscall(SYS_tgkill, 1, 1, SKIFF_STOP_KICK_SIGNAL);
}

/* KVM_SET_REGS on the vCPU fd: ioctl is allowed only for the run loop's requests. */
static void probe_ioctl_other_request(const struct skiff *s)
{
    struct kvm_regs regs;

    memset(&regs, 0, sizeof(regs));
    ioctl(s->kvm.vcpu_fd, KVM_SET_REGS, &regs);
}

/* KVM_RUN on some other fd. */
static void probe_ioctl_other_fd(const struct skiff *s)
{
    (void)s;
    ioctl(0, KVM_RUN, 0);
}

/* Registering guest memory on the VM fd: only while chunks are left to register. */
static void probe_set_memory_region(const struct skiff *s)
{
    struct kvm_userspace_memory_region r;

    memset(&r, 0, sizeof(r));
    ioctl(s->kvm.vm_fd, KVM_SET_USER_MEMORY_REGION, &r);
}

/* write is allowed to stdout, stderr and device fds, not to a block device's fd. */
static void probe_write_block_fd(const struct skiff *s)
{
    if (write(s->dev_fds[1], "x", 1) < 0)
        child_exit(7);
}

/* pread only on block devices, not on the tap. */
static void probe_pread_net_fd(const struct skiff *s)
{
    uint8_t b;

    if (pread(s->dev_fds[2], &b, 1, 0) < 0)
        child_exit(7);
}

static void test_nothing_survives(void **state)
{
    (void)state;
    assert_survived(run_probe(probe_nothing));
}

static void test_getpid_kills(void **state)
{
    (void)state;
    assert_killed(run_probe(probe_getpid));
}

static void test_openat_kills(void **state)
{
    (void)state;
    assert_killed(run_probe(probe_openat));
}

static void test_run_loop_calls_allowed(void **state)
{
    (void)state;
    assert_survived(run_probe(probe_allowed));
}

static void test_ioctl_request_filtered(void **state)
{
    (void)state;
    assert_killed(run_probe(probe_ioctl_other_request));
}

static void test_ioctl_fd_filtered(void **state)
{
    (void)state;
    assert_killed(run_probe(probe_ioctl_other_fd));
}

static void test_memory_region_while_lazy(void **state)
{
    (void)state;
    assert_survived(run_probe_with(probe_set_memory_region, true));
    assert_killed(run_probe_with(probe_set_memory_region, false));
}

static void test_write_fd_filtered(void **state)
{
    (void)state;
    assert_killed(run_probe(probe_write_block_fd));
}

static void test_stop_request_allowed(void **state)
{
    (void)state;
    assert_survived(run_probe(probe_stop_request));
}

static void test_kick_other_process_kills(void **state)
{
    (void)state;
    assert_killed(run_probe(probe_kick_other_process));
}

static void test_pread_fd_filtered(void **state)
{
    (void)state;
    assert_killed(run_probe(probe_pread_net_fd));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nothing_survives),
        cmocka_unit_test(test_getpid_kills),
        cmocka_unit_test(test_openat_kills),
        cmocka_unit_test(test_run_loop_calls_allowed),
        cmocka_unit_test(test_ioctl_request_filtered),
        cmocka_unit_test(test_ioctl_fd_filtered),
        cmocka_unit_test(test_memory_region_while_lazy),
        cmocka_unit_test(test_write_fd_filtered),
        cmocka_unit_test(test_pread_fd_filtered),
        cmocka_unit_test(test_stop_request_allowed),
        cmocka_unit_test(test_kick_other_process_kills),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
