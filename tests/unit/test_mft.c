/* test_mft.c: unit tests for manifest validation (abi.md 2.4) and lookups. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "skiff.h"

/* A buffer big enough for the largest manifest, aligned like the tender's. */
static union {
    struct mft m;
    uint8_t bytes[MFT_MAX_SIZE + 64];
} buf;

/* Builds a valid manifest with the reserved entry plus n - 1 block devices "dev1"... */
static struct mft *make(uint32_t n)
{
    memset(&buf, 0, sizeof(buf));
    buf.m.version = MFT_VERSION;
    buf.m.entries = n;
    if (n > 0)
        buf.m.e[0].type = MFT_RESERVED_FIRST;
    for (uint32_t i = 1; i < n && i < MFT_MAX_ENTRIES; i++) {
        snprintf(buf.m.e[i].name, MFT_NAME_SIZE, "dev%u", i);
        buf.m.e[i].type = MFT_DEV_BLOCK_BASIC;
    }
    return &buf.m;
}

static void assert_invalid(const struct mft *m, size_t size, const char *needle)
{
    skiff_set_error("%s", "");
    assert_int_equal(skiff_mft_validate(m, size), -1);
    assert_non_null(strstr(skiff_error(), "manifest is invalid"));
    if (strstr(skiff_error(), needle) == NULL)
        fail_msg("error '%s' lacks '%s'", skiff_error(), needle);
}

static void valid_minimal(void **state)
{
    (void)state;
    assert_int_equal(skiff_mft_validate(make(1), MFT_SIZE(1)), 0);
    assert_int_equal(MFT_SIZE(1), 112);
}

static void valid_maximal(void **state)
{
    (void)state;
    assert_int_equal(skiff_mft_validate(make(64), MFT_SIZE(64)), 0);
    assert_int_equal(MFT_SIZE(64), MFT_MAX_SIZE);
}

static void too_small(void **state)
{
    (void)state;
    assert_invalid(make(1), 0, "size 0");
    assert_invalid(make(1), 7, "size 7");
}

static void too_big(void **state)
{
    (void)state;
    assert_invalid(make(1), MFT_MAX_SIZE + 1, "size 6665");
}

static void bad_version(void **state)
{
    struct mft *m = make(1);

    (void)state;
    m->version = 2;
    assert_invalid(m, MFT_SIZE(1), "version 2");
    m->version = 0;
    assert_invalid(m, MFT_SIZE(1), "version 0");
}

static void too_many_entries(void **state)
{
    struct mft *m = make(64);

    (void)state;
    m->entries = 65;
    assert_invalid(m, MFT_SIZE(64), "65 entries");
    m->entries = UINT32_MAX;
    assert_invalid(m, MFT_SIZE(64), "4294967295 entries");
}

static void size_mismatch(void **state)
{
    (void)state;
    assert_invalid(make(2), MFT_SIZE(1), "does not match 2 entries");
    assert_invalid(make(2), MFT_SIZE(2) + 1, "does not match");
    assert_invalid(make(2), MFT_SIZE(2) - 1, "does not match");
    /* The size of the header alone with entries == 1 is a mismatch, not a read past the end. */
    assert_invalid(make(1), sizeof(struct mft), "does not match");
}

static void no_entries(void **state)
{
    (void)state;
    assert_invalid(make(0), MFT_SIZE(0), "no entries");
}

static void first_not_reserved(void **state)
{
    struct mft *m = make(2);

    (void)state;
    m->e[0].type = MFT_DEV_BLOCK_BASIC;
    assert_invalid(m, MFT_SIZE(2), "entry 0");
    m->e[0].type = MFT_RESERVED_FIRST + 1;
    assert_invalid(m, MFT_SIZE(2), "entry 0");
    m = make(2);
    m->e[0].name[0] = 'x';
    assert_invalid(m, MFT_SIZE(2), "entry 0");
}

