/* rotarget.c: hypercalls that would make the tender write into the guest's read-only memory
 * (its text and rodata, which the host maps read-only), chosen by the command line. Each must
 * end the run with exit 81 and one line naming the hypercall, before the tender does anything
 * for it; "puts-rodata" is the control: reading from rodata is fine.
 *   walltime-rodata  WALLTIME's result into a const structure
 *   walltime-text    WALLTIME's result into the code of solo5_app_main
 *   poll-rodata      POLL's result into a const structure
 *   blockread-text   BLOCK_READ's data into the code of solo5_app_main
 *   blockwrite-arg   BLOCK_WRITE with its (written-back) structure in rodata: the disk must
 *                    be left untouched
 *   puts-rodata      PUTS of a string in rodata: printed, exit 0
 */
#include "hvt_abi.h"
#include "skiff_libc.h"
#include "solo5.h"

/* skiff_hypercall(), for requests the bindings would never send */
#include SKIFF_ARCH_H

static const struct hvt_hc_walltime ro_walltime;
static const struct hvt_hc_poll ro_poll = {.timeout_nsecs = 1};
static const char ro_text[] = "RODATA_PUTS_OK\n";
static const char sector[512] = "WRITTEN BY A HOSTILE GUEST";
/* Handle 1 is the manifest's only device, "disk". A valid request in every field: only where
 * the structure lies is wrong. */
static const struct hvt_hc_block_io ro_block_write = {
    .handle = 1, .offset = 0, .data = (uint64_t)(uintptr_t)sector, .len = sizeof(sector)};

int solo5_app_main(const struct solo5_start_info *si)
{
    const char *m = si->cmdline;
    uint64_t text = (uint64_t)(uintptr_t)&solo5_app_main & ~511ULL;

    printf("rotarget: %s\n", m);
    if (!strcmp(m, "walltime-rodata")) {
        skiff_hypercall(HVT_HYPERCALL_WALLTIME, (volatile void *)&ro_walltime);
    } else if (!strcmp(m, "walltime-text")) {
        skiff_hypercall(HVT_HYPERCALL_WALLTIME, (volatile void *)(uintptr_t)text);
    } else if (!strcmp(m, "poll-rodata")) {
        skiff_hypercall(HVT_HYPERCALL_POLL, (volatile void *)&ro_poll);
    } else if (!strcmp(m, "blockread-text")) {
        volatile struct hvt_hc_block_io r = {.handle = 1, .offset = 0, .data = text, .len = 512};

        skiff_hypercall(HVT_HYPERCALL_BLOCK_READ, &r);
    } else if (!strcmp(m, "blockwrite-arg")) {
        skiff_hypercall(HVT_HYPERCALL_BLOCK_WRITE, (volatile void *)&ro_block_write);
    } else if (!strcmp(m, "puts-rodata")) {
        volatile struct hvt_hc_puts p = {.data = (uint64_t)(uintptr_t)ro_text,
                                         .len = sizeof(ro_text) - 1};

        skiff_hypercall(HVT_HYPERCALL_PUTS, &p);
        return 0;
    } else {
        printf("usage: walltime-rodata|walltime-text|poll-rodata|blockread-text|blockwrite-arg|"
               "puts-rodata\n");
        return 2;
    }
    printf("NOT_REACHED\n");
    return 1;
}
