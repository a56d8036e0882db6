/* test_lwip_args.c: the network options of a lwIP unikernel's command line (lwip/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "skiff_lwip.h"

static struct skiff_lwip_config cfg;

#define ADDR(a, b, c, d) lwip_htonl(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static void test_address_and_gateway(void **state)
{
    (void)state;
    assert_null(skiff_lwip_parse_args("app --ipv4=10.0.2.15/24 x --ipv4-gateway=10.0.2.2", &cfg));
    assert_int_equal(ip4_addr_get_u32(&cfg.addr), ADDR(10, 0, 2, 15));
    assert_int_equal(ip4_addr_get_u32(&cfg.netmask), ADDR(255, 255, 255, 0));
    assert_int_equal(ip4_addr_get_u32(&cfg.gateway), ADDR(10, 0, 2, 2));
}

static void test_prefixes(void **state)
{
    (void)state;
    assert_null(skiff_lwip_parse_args("--ipv4=192.168.1.1/32", &cfg));
    assert_int_equal(ip4_addr_get_u32(&cfg.netmask), ADDR(255, 255, 255, 255));
    assert_int_equal(ip4_addr_get_u32(&cfg.gateway), 0);
    assert_null(skiff_lwip_parse_args("  --ipv4=0.0.0.1/1  ", &cfg));
    assert_int_equal(ip4_addr_get_u32(&cfg.netmask), ADDR(128, 0, 0, 0));
    assert_null(skiff_lwip_parse_args("--ipv4=255.255.255.254/31", &cfg));
    assert_int_equal(ip4_addr_get_u32(&cfg.netmask), ADDR(255, 255, 255, 254));
}

static void test_missing(void **state)
{
    (void)state;
    assert_string_equal(skiff_lwip_parse_args(NULL, &cfg), "--ipv4=ADDR/PREFIX is missing");
    assert_string_equal(skiff_lwip_parse_args("", &cfg), "--ipv4=ADDR/PREFIX is missing");
    assert_string_equal(skiff_lwip_parse_args("--ipv4-gateway=10.0.0.1 --ipv4", &cfg),
                        "--ipv4=ADDR/PREFIX is missing");
}

/* Each of the n command lines in bad must be refused with msg. */
static void expect_refused(const char *const *bad, size_t n, const char *msg)
{
    for (size_t i = 0; i < n; i++) {
        const char *got = skiff_lwip_parse_args(bad[i], &cfg);
        if (!got)
            fail_msg("%s: accepted", bad[i]);
        assert_string_equal(got, msg);
    }
}

static void test_bad_addresses(void **state)
{
    static const char *const bad[] = {
        "--ipv4=",
        "--ipv4=10.0.0.1",
        "--ipv4=10.0.0.1/",
        "--ipv4=10.0.0.1/0",
        "--ipv4=10.0.0.1/33",
        "--ipv4=10.0.0.1/024",
        "--ipv4=10.0.0/24",
        "--ipv4=10.0.0.256/8",
        "--ipv4=10.0.0.01/8",
        "--ipv4=10..0.1/8",
        "--ipv4=10.0.0.1.1/8",
        "--ipv4=a.b.c.d/8",
        "--ipv4=10.0.0.1/2x",
        "--ipv4=-1.0.0.1/8",
        "--ipv4=1000.0.0.1/8",
        "--ipv4=10.0.0.1/100",
    };

    (void)state;
    expect_refused(bad, sizeof(bad) / sizeof(bad[0]),
                   "--ipv4= takes ADDR/PREFIX (a dotted quad, a prefix of 1-32)");
}

static void test_bad_gateways(void **state)
{
    static const char *const bad[] = {"--ipv4-gateway=", "--ipv4-gateway=10.0.0",
                                      "--ipv4-gateway=10.0.0.1/24", "--ipv4-gateway=10.0.0.300"};

    (void)state;
    expect_refused(bad, sizeof(bad) / sizeof(bad[0]),
                   "--ipv4-gateway= takes an IPv4 address (a dotted quad)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_address_and_gateway),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_bad_addresses),
        cmocka_unit_test(test_bad_gateways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
