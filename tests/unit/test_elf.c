/* test_elf.c: unit tests for the image checks and loader, driven by ELF files built here. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "skiff.h"

#define MAX_PH    20
#define FILE_SIZE 0x5000
#define MEM       0x400000ULL /* default guest memory for the loader */
#define CANARY    0x2000      /* bytes after the largest memory that must never be written */
#define FILL      0xAA
#define TEXT_OFF  0x1000
#define DATA_OFF  0x2000
#define BSD_OFF   0x3000 /* OpenBSD note, 24 bytes */
#define ABI_OFF   0x3018 /* ABI note, 36 bytes */
#define MFT_OFF   0x3100 /* manifest note: 24 + MFT_SIZE(2) bytes */
#define MFT_LEN   (24 + MFT_SIZE(2))

/* The image under construction: headers are kept as structs and laid over data when written. */
static struct {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[MAX_PH];
} hdr;
static uint8_t data[FILE_SIZE];
static size_t file_len;
static uint8_t mem[MEM + CANARY];
static struct skiff_image img;
static union {
    struct mft m;
    uint8_t bytes[MFT_MAX_SIZE];
} mft;
static size_t mft_size;

#define EH hdr.eh
#define PH hdr.ph

static void set_u32(size_t off, uint32_t v)
{
    memcpy(data + off, &v, sizeof(v));
}

static void put_note(size_t off, uint32_t namesz, uint32_t descsz, uint32_t type, const char *n)
{
    set_u32(off, namesz);
    set_u32(off + 4, descsz);
    set_u32(off + 8, type);
    memcpy(data + off + 12, n, strlen(n) + 1);
}

static void phdr(int i, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                 uint64_t filesz, uint64_t memsz, uint64_t align)
{
    PH[i] = (Elf64_Phdr){type, flags, off, vaddr, vaddr, filesz, memsz, align};
}

/* A good image: text (X), data (RW with a BSS tail), a pure-BSS PT_LOAD and three notes. */
static void good(void)
{
    struct abi1_info abi = {SOLO5_ABI_TARGET_HVT, HVT_ABI_VERSION, 0, 0};
    struct mft_entry e[2] = {{.type = MFT_RESERVED_FIRST}, {.name = "storage", .type = 1}};

    memset(&hdr, 0, sizeof(hdr));
    memset(data, 0, sizeof(data));
    memcpy(EH.e_ident, ELFMAG, SELFMAG);
    EH.e_ident[EI_CLASS] = ELFCLASS64;
    EH.e_ident[EI_DATA] = ELFDATA2LSB;
    EH.e_ident[EI_VERSION] = EV_CURRENT;
    EH.e_type = ET_EXEC;
    EH.e_machine = EM_X86_64;
    EH.e_version = EV_CURRENT;
    EH.e_entry = 0x100020;
    EH.e_phoff = sizeof(Elf64_Ehdr);
    EH.e_ehsize = sizeof(Elf64_Ehdr);
    EH.e_phentsize = sizeof(Elf64_Phdr);
    EH.e_phnum = 6;
    phdr(0, PT_LOAD, PF_X, TEXT_OFF, 0x100000, 0x100, 0x100, 0x1000);
    phdr(1, PT_LOAD, PF_R | PF_W, DATA_OFF, 0x101000, 0x80, 0x1800, 0x1000);
    phdr(2, PT_LOAD, PF_R | PF_W, 0x3000, 0x103000, 0, 0x5000, 0x1000);
    phdr(3, PT_NOTE, PF_R, BSD_OFF, 0, 24, 24, 4);
    phdr(4, PT_NOTE, PF_R, ABI_OFF, 0, 36, 36, 4);
    phdr(5, PT_NOTE, PF_R, MFT_OFF, 0, MFT_LEN, MFT_LEN, 8);
    for (int i = 0; i < 0x100; i++)
        data[TEXT_OFF + i] = (uint8_t)(i * 7 + 1);
    for (int i = 0; i < 0x80; i++)
        data[DATA_OFF + i] = (uint8_t)(i * 3 + 2);
    /* The byte after a segment's file data must not be loaded. */
    data[DATA_OFF + 0x80] = 0x77;
    put_note(BSD_OFF, 8, 4, 1, "OpenBSD");
    put_note(ABI_OFF, SOLO5_NOTE_NAMESZ, sizeof(abi), SOLO5_NOTE_ABI, SOLO5_NOTE_NAME);
    memcpy(data + ABI_OFF + 20, &abi, sizeof(abi));
    put_note(MFT_OFF, SOLO5_NOTE_NAMESZ, 4 + MFT_SIZE(2), SOLO5_NOTE_MANIFEST, SOLO5_NOTE_NAME);
    set_u32(MFT_OFF + 24, MFT_VERSION);
    set_u32(MFT_OFF + 28, 2);
    memcpy(data + MFT_OFF + 32, e, sizeof(e));
    file_len = MFT_OFF + MFT_LEN;
}

