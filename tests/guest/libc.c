/* libc.c: the C library (musl, docs/libc.md) on the bindings: stdio, malloc, stdlib, time. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;
static _Thread_local int tls_var = 5; /* TLS set up by musl from the image's PT_TLS */

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAILURE: %s\n", what);
        failures++;
    }
}

/* Many sizes, from bytes to a few hundred KiB (mmap'd by malloc), each filled and checked,
 * grown with realloc and freed in a different order than allocated: about 12 MiB at the
 * peak, in a 32 MiB guest. */
static void check_malloc(void)
{
    enum { N = 200 };
    static unsigned char *blocks[N];
    static size_t sizes[N];
    int ok = 1;

    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(i % 50) * 37 + (i % 7 == 0 ? (size_t)(i / 7) << 13 : 1);
        blocks[i] = malloc(sizes[i]);
        if (!blocks[i])
            ok = 0, check(0, "malloc");
        else
            memset(blocks[i], i & 0xff, sizes[i]);
    }
    for (int i = 0; i < N && ok; i += 2) {
        unsigned char *p = realloc(blocks[i], sizes[i] * 3 + 100);

        if (!p || p[sizes[i] - 1] != (i & 0xff))
            ok = 0, check(0, "realloc");
        blocks[i] = p;
        sizes[i] = sizes[i] * 3 + 100;
        if (p)
            memset(p, i & 0xff, sizes[i]);
    }
    for (int i = N - 1; i >= 0 && ok; i -= 3) {
        if (blocks[i][0] != (i & 0xff) || blocks[i][sizes[i] - 1] != (i & 0xff))
            ok = 0;
        free(blocks[i]);
        blocks[i] = NULL;
    }
    for (int i = 0; i < N; i++)
        free(blocks[i]);
    /* Freed memory comes back: a few rounds of the largest size fit in 32 MiB. */
    for (int round = 0; round < 20 && ok; round++) {
        void *p = calloc(1, 4 << 20);

        ok = p != NULL && ((unsigned char *)p)[12345] == 0;
        free(p);
    }
    check(malloc((size_t)1 << 30) == NULL, "malloc beyond the heap");
    check(ok, "malloc/realloc/free");
    printf("malloc %d blocks\n", N);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;

    return (x > y) - (x < y);
}

static void check_stdlib(void)
{
    int v[64];
    char *end;
    double d;

    for (int i = 0; i < 64; i++)
        v[i] = (i * 7919) % 64 - 20;
    qsort(v, 64, sizeof(v[0]), cmp_int);
    for (int i = 1; i < 64; i++)
        check(v[i - 1] <= v[i], "qsort");
    check(strtol("-12345xyz", &end, 10) == -12345 && strcmp(end, "xyz") == 0, "strtol");
    check(strtol("0x7f", NULL, 0) == 127, "strtol base 0");
    errno = 0;
    check(strtol("99999999999999999999", NULL, 10) == __LONG_MAX__ && errno == ERANGE,
          "strtol ERANGE");
    d = strtod("3.25e2", &end);
    check(d == 325.0 && *end == '\0', "strtod");
    printf("qsort %d..%d strtol %ld strtod %.2f\n", v[0], v[63], strtol("777", NULL, 8), d);
}

static void check_stdio(void)
{
    char buf[64];
    int n = snprintf(buf, sizeof(buf), "%5d|%-4s|%08.3f|%x|%e", 42, "ab", 3.14159, 255, 1e-3);

    check(n == (int)strlen(buf) && strcmp(buf, "   42|ab  |0003.142|ff|1.000000e-03") == 0,
          "snprintf");
    n = snprintf(buf, 8, "%s", "truncated output");
    check(n == 16 && strcmp(buf, "truncat") == 0, "snprintf truncation");
    printf("printf %s %.3f %g\n", "pi", 3.14159265, 0.5);
}

static void check_time(void)
{
    struct timespec a, b;
    time_t now = time(NULL);
    volatile unsigned long spin = 0;

    check(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime");
    for (int i = 0; i < 100000; i++)
        spin += (unsigned long)i;
    check(clock_gettime(CLOCK_MONOTONIC, &b) == 0, "clock_gettime");
    check(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec), "monotonic");
    /* After 2020-01-01: the wall clock comes from the host. */
    check(now > 1577836800, "time");
    printf("time %lld\n", (long long)now);
}

int main(int argc, char **argv)
{
    check(tls_var++ == 5 && tls_var == 6, "_Thread_local");
    check_stdio();
    check_malloc();
    check_stdlib();
    check_time();
    if (failures)
        return 1;
    printf("SUCCESS\n");
    /* "exit N" ends through exit(N), "abort" through abort(); otherwise main's return value
     * (argv: "libc exit 3"). */
    if (argc == 3 && strcmp(argv[1], "exit") == 0)
        exit(atoi(argv[2]));
    if (argc == 2 && strcmp(argv[1], "abort") == 0)
        abort();
    return argc > 1 ? atoi(argv[1]) : 0;
}
