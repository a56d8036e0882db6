/* exit.c: solo5_exit(), solo5_abort(), panics and the stack protector. */
#include "bindings.h"

/* The link-time value (as in the reference bindings) only matters until _start replaces it
 * with one derived from the cycle counter, before any C code runs. */
uintptr_t __stack_chk_guard = 0x00deadbeef0d0a00ULL;

void __stack_chk_fail(void) SKIFF_NORETURN;

void skiff_halt(int status, const void *cookie)
{
    volatile struct hvt_hc_halt h = {.cookie = (uintptr_t)cookie, .exit_status = status};

    skiff_hypercall(HVT_HYPERCALL_HALT, &h);
    for (;;)
        ; /* the tender never resumes a halted guest */
}

/* "Solo5: solo5_exit(STATUS) called", built without printf (every guest instruction counts:
 * this line ends nearly every run). */
static void log_exit(int status)
{
    static const char pre[] = SKIFF_LOG_PREFIX "solo5_exit(", post[] = ") called\n";
    char buf[sizeof(pre) + 11 + sizeof(post)], digits[10], *p = buf + sizeof(pre) - 1;
    unsigned v = status < 0 ? 0U - (unsigned)status : (unsigned)status;
    int n = 0;

    __builtin_memcpy(buf, pre, sizeof(pre) - 1);
    if (status < 0)
        *p++ = '-';
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = digits[--n];
    __builtin_memcpy(p, post, sizeof(post) - 1);
    solo5_console_write(buf, (size_t)(p - buf) + sizeof(post) - 1);
}

void solo5_exit(int status)
{
    if (skiff_log_level >= SKIFF_LOG_INFO)
        log_exit(status);
    skiff_halt(status, NULL);
}

void solo5_abort(void)
{
    skiff_log(SKIFF_LOG_INFO, "solo5_abort() called\n");
    skiff_halt(SOLO5_EXIT_ABORT, NULL);
}

void skiff_panic(const char *file, int line, const char *msg, const void *cookie)
{
    char buf[SKIFF_LOG_MAX];
    int n = snprintf(buf, sizeof(buf), SKIFF_LOG_PREFIX "ABORT: %s:%d: %s\n", file, line, msg);

    if (n > (int)sizeof(buf) - 1)
        n = (int)sizeof(buf) - 1;
    solo5_console_write(buf, (size_t)n);
    skiff_halt(SOLO5_EXIT_ABORT, cookie);
}

/* Called by compiler-inserted checks when a function's canary was overwritten. The message's
 * terminating NUL is written too, like the reference bindings (41 bytes). */
void __stack_chk_fail(void)
{
    static const char msg[] = SKIFF_LOG_PREFIX "ABORT: Stack corruption detected\n";

    solo5_console_write(msg, sizeof(msg));
    skiff_halt(SOLO5_EXIT_ABORT, NULL);
}
