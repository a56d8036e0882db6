/* notls.c: a __thread access before any TLS base is set must fault (exit 255). */
#include "solo5.h"
#include "skiff_libc.h"

static __thread volatile int t_var = 5;

int solo5_app_main(const struct solo5_start_info *si)
{
    (void)si;
    printf("reading a TLS variable without a TLS base\n");
    printf("FAILURE: read %d\n", t_var);
    return 1;
}
