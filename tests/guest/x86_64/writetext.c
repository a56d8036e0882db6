/* writetext.c: writes to its own code ("text") or read-only data ("rodata"); the host maps
 * them read-only, so skiff must stop the guest with a translation fault. */
#include "skiff_libc.h"
#include "solo5.h"

static const int constant = 1;

int solo5_app_main(const struct solo5_start_info *si)
{
    if (!strcmp(si->cmdline, "rodata"))
        *(volatile int *)&constant = 2;
    else
        *(volatile unsigned char *)(uintptr_t)solo5_app_main = 0xc3;
    solo5_console_write("NOT_REACHED\n", 12);
    return 0;
}
