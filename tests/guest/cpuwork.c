/* cpuwork.c: CPU-bound work (fill, hash, radix sort of N KiB) timed in-guest; prints a checksum. */
/*
 * usage: cpuwork.hvt [KIB]  (default 4096). Prints
 *   cpuwork: KIB KiB hash=0x... sorted=0x... ns=...
 * where hash and sorted depend only on KIB, so a run at CPL3 or CPL0 can be checked against
 * the host build of this same file (tools/cpuwork-host.c). Every step is linear in KIB, so
 * ns per KiB compares runs of different sizes. Built with -mgeneral-regs-only (Makefile):
 * nested KVM cannot emulate SSE at CPL0, and all three builds should run the same code.
 */
#include "skiff_libc.h"
#include "solo5.h"

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

/* FNV-1a over 64-bit words (one multiply per word). */
static uint64_t hash(const uint32_t *a, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;

    for (size_t i = 0; i < n; i += 2)
        h = (h ^ (a[i] | (uint64_t)a[i + 1] << 32)) * 0x100000001b3ULL;
    return h;
}

/* LSD radix sort, 8 bits per pass: four linear passes between a and tmp. */
static void radix_sort(uint32_t *a, uint32_t *tmp, size_t n)
{
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};

        for (size_t i = 0; i < n; i++)
            count[((a[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            tmp[count[(a[i] >> shift) & 0xff]++] = a[i];
        uint32_t *t = a;
        a = tmp;
        tmp = t;
    }
}

static size_t parse_kib(const char *s)
{
    size_t v = 0;

    while (*s >= '0' && *s <= '9')
        v = v * 10 + (size_t)(*s++ - '0');
    return v ? v : 4096;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    size_t kib = parse_kib(si->cmdline), n = kib * 1024 / 4;
    uint32_t *a = (uint32_t *)((si->heap_start + 63) & ~(uintptr_t)63), *tmp = a + n;
    uint64_t seed = 0x9e3779b97f4a7c15ULL, h, sorted;
    solo5_time_t t0, t1;

    if ((uintptr_t)(tmp + n) > si->heap_start + si->heap_size - 65536) {
        printf("cpuwork: %zu KiB does not fit in memory\n", kib);
        return 1;
    }
    /* First touches of memory fault in the host (and on nested KVM in the shadow MMU); they
     * are not the work being measured, so they happen before the clock starts. */
    memset(a, 0, 2 * n * sizeof(*a));
    t0 = solo5_clock_monotonic();
    for (size_t i = 0; i < n; i++)
        a[i] = (uint32_t)(xorshift(&seed) >> 16);
    h = hash(a, n);
    radix_sort(a, tmp, n);
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i]) {
            printf("cpuwork: FAILURE: not sorted at %zu\n", i);
            return 1;
        }
    sorted = hash(a, n);
    t1 = solo5_clock_monotonic();
    printf("cpuwork: %zu KiB hash=0x%016llx sorted=0x%016llx ns=%llu\n", kib, (unsigned long long)h,
           (unsigned long long)sorted, (unsigned long long)(t1 - t0));
    return 0;
}
