/* report.c: --json: one machine-readable line on stderr saying how and why skiff ended. */
/*
 * Harnesses read this instead of parsing prose: the exit status, its class, the guest's own
 * status when it halted, the error message otherwise, the number of VM exits and where the
 * time went (setup before the first KVM_RUN, then the run).
 */
#include <stdio.h>
#include <time.h>

#include "skiff.h"

static struct {
    bool on;
    struct timespec start, run;
} rep;

static uint64_t us_between(const struct timespec *a, const struct timespec *b)
{
    return (uint64_t)((b->tv_sec - a->tv_sec) * 1000000L + (b->tv_nsec - a->tv_nsec) / 1000);
}

void skiff_report_start(void)
{
    clock_gettime(CLOCK_MONOTONIC, &rep.start);
}

void skiff_report_enable(bool on)
{
    rep.on = on;
}

void skiff_report_running(void)
{
    clock_gettime(CLOCK_MONOTONIC, &rep.run);
}

const char *skiff_exit_class(int status, bool halted)
{
    if (halted)
        return "guest";
    if (status > SKIFF_EXIT_SIGNAL_BASE)
        return "signal";
    switch (status) {
    case SKIFF_EXIT_USAGE:
        return "usage";
    case SKIFF_EXIT_IMAGE:
        return "image";
    case SKIFF_EXIT_NOINPUT:
        return "noinput";
    case SKIFF_EXIT_HOST:
        return "host";
    case SKIFF_EXIT_IO:
        return "io";
    case SKIFF_EXIT_HYPERCALL:
        return "hypercall";
    case SKIFF_EXIT_FAULT:
        return "fault";
    case SKIFF_EXIT_TRIPLE_FAULT:
        return "triple_fault";
    case SKIFF_EXIT_VMEXIT:
        return "vmexit";
    default:
        return "other";
    }
}

/* Writes s as a JSON string body: quotes, backslashes and control characters escaped. */
static void json_string(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(stderr, "\\%c", c);
        else if (c < 0x20)
            fprintf(stderr, "\\u%04x", c);
        else
            fputc(c, stderr);
    }
}

void skiff_report_exit(const struct skiff *s, int status)
{
    struct timespec end;
    bool halted = s && s->halted;
    bool ran = rep.run.tv_sec || rep.run.tv_nsec;

    if (!rep.on)
        return;
    clock_gettime(CLOCK_MONOTONIC, &end);
    fprintf(stderr, "{\"skiff\": \"%s\", \"status\": %d, \"class\": \"%s\"", SKIFF_VERSION, status,
            skiff_exit_class(status, halted));
    if (halted) {
        fprintf(stderr, ", \"guest_status\": %d", s->exit_status);
    } else {
        fprintf(stderr, ", \"message\": \"");
        json_string(skiff_error());
        fputc('"', stderr);
    }
    fprintf(stderr,
            ", \"exits\": %llu, \"mem_registered_mib\": %llu, \"setup_us\": %llu, "
            "\"run_us\": %llu, \"total_us\": %llu}\n",
            (unsigned long long)(s ? s->exits : 0),
            (unsigned long long)(s ? s->slots.registered_bytes >> 20 : 0),
            (unsigned long long)us_between(&rep.start, ran ? &rep.run : &end),
            (unsigned long long)(ran ? us_between(&rep.run, &end) : 0),
            (unsigned long long)us_between(&rep.start, &end));
}
