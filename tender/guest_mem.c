/* guest_mem.c: guest memory sizing and the single guest-address-to-host-pointer check. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "skiff.h"

/*
 * The end bound is inclusive: a range whose last byte is the last byte of guest memory is
 * valid. The reference tender rejects it (ABI.md A1); accepting it is the documented fix and
 * accepts a strict superset of what the reference accepts, nothing beyond guest memory.
 */
void *skiff_gpa_to_host(const struct skiff_guest *g, uint64_t gpa, uint64_t len)
{
    if (gpa >= g->size || len > g->size - gpa)
        return NULL;
    return g->mem + gpa;
}

int skiff_mem_size(uint64_t requested, uint64_t *size, bool *adjusted)
{
    uint64_t rounded = requested & ~(HVT_MEM_ALIGN - 1);

    if (rounded == 0)
        rounded = HVT_MEM_ALIGN;
    if (rounded > HVT_MEM_MAX) {
        skiff_set_error("guest memory size %llu bytes exceeds the max size %llu bytes",
                        (unsigned long long)rounded, (unsigned long long)HVT_MEM_MAX);
        return -1;
    }
    *adjusted = rounded != requested;
    *size = rounded;
    return 0;
}

void *skiff_guest_range(const struct skiff_guest *g, uint64_t gpa, uint64_t len)
{
    void *p = skiff_gpa_to_host(g, gpa, len);

    if (!p)
        skiff_set_error("invalid guest access: gpa=0x%llx, sz=%llu", (unsigned long long)gpa,
                        (unsigned long long)len);
    return p;
}

int skiff_guest_read(const struct skiff_guest *g, uint64_t gpa, void *dst, size_t len)
{
    const void *p = skiff_guest_range(g, gpa, len);

    if (!p)
        return SKIFF_EXIT_HYPERCALL;
    memcpy(dst, p, len);
    return 0;
}

int skiff_guest_write(const struct skiff_guest *g, uint64_t gpa, const void *src, size_t len)
{
    void *p = skiff_guest_range(g, gpa, len);

    if (!p)
        return SKIFF_EXIT_HYPERCALL;
    memcpy(p, src, len);
    return 0;
}

int skiff_guest_alloc(struct skiff_guest *g)
{
    /* Private anonymous memory: zero-filled, and only pages the guest touches cost anything,
     * so boot time does not depend on the memory size. NORESERVE lets a 4 GiB guest start on
     * a host with strict overcommit accounting. */
    g->mem = mmap(NULL, g->alloc_size, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (g->mem == MAP_FAILED) {
        g->mem = NULL;
        skiff_set_error("cannot map %llu bytes of guest memory: %s",
                        (unsigned long long)g->alloc_size, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    return 0;
}
