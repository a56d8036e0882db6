/* test_guest_mem.c: the guest-address bounds check and memory sizing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "skiff.h"

static uint8_t backing[4096];
static const struct skiff_guest g = {.mem = backing, .alloc_size = 8192, .size = 4096};

static void test_inside(void **state)
{
    (void)state;
    assert_ptr_equal(skiff_gpa_to_host(&g, 0, 4096), backing);
    assert_ptr_equal(skiff_gpa_to_host(&g, 100, 10), backing + 100);
    assert_ptr_equal(skiff_gpa_to_host(&g, 4095, 1), backing + 4095);
    assert_ptr_equal(skiff_gpa_to_host(&g, 4095, 0), backing + 4095);
}

static void test_outside(void **state)
{
    (void)state;
    assert_null(skiff_gpa_to_host(&g, 4096, 0));
    assert_null(skiff_gpa_to_host(&g, 4096, 1));
    assert_null(skiff_gpa_to_host(&g, 4095, 2));
    assert_null(skiff_gpa_to_host(&g, 0, 4097));
    /* The ring region between size and alloc_size is not guest-nameable. */
    assert_null(skiff_gpa_to_host(&g, 5000, 1));
}

static void test_wraparound(void **state)
{
    (void)state;
    assert_null(skiff_gpa_to_host(&g, 1, UINT64_MAX));
    assert_null(skiff_gpa_to_host(&g, UINT64_MAX, 1));
    assert_null(skiff_gpa_to_host(&g, UINT64_MAX - 10, 20));
    assert_null(skiff_gpa_to_host(&g, 100, UINT64_MAX - 50));
}

static void test_read_write_copy(void **state)
{
    (void)state;
    uint64_t v = 0x1122334455667788ULL, r = 0;
    assert_int_equal(skiff_guest_write(&g, 8, &v, sizeof(v)), 0);
    assert_int_equal(skiff_guest_read(&g, 8, &r, sizeof(r)), 0);
    assert_int_equal(r, v);
    assert_int_equal(skiff_guest_read(&g, 4092, &r, sizeof(r)), SKIFF_EXIT_HYPERCALL);
    assert_string_equal(skiff_error(), "invalid guest access: gpa=0xffc, sz=8");
    assert_int_equal(skiff_guest_write(&g, UINT64_MAX - 3, &v, sizeof(v)), SKIFF_EXIT_HYPERCALL);
}

static void test_mem_size(void **state)
{
    (void)state;
    uint64_t size;
    bool adjusted;
    assert_int_equal(skiff_mem_size(64ULL << 20, &size, &adjusted), 0);
    assert_int_equal(size, 64ULL << 20);
    assert_false(adjusted);
    assert_int_equal(skiff_mem_size(1ULL << 20, &size, &adjusted), 0);
    assert_int_equal(size, 2ULL << 20);
    assert_true(adjusted);
    assert_int_equal(skiff_mem_size(3ULL << 20, &size, &adjusted), 0);
    assert_int_equal(size, 2ULL << 20);
    assert_int_equal(skiff_mem_size(4097ULL << 20, &size, &adjusted), 0);
    assert_int_equal(size, 4096ULL << 20);
    assert_true(adjusted);
    assert_int_equal(skiff_mem_size(4098ULL << 20, &size, &adjusted), -1);
    assert_non_null(strstr(skiff_error(), "exceeds the max size 4294967296"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inside),     cmocka_unit_test(test_outside),
        cmocka_unit_test(test_wraparound), cmocka_unit_test(test_read_write_copy),
        cmocka_unit_test(test_mem_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
