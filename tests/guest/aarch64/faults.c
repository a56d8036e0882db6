/* faults.c: aarch64 faults the bindings or the tender must report, chosen by the command line. */
/*
 *   udf    an undefined instruction: trap report (ESR class 0), exit 255
 *   brk    a BRK instruction: trap report (ESR class 0x3c), exit 255
 *   badsp  a push with SP = 0x10: the vectors must move to their own stack to report it
 *   far    a load from 2 GiB, beyond guest memory: data abort at that address, exit 255
 *   wild   a PUTS hypercall whose data lies outside guest memory: the tender refuses it
 */
#include "hvt_abi.h"
#include "skiff_libc.h"
#include "solo5.h"

/* skiff_hypercall(), for a request the bindings would never send */
#include SKIFF_ARCH_H

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *m = si->cmdline;

    printf("fault: %s\n", m);
    if (!strcmp(m, "udf")) {
        __asm__ volatile("udf #0");
    } else if (!strcmp(m, "brk")) {
        __asm__ volatile("brk #1");
    } else if (!strcmp(m, "badsp")) {
        __asm__ volatile("mov x9, #0x10\n\t"
                         "mov sp, x9\n\t"
                         "str xzr, [sp, #-16]!"
                         :
                         :
                         : "x9", "memory");
    } else if (!strcmp(m, "far")) {
        printf("read %d\n", *(volatile int *)0x80000000UL);
    } else if (!strcmp(m, "wild")) {
        volatile struct hvt_hc_puts p = {.data = 0xfffffff0, .len = 100};

        skiff_hypercall(HVT_HYPERCALL_PUTS, &p);
    } else {
        printf("usage: udf|brk|badsp|far|wild\n");
        return 2;
    }
    printf("NOT_REACHED\n");
    return 1;
}
