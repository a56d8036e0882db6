/* hlt.c: executes HLT, which no hvt tender serves: skiff must stop with "unhandled exit". */
#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    __asm__ volatile("hlt");
    return 0;
}
