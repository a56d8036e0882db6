/* guest_mem.c: guest memory sizing and the single guest-address-to-host-pointer check. */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "skiff.h"

/*
 * The end bound is inclusive: a range whose last byte is the last byte of guest memory is
 * valid. The reference tender rejects it (abi.md A1); accepting it is the documented fix and
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

bool skiff_guest_readonly(const struct skiff_guest *g, uint64_t gpa, uint64_t len)
{
    for (size_t i = 0; i < g->nro; i++)
        if (len > 0 && gpa < g->ro[i].end && gpa + len > g->ro[i].start)
            return true;
    return false;
}

int skiff_guest_range(const struct skiff_guest *g, uint64_t gpa, uint64_t len,
                      enum skiff_access access, void **host)
{
    void *p = skiff_gpa_to_host(g, gpa, len);

    if (!p) {
        skiff_set_error("invalid guest access: gpa=0x%llx, sz=%llu", (unsigned long long)gpa,
                        (unsigned long long)len);
        return SKIFF_EXIT_HYPERCALL;
    }
    if ((access & SKIFF_WRITE) && skiff_guest_readonly(g, gpa, len)) {
        skiff_set_error("guest memory at gpa=0x%llx, sz=%llu is read-only (image text or "
                        "rodata)",
                        (unsigned long long)gpa, (unsigned long long)len);
        return SKIFF_EXIT_FAULT;
    }
    *host = p;
    return 0;
}

int skiff_guest_read(const struct skiff_guest *g, uint64_t gpa, void *dst, size_t len,
                     enum skiff_access access)
{
    void *p;
    int status = skiff_guest_range(g, gpa, len, access | SKIFF_READ, &p);

    if (status == 0)
        memcpy(dst, p, len);
    return status;
}

int skiff_guest_write(const struct skiff_guest *g, uint64_t gpa, const void *src, size_t len)
{
    void *p;
    int status = skiff_guest_range(g, gpa, len, SKIFF_WRITE, &p);

    if (status == 0)
        memcpy(p, src, len);
    return status;
}

int skiff_guest_protect(struct skiff_guest *g, uint64_t start, uint64_t end, int prot)
{
    if (!(prot & PROT_WRITE)) {
        if (g->nro == SKIFF_GUEST_RO_MAX) {
            skiff_set_error("more than %d read-only guest ranges", SKIFF_GUEST_RO_MAX);
            return SKIFF_EXIT_HOST;
        }
        g->ro[g->nro].start = start;
        g->ro[g->nro].end = end;
        g->nro++;
    }
    if (mprotect(g->mem + start, end - start, prot) < 0) {
        skiff_set_error("mprotect of guest range [0x%llx, 0x%llx): %s", (unsigned long long)start,
                        (unsigned long long)end, strerror(errno));
        return SKIFF_EXIT_HOST;
    }
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
