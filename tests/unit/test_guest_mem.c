/* test_guest_mem.c: the guest-address bounds and read-only checks, and memory sizing. */
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
    assert_int_equal(skiff_guest_read(&g, 8, &r, sizeof(r), SKIFF_READ), 0);
    assert_int_equal(r, v);
    assert_int_equal(skiff_guest_read(&g, 4092, &r, sizeof(r), SKIFF_READ), SKIFF_EXIT_HYPERCALL);
    assert_string_equal(skiff_error(), "invalid guest access: gpa=0xffc, sz=8");
    assert_int_equal(skiff_guest_write(&g, UINT64_MAX - 3, &v, sizeof(v)), SKIFF_EXIT_HYPERCALL);
}

/* A guest with [0x1000, 0x3000) read-only, as an image's text would be: reads anywhere, writes
 * nowhere in it, with the range named; a write that only touches its edge is refused too. */
static void test_readonly(void **state)
{
    (void)state;
    static uint8_t mem[0x4000];
    struct skiff_guest ro = {.mem = mem, .alloc_size = sizeof(mem), .size = sizeof(mem), .nro = 1};
    uint64_t v = 7, r;
    void *p;

    ro.ro[0].start = 0x1000;
    ro.ro[0].end = 0x3000;
    assert_int_equal(skiff_guest_range(&ro, 0x1800, 8, SKIFF_READ, &p), 0);
    assert_ptr_equal(p, mem + 0x1800);
    assert_int_equal(skiff_guest_read(&ro, 0x2ff8, &r, sizeof(r), SKIFF_READ), 0);
    assert_int_equal(skiff_guest_write(&ro, 0x1800, &v, sizeof(v)), SKIFF_EXIT_FAULT);
    assert_string_equal(skiff_error(),
                        "guest memory at gpa=0x1800, sz=8 is read-only (image text or rodata)");
    assert_int_equal(skiff_guest_read(&ro, 0x1800, &r, sizeof(r), SKIFF_READ | SKIFF_WRITE),
                     SKIFF_EXIT_FAULT);
    assert_int_equal(skiff_guest_range(&ro, 0xff8, 9, SKIFF_WRITE, &p), SKIFF_EXIT_FAULT);
    assert_int_equal(skiff_guest_range(&ro, 0x2fff, 1, SKIFF_WRITE, &p), SKIFF_EXIT_FAULT);
    assert_int_equal(skiff_guest_range(&ro, 0x0, 0x4000, SKIFF_WRITE, &p), SKIFF_EXIT_FAULT);
    /* Just outside, either side; and an empty range at its start touches nothing. */
    assert_int_equal(skiff_guest_write(&ro, 0xff8, &v, sizeof(v)), 0);
    assert_int_equal(skiff_guest_write(&ro, 0x3000, &v, sizeof(v)), 0);
    assert_int_equal(skiff_guest_range(&ro, 0x1000, 0, SKIFF_WRITE, &p), 0);
    /* Out of bounds stays the hypercall error, whatever the access. */
    assert_int_equal(skiff_guest_range(&ro, 0x3ff8, 16, SKIFF_WRITE, &p), SKIFF_EXIT_HYPERCALL);
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
        cmocka_unit_test(test_readonly),   cmocka_unit_test(test_mem_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
