/* pagetable_x86_64.c: the guest's initial identity map (abi.md 3.3), built from pure arithmetic. */
#include <string.h>

#include "arch.h"
#include "skiff.h"

#define PTE_P  0x1ULL  /* present */
#define PTE_RW 0x2ULL  /* writable */
#define PTE_PS 0x80ULL /* 2 MiB page in a page directory */

#define PD_ENTRIES 2048 /* four page directories back to back: 4 GiB of 2 MiB pages */

static void put64(uint8_t *mem, uint64_t gpa, uint64_t value)
{
    memcpy(mem + gpa, &value, sizeof(value));
}

void skiff_x86_pagetables(uint8_t *mem, uint64_t alloc_size)
{
    uint64_t k, i;

    /* The boot data area (0x10000-0xfffff) is read-only to the guest; below it nothing is
     * mapped, so a NULL dereference faults inside the guest. The rest of the first 2 MiB,
     * where the image starts, is writable 4 KiB pages so segment protections could be split. */
    memset(mem + SKIFF_X86_PML4_BASE, 0, SKIFF_X86_PT0_BASE + 0x1000 - SKIFF_X86_PML4_BASE);
    put64(mem, SKIFF_X86_PML4_BASE, SKIFF_X86_PDPT_BASE | PTE_P | PTE_RW);
    for (k = 0; k < 4; k++)
        put64(mem, SKIFF_X86_PDPT_BASE + k * 8, (SKIFF_X86_PD_BASE + k * 0x1000) | PTE_P | PTE_RW);
    put64(mem, SKIFF_X86_PD_BASE, SKIFF_X86_PT0_BASE | PTE_P | PTE_RW);
    for (k = 1; k < PD_ENTRIES && k * HVT_MEM_ALIGN < alloc_size; k++)
        put64(mem, SKIFF_X86_PD_BASE + k * 8, k * HVT_MEM_ALIGN | PTE_P | PTE_RW | PTE_PS);
    for (i = HVT_BOOT_INFO_BASE / HVT_PAGE_SIZE; i < 512; i++) {
        uint64_t gpa = i * HVT_PAGE_SIZE;
        put64(mem, SKIFF_X86_PT0_BASE + i * 8,
              gpa | PTE_P | (gpa >= HVT_GUEST_MIN_BASE ? PTE_RW : 0));
    }
}
