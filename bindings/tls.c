/* tls.c: thread-local storage areas (layout from the arch hooks, image from the linker). */
#include "bindings.h"

/* Bytes of .tdata (with any padding before .tbss) and .tbss, from the linker script. */
static size_t tls_len(void)
{
    return (size_t)(uintptr_t)_ltdata + (size_t)(uintptr_t)_ltbss;
}

size_t solo5_tls_size(void)
{
    return tls_len() + SKIFF_TLS_TCB_SIZE;
}

uintptr_t solo5_tls_tp_offset(uintptr_t tls)
{
    return skiff_tls_tp(tls, tls_len());
}

solo5_result_t solo5_tls_init(uintptr_t tls)
{
    uintptr_t tp;

    if (tls == 0)
        return SOLO5_R_EINVAL;
    tp = solo5_tls_tp_offset(tls);
    *(uintptr_t *)tp = tp;
    memcpy((void *)skiff_tls_data(tls), _stdata, (size_t)(uintptr_t)_ltdata);
    return SOLO5_R_OK;
}

solo5_result_t solo5_set_tls_base(uintptr_t base)
{
    skiff_set_tp(base);
    return SOLO5_R_OK;
}
