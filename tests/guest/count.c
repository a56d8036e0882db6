/* count.c: prints "COUNT i" for i = 1..N every P ms (arguments "N P", default "40 50"), then
 * SUCCESS. The snapshot tests stop it mid-count and restore it: the count must go on from
 * where it was, and the monotonic clock must never go back across the restore. */
#include "solo5.h"
#include "skiff_libc.h"
#include "args.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    unsigned long n = arg_number(&p), period = arg_number(&p);
    solo5_time_t prev = solo5_clock_monotonic();

    if (n == 0)
        n = 40;
    if (period == 0)
        period = 50;
    for (unsigned long i = 1; i <= n; i++) {
        solo5_time_t deadline = solo5_clock_monotonic() + period * 1000000ULL, now;

        /* A POLL may end early (a snapshot is taken when it does): wait out the period. */
        while ((now = solo5_clock_monotonic()) < deadline) {
            if (now < prev) {
                printf("FAILURE: monotonic clock went back\n");
                return 1;
            }
            prev = now;
            solo5_yield(deadline, NULL);
        }
        printf("COUNT %lu\n", i);
    }
    printf("SUCCESS\n");
    return 0;
}
