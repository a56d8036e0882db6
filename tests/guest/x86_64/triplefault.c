/* triplefault.c: loads an empty IDT and touches the unmapped zero page: the page fault cannot
 * be delivered, nor the double fault that follows, so the CPU triple faults. */
#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } idtr = {0, 0};

    (void)si;
    __asm__ volatile("lidt %0; movq 0, %%rax" : : "m"(idtr) : "rax");
    return 0;
}