/* Writes the image to an unlinked temporary file and returns its descriptor. */
static int image_fd(void)
{
    static uint8_t out[FILE_SIZE];
    char path[] = "/tmp/skiff-test-elf.XXXXXX";
    int fd = mkstemp(path);

    assert_true(fd >= 0);
    unlink(path);
    memcpy(out, data, sizeof(out));
    memcpy(out, &hdr, sizeof(hdr));
    assert_true(write(fd, out, file_len) == (ssize_t)file_len);
    return fd;
}

static int load(uint64_t mem_size)
{
    int fd = image_fd(), rc;

    memset(mem, FILL, MEM + CANARY);
    skiff_set_error("%s", "");
    rc = skiff_elf_load(fd, EM_X86_64, mem, mem_size, &img);
    close(fd);
    /* Whatever the outcome, nothing beyond mem_size was written. */
    for (uint64_t a = mem_size; a < MEM + CANARY; a++)
        if (mem[a] != FILL)
            fail_msg("byte at 0x%llx written beyond mem_size", (unsigned long long)a);
    return rc;
}

static int notes(unsigned machine)
{
    int fd = image_fd(), rc;

    skiff_set_error("%s", "");
    rc = skiff_elf_read_notes(fd, machine, &mft.m, &mft_size);
    close(fd);
    return rc;
}

static void expect_error(int rc, const char *needle)
{
    assert_int_equal(rc, -1);
    if (strstr(skiff_error(), needle) == NULL)
        fail_msg("error '%s' lacks '%s'", skiff_error(), needle);
    if (strchr(skiff_error(), '\n') != NULL)
        fail_msg("error '%s' is not one line", skiff_error());
}

/* A test case; cmocka's state argument is not used. */
#define CASE(name) static void name(void **state __attribute__((unused)))

/* A case: build a good image, break it with the statements given, expect a failure. */
#define REJECT_LOAD(name, needle, ...)                                                             \
    CASE(name)                                                                                     \
    {                                                                                              \
        good();                                                                                    \
        __VA_ARGS__;                                                                               \
        expect_error(load(MEM), needle);                                                           \
    }
#define REJECT_NOTES(name, needle, ...)                                                            \
    CASE(name)                                                                                     \
    {                                                                                              \
        good();                                                                                    \
        __VA_ARGS__;                                                                               \
        expect_error(notes(EM_X86_64), needle);                                                    \
    }
