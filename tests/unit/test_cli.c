/* test_cli.c: command-line parsing and guest command-line joining. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "skiff.h"

static const char *const keys[] = {"net", "net-mac", "block", "block-sector-size", NULL};
static struct skiff_options o;

#define PARSE(...)                                                                                 \
    ({                                                                                             \
        static char *argv_[] = {"skiff", __VA_ARGS__, NULL};                                       \
        skiff_cli_parse((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, keys, &o);             \
    })

static void test_kernel_and_guest_args(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--mem=64", "k.hvt", "a", "--help", "-x"), 0);
    assert_string_equal(o.kernel, "k.hvt");
    assert_int_equal(o.mem_bytes, 64ULL << 20);
    assert_int_equal(o.guest_argc, 3);
    assert_string_equal(o.guest_argv[1], "--help");
    assert_false(o.help);
}

static void test_default_memory(void **state)
{
    (void)state;
    assert_int_equal(PARSE("k.hvt"), 0);
    assert_int_equal(o.mem_bytes, HVT_MEM_DEFAULT);
    assert_int_equal(o.guest_argc, 0);
}

static void test_double_dash(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--", "k.hvt", "--solo5:quiet"), 0);
    assert_string_equal(o.kernel, "k.hvt");
    assert_string_equal(o.guest_argv[0], "--solo5:quiet");
    assert_int_equal(PARSE("--", "-k.hvt"), 0);
    assert_string_equal(o.kernel, "-k.hvt");
}

static void test_missing_kernel(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--mem=64"), -1);
    assert_string_equal(skiff_error(), "missing KERNEL operand");
    assert_int_equal(PARSE("--mem=64", "--"), -1);
    assert_string_equal(skiff_error(), "missing KERNEL operand");
}

/* --restore takes no KERNEL and no guest arguments; --snapshot is a path like any. */
static void test_snapshot_options(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--snapshot=s.snap", "k.hvt"), 0);
    assert_string_equal(o.snapshot, "s.snap");
    assert_string_equal(o.kernel, "k.hvt");
    assert_int_equal(PARSE("--restore=s.snap", "--net:n0=tap0"), 0);
    assert_string_equal(o.restore, "s.snap");
    assert_null(o.kernel);
    assert_int_equal(o.guest_argc, 0);
    assert_int_equal(o.ndevopts, 1);
    assert_int_equal(PARSE("--restore=s.snap", "k.hvt"), -1);
    assert_string_equal(skiff_error(), "k.hvt: no KERNEL or guest arguments with --restore");
    assert_int_equal(PARSE("--restore=", "k.hvt"), -1);
    assert_string_equal(skiff_error(), "unknown option '--restore='");
}

static void test_help_and_version_win(void **state)
{
    (void)state;
    assert_int_equal(PARSE("-x", "--version"), 0);
    assert_true(o.version);
    assert_int_equal(PARSE("--bogus", "--help", "k.hvt"), 0);
    assert_true(o.help);
}

static void test_bad_mem(void **state)
{
    (void)state;
    const char *bad[] = {"--mem=0", "--mem=abc", "--mem=12abc",
                         "--mem=",  "--mem=-1",  "--mem=99999999999999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *argv[] = {"skiff", (char *)bad[i], "k.hvt", NULL};
        assert_int_equal(skiff_cli_parse(3, argv, keys, &o), -1);
        assert_non_null(strstr(skiff_error(), "--mem"));
    }
}

static void test_unknown_option(void **state)
{
    (void)state;
    assert_int_equal(PARSE("-x", "k.hvt"), -1);
    assert_string_equal(skiff_error(), "unknown option '-x'");
    assert_int_equal(PARSE("--x-exec-heap", "k.hvt"), -1);
    assert_int_equal(PARSE("--dumpcore:a=b", "k.hvt"), -1);
    assert_string_equal(skiff_error(), "unknown option '--dumpcore:a=b'");
    assert_int_equal(PARSE("--:a=b", "k.hvt"), -1);
    assert_string_equal(skiff_error(), "unknown option '--:a=b'");
}

static void test_device_options(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--net:service0=tap0", "--block:storage=/tmp/d.img",
                           "--net-mac:service0=02:00:00:00:00:01", "k.hvt"),
                     0);
    assert_int_equal(o.ndevopts, 3);
    assert_string_equal(o.devopts[0].key, "net");
    assert_string_equal(o.devopts[0].name, "service0");
    assert_string_equal(o.devopts[0].value, "tap0");
    assert_string_equal(o.devopts[1].key, "block");
    assert_string_equal(o.devopts[1].value, "/tmp/d.img");
    assert_string_equal(o.devopts[2].value, "02:00:00:00:00:01");
}

static void test_bad_device_options(void **state)
{
    (void)state;
    assert_int_equal(PARSE("--net:bad-name=tap0", "k.hvt"), -1);
    assert_non_null(strstr(skiff_error(), "letters or digits"));
    assert_int_equal(PARSE("--net:=tap0", "k.hvt"), -1);
    assert_int_equal(PARSE("--net:a=", "k.hvt"), -1);
    assert_non_null(strstr(skiff_error(), "missing value"));
    assert_int_equal(PARSE("--net:a", "k.hvt"), -1);
    assert_string_equal(skiff_error(), "--net:a: expected --net:NAME=VALUE");
    char longname[100] = "--block:";
    memset(longname + 8, 'a', 68);
    strcpy(longname + 76, "=x");
    char *argv[] = {"skiff", longname, "k.hvt", NULL};
    assert_int_equal(skiff_cli_parse(3, argv, keys, &o), -1);
}

static void test_cmdline_join(void **state)
{
    (void)state;
    char buf[16];
    char *args[] = {"Hello_Solo5", "a", "b"};
    assert_int_equal(skiff_cmdline_join(3, args, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "Hello_Solo5 a b");
    assert_int_equal(skiff_cmdline_join(0, args, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    char *toolong[] = {"Hello_Solo5", "abcd"};
    assert_int_equal(skiff_cmdline_join(2, toolong, buf, sizeof(buf)), -1);
    assert_non_null(strstr(skiff_error(), "max=15"));
}

static void test_cmdline_limit(void **state)
{
    (void)state;
    static char big[HVT_CMDLINE_SIZE + 1], buf[HVT_CMDLINE_SIZE];
    char *args[] = {big};
    memset(big, 'x', HVT_CMDLINE_SIZE - 1);
    assert_int_equal(skiff_cmdline_join(1, args, buf, sizeof(buf)), 0);
    big[HVT_CMDLINE_SIZE - 1] = 'x';
    assert_int_equal(skiff_cmdline_join(1, args, buf, sizeof(buf)), -1);
    assert_non_null(strstr(skiff_error(), "guest command line too long (max=8191"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_and_guest_args), cmocka_unit_test(test_default_memory),
        cmocka_unit_test(test_double_dash),           cmocka_unit_test(test_missing_kernel),
        cmocka_unit_test(test_help_and_version_win),  cmocka_unit_test(test_bad_mem),
        cmocka_unit_test(test_unknown_option),        cmocka_unit_test(test_device_options),
        cmocka_unit_test(test_bad_device_options),    cmocka_unit_test(test_cmdline_join),
        cmocka_unit_test(test_cmdline_limit),         cmocka_unit_test(test_snapshot_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
