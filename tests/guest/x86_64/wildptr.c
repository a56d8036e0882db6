/* wildptr.c: hypercalls with guest addresses skiff must refuse, chosen by the command line:
 * "data" (console data outside memory), "wrap" (a length that wraps around), "arg" (the
 * argument structure itself outside memory), "cookie" (a halt cookie at the end of memory),
 * "edge" (console data ending exactly at the end of memory: allowed). */
#include "hvt_abi.h"
#include "skiff_libc.h"
#include "solo5.h"

static void hypercall(unsigned nr, volatile void *arg)
{
    __asm__ volatile("outl %0, %1"
                     :
                     : "a"((uint32_t)(uintptr_t)arg), "Nd"((uint16_t)(HVT_HYPERCALL_PIO_BASE + nr))
                     : "memory");
}

int solo5_app_main(const struct solo5_start_info *si)
{
    volatile struct hvt_hc_puts puts;
    volatile struct hvt_hc_halt halt;
    uint64_t end = si->heap_start + si->heap_size;

    if (!strcmp(si->cmdline, "data")) {
        puts.data = 0xfffffff0;
        puts.len = 100;
        hypercall(HVT_HYPERCALL_PUTS, &puts);
    } else if (!strcmp(si->cmdline, "wrap")) {
        puts.data = 0x100000;
        puts.len = ~0ULL - 0xfffff;
        hypercall(HVT_HYPERCALL_PUTS, &puts);
    } else if (!strcmp(si->cmdline, "arg")) {
        hypercall(HVT_HYPERCALL_PUTS, (volatile void *)(uintptr_t)0xfffffff8);
    } else if (!strcmp(si->cmdline, "cookie")) {
        halt.cookie = end - 100;
        halt.exit_status = 3;
        hypercall(HVT_HYPERCALL_HALT, &halt);
    } else if (!strcmp(si->cmdline, "edge")) {
        /* The last bytes of memory hold the initial stack; print 2 of them. */
        puts.data = end - 2;
        puts.len = 2;
        hypercall(HVT_HYPERCALL_PUTS, &puts);
        solo5_console_write("\nEDGE_OK\n", 9);
    }
    return 0;
}
