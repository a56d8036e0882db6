/* abort.c: calls solo5_abort(); the tender must exit with 255. */
#include "solo5.h"
#include "skiff_libc.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    printf("calling solo5_abort\n");
    solo5_abort();
}
