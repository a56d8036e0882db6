/* args.h: command-line parsing shared by the test unikernels. */
#ifndef SKIFF_TEST_ARGS_H
#define SKIFF_TEST_ARGS_H

/* Skips spaces, then reads a decimal number at *p and advances *p past it (0 if none). */
static inline unsigned long arg_number(const char **p)
{
    unsigned long v = 0;

    while (**p == ' ')
        (*p)++;
    while (**p >= '0' && **p <= '9')
        v = v * 10 + (unsigned long)(*(*p)++ - '0');
    return v;
}

#endif /* SKIFF_TEST_ARGS_H */
