/* fpu.c: SSE and x87 arithmetic on doubles gives the expected results. */
#include "solo5.h"
#include "skiff_libc.h"

static volatile double three = 3.0, seven = 7.0;
static volatile long double ld_two = 2.0L;

/* sqrt(x) by Newton's method, in SSE registers. */
static double root(double x)
{
    double r = x;

    for (int i = 0; i < 30; i++)
        r = 0.5 * (r + x / r);
    return r;
}

static int near(double a, double b)
{
    double d = a - b;

    return d < 1e-12 && d > -1e-12;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    double q = seven / three, s = 0;
    long double x = ld_two * ld_two / 3.0L;
    int ok = 1;

    (void)si;
    ok &= near(q * three, 7.0);
    ok &= near(root(2.0) * root(2.0), 2.0);
    for (int i = 1; i <= 100; i++)
        s += 1.0 / ((double)i * i);
    ok &= s > 1.6349 && s < 1.6350;
    ok &= x > 1.3333333L && x < 1.3333334L;
    ok &= (long)(q * 1e6) == 2333333;
    printf(ok ? "SUCCESS\n" : "FAILURE\n");
    return ok ? 0 : 1;
}
