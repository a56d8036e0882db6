/* bigputs.c: one PUTS of most of the heap (the command line's MiB, default 16), the kind of
 * write that blocks for good when stdout is a pipe nobody reads. A stop signal must still end
 * the run at once (exit 128 + N). Prints nothing else: its stdout is that pipe. */
#include "args.h"
#include "hvt_abi.h"
#include "skiff_libc.h"
#include "solo5.h"

/* skiff_hypercall(): one hypercall of the whole size, which the bindings would split */
#include SKIFF_ARCH_H

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *arg = si->cmdline;
    uint64_t mib = *arg ? arg_number(&arg) : 16;
    volatile struct hvt_hc_puts p = {.data = si->heap_start, .len = mib << 20};

    if (p.len > si->heap_size)
        return 2;
    skiff_hypercall(HVT_HYPERCALL_PUTS, &p);
    return 0;
}
