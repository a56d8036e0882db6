/* ringbreak.c: breaks the network ring (moves ent_tail far past what the ring holds) and
 * kicks the tender, then goes on for 3 s: "yield" in POLL, "spin" in a loop that makes no
 * VM exit. The tender must stop the guest at once and end the run through its one exit path:
 * exit 80, the one line, the --json line; never "GUEST_CONTINUED". */
#include "bindings.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    volatile struct hvt_ring *ring;
    solo5_time_t end;
    bool spin = !strcmp(si->cmdline, "spin");

    if (!skiff_net_ring_active()) {
        printf("ringbreak: the tender offers no ring\n");
        return 2;
    }
    ring = (volatile struct hvt_ring *)(uintptr_t)skiff_bi->net_ring;
    printf("ringbreak: %s\n", spin ? "spin" : "yield");
    ring->ent_tail = ring->ent_head + 5 * HVT_RING_SIZE;
    skiff_mb();
    skiff_ring_kick();
    end = solo5_clock_monotonic() + 3000000000ULL;
    while (solo5_clock_monotonic() < end)
        if (!spin)
            solo5_yield(end, NULL);
    printf("GUEST_CONTINUED\n");
    return 0;
}
