/* log.c: errors as one line on stderr and, with --log, in the log file (JSON lines like
 * runc's with --log-format json: containerd's shim reads the last one into its error).
 * Warnings go only to the log when there is one: during create, an engine's stderr is the
 * container's, and a warning is no part of its output. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "runtime.h"

static void emit(const char *level, const char *fmt, va_list ap)
{
    char msg[1024];
    FILE *f;

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (strcmp(level, "error") == 0 || !rt.log)
        fprintf(stderr, "skiff-runtime: %s\n", msg);
    if (!rt.log || !(f = fopen(rt.log, "ae")))
        return;
    if (rt.log_json) {
        char when[40];
        time_t now = time(NULL);
        struct tm tm;

        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
        fprintf(f, "{\"level\":\"%s\",\"msg\":\"", level);
        for (const char *p = msg; *p; p++) {
            if (*p == '"' || *p == '\\')
                fprintf(f, "\\%c", *p);
            else if ((unsigned char)*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
        fprintf(f, "\",\"time\":\"%s\"}\n", when);
    } else {
        fprintf(f, "level=%s msg=\"skiff-runtime: %s\"\n", level, msg);
    }
    fclose(f);
}

void rt_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit("error", fmt, ap);
    va_end(ap);
}

void rt_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    emit("warning", fmt, ap);
    va_end(ap);
}
