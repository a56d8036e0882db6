/* console.c: console output (one PUTS hypercall per write) and the bindings' log lines. */
#include "bindings.h"

int skiff_log_level = SKIFF_LOG_INFO;

void solo5_console_write(const char *buf, size_t size)
{
    volatile struct hvt_hc_puts p = {.data = (uintptr_t)buf, .len = size};

    skiff_hypercall(HVT_HYPERCALL_PUTS, &p);
}

void skiff_log_print(const char *fmt, ...)
{
    static const char cut[] = "(truncated)\n";
    char buf[SKIFF_LOG_MAX];
    size_t pre = sizeof(SKIFF_LOG_PREFIX) - 1;
    va_list ap;
    int n;

    memcpy(buf, SKIFF_LOG_PREFIX, pre);
    va_start(ap, fmt);
    n = vsnprintf(buf + pre, sizeof(buf) - pre, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n + pre >= sizeof(buf)) {
        /* Keep 319 bytes of the message, then say it was cut. */
        solo5_console_write(buf, sizeof(buf) - 1);
        solo5_console_write(cut, sizeof(cut) - 1);
        return;
    }
    solo5_console_write(buf, pre + (size_t)n);
}