/* Header checks apply to both entry points. */
#define REJECT_BOTH(name, needle, ...)                                                             \
    REJECT_LOAD(name, needle, __VA_ARGS__)                                                         \
    REJECT_NOTES(name##_notes, needle, __VA_ARGS__)

/* ---- ELF header (ABI.md 1.1) ---- */
REJECT_BOTH(too_short, "too short", file_len = 40)
REJECT_BOTH(bad_magic, "not an ELF file", EH.e_ident[1] = 'e')
REJECT_BOTH(not_elf_text, "not an ELF file", memset(&hdr, 'x', sizeof(hdr)))
REJECT_BOTH(class32, "ELFCLASS64", EH.e_ident[EI_CLASS] = ELFCLASS32)
REJECT_BOTH(big_endian, "little-endian", EH.e_ident[EI_DATA] = ELFDATA2MSB)
REJECT_BOTH(bad_ident_version, "not a valid ELF", EH.e_ident[EI_VERSION] = 0)
REJECT_BOTH(bad_version, "e_version", EH.e_version = 2)
REJECT_BOTH(bad_ehsize, "e_ehsize", EH.e_ehsize = 52)
REJECT_BOTH(bad_phentsize, "e_phentsize", EH.e_phentsize = 32)
REJECT_BOTH(no_phdrs, "e_phnum 0", EH.e_phnum = 0)
REJECT_BOTH(not_exec, "ET_EXEC", EH.e_type = ET_DYN)
REJECT_BOTH(wrong_machine, "e_machine 183 (aarch64)", EH.e_machine = EM_AARCH64)
REJECT_BOTH(truncated_phdrs, "program header table", file_len = 64 + 56 * 2 + 10)
REJECT_BOTH(phoff_huge, "program header table", EH.e_phoff = UINT64_MAX - 8)
REJECT_BOTH(phnum_huge, "program header table", EH.e_phnum = 0xffff)

CASE(other_machine_accepted)
{
    good();
    EH.e_machine = EM_AARCH64;
    assert_int_equal(notes(EM_AARCH64), 0);
}

/* ---- entry point (ABI.md 1.2) ---- */
REJECT_LOAD(entry_below_base, "entry point 0xfffff", EH.e_entry = 0xfffff)
REJECT_LOAD(entry_at_mem_size, "entry point", EH.e_entry = MEM)
REJECT_LOAD(entry_huge, "entry point", EH.e_entry = UINT64_MAX)

CASE(entry_last_byte)
{
    good();
    EH.e_entry = MEM - 1;
    assert_int_equal(load(MEM), 0);
    assert_int_equal(img.entry, MEM - 1);
}

/* ---- segments (ABI.md 1.3), in the order of the checks ---- */
REJECT_LOAD(vaddr_below_base, "program header 0: segment address 0xff000 is below 0x100000",
            PH[0].p_vaddr = 0xff000)
REJECT_LOAD(descending, "ascending", PH[0].p_vaddr = 0x102000; PH[1].p_vaddr = 0x101000)
REJECT_LOAD(align_zero, "program header 1: p_align 0x0 is not", PH[1].p_align = 0)
REJECT_LOAD(align_not_pow2, "power of two", PH[1].p_align = 0x3000)
REJECT_LOAD(start_below_base, "segment start 0x0", PH[0].p_align = 0x200000)
REJECT_LOAD(overlap, "program header 1: segment starting at 0x100000 overlaps",
            PH[1].p_vaddr = 0x100800)
REJECT_LOAD(overlap_same_vaddr, "overlaps", PH[1].p_vaddr = 0x100000)
REJECT_LOAD(overlap_aligned_end, "overlaps", PH[0].p_memsz = 0x1001)
REJECT_LOAD(vaddr_beyond_mem, "outside guest memory", PH[1].p_vaddr = MEM)
REJECT_LOAD(vaddr_above_4g, "outside guest memory", PH[1].p_vaddr = 0x100000000ULL)
REJECT_LOAD(filesz_beyond_mem, "outside guest memory", PH[1].p_vaddr = MEM - 0x40)
REJECT_LOAD(filesz_huge, "outside guest memory", PH[1].p_filesz = UINT64_MAX)
REJECT_LOAD(memsz_lt_filesz, "p_memsz 0x7f is smaller", PH[1].p_memsz = 0x7f)
REJECT_LOAD(end_beyond_mem, "ends outside guest memory", PH[1].p_vaddr = MEM - 0x1000)
REJECT_LOAD(memsz_overflow, "overflows", PH[1].p_memsz = UINT64_MAX - 0x1000)
REJECT_LOAD(round_overflow, "overflows", PH[1].p_memsz = UINT64_MAX - 0x101000 - 5)
REJECT_LOAD(truncated_data, "extends beyond the end of the file", file_len = TEXT_OFF + 0x80)
REJECT_LOAD(offset_huge, "extends beyond the end of the file", PH[1].p_offset = UINT64_MAX - 0x10)
REJECT_LOAD(unaligned_start, "[0x101010, 0x103000) is not page aligned", PH[1].p_align = 0x10;
            PH[1].p_vaddr = 0x101010; PH[1].p_memsz = 0x1ff0)
REJECT_LOAD(unaligned_end, "[0x101000, 0x102810) is not page aligned", PH[1].p_align = 0x10;
            PH[1].p_memsz = 0x1808)
REJECT_LOAD(write_exec, "program header 1: segment [0x101000, 0x103000) requests WRITE and EXEC",
            PH[1].p_flags = PF_R | PF_W | PF_X)
REJECT_LOAD(write_exec_only, "requests WRITE and EXEC", PH[0].p_flags = PF_W | PF_X)

CASE(too_many_segments)
{
    for (int n = 16; n <= 17; n++) {
        good();
        EH.e_phnum = (uint16_t)n;
        for (int i = 0; i < n; i++)
            phdr(i, PT_LOAD, PF_R, TEXT_OFF, 0x100000 + 0x1000 * (uint64_t)i, 0x10, 0x10, 0x1000);
        if (n == 16) {
            assert_int_equal(load(MEM), 0);
            assert_int_equal(img.nsegs, 16);
            assert_int_equal(img.kernel_end, 0x110000);
        } else {
            expect_error(load(MEM), "program header 16: more than 16 loadable segments");
        }
    }
}

CASE(good_image)
{
    good();
    assert_int_equal(load(MEM), 0);
    assert_int_equal(img.entry, 0x100020);
    assert_int_equal(img.nsegs, 2);
    assert_int_equal(img.segs[0].start, 0x100000);
    assert_int_equal(img.segs[0].end, 0x101000);
    assert_int_equal(img.segs[0].prot, PROT_READ);
    assert_int_equal(img.segs[1].start, 0x101000);
    assert_int_equal(img.segs[1].end, 0x103000);
    assert_int_equal(img.segs[1].prot, PROT_READ | PROT_WRITE);
    /* The pure-BSS PT_LOAD (to 0x108000) is not counted. */
    assert_int_equal(img.kernel_end, 0x103000);
    assert_memory_equal(mem + 0x100000, data + TEXT_OFF, 0x100);
    assert_memory_equal(mem + 0x101000, data + DATA_OFF, 0x80);
    /* The BSS tail [filesz, memsz) is zeroed; nothing past memsz or in ignored parts is. */
    for (uint64_t a = 0x101080; a < 0x102800; a++)
        assert_int_equal(mem[a], 0);
    assert_int_equal(mem[0x102800], FILL);
    assert_int_equal(mem[0x100100], FILL);
    assert_int_equal(mem[0x103000], FILL);
    assert_int_equal(mem[0xfffff], FILL);
}

CASE(empty_loads_ignored)
{
    good();
    /* With p_filesz == 0 nothing else matters: address, order, alignment, flags, size. */
    EH.e_phnum = 8;
    phdr(6, PT_LOAD, PF_W | PF_X, UINT64_MAX, 0, 0, UINT64_MAX, 0);
    phdr(7, PT_LOAD, PF_R, 0, 0x100000, 0, 0x3000, 3);
    PH[2].p_vaddr = 0x50;
    /* Other types are never loaded either. */
    phdr(3, PT_TLS, PF_R, 0, 0, 0x10, 0x100, 0);
    phdr(4, PT_INTERP, PF_R, TEXT_OFF, 0x10, 0x18, 0x18, 1);
    assert_int_equal(load(MEM), 0);
    assert_int_equal(img.nsegs, 2);
    assert_int_equal(img.kernel_end, 0x103000);
}

CASE(paddr_ignored)
{
    good();
    PH[0].p_paddr = 0;
    PH[1].p_paddr = 0xdead0000000ULL;
    assert_int_equal(load(MEM), 0);
    assert_int_equal(img.kernel_end, 0x103000);
    assert_memory_equal(mem + 0x101000, data + DATA_OFF, 0x80);
}

CASE(prot_flags)
{
    static const struct {
        uint32_t flags;
        int prot;
    } t[] = {
        {PF_X, PROT_READ},
        {PF_R, PROT_READ},
        {PF_R | PF_X, PROT_READ},
        {PF_W, PROT_READ | PROT_WRITE},
        {PF_R | PF_W, PROT_READ | PROT_WRITE},
        {0, PROT_NONE},
    };

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        good();
        PH[0].p_flags = t[i].flags;
        assert_int_equal(load(MEM), 0);
        assert_int_equal(img.segs[0].prot, t[i].prot);
    }
}

