/* skiff_libc.h: the small C library subset the skiff bindings offer to unikernels. */
/*
 * Standard names and semantics, so code written against <string.h> and <stdio.h> (and atoi
 * from <stdlib.h>) builds when it includes this header instead. Every function is a weak
 * symbol: an application that brings its own C library overrides them without link conflicts.
 * printf() writes to the console (one PUTS per 256 bytes of output); formats: %d %i %u %x %X
 * %o %s %c %p %%, flags '-' and '0', width and precision (number or '*'), modifiers hh h l ll
 * z j t. No floating point.
 */
#ifndef SKIFF_LIBC_H
#define SKIFF_LIBC_H

#include <stdarg.h>
#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
int atoi(const char *s);

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vprintf(const char *restrict fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* SKIFF_LIBC_H */
