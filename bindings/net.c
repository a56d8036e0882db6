/* net.c: the network API: through the ring when the tender offers it, else hypercalls. */
#include "bindings.h"

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
    if (skiff_net_ring_active() && skiff_net_ring_write(handle, buf, size))
        return SOLO5_R_OK;
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
    if (skiff_net_ring_active())
        return skiff_net_ring_read(handle, buf, size, read_size);
    io.handle = handle;
    io.data = (uintptr_t)buf;
    io.len = size;
    io.ret = SOLO5_R_EUNSPEC;
    skiff_hypercall(HVT_HYPERCALL_NET_READ, &io);
    *read_size = io.len;
    return (solo5_result_t)io.ret;
}
