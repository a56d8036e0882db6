/* boot_info.c: the boot data area the guest finds at 0x10000 (abi.md 3.7). */
#include <string.h>

#include "skiff.h"

#define BOOT_MFT_GPA (HVT_BOOT_INFO_BASE + sizeof(struct hvt_boot_info))

_Static_assert(BOOT_MFT_GPA % 8 == 0, "manifest copy must be 8-byte aligned");
_Static_assert(BOOT_MFT_GPA + MFT_MAX_SIZE + HVT_CMDLINE_SIZE <= HVT_GUEST_MIN_BASE,
               "boot data must fit below the image");

void skiff_boot_info_write(struct skiff *s, const char *cmdline)
{
    uint8_t *mem = s->guest.mem;
    uint64_t cmdline_gpa = BOOT_MFT_GPA + s->mft_size;
    struct hvt_boot_info bi = {
        .mem_size = s->guest.size,
        .kernel_end = s->image.kernel_end,
        .cpu_cycle_freq = s->cpu_cycle_freq,
        .cmdline = cmdline_gpa,
        .mft = BOOT_MFT_GPA,
        .host_features = s->host_features,
        .guest_features = 0,
        .net_ring = s->net_ring,
    };

    memcpy(mem + HVT_BOOT_INFO_BASE, &bi, sizeof(bi));
    memcpy(mem + BOOT_MFT_GPA, s->mft, s->mft_size);
    /* The guest's copy carries no host state: its tender-private words stay zero. */
    for (uint32_t i = 0; i < s->mft->entries; i++)
        memset(mem + BOOT_MFT_GPA + offsetof(struct mft, e) + i * sizeof(struct mft_entry) +
                   offsetof(struct mft_entry, tender_private),
               0, sizeof(uint64_t));
    strncpy((char *)mem + cmdline_gpa, cmdline, HVT_CMDLINE_SIZE - 1);
}
