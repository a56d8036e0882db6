/* badport.c: an I/O port access outside the hypercall range, chosen by the command line:
 * "out" (4-byte OUT to 0x515), "byte" (1-byte OUT to 0x502), "in" (IN from 0x500),
 * "kick" (ring kick 0x600 without ring I/O), "zero" (hypercall number 0). */
#include "skiff_libc.h"
#include "solo5.h"

int solo5_app_main(const struct solo5_start_info *si)
{
    uint32_t v = 0x10000;

    if (!strcmp(si->cmdline, "out"))
        __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"((uint16_t)0x515));
    else if (!strcmp(si->cmdline, "byte"))
        __asm__ volatile("outb %b0, %1" : : "a"(v), "Nd"((uint16_t)0x502));
    else if (!strcmp(si->cmdline, "in"))
        __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)0x500));
    else if (!strcmp(si->cmdline, "kick"))
        __asm__ volatile("outl %0, %1" : : "a"(0), "Nd"((uint16_t)0x600));
    else if (!strcmp(si->cmdline, "zero"))
        __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"((uint16_t)0x500));
    return 0;
}
