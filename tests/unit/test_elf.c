/* test_elf.c: unit tests for the image checks and loader: the ELF header, the entry point and
 * the segments (abi.md 1.1-1.3), on images built by elf_image.c. */
#include "elf_image.h"

/* ---- ELF header (abi.md 1.1) ---- */
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

/* ---- entry point (abi.md 1.2) ---- */
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

/* ---- segments (abi.md 1.3), in the order of the checks ---- */
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
