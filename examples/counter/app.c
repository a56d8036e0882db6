/* app.c: the README's first unikernel. Greets whoever its command line names and counts its
 * boots in block 0 of the block device "storage", so a second run shows the disk kept what
 * the first one wrote. */
#include "skiff_libc.h"
#include "solo5.h"

#define MAGIC "skiff-counter "

static uint8_t block[4096];

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info bi;
    solo5_handle_t disk;
    unsigned long boots = 0;

    if (solo5_block_acquire("storage", &disk, &bi) != SOLO5_R_OK || bi.block_size > sizeof(block)) {
        printf("no usable block device 'storage'\n");
        return 1;
    }
    if (solo5_block_read(disk, 0, block, bi.block_size) != SOLO5_R_OK) {
        printf("cannot read block 0\n");
        return 1;
    }
    /* A disk that does not start with the magic word is new: its count starts at zero. */
    if (memcmp(block, MAGIC, strlen(MAGIC)) == 0)
        for (const uint8_t *p = block + strlen(MAGIC); *p >= '0' && *p <= '9'; p++)
            boots = boots * 10 + (unsigned long)(*p - '0');
    boots++;

    memset(block, 0, sizeof(block));
    snprintf((char *)block, bi.block_size, MAGIC "%lu\n", boots);
    if (solo5_block_write(disk, 0, block, bi.block_size) != SOLO5_R_OK) {
        printf("cannot write block 0\n");
        return 1;
    }
    printf("Hello, %s! This disk has seen %lu boot(s).\n", si->cmdline[0] ? si->cmdline : "world",
           boots);
    return 0;
}