static void name_not_terminated(void **state)
{
    struct mft *m = make(3);

    (void)state;
    memset(m->e[2].name, 'a', MFT_NAME_SIZE);
    assert_invalid(m, MFT_SIZE(3), "entry 2: name");
    m = make(3);
    m->e[0].name[MFT_NAME_SIZE - 1] = 'z';
    assert_invalid(m, MFT_SIZE(3), "entry 0: name");
    /* 67 characters plus the NUL is the longest valid name. */
    m = make(3);
    memset(m->e[1].name, 'b', MFT_NAME_MAX);
    m->e[1].name[MFT_NAME_MAX] = '\0';
    assert_int_equal(skiff_mft_validate(m, MFT_SIZE(3)), 0);
}

static void attached_in_image(void **state)
{
    struct mft *m = make(3);

    (void)state;
    m->e[1].attached = 1;
    assert_invalid(m, MFT_SIZE(3), "entry 1: marked attached");
    m = make(3);
    m->e[0].attached = 0xff;
    assert_invalid(m, MFT_SIZE(3), "entry 0: marked attached");
}

static void find(void **state)
{
    struct mft *m = make(4);

    (void)state;
    m->e[3].type = MFT_DEV_NET_BASIC;
    strcpy(m->e[3].name, "service0");
    assert_ptr_equal(skiff_mft_find(m, "dev1", MFT_DEV_BLOCK_BASIC), &m->e[1]);
    assert_ptr_equal(skiff_mft_find(m, "dev2", MFT_DEV_BLOCK_BASIC), &m->e[2]);
    assert_ptr_equal(skiff_mft_find(m, "service0", MFT_DEV_NET_BASIC), &m->e[3]);
    assert_null(skiff_mft_find(m, "service0", MFT_DEV_BLOCK_BASIC));
    assert_null(skiff_mft_find(m, "dev1", MFT_DEV_NET_BASIC));
    assert_null(skiff_mft_find(m, "dev", MFT_DEV_BLOCK_BASIC));
    assert_null(skiff_mft_find(m, "dev10", MFT_DEV_BLOCK_BASIC));
    assert_null(skiff_mft_find(m, "Dev1", MFT_DEV_BLOCK_BASIC));
    assert_null(skiff_mft_find(m, "nosuch", MFT_DEV_BLOCK_BASIC));
}

static void find_long_names(void **state)
{
    struct mft *m = make(2);
    char name[100];

    (void)state;
    memset(m->e[1].name, 'n', MFT_NAME_MAX);
    memset(name, 'n', sizeof(name));
    name[MFT_NAME_MAX] = '\0';
    assert_ptr_equal(skiff_mft_find(m, name, MFT_DEV_BLOCK_BASIC), &m->e[1]);
    /* One character more than an entry can hold never matches. */
    name[MFT_NAME_MAX] = 'n';
    name[MFT_NAME_SIZE] = '\0';
    assert_null(skiff_mft_find(m, name, MFT_DEV_BLOCK_BASIC));
}

static void attached_all(void **state)
{
    struct mft *m = make(3);

    (void)state;
    assert_int_equal(skiff_mft_check_attached(make(1)), 0);
    m->e[1].attached = 1;
    m->e[2].attached = 1;
    assert_int_equal(skiff_mft_check_attached(m), 0);
}

static void attached_missing(void **state)
{
    struct mft *m = make(4);

    (void)state;
    strcpy(m->e[2].name, "storage");
    strcpy(m->e[3].name, "service0");
    m->e[3].type = MFT_DEV_NET_BASIC;
    m->e[1].attached = 1;
    assert_int_equal(skiff_mft_check_attached(m), -1);
    assert_string_equal(skiff_error(),
                        "device 'storage' of type BLOCK_BASIC declared but not attached");
    m->e[2].attached = 1;
    assert_int_equal(skiff_mft_check_attached(m), -1);
    assert_string_equal(skiff_error(),
                        "device 'service0' of type NET_BASIC declared but not attached");
    m->e[3].type = 9;
    assert_int_equal(skiff_mft_check_attached(m), -1);
    assert_string_equal(skiff_error(),
                        "device 'service0' of type <undefined type> declared but not attached");
}

static void attached_reserved_exempt(void **state)
{
    struct mft *m = make(3);

    (void)state;
    m->e[1].type = MFT_RESERVED_FIRST;
    m->e[2].type = UINT32_MAX;
    assert_int_equal(skiff_mft_check_attached(m), 0);
    m->e[2].type = MFT_RESERVED_FIRST - 1;
    assert_int_equal(skiff_mft_check_attached(m), -1);
}

