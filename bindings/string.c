/* string.c: memory and string functions for the bindings and for applications (weak symbols). */
/*
 * On nested KVM every guest memory access at CPL0 costs microseconds, so these functions move
 * and scan 8 bytes per access: unaligned 8-byte copies (cheap on x86_64 and aarch64 normal
 * memory) and, for scans past an unknown end, aligned loads, which never cross into the next
 * page. GCC must not turn the loops back into calls to themselves, hence the optimize flag.
 */
#include "bindings.h"

#define SKIFF_LIBC __attribute__((weak, optimize("no-tree-loop-distribute-patterns")))

typedef uint64_t __attribute__((may_alias)) skiff_word_t;

#define ONES 0x0101010101010101ULL

static inline uint64_t load8(const void *p)
{
    uint64_t w;

    __builtin_memcpy(&w, p, 8);
    return w;
}

static inline void store8(void *p, uint64_t w)
{
    __builtin_memcpy(p, &w, 8);
}

/* Forward copy; also correct for overlapping ranges with dst below src. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
    for (; n >= 8; n -= 8, d += 8, s += 8)
        store8(d, load8(s));
    while (n--)
        *d++ = *s++;
}

SKIFF_LIBC void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

SKIFF_LIBC void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d <= s || d >= s + n) {
        copy_forward(d, s, n);
        return dst;
    }
    d += n;
    s += n;
    for (; n >= 8; n -= 8) {
        d -= 8;
        s -= 8;
        store8(d, load8(s));
    }
    while (n--)
        *--d = *--s;
    return dst;
}

SKIFF_LIBC void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    uint64_t w = (unsigned char)c * ONES;

    for (; n >= 8; n -= 8, d += 8)
        store8(d, w);
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

SKIFF_LIBC int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n >= 8 && load8(x) == load8(y); n -= 8, x += 8, y += 8)
        ;
    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

SKIFF_LIBC size_t strlen(const char *s)
{
    const char *p = s;
    const skiff_word_t *w;

    for (; (uintptr_t)p & 7; p++) {
        if (!*p)
            return (size_t)(p - s);
    }
    for (w = (const skiff_word_t *)(uintptr_t)p; !skiff_has_byte(*w, 0); w++)
        ;
    for (p = (const char *)w; *p; p++)
        ;
    return (size_t)(p - s);
}

SKIFF_LIBC size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

SKIFF_LIBC int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

SKIFF_LIBC int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a)
            return (unsigned char)*a - (unsigned char)*b;
    }
    return 0;
}

SKIFF_LIBC char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)(uintptr_t)s;
        if (!*s)
            return NULL;
    }
}

/* Leading white space, an optional sign, decimal digits; like the standard, undefined on
 * overflow (here: wraps). */
SKIFF_LIBC int atoi(const char *s)
{
    unsigned int v = 0;
    int neg = 0;

    while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
        s++;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned int)(*s++ - '0');
    return neg ? (int)-v : (int)v;
}
