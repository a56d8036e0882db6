/* snapshot_aarch64.c: snapshots are not written for aarch64 yet (docs/snapshots.md). */
#include "arch.h"
#include "snapshot.h"

const bool skiff_arch_snapshot_supported = false;
const unsigned long skiff_arch_snapshot_ioctls[] = {0};

int skiff_arch_snapshot_save(struct skiff *s, void *buf, size_t cap, size_t *len)
{
    (void)s, (void)buf, (void)cap, (void)len;
    skiff_set_error("aarch64: snapshot save not written");
    return SKIFF_EXIT_HOST;
}

int skiff_arch_snapshot_restore(struct skiff *s, const void *state, size_t len, uint64_t freq)
{
    (void)s, (void)state, (void)len, (void)freq;
    skiff_set_error("aarch64: snapshot restore not written");
    return SKIFF_EXIT_HOST;
}
