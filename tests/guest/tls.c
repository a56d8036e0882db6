/* tls.c: after solo5_tls_init() and solo5_set_tls_base(), __thread variables work. */
#include "solo5.h"
#include "skiff_libc.h"

static __thread int t_data = 0x1234;
static __thread char t_byte = 'k';
static __thread long t_bss;
static __thread int t_bss_array[5];

/* Two TLS areas in BSS (zeroed, as solo5_tls_init() requires), 16-byte aligned. */
static char areas[2][256] __attribute__((aligned(16)));

/*
 * The TLS accesses live in functions of their own, called after each solo5_set_tls_base():
 * compilers treat the thread pointer as constant within a function, and on aarch64 GCC reads
 * TPIDR_EL0 once and keeps it across calls (x86_64 %fs accesses are always fresh).
 */
static __attribute__((noinline)) int check(int id)
{
    int ok = t_data == 0x1234 && t_byte == 'k' && t_bss == 0 && t_bss_array[4] == 0;

    t_data += id;
    t_bss = id * 100;
    t_bss_array[4] = id;
    return ok && t_data == 0x1234 + id && t_bss == id * 100 && t_bss_array[4] == id;
}

static __attribute__((noinline)) int survived(void)
{
    return t_data == 0x1235 && t_bss == 100;
}

int solo5_app_main(const struct solo5_start_info *si)
{
    int ok = 1;

    (void)si;
    if (solo5_tls_size() > sizeof(areas[0]) || solo5_tls_init(0) != SOLO5_R_EINVAL) {
        printf("FAILURE: tls_size %zu\n", solo5_tls_size());
        return 1;
    }
    for (int id = 0; id < 2; id++) {
        uintptr_t a = (uintptr_t)areas[id];

        ok &= solo5_tls_init(a) == SOLO5_R_OK;
        ok &= solo5_set_tls_base(solo5_tls_tp_offset(a)) == SOLO5_R_OK;
        ok &= check(id + 1);
    }
    /* Back to the first area: its values survived the switch. */
    solo5_set_tls_base(solo5_tls_tp_offset((uintptr_t)areas[0]));
    ok &= survived();
    printf(ok ? "SUCCESS\n" : "FAILURE\n");
    return ok ? 0 : 1;
}