CASE(small_memory)
{
    /* The image fits exactly in memory ending at its last page. */
    good();
    EH.e_entry = 0x100000;
    assert_int_equal(load(0x103000), 0);
    good();
    expect_error(load(0x102000), "ends outside guest memory");
}

/* ---- notes (ABI.md 1.4-1.6) ---- */
REJECT_NOTES(abi_missing, "No Solo5 ABI information found in executable",
             set_u32(ABI_OFF + 8, 0x30494241))
REJECT_NOTES(abi_bad_namesz, "No Solo5 ABI information", set_u32(ABI_OFF, 5))
REJECT_NOTES(abi_bad_name, "No Solo5 ABI information", data[ABI_OFF + 16] = '6')
REJECT_NOTES(abi_wrong_target, "Executable is not for the solo5-hvt target",
             set_u32(ABI_OFF + 20, 3))
REJECT_NOTES(abi_wrong_version, "Executable requests unsupported ABI version 1",
             set_u32(ABI_OFF + 24, 1))
REJECT_NOTES(abi_descsz_lt8, "does not fall within valid size", set_u32(ABI_OFF + 4, 4))
REJECT_NOTES(abi_descsz_zero, "does not fall within valid size", set_u32(ABI_OFF + 4, 0))
REJECT_NOTES(abi_descsz_big, "does not fall within valid size", set_u32(ABI_OFF + 4, 33);
             PH[4].p_filesz = 100)
