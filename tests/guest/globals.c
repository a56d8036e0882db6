/* globals.c: checks that initialised data, read-only data and BSS hold what the C code says. */
#include "solo5.h"
#include "skiff_libc.h"

static int data_int = 42;
static long data_array[4] = {1, -2, 3, -4};
static const char rodata_str[] = "skiff rodata";
static int bss_int;
static char bss_buf[8192];
long common_long;

int solo5_app_main(const struct solo5_start_info *si)
{
    int ok = 1;

    (void)si;
    ok &= data_int == 42;
    ok &= data_array[0] + data_array[1] + data_array[2] + data_array[3] == -2;
    ok &= strcmp(rodata_str, "skiff rodata") == 0;
    ok &= bss_int == 0 && common_long == 0;
    ok &= bss_buf[0] == 0 && bss_buf[4096] == 0 && bss_buf[sizeof(bss_buf) - 1] == 0;
    data_int++;
    bss_int = 7;
    bss_buf[100] = 'x';
    ok &= data_int == 43 && bss_int == 7 && bss_buf[100] == 'x';
    printf(ok ? "SUCCESS\n" : "FAILURE\n");
    return ok ? 0 : 1;
}
