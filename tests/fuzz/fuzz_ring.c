/* fuzz_ring.c: libFuzzer target: a hostile guest's network ring, served by the code the ring
 * thread runs (tender/net_ring_serve.c), without KVM or threads. */
/*
 * Input: bytes 0-3 are where the tender's ent_head stands (any value: the indices wrap),
 * bytes 4-7 the ent_tail the guest publishes, byte 8 how many more entries it then adds and
 * whether a frame waits on the network device; the rest fills the ring's entries from
 * ent_head on, 32 bytes each (operation, handle, data, len, id: all the guest's choice). The
 * ring sits above guest memory, where the tender reserves it; buffers are checked against
 * guest memory and, for reads, its read-only page.
 */
#include <string.h>

#include "harness.h"

#define FUZZ_HDR_SIZE 9

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct skiff *s = fuzz_tender_setup(sizeof(struct hvt_ring));
    struct hvt_ring *r = (struct hvt_ring *)(s->guest.mem + FUZZ_MEM_SIZE);
    uint32_t head, tail, start;
    size_t n;
    int status;

    if (size < FUZZ_HDR_SIZE)
        return 0;
    memcpy(&head, data, sizeof(head));
    memcpy(&tail, data + 4, sizeof(tail));
    fuzz_guest_fill(s, NULL, 0);
    fuzz_net_traffic(data[8]);
    n = (size - FUZZ_HDR_SIZE) / sizeof(struct hvt_ring_entry);
    for (size_t i = 0; i < n && i < HVT_RING_SIZE; i++)
        memcpy(&r->entries[(head + i) & HVT_RING_MASK],
               data + FUZZ_HDR_SIZE + i * sizeof(struct hvt_ring_entry),
               sizeof(struct hvt_ring_entry));
    r->ent_tail = tail;
    start = head;
    status = skiff_ring_serve(s, r, &head);
    /* As in fuzz_hypercall: the host side cannot fail, so a failure is the guest's, never a
     * host I/O error. */
    if (status == SKIFF_EXIT_IO)
        __builtin_trap();
    if (status != 0)
        return 0; /* a broken ring ends the run: the one line is the caller's */
    /* What the tender owes a guest that kept to the rules: everything queued was served and
     * ent_head says so. */
    if (head != tail || r->ent_head != tail || tail - start > HVT_RING_SIZE)
        __builtin_trap();
    r->ent_tail = tail + (data[8] >> 1);
    (void)skiff_ring_serve(s, r, &head);
    return 0;
}
