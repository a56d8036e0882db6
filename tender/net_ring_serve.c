/* net_ring_serve.c: serves the entries a guest queued in its network ring (abi.md 6). */
/*
 * Everything in the ring is written by a guest that may be hostile, at any moment, from
 * another CPU: ent_tail is read once and checked against the ring size, indices are masked,
 * each entry is copied before it is looked at, and every buffer goes through the same bounds
 * check as a hypercall's. No thread and no KVM here, so the fuzzer (tests/fuzz/fuzz_ring.c)
 * drives exactly the code the ring thread (net_ring.c) runs.
 */
#include <string.h>

#include "net.h"
#include "skiff.h"

/* A read: the frame, if any, goes into the guest's buffer; a completion says what happened. */
static int complete_read(struct skiff *s, struct hvt_ring *r, const struct hvt_ring_entry *e)
{
    uint32_t tail = r->com_tail;
    struct hvt_ring_completion c = {.id = e->id, .ret = HVT_R_EINVAL};
    int fd = skiff_net_fd(s, e->handle);

    if (fd >= 0) {
        uint64_t len = e->len;
        void *buf;
        int status = skiff_guest_range(&s->guest, e->data, len, SKIFF_WRITE, &buf);

        if (status)
            return status;
        if (skiff_tap_recv(fd, buf, &len, &c.ret))
            c.ret = HVT_R_EINVAL;
        c.len = c.ret == HVT_R_OK ? (uint32_t)len : 0;
    }
    memcpy(&r->commits[tail & HVT_RING_MASK], &c, sizeof(c));
    SKIFF_STORE_RELEASE(&r->com_tail, tail + 1);
    return 0;
}

/* A write: no completion (abi.md 6), so an invalid handle is skipped. */
static int send_write(struct skiff *s, const struct hvt_ring_entry *e)
{
    int fd = skiff_net_fd(s, e->handle);
    void *buf;
    int32_t ret;
    int status;

    if (fd < 0)
        return 0;
    if ((status = skiff_guest_range(&s->guest, e->data, e->len, SKIFF_READ, &buf)))
        return status;
    return skiff_tap_send(fd, buf, e->len, &ret);
}

int skiff_ring_serve(struct skiff *s, struct hvt_ring *r, uint32_t *head)
{
    uint32_t tail = SKIFF_LOAD_ACQUIRE(&r->ent_tail);

    if (tail - *head > HVT_RING_SIZE) {
        skiff_set_error("guest advanced ent_tail to %u, more than %d past ent_head %u", tail,
                        HVT_RING_SIZE, *head);
        return SKIFF_EXIT_HYPERCALL;
    }
    while (*head != tail) {
        struct hvt_ring_entry e;
        int status = 0;

        memcpy(&e, &r->entries[*head & HVT_RING_MASK], sizeof(e));
        if (e.operation == HVT_RING_NET_READ) {
            /* Retire the writes before it, so the guest may reuse their buffers. */
            SKIFF_STORE_RELEASE(&r->ent_head, *head);
            status = complete_read(s, r, &e);
        } else if (e.operation == HVT_RING_NET_WRITE) {
            status = send_write(s, &e);
        }
        if (status)
            return status;
        (*head)++;
    }
    SKIFF_STORE_RELEASE(&r->ent_head, *head);
    return 0;
}
