/* memory.c: brk, mmap and munmap for musl's malloc, on the heap solo5_start_info describes. */
#include "libc.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE ((uintptr_t)4096)
/* Kept free below the top of the heap, where the initial stack lives (a quarter of the heap
 * when that is smaller). */
#define STACK_RESERVE ((uintptr_t)1 << 20)

/*
 * The heap, low to high: the brk area [brk_start, brk_end), free space, the mmap area
 * [map_low, map_end). brk grows up, mmap takes the lowest-addressed free run that fits or
 * grows its area down, and munmap returns pages to a list of free runs (sorted, coalesced,
 * kept in the free pages themselves); a run that reaches map_low gives its pages back to the
 * free space. Pages are zeroed when handed out, as anonymous memory must be.
 */
struct free_run {
    struct free_run *next;
    uintptr_t len;
};

static uintptr_t brk_start, brk_end, brk_high, map_low, map_end;
static struct free_run *free_runs;

static uintptr_t page_up(uintptr_t v)
{
    return (v + PAGE - 1) & ~(PAGE - 1);
}

void skiff_libc_heap_init(uintptr_t start, size_t size)
{
    uintptr_t reserve = size / 4 < STACK_RESERVE ? size / 4 : STACK_RESERVE;

    brk_start = brk_end = brk_high = start;
    map_low = map_end = (start + size - reserve) & ~(PAGE - 1);
}

long skiff_libc_brk(uintptr_t end)
{
    if (end < brk_start || end > map_low)
        return (long)brk_end;
    /* Bytes given back and taken again read as zero, as fresh ones do. */
    if (end > brk_end && brk_end < brk_high)
        memset((void *)brk_end, 0, (end < brk_high ? end : brk_high) - brk_end);
    if (end > brk_high)
        brk_high = end;
    brk_end = end;
    return (long)end;
}

/* Takes len bytes from the first free run that holds them; 0 if none does. */
static uintptr_t take_free(uintptr_t len)
{
    for (struct free_run **p = &free_runs; *p; p = &(*p)->next) {
        struct free_run *r = *p;

        if (r->len < len)
            continue;
        if (r->len == len) {
            *p = r->next;
        } else {
            struct free_run *rest = (struct free_run *)((uintptr_t)r + len);

            rest->next = r->next;
            rest->len = r->len - len;
            *p = rest;
        }
        return (uintptr_t)r;
    }
    return 0;
}

long skiff_libc_mmap(uintptr_t addr, size_t len, int prot, int flags, int fd, long off)
{
    uintptr_t n = page_up(len), p;

    (void)addr, (void)prot, (void)off;
    if (!(flags & MAP_ANONYMOUS) || fd != -1)
        return -ENODEV;
    if (flags & MAP_FIXED)
        return -ENOMEM;
    if (len == 0 || n < len)
        return -EINVAL;
    p = take_free(n);
    if (p == 0) {
        if (map_low - page_up(brk_high) < n)
            return -ENOMEM;
        map_low -= n;
        p = map_low;
    }
    memset((void *)p, 0, n);
    return (long)p;
}

long skiff_libc_munmap(uintptr_t addr, size_t len)
{
    uintptr_t n = page_up(len), end = addr + n;
    struct free_run **p = &free_runs, *r;

    if ((addr & (PAGE - 1)) || len == 0 || addr < map_low || end > map_end || end < addr)
        return -EINVAL;
    while (*p && (uintptr_t)*p + (*p)->len <= addr)
        p = &(*p)->next;
    if (*p && (uintptr_t)*p < end)
        return -EINVAL; /* already free, in part */
    r = (struct free_run *)addr;
    r->next = *p;
    r->len = n;
    *p = r;
    if (r->next && end == (uintptr_t)r->next) {
        r->len += r->next->len;
        r->next = r->next->next;
    }
    /* Merge with the previous run: walk again from the head (the list is short). */
    for (struct free_run *q = free_runs; q && q != r; q = q->next) {
        if (q->next == r && (uintptr_t)q + q->len == addr) {
            q->len += r->len;
            q->next = r->next;
            break;
        }
    }
    if (free_runs && (uintptr_t)free_runs == map_low) {
        map_low += free_runs->len;
        free_runs = free_runs->next;
    }
    return 0;
}
