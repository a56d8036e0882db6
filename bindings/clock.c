/* clock.c: the monotonic clock (cycle counter scaled to ns), the wall clock and solo5_yield(). */
#include "bindings.h"

/* ns = (cycles * mult) >> shift, with the largest shift <= 32 that keeps mult in 32 bits.
 * The 128-bit product makes the result exact for the counter's whole range, so the clock
 * needs no state besides these two and never goes back while the counter does not. */
static uint64_t clock_mult;
static unsigned clock_shift;

void skiff_clock_init(uint64_t freq)
{
    unsigned s = 32;
    uint64_t m = (1000000000ULL << s) / freq;

    while (m > 0xffffffffULL && s > 0) {
        s--;
        m = (1000000000ULL << s) / freq;
    }
    clock_mult = m;
    clock_shift = s;
    skiff_log(SKIFF_LOG_DEBUG, "clock: freq=%llu mult=%llu shift=%u\n", (unsigned long long)freq,
              (unsigned long long)m, s);
}

uint64_t skiff_cycles_to_ns(uint64_t cycles)
{
    return (uint64_t)(((unsigned __int128)cycles * clock_mult) >> clock_shift);
}

solo5_time_t solo5_clock_monotonic(void)
{
    return skiff_cycles_to_ns(skiff_cycles());
}

solo5_time_t solo5_clock_wall(void)
{
    volatile struct hvt_hc_walltime w = {0};

    skiff_hypercall(HVT_HYPERCALL_WALLTIME, &w);
    return w.nsecs;
}

void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set)
{
    solo5_time_t now = solo5_clock_monotonic();
    volatile struct hvt_hc_poll p = {.timeout_nsecs = deadline > now ? deadline - now : 0};

    skiff_hypercall(HVT_HYPERCALL_POLL, &p);
    if (ready_set)
        *ready_set = p.ready_set;
}
