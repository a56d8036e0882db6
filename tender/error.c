/* error.c: the last error message, so parsers can report without printing or exiting. */
#include <stdarg.h>
#include <stdio.h>

#include "skiff.h"

static char last_error[512];

void skiff_set_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
}

const char *skiff_error(void)
{
    return last_error;
}
