/* blkbench.c: block throughput from inside the guest, on device "storage".
 * "seq SIZE": writes then reads the whole device in SIZE-byte requests.
 * "rand SIZE COUNT": COUNT writes then COUNT reads of SIZE bytes at random aligned offsets.
 * Prints "blkbench: OP bytes=B ns=T" per phase, then "SUCCESS". */
#include "args.h"
#include "skiff_libc.h"
#include "solo5.h"

static uint8_t buf[1 << 20] __attribute__((aligned(4096)));

/* The offset of request i: in order, or scattered by a fixed multiplicative hash. */
static solo5_off_t offset_of(unsigned long i, int random, size_t size, uint64_t slots)
{
    return (random ? (i * 2654435761UL) % slots : i) * size;
}

static int phase(solo5_handle_t h, int write, int random, size_t size, unsigned long count,
                 uint64_t slots)
{
    solo5_time_t start = solo5_clock_monotonic();

    for (unsigned long i = 0; i < count; i++) {
        solo5_off_t off = offset_of(i, random, size, slots);
        solo5_result_t r =
            write ? solo5_block_write(h, off, buf, size) : solo5_block_read(h, off, buf, size);
        if (r != SOLO5_R_OK) {
            printf("blkbench: request %lu at %llu failed: %d\n", i, (unsigned long long)off, r);
            return 1;
        }
    }
    printf("blkbench: %s%s bytes=%llu ns=%llu\n", random ? "rand-" : "seq-",
           write ? "write" : "read", (unsigned long long)count * size,
           (unsigned long long)(solo5_clock_monotonic() - start));
    return 0;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *p = si->cmdline + (si->cmdline[0] == 'r' ? 4 : 3);
    int random = si->cmdline[0] == 'r';
    struct solo5_block_info info;
    solo5_handle_t h;
    size_t size = arg_number(&p);
    unsigned long count;
    uint64_t slots;

    if (solo5_block_acquire("storage", &h, &info) != SOLO5_R_OK || size == 0 ||
        size > sizeof(buf) || size % info.block_size) {
        printf("usage: seq SIZE | rand SIZE COUNT (SIZE a multiple of %llu, at most 1 MiB)\n",
               (unsigned long long)info.block_size);
        return 1;
    }
    slots = info.capacity / size;
    count = random ? arg_number(&p) : slots;
    memset(buf, 0x5a, size);
    if (phase(h, 1, random, size, count, slots) || phase(h, 0, random, size, count, slots))
        return 1;
    printf("SUCCESS\n");
    return 0;
}
