/* printf.c: a small printf family (integers, strings, pointers) for the bindings and guests. */
#include "bindings.h"

#include <stdbool.h>

struct out {
    char *buf;
    size_t size; /* capacity of buf */
    size_t len;  /* bytes in buf */
    size_t total;
    void (*flush)(void *ctx, const char *s, size_t len);
    void *ctx;
};

/* Without a flush function one byte of buf is kept for the terminating NUL. */
static void put(struct out *o, const char *s, size_t n)
{
    o->total += n;
    while (n) {
        size_t room = o->size - o->len - (o->flush ? 0 : 1);

        if (o->size == 0 || (!o->flush && room == 0))
            return;
        if (room == 0) {
            o->flush(o->ctx, o->buf, o->len);
            o->len = 0;
            continue;
        }
        if (room > n)
            room = n;
        memcpy(o->buf + o->len, s, room);
        o->len += room;
        s += room;
        n -= room;
    }
}

static void pad(struct out *o, char c, int n)
{
    char block[16];

    if (n <= 0)
        return;
    memset(block, c, sizeof(block));
    while (n > 0) {
        int k = n > 16 ? 16 : n;

        put(o, block, (size_t)k);
        n -= k;
    }
}

struct spec {
    bool left, zero;
    int width, prec; /* prec < 0: none */
};

static void put_field(struct out *o, const struct spec *sp, const char *s, size_t n,
                      const char *prefix, size_t plen)
{
    int fill = sp->width - (int)(n + plen);

    if (!sp->left && !sp->zero)
        pad(o, ' ', fill);
    put(o, prefix, plen);
    if (!sp->left && sp->zero)
        pad(o, '0', fill);
    put(o, s, n);
    if (sp->left)
        pad(o, ' ', fill);
}

static void put_uint(struct out *o, struct spec *sp, uint64_t v, unsigned base, bool upper,
                     const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24], *p = tmp + sizeof(tmp);
    size_t n, plen = strlen(prefix);

    do {
        *--p = digits[v % base];
        v /= base;
    } while (v);
    n = (size_t)(tmp + sizeof(tmp) - p);
    if (sp->prec >= 0) {
        sp->zero = false;
        while ((int)n < sp->prec && p > tmp) {
            *--p = '0';
            n++;
        }
    }
    put_field(o, sp, p, n, prefix, plen);
}

typedef uint64_t __attribute__((may_alias)) skiff_word_t;

/* The first '%' or NUL at or after s, 8 bytes per load once aligned (aligned loads never
 * cross into a page that might be unmapped). */
static const char *skip_literal(const char *s)
{
    const skiff_word_t *w;

    for (; (uintptr_t)s & 7; s++) {
        if (*s == '%' || !*s)
            return s;
    }
    for (w = (const skiff_word_t *)(uintptr_t)s; !skiff_has_byte(*w, 0) && !skiff_has_byte(*w, '%');
         w++)
        ;
    for (s = (const char *)w; *s != '%' && *s; s++)
        ;
    return s;
}

int skiff_vformat(char *buf, size_t bufsz, void (*flush)(void *ctx, const char *s, size_t len),
                  void *ctx, const char *fmt, va_list ap)
{
    struct out o = {.buf = buf, .size = bufsz, .flush = flush, .ctx = ctx};

    while (*fmt) {
        const char *lit = fmt;
        struct spec sp = {.prec = -1};
        int lng = 0; /* 0 int, 1 long, 2 long long; h/hh handled by casts */
        int shrt = 0;
        uint64_t u;
        int64_t d;

        fmt = skip_literal(fmt);
        put(&o, lit, (size_t)(fmt - lit));
        if (!*fmt)
            break;
        fmt++;
        for (;; fmt++) {
            if (*fmt == '-')
                sp.left = true;
            else if (*fmt == '0')
                sp.zero = true;
            else if (*fmt != ' ' && *fmt != '+' && *fmt != '#')
                break;
        }
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = -sp.width;
            }
            fmt++;
        }
        for (; *fmt >= '0' && *fmt <= '9'; fmt++)
            sp.width = sp.width * 10 + (*fmt - '0');
        if (*fmt == '.') {
            fmt++;
            sp.prec = 0;
            if (*fmt == '*') {
                sp.prec = va_arg(ap, int);
                fmt++;
            }
            for (; *fmt >= '0' && *fmt <= '9'; fmt++)
                sp.prec = sp.prec * 10 + (*fmt - '0');
        }
        if (sp.left)
            sp.zero = false;
        for (;; fmt++) {
            if (*fmt == 'l')
                lng++;
            else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't')
                lng = 2;
            else if (*fmt == 'h')
                shrt++;
            else
                break;
        }
        switch (*fmt) {
        case 'd':
        case 'i':
            d = lng ? va_arg(ap, long long) : va_arg(ap, int);
            if (shrt == 1)
                d = (short)d;
            else if (shrt >= 2)
                d = (signed char)d;
            put_uint(&o, &sp, d < 0 ? -(uint64_t)d : (uint64_t)d, 10, false, d < 0 ? "-" : "");
            break;
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            u = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            if (shrt == 1)
                u = (unsigned short)u;
            else if (shrt >= 2)
                u = (unsigned char)u;
            put_uint(&o, &sp, u, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X', "");
            break;
        case 'p':
            put_uint(&o, &sp, (uintptr_t)va_arg(ap, void *), 16, false, "0x");
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);

            sp.zero = false;
            put_field(&o, &sp, &c, 1, "", 0);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (!s)
                s = "(null)";
            sp.zero = false;
            put_field(&o, &sp, s, sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s), "", 0);
            break;
        }
        case '%':
            put(&o, "%", 1);
            break;
        default: /* unknown conversion: print it as is */
            if (!*fmt)
                continue;
            put(&o, fmt - 1, 2);
            break;
        }
        fmt++;
    }
    if (flush) {
        if (o.len)
            flush(ctx, o.buf, o.len);
    } else if (bufsz) {
        buf[o.len] = '\0';
    }
    return (int)o.total;
}

__attribute__((weak)) int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt,
                                    va_list ap)
{
    return skiff_vformat(buf, size, NULL, NULL, fmt, ap);
}

__attribute__((weak)) int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = skiff_vformat(buf, size, NULL, NULL, fmt, ap);
    va_end(ap);
    return n;
}

static void console_flush(void *ctx, const char *s, size_t len)
{
    (void)ctx;
    solo5_console_write(s, len);
}

__attribute__((weak)) int vprintf(const char *restrict fmt, va_list ap)
{
    char buf[256];

    return skiff_vformat(buf, sizeof(buf), console_flush, NULL, fmt, ap);
}

__attribute__((weak)) int printf(const char *restrict fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
