/* ssp.c: overruns a stack buffer; the stack protector must abort with 255. */
#include "solo5.h"
#include "skiff_libc.h"

/* How far to write, hidden from the compiler so that it cannot prove the overflow. */
static volatile size_t overrun = 64;

static __attribute__((noinline)) void smash(void)
{
    char buf[8];
    char *volatile p = buf;

    for (size_t i = 0; i < overrun; i++)
        p[i] = 'A';
    printf("buffer at %p written\n", (void *)buf);
}

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    smash();
    printf("FAILURE: stack corruption not detected\n");
    return 1;
}
