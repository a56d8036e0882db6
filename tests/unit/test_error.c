/* test_error.c: unit tests for the recorded error message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "skiff.h"

/* Callers add context by quoting the message they replace. */
static void test_wrap_own_message(void **state)
{
    (void)state;
    skiff_set_error("not an ELF file");
    skiff_set_error("%s: %s", "k.hvt", skiff_error());
    assert_string_equal(skiff_error(), "k.hvt: not an ELF file");
    skiff_set_error("%s; see --help", skiff_error());
    assert_string_equal(skiff_error(), "k.hvt: not an ELF file; see --help");
}

static void test_truncates(void **state)
{
    static char big[1000];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    skiff_set_error("%s", big);
    assert_int_equal(strlen(skiff_error()), 511);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_own_message),
        cmocka_unit_test(test_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