static void unknown_type(void **state)
{
    struct mft *m = make(3);

    (void)state;
    m->e[2].type = 3;
    assert_invalid(m, MFT_SIZE(3), "entry 2 ('dev2'): unknown device type 3");
    m->e[2].type = MFT_RESERVED_FIRST;
    assert_invalid(m, MFT_SIZE(3), "unknown device type");
    m->e[2].type = MFT_DEV_NET_BASIC;
    assert_int_equal(skiff_mft_validate(m, MFT_SIZE(3)), 0);
}

static void tender_fields_set(void **state)
{
    struct mft *m = make(3);

    (void)state;
    m->e[1].u.block_basic.block_size = 1;
    assert_invalid(m, MFT_SIZE(3), "entry 1 ('dev1'): fields the tender fills in are set");
    m->e[1].u.block_basic.block_size = 0;
    m->e[2].u.block_basic.pad[5] = 1;
    assert_invalid(m, MFT_SIZE(3), "entry 2 ('dev2'): fields the tender fills in");
    m->e[2].u.block_basic.pad[5] = 0;
    m->e[2].tender_private = 1;
    assert_invalid(m, MFT_SIZE(3), "entry 2 ('dev2'): fields the tender fills in");
}

static void duplicate_names(void **state)
{
    struct mft *m = make(64);

    (void)state;
    strcpy(m->e[63].name, "dev7");
    assert_invalid(m, MFT_SIZE(64), "duplicate device name 'dev7' (entries 7 and 63)");
    /* The same name under another type is still ambiguous on the command line's side. */
    m->e[63].type = MFT_DEV_NET_BASIC;
    assert_invalid(m, MFT_SIZE(64), "duplicate device name 'dev7'");
}

static void printable_name(void **state)
{
    struct mft *m = make(2);
    char out[SKIFF_MFT_PRINTABLE_SIZE];

    (void)state;
    strcpy(m->e[1].name, "st\x1b[31mRED\nFAKE: 'a\\b'");
    assert_string_equal(skiff_mft_printable_name(&m->e[1], out),
                        "st\\x1b[31mRED\\x0aFAKE: \\x27a\\x5cb\\x27");
    /* The longest name, every byte escaped, fits. */
    memset(m->e[1].name, 0xff, MFT_NAME_MAX);
    m->e[1].name[MFT_NAME_MAX] = '\0';
    assert_int_equal(strlen(skiff_mft_printable_name(&m->e[1], out)), 4 * MFT_NAME_MAX);
}

static void type_names(void **state)
{
    (void)state;
    assert_string_equal(skiff_mft_type_name(MFT_DEV_BLOCK_BASIC), "BLOCK_BASIC");
    assert_string_equal(skiff_mft_type_name(MFT_DEV_NET_BASIC), "NET_BASIC");
    assert_string_equal(skiff_mft_type_name(0), "<undefined type>");
    assert_string_equal(skiff_mft_type_name(3), "<undefined type>");
    assert_string_equal(skiff_mft_type_name(MFT_RESERVED_FIRST), "<undefined type>");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_minimal),      cmocka_unit_test(valid_maximal),
        cmocka_unit_test(too_small),          cmocka_unit_test(too_big),
        cmocka_unit_test(bad_version),        cmocka_unit_test(too_many_entries),
        cmocka_unit_test(size_mismatch),      cmocka_unit_test(no_entries),
        cmocka_unit_test(first_not_reserved), cmocka_unit_test(name_not_terminated),
        cmocka_unit_test(attached_in_image),  cmocka_unit_test(find),
        cmocka_unit_test(find_long_names),    cmocka_unit_test(attached_all),
        cmocka_unit_test(attached_missing),   cmocka_unit_test(attached_reserved_exempt),
        cmocka_unit_test(type_names),         cmocka_unit_test(unknown_type),
        cmocka_unit_test(tender_fields_set),  cmocka_unit_test(duplicate_names),
        cmocka_unit_test(printable_name),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
