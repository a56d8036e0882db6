/* exit.c: exits with the status given as its command line (a decimal, possibly negative). */
#include "solo5.h"
#include "skiff_libc.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline;
    int sign = 1, v = 0;

    if (*p == '-') {
        sign = -1;
        p++;
    }
    if (*p < '0' || *p > '9') {
        printf("FAILURE: usage: exit STATUS\n");
        return 99;
    }
    for (; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (*p - '0');
    solo5_exit(sign * v);
}
