/* test_seccomp_prog.c: the seccomp program builder, its programs run by a small BPF
 * interpreter on made-up system calls (the kernel's behaviour is test_sandbox's business). */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "seccomp_prog.h"
#include "skiff.h"

#define ARCH  AUDIT_ARCH_X86_64
#define KILL  SECCOMP_RET_KILL_PROCESS
#define ALLOW SECCOMP_RET_ALLOW

static struct sock_filter prog[BPF_MAXINSNS];
static long len;

/* Runs the program on one call; only what the builder emits is understood. */
static uint32_t run(uint32_t arch, int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
    struct seccomp_data d = {.nr = nr, .arch = arch, .args = {a0, a1, a2}};
    uint32_t acc = 0;

    for (long pc = 0; pc < len; pc++) {
        const struct sock_filter *i = &prog[pc];

        switch (i->code) {
        case BPF_LD | BPF_W | BPF_ABS:
            assert_true(i->k + 4 <= sizeof(d));
            memcpy(&acc, (const uint8_t *)&d + i->k, 4);
            break;
        case BPF_JMP | BPF_JEQ | BPF_K:
            pc += acc == i->k ? i->jt : i->jf;
            break;
        case BPF_RET | BPF_K:
            return i->k;
        default:
            fail_msg("instruction %ld: unexpected code 0x%x", pc, i->code);
        }
    }
    fail_msg("ran off the end of the program");
    return 0;
}

static const struct skiff_seccomp_rule rules[] = {
    {.nr = 1, .nconds = 1, .cond = {{.arg = 0, .nvalues = 3, .values = {1, 2, 7}}}},
    {.nr = 16,
     .nconds = 2,
     .cond = {{.arg = 0, .nvalues = 1, .values = {5}},
              {.arg = 1, .nvalues = 2, .values = {0xae80, 0x8090ae81}}}},
    {.nr = 60},
    {.nr = 28, .nconds = 1, .cond = {{.arg = 2, .nvalues = 1, .values = {4}}}},
};

static void build(void)
{
    len = skiff_seccomp_build(rules, sizeof(rules) / sizeof(rules[0]), ARCH, prog, BPF_MAXINSNS);
    assert_true(len > 0);
}

static void test_allowed_calls(void **state)
{
    (void)state;
    build();
    assert_int_equal(run(ARCH, 1, 1, 0, 0), ALLOW);
    assert_int_equal(run(ARCH, 1, 7, 0, 0), ALLOW);
    assert_int_equal(run(ARCH, 16, 5, 0xae80, 0), ALLOW);
    assert_int_equal(run(ARCH, 16, 5, 0x8090ae81, 0), ALLOW);
    assert_int_equal(run(ARCH, 60, 99, 99, 99), ALLOW);
    assert_int_equal(run(ARCH, 28, 0, 0, 4), ALLOW);
}

static void test_conditions(void **state)
{
    (void)state;
    build();
    assert_int_equal(run(ARCH, 1, 3, 0, 0), KILL);               /* fd not in the set */
    assert_int_equal(run(ARCH, 16, 6, 0xae80, 0), KILL);         /* first condition fails */
    assert_int_equal(run(ARCH, 16, 5, 0xae82, 0), KILL);         /* second condition fails */
    assert_int_equal(run(ARCH, 28, 0, 0, 3), KILL);              /* third argument */
    assert_int_equal(run(ARCH, 1, 1ULL << 32 | 1, 0, 0), ALLOW); /* low 32 bits only */
}

static void test_everything_else_killed(void **state)
{
    (void)state;
    build();
    assert_int_equal(run(ARCH, 0, 1, 0, 0), KILL);
    assert_int_equal(run(ARCH, 59, 0, 0, 0), KILL);
    assert_int_equal(run(ARCH, 0x40000000 | 60, 0, 0, 0), KILL); /* x32 ABI */
    assert_int_equal(run(AUDIT_ARCH_I386, 60, 0, 0, 0), KILL);
    assert_int_equal(run(AUDIT_ARCH_AARCH64, 60, 0, 0, 0), KILL);
}

static void test_malformed_rules(void **state)
{
    struct skiff_seccomp_rule r = {.nr = 1, .nconds = 1, .cond = {{.arg = 0, .nvalues = 0}}};

    (void)state;
    assert_int_equal(skiff_seccomp_build(&r, 1, ARCH, prog, BPF_MAXINSNS), -1); /* empty set */
    r.cond[0] = (struct skiff_seccomp_cond){.arg = 6, .nvalues = 1, .values = {1}};
    assert_int_equal(skiff_seccomp_build(&r, 1, ARCH, prog, BPF_MAXINSNS), -1); /* no arg 6 */
    r.cond[0].arg = 0;
    assert_int_equal(skiff_seccomp_build(&r, 1, ARCH, prog, 9), -1); /* does not fit */
    /* 3 for the architecture, 6 for the rule, the final kill */
    assert_int_equal(skiff_seccomp_build(&r, 1, ARCH, prog, 10), 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowed_calls),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_everything_else_killed),
        cmocka_unit_test(test_malformed_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
