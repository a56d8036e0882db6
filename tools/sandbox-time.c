/* sandbox-time.c: how long skiff_sandbox_enter() takes, from a fresh process each time, as at
 * the end of a boot: builds and installs the seccomp filter for a tender with one block and
 * one network device. No KVM needed (plain files stand in for the fds).
 * usage: sandbox-time [RUNS]   prints the median and p90 in microseconds. */
#include <fcntl.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arch.h"
#include "skiff.h"

/* What kvm_ARCH.c gives the tender; this tool links only the sandbox. */
#if defined(__x86_64__)
const uint32_t skiff_arch_audit = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
const uint32_t skiff_arch_audit = AUDIT_ARCH_AARCH64;
#endif

static double now_us(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* In the child: a tender's fds, then the filter; the time goes through shared memory, since
 * the filter forbids writing it anywhere else. */
static void child(double *result)
{
    static union {
        struct mft m;
        uint8_t bytes[MFT_SIZE(3)];
    } mft;
    static struct skiff s;
    double start;

    for (size_t i = 0; i < MFT_MAX_ENTRIES; i++)
        s.dev_fds[i] = -1;
    s.mft = &mft.m;
    mft.m.entries = 3;
    mft.m.e[1] = (struct mft_entry){.type = MFT_DEV_BLOCK_BASIC, .attached = 1};
    mft.m.e[2] = (struct mft_entry){.type = MFT_DEV_NET_BASIC, .attached = 1};
    s.kvm.vcpu_fd = open("/dev/null", O_RDWR);
    s.dev_fds[1] = open("/dev/zero", O_RDWR);
    s.dev_fds[2] = open("/dev/null", O_RDWR);
    start = now_us();
    if (skiff_sandbox_enter(&s) != 0)
        syscall(SYS_exit_group, 1);
    *result = now_us() - start;
    syscall(SYS_exit_group, 0);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 200;
    double *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    double *samples = calloc((size_t)(runs > 0 ? runs : 1), sizeof(double));

    if (runs <= 0 || shared == MAP_FAILED || !samples) {
        fprintf(stderr, "usage: sandbox-time [RUNS > 0]\n");
        return 2;
    }
    for (int i = 0; i < runs; i++) {
        int status;
        pid_t pid = fork();

        if (pid == 0)
            child(shared);
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
            WEXITSTATUS(status) != 0) {
            fprintf(stderr, "sandbox-time: run %d failed\n", i);
            return 1;
        }
        samples[i] = *shared;
    }
    qsort(samples, (size_t)runs, sizeof(double), by_value);
    printf("sandbox: median %.1f us, p90 %.1f us over %d runs\n", samples[runs / 2],
           samples[runs * 9 / 10], runs);
    return 0;
}
