/* test_pagetable.c: the x86_64 identity map of abi.md 3.3, entry by entry. */
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
    skiff_x86_pagetables(mem, alloc_size);
}

static void test_upper_levels(void **state)
{
    (void)state;
    build(64ULL << 20);
    assert_int_equal(entry(0x2000), 0x3003);
    for (int i = 1; i < 512; i++)
        assert_int_equal(entry(0x2000 + 8 * i), 0);
    assert_int_equal(entry(0x3000), 0x4003);
    assert_int_equal(entry(0x3008), 0x5003);
    assert_int_equal(entry(0x3010), 0x6003);
    assert_int_equal(entry(0x3018), 0x7003);
    assert_int_equal(entry(0x3020), 0);
}

static void test_page_directories(void **state)
{
    (void)state;
    build(64ULL << 20);
    assert_int_equal(entry(0x4000), 0x8003);
    for (uint64_t k = 1; k < 32; k++)
        assert_int_equal(entry(0x4000 + 8 * k), k * 0x200000 | 0x83);
    for (uint64_t k = 32; k < 2048; k++)
        assert_int_equal(entry(0x4000 + 8 * k), 0);
}

static void test_four_gib(void **state)
{
    (void)state;
    build(4096ULL << 20);
    assert_int_equal(entry(0x4000 + 8 * 2047), 2047ULL * 0x200000 | 0x83);
    assert_int_equal(entry(0x4000 + 8 * 1024), 1024ULL * 0x200000 | 0x83);
}

static void test_two_mib(void **state)
{
    (void)state;
    build(2ULL << 20);
    assert_int_equal(entry(0x4000), 0x8003);
    assert_int_equal(entry(0x4008), 0);
}

static void test_first_two_mib(void **state)
{
    (void)state;
    build(64ULL << 20);
    for (uint64_t i = 0; i < 16; i++)
        assert_int_equal(entry(0x8000 + 8 * i), 0); /* zero page, GDT, tables: unmapped */
    for (uint64_t i = 16; i < 256; i++)
        assert_int_equal(entry(0x8000 + 8 * i), i * 4096 | 0x1); /* boot data: read-only */
    for (uint64_t i = 256; i < 512; i++)
        assert_int_equal(entry(0x8000 + 8 * i), i * 4096 | 0x3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_upper_levels),  cmocka_unit_test(test_page_directories),
        cmocka_unit_test(test_four_gib),      cmocka_unit_test(test_two_mib),
        cmocka_unit_test(test_first_two_mib),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
