/* test_pagetable_aarch64.c: the aarch64 identity map of abi.md 3.6, entry by entry (any host). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arch.h"
#include "skiff.h"

static uint8_t mem[0x10000];

static uint64_t entry(uint64_t gpa)
{
    uint64_t v;
    memcpy(&v, mem + gpa, sizeof(v));
    return v;
}

static void build(uint64_t alloc_size)
{
    memset(mem, 0xaa, sizeof(mem)); /* stale data must be overwritten */
    skiff_aarch64_pagetables(mem, alloc_size);
}

static void test_level0(void **state)
{
    (void)state;
    build(64ULL << 20);
    assert_int_equal(entry(0x1000), 0x2003);
    for (int i = 1; i < 512; i++)
        assert_int_equal(entry(0x1000 + 8 * i), 0);
}

static void test_level1(void **state)
{
    (void)state;
    build(64ULL << 20);
    assert_int_equal(entry(0x2000), 0x3003);
    for (int i = 1; i < 4; i++)
        assert_int_equal(entry(0x2000 + 8 * i), 0); /* no RAM above 1 GiB */
    assert_int_equal(entry(0x2000 + 8 * 4), 0x100000000ULL | 0x60000000000705ULL);
    for (int i = 5; i < 512; i++)
        assert_int_equal(entry(0x2000 + 8 * i), 0);
}

static void test_level1_four_gib(void **state)
{
    (void)state;
    build(4096ULL << 20);
    assert_int_equal(entry(0x2000), 0x3003);
    assert_int_equal(entry(0x2008), 0x4003);
    assert_int_equal(entry(0x2010), 0x5003);
    assert_int_equal(entry(0x2018), 0x6003);
    assert_int_equal(entry(0x2020), 0x100000000ULL | 0x60000000000705ULL);
    assert_int_equal(entry(0x3000 + 8 * 2047), 2047ULL * 0x200000 | 0x40000000000711ULL);
    assert_int_equal(entry(0x3000 + 8 * 1024), 1024ULL * 0x200000 | 0x40000000000711ULL);
}

static void test_level1_just_over_one_gib(void **state)
{
    (void)state;
    build((1024ULL + 2) << 20);
    assert_int_equal(entry(0x2008), 0x4003);
    assert_int_equal(entry(0x2010), 0);
    assert_int_equal(entry(0x3000 + 8 * 512), 512ULL * 0x200000 | 0x40000000000711ULL);
    assert_int_equal(entry(0x3000 + 8 * 513), 0);
}

static void test_level2(void **state)
{
    (void)state;
    build(64ULL << 20);
    assert_int_equal(entry(0x3000), 0x7003);
    for (uint64_t k = 1; k < 32; k++)
        assert_int_equal(entry(0x3000 + 8 * k), k * 0x200000 | 0x40000000000711ULL);
    for (uint64_t k = 32; k < 2048; k++)
        assert_int_equal(entry(0x3000 + 8 * k), 0);
}

static void test_two_mib(void **state)
{
    (void)state;
    build(2ULL << 20);
    assert_int_equal(entry(0x2000), 0x3003);
    assert_int_equal(entry(0x3000), 0x7003);
    assert_int_equal(entry(0x3008), 0);
}

static void test_level3(void **state)
{
    (void)state;
    build(64ULL << 20);
    for (uint64_t i = 0; i < 16; i++)
        assert_int_equal(entry(0x7000 + 8 * i), 0); /* tables, NULL page: unmapped */
    for (uint64_t i = 16; i < 256; i++)
        assert_int_equal(entry(0x7000 + 8 * i), i * 4096 | 0x60000000000793ULL); /* read-only */
    for (uint64_t i = 256; i < 512; i++)
        assert_int_equal(entry(0x7000 + 8 * i), i * 4096 | 0x40000000000713ULL);
}

static void test_outside_tables_untouched(void **state)
{
    (void)state;
    build(64ULL << 20);
    for (uint64_t gpa = 0; gpa < 0x1000; gpa += 8)
        assert_int_equal(entry(gpa), 0xaaaaaaaaaaaaaaaaULL);
    for (uint64_t gpa = 0x8000; gpa < sizeof(mem); gpa += 8)
        assert_int_equal(entry(gpa), 0xaaaaaaaaaaaaaaaaULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level0),          cmocka_unit_test(test_level1),
        cmocka_unit_test(test_level1_four_gib), cmocka_unit_test(test_level1_just_over_one_gib),
        cmocka_unit_test(test_level2),          cmocka_unit_test(test_two_mib),
        cmocka_unit_test(test_level3),          cmocka_unit_test(test_outside_tables_untouched),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
