/* net_ring.c: the guest side of the network ring (abi.md 6.3): frames without VM exits. */
/*
 * Used only when the tender offers it: HVT_FEATURE_RING_IO in host_features and a non-zero
 * net_ring (both are needed: on a tender with the older 40-byte boot info those words are the
 * start of the manifest). Writes are copied into a per-slot buffer and not waited for; a read
 * is submitted and its completion awaited, so at most one read is ever outstanding.
 */
#include "bindings.h"

static volatile struct hvt_ring *ring;
/* Staging buffers for written frames, indexed like the ring's slots: a slot is reused only
 * after the tender consumed the entry that last used it. */
static uint8_t write_bufs[HVT_RING_SIZE][HVT_RING_BUF_SIZE];
static uint32_t next_id;

bool skiff_net_ring_active(void)
{
    if (ring)
        return true;
    if (!(skiff_bi->host_features & HVT_FEATURE_RING_IO) || skiff_bi->net_ring == 0)
        return false;
    ring = (volatile struct hvt_ring *)(uintptr_t)skiff_bi->net_ring;
    skiff_log(SKIFF_LOG_DEBUG, "net: using ring I/O at 0x%llx\n",
              (unsigned long long)skiff_bi->net_ring);
    return true;
}

/* Waits for room, fills the next submission entry and publishes it. */
static void submit(uint32_t op, solo5_handle_t handle, uintptr_t data, uint32_t len, uint32_t id)
{
    uint32_t tail = ring->ent_tail;
    volatile struct hvt_ring_entry *e;

    while (tail - ring->ent_head >= HVT_RING_SIZE - 1)
        skiff_cpu_relax();
    e = &ring->entries[tail & HVT_RING_MASK];
    e->operation = op;
    e->handle = (uint32_t)handle;
    e->data = data;
    e->len = len;
    e->id = id;
    e->reserved = 0;
    skiff_wmb();
    ring->ent_tail = tail + 1;
    skiff_mb();
    if (ring->needs_kick)
        skiff_ring_kick();
}

bool skiff_net_ring_write(solo5_handle_t handle, const uint8_t *buf, size_t size)
{
    uint8_t *copy;

    if (size > HVT_RING_BUF_SIZE)
        return false; /* too big for a staging buffer: the caller uses the hypercall */
    copy = write_bufs[ring->ent_tail & HVT_RING_MASK];
    memcpy(copy, buf, size);
    submit(HVT_RING_NET_WRITE, handle, (uintptr_t)copy, (uint32_t)size, 0);
    return true;
}

solo5_result_t skiff_net_ring_read(solo5_handle_t handle, uint8_t *buf, size_t size,
                                   size_t *read_size)
{
    uint32_t head = ring->com_head;
    volatile struct hvt_ring_completion *c;
    solo5_result_t ret;

    submit(HVT_RING_NET_READ, handle, (uintptr_t)buf,
           size > UINT32_MAX ? UINT32_MAX : (uint32_t)size, next_id++);
    while (ring->com_tail == head)
        skiff_cpu_relax();
    skiff_rmb();
    c = &ring->commits[head & HVT_RING_MASK];
    *read_size = c->len;
    ret = (solo5_result_t)c->ret;
    ring->com_head = head + 1;
    return ret;
}
