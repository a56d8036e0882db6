/* mft.c: looks devices up in the manifest copy the tender placed in guest memory. */
#include "bindings.h"

static const struct mft *mft(void)
{
    return (const struct mft *)(uintptr_t)skiff_bi->mft;
}

const struct mft_entry *skiff_mft_get(solo5_handle_t h, uint32_t type)
{
    const struct mft *m = mft();

    if (h >= m->entries || m->e[h].type != type)
        return NULL;
    return &m->e[h];
}

const struct mft_entry *skiff_mft_find(const char *name, uint32_t type, solo5_handle_t *h)
{
    const struct mft *m = mft();

    for (uint32_t i = 1; i < m->entries && i < MFT_MAX_ENTRIES; i++) {
        if (m->e[i].type == type && strncmp(m->e[i].name, name, MFT_NAME_SIZE) == 0) {
            *h = i;
            return &m->e[i];
        }
    }
    return NULL;
}
