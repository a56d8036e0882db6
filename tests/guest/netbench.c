/* netbench.c: network throughput from inside the guest.
 * "tx N SIZE": sends N Ethernet frames of SIZE bytes (broadcast, EtherType 0x88b5, a local
 * experimental type) as fast as it can, then prints the rate.
 * "rx N SECONDS": counts frames until N arrived or SECONDS passed, then prints the rate
 * measured from the first frame on.
 * Output: "netbench: MODE frames=F bytes=B ns=T" then "SUCCESS". */
#include "args.h"
#include "skiff_libc.h"
#include "solo5.h"

static uint8_t frame[9018];

static void report(const char *mode, unsigned long frames, unsigned long long bytes,
                   solo5_time_t ns)
{
    printf("netbench: %s frames=%lu bytes=%llu ns=%llu\n", mode, frames, bytes,
           (unsigned long long)ns);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline + 2;
    struct solo5_net_info info;
    solo5_handle_t h;
    unsigned long n, arg2, frames = 0;
    unsigned long long bytes = 0;
    solo5_time_t start;

    if (solo5_net_acquire("service0", &h, &info) != SOLO5_R_OK)
        return 1;
    n = arg_number(&p);
    arg2 = arg_number(&p);
    start = solo5_clock_monotonic();
    if (si->cmdline[0] == 't') {
        size_t size = arg2 < 60 ? 60 : arg2 > info.mtu + 14 ? info.mtu + 14 : arg2;

        memset(frame, 0xff, 6);
        memcpy(frame + 6, info.mac_address, 6);
        frame[12] = 0x88;
        frame[13] = 0xb5;
        for (frames = 0; frames < n; frames++) {
            frame[14] = (uint8_t)frames;
            if (solo5_net_write(h, frame, size) != SOLO5_R_OK)
                return 1;
            bytes += size;
        }
        report("tx", frames, bytes, solo5_clock_monotonic() - start);
    } else {
        solo5_time_t deadline = start + (solo5_time_t)arg2 * 1000000000ULL;

        printf("READY\n");
        while (frames < n && solo5_clock_monotonic() < deadline) {
            size_t len;

            solo5_yield(deadline, NULL);
            while (frames < n && solo5_net_read(h, frame, sizeof(frame), &len) == SOLO5_R_OK) {
                if (frames++ == 0)
                    start = solo5_clock_monotonic(); /* time from the first frame on */
                bytes += len;
            }
        }
        report("rx", frames, bytes, solo5_clock_monotonic() - start);
    }
    printf("SUCCESS\n");
    return 0;
}
