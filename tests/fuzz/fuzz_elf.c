/* fuzz_elf.c: libFuzzer target: arbitrary bytes as an image file through the ELF and manifest
 * checks and the loader, which must reject or load without touching memory outside the guest. */
#include <elf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "skiff.h"

/* Guest memory for the loader: 2 MiB, the smallest guest, so images that fit real guests
 * (text at 1 MiB) are loaded for real. */
#define FUZZ_MEM_SIZE HVT_MEM_ALIGN

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int image_fd = -1;
static uint8_t *mem;

static void check(int ok)
{
    if (!ok)
        __builtin_trap();
}

/* What a successful load promises main.c (abi.md 1.3): segments inside guest memory at or
 * above the minimum base, page aligned, in order, never executable on the host. */
static void check_image(const struct skiff_image *img)
{
    check(img->nsegs <= SKIFF_MAX_SEGMENTS);
    check(img->kernel_end <= FUZZ_MEM_SIZE);
    check(img->entry >= HVT_GUEST_MIN_BASE && img->entry < FUZZ_MEM_SIZE);
    for (size_t i = 0; i < img->nsegs; i++) {
        const struct skiff_segment *seg = &img->segs[i];

        check(seg->start >= HVT_GUEST_MIN_BASE && seg->start < seg->end);
        check(seg->end <= img->kernel_end);
        check(seg->start % HVT_PAGE_SIZE == 0 && seg->end % HVT_PAGE_SIZE == 0);
        check(!(seg->prot & PROT_EXEC));
        check(i == 0 || seg->start >= img->segs[i - 1].end);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static union {
        struct mft m;
        uint8_t bytes[MFT_MAX_SIZE];
    } mft;
    /* The loader also runs for the other architecture, so its checks are both exercised. */
    unsigned machine =
        size > 19 && data[18] == EM_AARCH64 && data[19] == 0 ? EM_AARCH64 : EM_X86_64;
    struct skiff_image img;
    size_t mft_size = 0;

    if (image_fd < 0) {
        image_fd = memfd_create("fuzz_elf", MFD_CLOEXEC);
        mem = mmap(NULL, FUZZ_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (image_fd < 0 || mem == MAP_FAILED)
            abort();
    }
    if (ftruncate(image_fd, 0) < 0 || pwrite(image_fd, data, size, 0) != (ssize_t)size)
        abort();

    if (skiff_elf_read_notes(image_fd, machine, &mft.m, &mft_size) == 0) {
        check(mft_size <= MFT_MAX_SIZE);
        if (skiff_mft_validate(&mft.m, mft_size) == 0) {
            check(mft.m.entries >= 1 && mft.m.entries <= MFT_MAX_ENTRIES);
            (void)skiff_mft_check_attached(&mft.m);
        }
    }
    /* Loading is tried whatever the notes said: main.c never loads an image whose notes
     * failed, but the loader must not depend on that. */
    if (skiff_elf_load(image_fd, machine, mem, FUZZ_MEM_SIZE, &img) == 0)
        check_image(&img);
    return 0;
}
