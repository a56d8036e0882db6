/* memtouch.c: first touches of every 32 MiB of the heap, each with a different kind of access,
 * then reads everything back. Prints "memtouch: N chunks ok" and SUCCESS.
 *
 * skiff registers large guests' memory with KVM one chunk at a time, on the guest's first touch
 * (tender/memslots.c): KVM reports that touch as an MMIO exit or, for an instruction it cannot
 * emulate, as an emulation failure. Each kind of access below is the first touch of some chunk,
 * so each of those paths runs; whatever the tender does, the guest must see plain memory:
 * zeros where nothing was written, and what it wrote everywhere else.
 */
#include "solo5.h"
#include "skiff_libc.h"

#define CHUNK  0x2000000UL /* SKIFF_CHUNK_SIZE */
#define OFFSET 0x12340UL   /* inside the chunk, not page aligned; 16-byte aligned */
#define KINDS  5

static uint64_t pattern(unsigned long c)
{
    return 0x5a5a000000000000ULL | (c * 0x10001ULL);
}

/* The first access to chunk c, of kind k; returns 0 if what it read was not zero. */
static int first_touch(volatile uint8_t *p, unsigned long c, unsigned k)
{
    uint64_t v = pattern(c), r = 1;

    switch (k) {
    case 0: /* a load, then a byte-by-byte store */
        r = *(volatile uint64_t *)p;
        for (int i = 0; i < 8; i++)
            p[i] = (uint8_t)(v >> (8 * i));
        break;
    case 1: /* a plain 8-byte store */
        r = 0;
        *(volatile uint64_t *)p = v;
        break;
    case 2: { /* a 16-byte SSE store (KVM splits it in two) */
        uint64_t pair[2] __attribute__((aligned(16))) = {v, ~v};

        r = 0;
        __asm__ volatile("movdqu (%1), %%xmm0\n\tmovdqu %%xmm0, (%0)"
                         :
                         : "r"(p), "r"(pair)
                         : "xmm0", "memory");
        break;
    }
    case 3: { /* a string store */
        void *dst = (void *)p;
        const void *src = &v;
        unsigned long n = 8;

        r = 0;
        __asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
        break;
    }
    default: /* a locked read-modify-write */
        r = __atomic_fetch_add((uint64_t *)p, v, __ATOMIC_SEQ_CST);
        break;
    }
    return r == 0;
}

static int check(volatile uint8_t *p, unsigned long c, unsigned k)
{
    uint64_t v = pattern(c);

    if (*(volatile uint64_t *)p != v || (k == 2 && *(volatile uint64_t *)(p + 8) != ~v)) {
        printf("FAILURE: chunk %lu (kind %u) holds 0x%llx\n", c, k,
               (unsigned long long)*(volatile uint64_t *)p);
        return 0;
    }
    return 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    unsigned long first = (si->heap_start + CHUNK - 1) / CHUNK;
    /* The top chunk holds the stack; the one below it is kept for the crc32 read. */
    unsigned long last = (si->heap_start + si->heap_size) / CHUNK;
    unsigned long n = 0;
    uint64_t crc = 0;

    if (last < first + 3) {
        printf("memtouch: heap too small, give it at least 160 MiB\n");
        return 1;
    }
    last -= 2;
    for (unsigned long c = first; c < last; c++, n++)
        if (!first_touch((volatile uint8_t *)(c * CHUNK + OFFSET), c, (unsigned)(c % KINDS))) {
            printf("FAILURE: first read of chunk %lu was not zero\n", c);
            return 1;
        }
    /* crc32 with a memory operand: an instruction KVM's emulator does not know. */
    __asm__ volatile("crc32q (%1), %0" : "+r"(crc) : "r"(last * CHUNK + OFFSET) : "memory");
    if (crc != 0) {
        printf("FAILURE: crc32 of unwritten memory is 0x%llx, not 0\n", (unsigned long long)crc);
        return 1;
    }
    for (unsigned long c = first; c < last; c++)
        if (!check((volatile uint8_t *)(c * CHUNK + OFFSET), c, (unsigned)(c % KINDS)))
            return 1;
    printf("memtouch: %lu chunks ok\n", n + 1);
    printf("SUCCESS\n");
    return 0;
}
