/* hcbench.c: hypercall round-trip cost: N WALLTIME and N zero-length PUTS, timed with the TSC. */
/*
 * usage: hcbench.hvt [N]  (default 2000). Prints
 *   hcbench: N walltime_ns=... puts0_ns=...
 * the mean nanoseconds per call of each kind (the guest's clock reads the TSC, so the
 * timing itself adds no exits). WALLTIME is solo5_clock_wall(); PUTS with length 0 is sent
 * raw, as the bindings send nothing for an empty write.
 */
#include "hvt_abi.h"
#include "skiff_libc.h"
#include "solo5.h"
#include SKIFF_ARCH_H /* skiff_hypercall() */

int solo5_app_main(const struct solo5_start_info *si)
{
    unsigned long n = 0;
    const char *p = si->cmdline;
    volatile struct hvt_hc_puts puts = {.data = (uint64_t)(uintptr_t) "", .len = 0};
    solo5_time_t t0, t1, t2, sum = 0;

    while (*p >= '0' && *p <= '9')
        n = n * 10 + (unsigned long)(*p++ - '0');
    if (n == 0)
        n = 2000;
    t0 = solo5_clock_monotonic();
    for (unsigned long i = 0; i < n; i++)
        sum += solo5_clock_wall();
    t1 = solo5_clock_monotonic();
    for (unsigned long i = 0; i < n; i++)
        skiff_hypercall(HVT_HYPERCALL_PUTS, &puts);
    t2 = solo5_clock_monotonic();
    printf("hcbench: %lu walltime_ns=%llu puts0_ns=%llu%s\n", n,
           (unsigned long long)((t1 - t0) / n), (unsigned long long)((t2 - t1) / n),
           sum ? "" : " (wall clock 0?)");
    return 0;
}