REJECT_NOTES(abi_filesz_short, "does not fall within valid size", PH[4].p_filesz = 35)
REJECT_NOTES(note_lt12, "program header 3: PT_NOTE of 11 bytes", PH[3].p_filesz = 11)
REJECT_NOTES(note_outside_file, "beyond the end of the file", PH[4].p_offset = MFT_OFF + 300)
REJECT_NOTES(second_note_ignored, "No Solo5 ABI information",
             PH[3].p_filesz = ABI_OFF + 36 - BSD_OFF;
             PH[4].p_type = PT_NULL)
REJECT_NOTES(first_match_wins, "unsupported ABI version 1", EH.e_phnum = 7; PH[6] = PH[4];
             memcpy(data + 0x4f00, data + ABI_OFF, 36); PH[6].p_offset = 0x4f00; file_len = 0x5000;
             set_u32(ABI_OFF + 24, 1))
REJECT_NOTES(mft_missing, "No Solo5 manifest found in executable", PH[5].p_type = PT_NULL)
REJECT_NOTES(mft_descsz_4, "note does not fall within valid size", set_u32(MFT_OFF + 4, 4))
REJECT_NOTES(mft_descsz_0, "note does not fall within valid size", set_u32(MFT_OFF + 4, 0))
REJECT_NOTES(mft_descsz_big, "note does not fall within valid size", set_u32(MFT_OFF + 4, 6669);
             PH[5].p_filesz = 7000; file_len = FILE_SIZE)
