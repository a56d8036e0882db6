/* yield.c: solo5_yield(now + 1 s) without devices returns after 0.8 to 1.2 s. */
#include "solo5.h"
#include "skiff_libc.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    solo5_time_t t0 = solo5_clock_monotonic(), dt;
    solo5_handle_set_t ready = ~0ULL;

    (void)si;
    solo5_yield(t0 + 1000000000ULL, &ready);
    dt = solo5_clock_monotonic() - t0;
    printf("yield took %llu ms, ready_set 0x%llx\n", (unsigned long long)(dt / 1000000),
           (unsigned long long)ready);
    if (dt < 800000000ULL || dt > 1200000000ULL || ready != 0) {
        printf("FAILURE\n");
        return 1;
    }
    /* A deadline in the past must not hang. */
    solo5_yield(0, NULL);
    printf("SUCCESS\n");
    return 0;
}
