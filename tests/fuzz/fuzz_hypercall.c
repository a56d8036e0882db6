/* fuzz_hypercall.c: libFuzzer target: a hostile guest's memory and one hypercall, dispatched to
 * the core, block and net modules as the run loop would, without KVM. */
/*
 * Input: byte 0 picks the hypercall number (including invalid ones), bytes 1-4 are the
 * argument's GPA as a 32-bit OUT would deliver it, the rest is the guest's memory from GPA 0
 * up to a read-only page (harness.h) that arguments and buffers may point into.
 * The block device is a memfd; the net device one end of a datagram socketpair, so frames
 * go somewhere and reads find one now and then.
 */
#include <string.h>

#include "harness.h"

#define FUZZ_HDR_SIZE 5
#define FUZZ_POLL_MAX 1000000ULL /* ns: POLL may block this long, not the guest's choice */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct skiff *s = fuzz_tender_setup(0);
    unsigned nr;
    uint32_t gpa;
    struct hvt_hc_poll poll;

    if (size < FUZZ_HDR_SIZE)
        return 0;
    nr = data[0] % (HVT_HYPERCALL_MAX + 2);
    memcpy(&gpa, data + 1, sizeof(gpa));
    fuzz_guest_fill(s, data + FUZZ_HDR_SIZE, size - FUZZ_HDR_SIZE);
    fuzz_net_traffic(data[0] >> 4);

    /* The one thing a guest may legitimately make the tender do for long: wait. */
    if (nr == HVT_HYPERCALL_POLL &&
        skiff_guest_read(&s->guest, gpa, &poll, sizeof(poll), SKIFF_WRITE) == 0 &&
        poll.timeout_nsecs > FUZZ_POLL_MAX) {
        poll.timeout_nsecs %= FUZZ_POLL_MAX;
        skiff_guest_write(&s->guest, gpa, &poll, sizeof(poll));
    }
    s->halted = false;
    /* The host side here (a memfd, a socketpair, /dev/null) cannot fail, so every failure is
     * the guest's (80, 81): a host I/O error would be a guest error caught too late, after the
     * kernel refused a buffer the tender should have refused first. */
    if (skiff_hypercall_dispatch(s, nr, gpa) == SKIFF_EXIT_IO)
        __builtin_trap();
    return 0;
}
