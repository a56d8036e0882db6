/* fuzz_snapshot.c: libFuzzer target: arbitrary bytes as a snapshot file given to --restore
 * (skiff_snapshot_load: header, metadata, manifests, ranges, memory mapping). The two CRCs that
 * guard the header and the metadata are fixed up when the input is long enough, so that the
 * fuzzer reaches the checks behind them; mem_crc is left as it comes (mismatches still map). */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* kvm_<arch>.c is not linked: only its machine number is needed. */
#ifdef __aarch64__
const unsigned skiff_arch_elf_machine = EM_AARCH64;
#else
const unsigned skiff_arch_elf_machine = EM_X86_64;
#endif

static uint8_t buf[1 << 20];

static void fix_crcs(uint8_t *p, size_t size)
{
    struct skiff_snap_header h;

    if (size < sizeof(h))
        return;
    memcpy(&h, p, sizeof(h));
    if (h.meta_offset == SKIFF_SNAP_PAGE && h.meta_size <= size &&
        h.meta_offset <= size - h.meta_size)
        h.meta_crc = (uint32_t)crc32(0, p + h.meta_offset, (uInt)h.meta_size);
    h.header_crc = 0;
    h.header_crc = (uint32_t)crc32(0, (const Bytef *)&h, sizeof(h));
    memcpy(p, &h, sizeof(h));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct skiff s;
    static int fd = -1;
    char path[64];
    int status;

    if (size > sizeof(buf))
        return 0;
    if (fd < 0 && (fd = memfd_create("snapshot", 0)) < 0)
        return 0;
    memcpy(buf, data, size);
    if (size > 0 && (data[0] & 1))
        fix_crcs(buf, size);
    if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, size, 0) != (ssize_t)size)
        return 0;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    memset(&s, 0, sizeof(s));
    status = skiff_snapshot_load(&s, path);
    if (status != 0 && status != SKIFF_EXIT_IMAGE && status != SKIFF_EXIT_HOST)
        __builtin_trap();
    if (status == 0 && (s.guest.size > HVT_MEM_MAX || !s.mft))
        __builtin_trap();
    if (s.guest.mem)
        munmap(s.guest.mem, s.guest.alloc_size);
    return 0;
}
