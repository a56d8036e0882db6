/* net.c: the network API over the NET_READ / NET_WRITE hypercalls. */
/*
 * TODO(ring I/O): when boot info has HVT_FEATURE_RING_IO in host_features AND net_ring != 0
 * (both tests are required, ABI.md 4.2), frames can go through the shared ring instead
 * (ABI.md 6.3). The hook is net_ring_active(): it stays false until the ring code exists, and
 * solo5_net_read/write() then dispatch to it before falling back to the hypercalls below.
 */
#include "bindings.h"

#include <stdbool.h>

static bool net_ring_active(void)
{
    return false;
}

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
                                 struct solo5_net_info *info)
{
    const struct mft_entry *e = skiff_mft_find(name, MFT_DEV_NET_BASIC, handle);

    if (!e)
        return SOLO5_R_EINVAL;
    memcpy(info->mac_address, e->u.net_basic.mac, SOLO5_NET_ALEN);
    info->mtu = e->u.net_basic.mtu;
    return SOLO5_R_OK;
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf, size_t size)
{
    volatile struct hvt_hc_net_io io;

    if (!skiff_mft_get(handle, MFT_DEV_NET_BASIC))
        return SOLO5_R_EINVAL;
    if (net_ring_active())
        return SOLO5_R_EUNSPEC; /* TODO(ring I/O): enqueue a HVT_RING_NET_WRITE entry */
    io.handle = handle;
    io.data = (uintptr_t)buf;
    io.len = size;
    io.ret = SOLO5_R_EUNSPEC;
    skiff_hypercall(HVT_HYPERCALL_NET_WRITE, &io);
    return (solo5_result_t)io.ret;
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size, size_t *read_size)
{
    volatile struct hvt_hc_net_io io;

    if (!skiff_mft_get(handle, MFT_DEV_NET_BASIC))
        return SOLO5_R_EINVAL;
    if (net_ring_active())
        return SOLO5_R_EUNSPEC; /* TODO(ring I/O): submit a HVT_RING_NET_READ, await completion */
    io.handle = handle;
    io.data = (uintptr_t)buf;
    io.len = size;
    io.ret = SOLO5_R_EUNSPEC;
    skiff_hypercall(HVT_HYPERCALL_NET_READ, &io);
    *read_size = io.len;
    return (solo5_result_t)io.ret;
}
