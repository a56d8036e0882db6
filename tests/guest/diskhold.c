/* diskhold.c: writes "skiff:WORD" into block 0 of "storage", prints "WRITTEN", then waits
 * until it is stopped (the docker stop test). Prints what block 0 held before, if it was text. */
#include "skiff_libc.h"
#include "solo5.h"

static uint8_t block[4096];

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info bi;
    solo5_handle_t h;

    if (solo5_block_acquire("storage", &h, &bi) != SOLO5_R_OK || bi.block_size > sizeof(block)) {
        printf("cannot acquire storage\n");
        return 1;
    }
    if (solo5_block_read(h, 0, block, bi.block_size) == SOLO5_R_OK &&
        memcmp(block, "skiff:", 6) == 0) {
        block[64] = '\0';
        printf("block 0 held: %s\n", (const char *)block);
    }
    memset(block, 0, sizeof(block));
    snprintf((char *)block, 64, "skiff:%s", si->cmdline);
    if (solo5_block_write(h, 0, block, bi.block_size) != SOLO5_R_OK) {
        printf("write failed\n");
        return 1;
    }
    printf("WRITTEN\n");
    for (;;)
        solo5_yield(solo5_clock_monotonic() + 1000000000ULL, NULL);
}
