/* test_elf_notes.c: unit tests for reading the ABI and manifest notes (abi.md 1.4-1.6), on
 * images built by elf_image.c. */
#include "elf_image.h"

/* ---- notes (abi.md 1.4-1.6) ---- */
REJECT_NOTES(abi_missing, "no Solo5 ABI information found in executable",
             set_u32(ABI_OFF + 8, 0x30494241))
REJECT_NOTES(abi_bad_namesz, "no Solo5 ABI information", set_u32(ABI_OFF, 5))
REJECT_NOTES(abi_bad_name, "no Solo5 ABI information", data[ABI_OFF + 16] = '6')
REJECT_NOTES(abi_wrong_target, "executable is not for the solo5-hvt target",
             set_u32(ABI_OFF + 20, 3))
REJECT_NOTES(abi_wrong_version, "executable requests unsupported ABI version 1",
             set_u32(ABI_OFF + 24, 1))
REJECT_NOTES(abi_descsz_lt8, "does not fall within valid size", set_u32(ABI_OFF + 4, 4))
REJECT_NOTES(abi_descsz_zero, "does not fall within valid size", set_u32(ABI_OFF + 4, 0))
REJECT_NOTES(abi_descsz_big, "does not fall within valid size", set_u32(ABI_OFF + 4, 33);
             PH[4].p_filesz = 100)
REJECT_NOTES(abi_filesz_short, "does not fall within valid size", PH[4].p_filesz = 35)
REJECT_NOTES(note_lt12, "program header 3: PT_NOTE of 11 bytes", PH[3].p_filesz = 11)
REJECT_NOTES(note_outside_file, "beyond the end of the file", PH[4].p_offset = MFT_OFF + 300)
REJECT_NOTES(second_note_ignored, "no Solo5 ABI information",
             PH[3].p_filesz = ABI_OFF + 36 - BSD_OFF;
             PH[4].p_type = PT_NULL)
REJECT_NOTES(first_match_wins, "unsupported ABI version 1", EH.e_phnum = 7; PH[6] = PH[4];
             memcpy(data + 0x4f00, data + ABI_OFF, 36); PH[6].p_offset = 0x4f00; file_len = 0x5000;
             set_u32(ABI_OFF + 24, 1))
REJECT_NOTES(mft_missing, "no Solo5 manifest found in executable", PH[5].p_type = PT_NULL)
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
        T(abi_missing),         T(abi_bad_namesz),   T(abi_bad_name),      T(abi_wrong_target),
        T(abi_wrong_version),   T(abi_descsz_lt8),   T(abi_descsz_zero),   T(abi_descsz_big),
        T(abi_filesz_short),    T(note_lt12),        T(note_outside_file), T(second_note_ignored),
        T(first_match_wins),    T(mft_missing),      T(mft_descsz_4),      T(mft_descsz_0),
        T(mft_descsz_big),      T(mft_filesz_short), T(mft_truncated),     T(good_notes),
        T(short_notes_skipped), T(biggest_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
