/* hello.c: prints a greeting and its command line, then SUCCESS. */
/*
 * Written with solo5_console_write() rather than printf(): this image is the boot-time
 * benchmark, and on nested KVM one printf() of these lines costs ~0.6 ms of emulated guest
 * instructions, three PUTS hypercalls ~0.09 ms.
 */
#include "solo5.h"
#include "skiff_libc.h"

#define PUTS(lit) solo5_console_write(lit, sizeof(lit) - 1)

int solo5_app_main(const struct solo5_start_info *si)
{
    PUTS("Hello, world\ncmdline: \"");
    solo5_console_write(si->cmdline, strlen(si->cmdline));
    PUTS("\"\nSUCCESS\n");
    return 0;
}
