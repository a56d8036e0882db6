/* cpuwork-host.c: tests/guest/cpuwork.c as a host program: the native baseline of bench-cpu. */
/*
 * usage: cpuwork-native [KIB]. Supplies what cpuwork.c takes from the bindings: the start
 * info (a malloc'd heap, the command line) and the monotonic clock; printf is the host's.
 * Linked with cpuwork.c built with the same optimisation and -mgeneral-regs-only as the
 * guest image (Makefile), so the comparison is of where the code runs, not of the compiler.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "solo5.h"

solo5_time_t solo5_clock_monotonic(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (solo5_time_t)ts.tv_sec * 1000000000ULL + (solo5_time_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    struct solo5_start_info si = {.cmdline = argc > 1 ? argv[1] : ""};
    size_t kib = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
    size_t size = ((kib ? kib : 4096) * 1024) * 2 + (1 << 20);
    void *heap = malloc(size);

    if (!heap) {
        perror("cpuwork-native: malloc");
        return 1;
    }
    si.heap_start = (uintptr_t)heap;
    si.heap_size = size;
    return solo5_app_main(&si);
}
