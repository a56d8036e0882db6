/* memslots.c: guest RAM registered with KVM chunk by chunk, on the guest's first touch. */
/*
 * Why: a KVM that shadows the guest's page tables (kvm_pvm here, any x86 KVM without EPT/NPT)
 * allocates and zeroes a reverse map for every 4 KiB page of a memory slot when the slot is
 * created, and frees it when the VM goes: ~2 ms for 4 GiB on this project's hosts against
 * ~15 us for 32 MiB, paid by every boot although a unikernel touches a few hundred KiB of it
 * before it exits. So where the arch allows it, skiff registers only the chunks holding the
 * image and the top of memory (stack, network ring) and leaves the rest out. The guest's first
 * access to a chunk left out finds no memory slot; KVM reports it as an MMIO exit with the
 * address, skiff registers the chunk and completes that one access from the host mapping,
 * and the guest never sees the difference. An instruction KVM cannot emulate ends in an
 * emulation failure instead, without the address: skiff then registers every chunk left and
 * runs the instruction again, now on plain memory.
 *
 * Chunk i is memory slot i, [i * SKIFF_CHUNK_SIZE, (i + 1) * SKIFF_CHUNK_SIZE) clipped to the
 * guest's memory; with registration all at once, slot 0 is all of it.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arch.h"
#include "skiff.h"

/* Smaller guests gain too little to be worth the exits (two chunks cover half of them). */
#define LAZY_MIN_SIZE (4 * SKIFF_CHUNK_SIZE)

static int set_region(struct skiff *s, uint32_t slot, uint64_t gpa, uint64_t size)
{
    struct kvm_userspace_memory_region region = {
        .slot = slot,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uint64_t)(uintptr_t)(s->guest.mem + gpa),
    };

    if (ioctl(s->kvm.vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
        skiff_set_error("KVM: KVM_SET_USER_MEMORY_REGION of [0x%llx, 0x%llx): %s",
                        (unsigned long long)gpa, (unsigned long long)(gpa + size), strerror(errno));
        return SKIFF_EXIT_HOST;
    }
    s->slots.registered_bytes += size;
    return 0;
}

static int register_chunk(struct skiff *s, unsigned i)
{
    uint64_t start = (uint64_t)i * SKIFF_CHUNK_SIZE;
    uint64_t end = start + SKIFF_CHUNK_SIZE;
    int status;

    if (s->slots.registered[i])
        return 0;
    if (end > s->guest.alloc_size)
        end = s->guest.alloc_size;
    if ((status = set_region(s, i, start, end - start)))
        return status;
    s->slots.registered[i] = true;
    s->slots.nregistered++;
    return 0;
}

int skiff_memslots_init(struct skiff *s)
{
    struct skiff_memslots *m = &s->slots;
    uint64_t image_end = s->image.kernel_end ? s->image.kernel_end : 1;
    unsigned nchunks = (unsigned)((s->guest.alloc_size + SKIFF_CHUNK_SIZE - 1) / SKIFF_CHUNK_SIZE);
    int status;

    m->lazy = s->guest.alloc_size >= LAZY_MIN_SIZE &&
              ioctl(s->kvm.vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_MEMSLOTS) >= (int)nchunks &&
              skiff_arch_lazy_memory(s);
    if (!m->lazy) {
        m->nchunks = m->nregistered = 1;
        m->registered[0] = true;
        return set_region(s, 0, 0, s->guest.alloc_size);
    }
    m->nchunks = nchunks;
    /* The image (page tables, GDT and boot info lie below it), the stack at the top of what the
     * guest may use, and the network ring above that. */
    for (uint64_t a = 0; a < image_end; a += SKIFF_CHUNK_SIZE)
        if ((status = register_chunk(s, (unsigned)(a / SKIFF_CHUNK_SIZE))))
            return status;
    if ((status = register_chunk(s, (unsigned)((s->guest.size - 1) / SKIFF_CHUNK_SIZE))) ||
        (status = register_chunk(s, nchunks - 1)))
        return status;
    return 0;
}

int skiff_memslots_touch(struct skiff *s, uint64_t gpa, uint8_t *data, uint32_t len, bool is_write)
{
    int status;

    if (!s->slots.lazy)
        return SKIFF_MEMSLOTS_ALL_REGISTERED;
    if (len > 8 || gpa >= s->guest.alloc_size || len > s->guest.alloc_size - gpa) {
        skiff_set_error("KVM: guest access of %u bytes at gpa=0x%llx runs past its memory", len,
                        (unsigned long long)gpa);
        return SKIFF_EXIT_FAULT;
    }
    /* KVM splits wide accesses into 8-byte pieces and reports each, so a piece can arrive
     * after its chunk was registered for the first one: complete it all the same. */
    if ((status = register_chunk(s, (unsigned)(gpa / SKIFF_CHUNK_SIZE))))
        return status;
    if (is_write)
        memcpy(s->guest.mem + gpa, data, len);
    else
        memcpy(data, s->guest.mem + gpa, len);
    return 0;
}

int skiff_memslots_fill(struct skiff *s)
{
    int status;

    for (unsigned i = 0; i < s->slots.nchunks; i++)
        if ((status = register_chunk(s, i)))
            return status;
    return 0;
}
