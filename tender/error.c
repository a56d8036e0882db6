/* error.c: the last error message, so parsers can report without printing or exiting. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "skiff.h"

/* Per thread: the ring thread reports through stop.c, never through the vCPU thread's message. */
static _Thread_local char last_error[512];

void skiff_set_error(const char *fmt, ...)
{
    char msg[sizeof(last_error)];
    va_list ap;

    /* Formatted aside first: an argument may be skiff_error() itself, when a caller adds
     * context (a file name, a hint) to a parser's message. */
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    memcpy(last_error, msg, sizeof(msg));
}

const char *skiff_error(void)
{
    return last_error;
}