REJECT_NOTES(mft_filesz_short, "note does not fall within valid size", PH[5].p_filesz -= 1)
REJECT_NOTES(mft_truncated, "beyond the end of the file", file_len = MFT_OFF + 30)

CASE(good_notes)
{
    good();
    assert_int_equal(notes(EM_X86_64), 0);
    assert_int_equal(mft_size, MFT_SIZE(2));
    assert_memory_equal(mft.bytes, data + MFT_OFF + 24, MFT_SIZE(2));
    assert_string_equal(mft.m.e[1].name, "storage");
    assert_int_equal(mft.m.version, MFT_VERSION);
    assert_int_equal(mft.m.entries, 2);
}

CASE(short_notes_skipped)
{
    good();
    /* 12..19 bytes is skipped, not rejected; an ABI note of exactly 8 bytes is enough. */
    PH[3].p_filesz = 19;
    set_u32(ABI_OFF + 4, 8);
    PH[4].p_filesz = 28;
    assert_int_equal(notes(EM_X86_64), 0);
}

CASE(biggest_notes)
{
    good();
    set_u32(ABI_OFF + 4, SOLO5_NOTE_ABI_MAX_DESCSZ);
    PH[4].p_filesz = 20 + SOLO5_NOTE_ABI_MAX_DESCSZ;
    set_u32(MFT_OFF + 4, SOLO5_NOTE_MANIFEST_MAX_DESCSZ);
    PH[5].p_filesz = 20 + SOLO5_NOTE_MANIFEST_MAX_DESCSZ;
    file_len = MFT_OFF + PH[5].p_filesz;
    data[file_len - 1] = 0x5c;
    assert_int_equal(notes(EM_X86_64), 0);
    assert_int_equal(mft_size, MFT_MAX_SIZE);
    assert_int_equal(mft.bytes[MFT_MAX_SIZE - 1], 0x5c);
}

#define T(name)  cmocka_unit_test(name)
#define T2(name) T(name), T(name##_notes)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T2(too_short),          T2(bad_magic),
        T2(not_elf_text),       T2(class32),
        T2(big_endian),         T2(bad_ident_version),
        T2(bad_version),        T2(bad_ehsize),
        T2(bad_phentsize),      T2(no_phdrs),
        T2(not_exec),           T2(wrong_machine),
        T2(truncated_phdrs),    T2(phoff_huge),
        T2(phnum_huge),         T(other_machine_accepted),
        T(entry_below_base),    T(entry_at_mem_size),
        T(entry_huge),          T(entry_last_byte),
        T(vaddr_below_base),    T(descending),
        T(align_zero),          T(align_not_pow2),
        T(start_below_base),    T(overlap),
        T(overlap_same_vaddr),  T(overlap_aligned_end),
        T(vaddr_beyond_mem),    T(vaddr_above_4g),
        T(filesz_beyond_mem),   T(filesz_huge),
        T(memsz_lt_filesz),     T(end_beyond_mem),
        T(memsz_overflow),      T(round_overflow),
        T(truncated_data),      T(offset_huge),
        T(unaligned_start),     T(unaligned_end),
        T(write_exec),          T(write_exec_only),
        T(too_many_segments),   T(good_image),
        T(empty_loads_ignored), T(paddr_ignored),
        T(prot_flags),          T(small_memory),
        T(abi_missing),         T(abi_bad_namesz),
        T(abi_bad_name),        T(abi_wrong_target),
        T(abi_wrong_version),   T(abi_descsz_lt8),
        T(abi_descsz_zero),     T(abi_descsz_big),
        T(abi_filesz_short),    T(note_lt12),
        T(note_outside_file),   T(second_note_ignored),
        T(first_match_wins),    T(mft_missing),
        T(mft_descsz_4),        T(mft_descsz_0),
        T(mft_descsz_big),      T(mft_filesz_short),
        T(mft_truncated),       T(good_notes),
        T(short_notes_skipped), T(biggest_notes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
