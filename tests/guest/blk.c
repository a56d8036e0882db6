/* blk.c: block device test: writes patterns across each disk, reads them back, checks that
 * misaligned, partial, out-of-range and wrong-handle requests get SOLO5_R_EINVAL.
 * One disk ("storage"); blk2.c builds it with two ("disk0", "disk1"). Prints "SUCCESS".
 * With the argument "abort" it aborts right after writing. */
#include "hvt_abi.h"
#include "skiff_libc.h"
#include "solo5.h"

/* skiff_hypercall(), for requests the bindings would refuse */
#include SKIFF_ARCH_H

#ifndef BLK_DISKS
#define BLK_DISKS 1
static const char *const names[] = {"storage"};
#else
static const char *const names[] = {"disk0", "disk1"};
#endif

#define STRIDE 16 /* test every 16th block: guest code at CPL0 is slow on nested hosts */

static uint64_t buf[4096 / 8];

static uint64_t pattern(int disk, uint64_t block, size_t word)
{
    return (uint64_t)disk << 56 | block << 16 | word;
}

static int fail(const char *what, uint64_t at)
{
    printf("FAIL: %s at %llu\n", what, (unsigned long long)at);
    return 1;
}

/* Every STRIDE-th block, then always the last one, so both ends of the disk are covered. */
static uint64_t next_block(uint64_t b, uint64_t blocks)
{
    if (b + STRIDE < blocks || b == blocks - 1)
        return b + STRIDE;
    return blocks - 1;
}

static int fill_disk(int disk, solo5_handle_t h, const struct solo5_block_info *bi)
{
    uint64_t blocks = bi->capacity / bi->block_size;

    for (uint64_t b = 0; b < blocks; b = next_block(b, blocks)) {
        for (size_t w = 0; w < bi->block_size / 8; w++)
            buf[w] = pattern(disk, b, w);
        if (solo5_block_write(h, b * bi->block_size, (const uint8_t *)buf, bi->block_size))
            return fail("write", b);
    }
    return 0;
}

static int check_disk(int disk, solo5_handle_t h, const struct solo5_block_info *bi)
{
    uint64_t blocks = bi->capacity / bi->block_size;

    for (uint64_t b = 0; b < blocks; b = next_block(b, blocks)) {
        if (solo5_block_read(h, b * bi->block_size, (uint8_t *)buf, bi->block_size))
            return fail("read", b);
        for (size_t w = 0; w < bi->block_size / 8; w++)
            if (buf[w] != pattern(disk, b, w))
                return fail("pattern mismatch", b);
    }
    return 0;
}

/* Requests the bindings would refuse, sent straight to the tender. */
static int32_t raw_read(solo5_handle_t h, uint64_t off, uint64_t len)
{
    volatile struct hvt_hc_block_io r = {
        .handle = h, .offset = off, .data = (uint64_t)(uintptr_t)buf, .len = len};

    skiff_hypercall(HVT_HYPERCALL_BLOCK_READ, &r);
    return r.ret;
}

static int check_bad_requests(solo5_handle_t h, const struct solo5_block_info *bi)
{
    uint64_t bs = bi->block_size, cap = bi->capacity;
    uint8_t *b = (uint8_t *)buf;

    if (solo5_block_read(h, 1, b, bs) != SOLO5_R_EINVAL)
        return fail("misaligned offset accepted", 1);
    if (solo5_block_read(h, 0, b, bs / 2) != SOLO5_R_EINVAL)
        return fail("partial block accepted", 0);
    if (solo5_block_read(h, cap, b, bs) != SOLO5_R_EINVAL)
        return fail("read at capacity accepted", cap);
    if (solo5_block_write(h, cap, b, bs) != SOLO5_R_EINVAL)
        return fail("write at capacity accepted", cap);
    if (solo5_block_read(h, cap - bs, b, bs) != SOLO5_R_OK)
        return fail("last block refused", cap - bs);
    if (solo5_block_read(99, 0, b, bs) != SOLO5_R_EINVAL)
        return fail("bad handle accepted", 99);
    if (raw_read(h, 3, 5) != HVT_R_EINVAL || raw_read(h, cap - 2, 5) != HVT_R_EINVAL ||
        raw_read(h, 0, 0) != HVT_R_EINVAL || raw_read(0, 0, bs) != HVT_R_EINVAL ||
        raw_read(h, ~0ULL - bs + 1, bs) != HVT_R_EINVAL || raw_read(h, 0, bs) != HVT_R_OK)
        return fail("tender accepted a bad raw request", 0);
    return 0;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    solo5_handle_t h[BLK_DISKS];
    struct solo5_block_info bi[BLK_DISKS];

    for (int d = 0; d < BLK_DISKS; d++) {
        if (solo5_block_acquire(names[d], &h[d], &bi[d]) != SOLO5_R_OK)
            return fail("acquire", (uint64_t)d);
        printf("%s: handle %llu capacity %llu block_size %llu\n", names[d],
               (unsigned long long)h[d], (unsigned long long)bi[d].capacity,
               (unsigned long long)bi[d].block_size);
        if (bi[d].block_size > sizeof(buf))
            return fail("block size too large for the test", bi[d].block_size);
    }
    for (int d = 0; d < BLK_DISKS; d++)
        if (fill_disk(d, h[d], &bi[d]))
            return 1;
    if (!strcmp(si->cmdline, "abort"))
        solo5_abort(); /* the writes must be in the file all the same */
    for (int d = 0; d < BLK_DISKS; d++)
        if (check_disk(d, h[d], &bi[d]) || check_bad_requests(h[d], &bi[d]))
            return 1;
    printf("SUCCESS\n");
    return 0;
}
