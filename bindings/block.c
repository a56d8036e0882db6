/* block.c: the block device API over the BLOCK_READ / BLOCK_WRITE hypercalls. */
#include "bindings.h"

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
                                   struct solo5_block_info *info)
{
    const struct mft_entry *e = skiff_mft_find(name, MFT_DEV_BLOCK_BASIC, handle);

    if (!e)
        return SOLO5_R_EINVAL;
    info->capacity = e->u.block_basic.capacity;
    info->block_size = e->u.block_basic.block_size;
    return SOLO5_R_OK;
}

/* Whole blocks at a block-aligned offset inside the device; the tender re-checks bounds.
 * The Solo5 API asks for exactly one block per call; skiff's bindings also take a multiple of
 * the block size (one hypercall for many blocks), which every hvt tender serves. */
static solo5_result_t block_io(enum hvt_hypercall nr, solo5_handle_t handle, solo5_off_t offset,
                               uintptr_t buf, size_t size)
{
    const struct mft_entry *e = skiff_mft_get(handle, MFT_DEV_BLOCK_BASIC);
    uint64_t bs;
    volatile struct hvt_hc_block_io io;

    if (!e)
        return SOLO5_R_EINVAL;
    bs = e->u.block_basic.block_size;
    if (bs == 0 || offset % bs != 0 || size == 0 || size % bs != 0 ||
        offset >= e->u.block_basic.capacity || e->u.block_basic.capacity - offset < size)
        return SOLO5_R_EINVAL;
    io.handle = handle;
    io.offset = offset;
    io.data = buf;
    io.len = size;
    io.ret = SOLO5_R_EUNSPEC;
    skiff_hypercall(nr, &io);
    return (solo5_result_t)io.ret;
}

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset, const uint8_t *buf,
                                 size_t size)
{
    return block_io(HVT_HYPERCALL_BLOCK_WRITE, handle, offset, (uintptr_t)buf, size);
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset, uint8_t *buf,
                                size_t size)
{
    return block_io(HVT_HYPERCALL_BLOCK_READ, handle, offset, (uintptr_t)buf, size);
}
