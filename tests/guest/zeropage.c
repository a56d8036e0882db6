/* zeropage.c: reads address 0, which is not mapped: the bindings report a #PF and exit 255. */
#include "solo5.h"
#include "skiff_libc.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    volatile int *volatile p = (volatile int *)0;

    (void)si;
    printf("reading address 0\n");
    printf("FAILURE: read %d\n", *p);
    return 1;
}
