/* maxdevices.c: acquires the 63 block devices blk1..blk63 of its manifest; handle i for blki. */
#include "solo5.h"
#include "skiff_libc.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    struct solo5_block_info info;
    solo5_handle_t h;
    char name[8];

    (void)si;
    for (unsigned i = 1; i <= 63; i++) {
        snprintf(name, sizeof(name), "blk%u", i);
        if (solo5_block_acquire(name, &h, &info) != SOLO5_R_OK || h != i) {
            printf("FAILURE: %s\n", name);
            return 1;
        }
    }
    if (solo5_block_acquire("blk64", &h, &info) != SOLO5_R_EINVAL) {
        printf("FAILURE: blk64\n");
        return 1;
    }
    printf("SUCCESS\n");
    return 0;
}
