/* clocks.c: the monotonic clock never goes back and advances across a 10 ms yield; prints the
 * wall clock in seconds ("WALL <s>") for the runner to compare with the host's. */
#include "solo5.h"
#include "skiff_libc.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    solo5_time_t prev = solo5_clock_monotonic(), t0, t1;
    int ok = 1;

    (void)si;
    for (int i = 0; i < 1000; i++) {
        solo5_time_t now = solo5_clock_monotonic();

        if (now < prev) {
            printf("FAILURE: monotonic went back from %llu to %llu\n", (unsigned long long)prev,
                   (unsigned long long)now);
            ok = 0;
        }
        prev = now;
    }
    t0 = solo5_clock_monotonic();
    solo5_yield(t0 + 10000000ULL, NULL);
    t1 = solo5_clock_monotonic();
    if (t1 - t0 < 9000000ULL) {
        printf("FAILURE: yield of 10 ms took %llu ns\n", (unsigned long long)(t1 - t0));
        ok = 0;
    }
    printf("WALL %llu\n", (unsigned long long)(solo5_clock_wall() / 1000000000ULL));
    printf(ok ? "SUCCESS\n" : "FAILURE\n");
    return ok ? 0 : 1;
}
