/* pagetable_aarch64.c: the guest's initial aarch64 identity map (abi.md 3.6), pure arithmetic. */
#include <string.h>

#include "arch.h"
#include "skiff.h"

/*
 * VMSAv8-64 descriptors, 4 KiB granule. Bits [1:0]: 0b11 is a table at levels 0-2 and a page
 * at level 3; 0b01 is a block at levels 1-2. The lower attributes sit in bits [11:2], the
 * execute-never bits in [54:53]. AttrIndx selects a MAIR_EL1 byte (see kvm_aarch64.c).
 */
#define DESC_TABLE  0x3ULL      /* next-level table (levels 0-2) */
#define DESC_PAGE   0x3ULL      /* 4 KiB page (level 3) */
#define DESC_BLOCK  0x1ULL      /* 1 GiB (level 1) or 2 MiB (level 2) block */
#define ATTR_DEVICE (1ULL << 2) /* AttrIndx 1: Device-nGnRE */
#define ATTR_NORMAL (4ULL << 2) /* AttrIndx 4: Normal, write-back */
#define AP_RO       (1ULL << 7) /* AP[2]: read-only at EL1 */
#define SH_INNER    (3ULL << 8) /* inner shareable */
#define AF          (1ULL << 10)
#define PXN         (1ULL << 53) /* not executable at EL1 */
#define UXN         (1ULL << 54) /* not executable at EL0 */

#define GIB            0x40000000ULL
#define PMD_ENTRIES    2048 /* four level-2 tables back to back: 4 GiB of 2 MiB blocks */
#define MMIO_PUD_INDEX (HVT_HYPERCALL_MMIO_BASE / GIB)

/* Boot data: readable, never writable or executable. Image start: writable, executable. */
#define PTE_BOOT_DATA (DESC_PAGE | ATTR_NORMAL | AP_RO | SH_INNER | AF | PXN | UXN)
#define PTE_RAM       (DESC_PAGE | ATTR_NORMAL | SH_INNER | AF | UXN)
#define PMD_RAM       (DESC_BLOCK | ATTR_NORMAL | SH_INNER | AF | UXN)
#define PUD_MMIO      (DESC_BLOCK | ATTR_DEVICE | SH_INNER | AF | PXN | UXN)

_Static_assert(PTE_BOOT_DATA == 0x60000000000793ULL, "abi.md 3.6 boot data page");
_Static_assert(PTE_RAM == 0x40000000000713ULL, "abi.md 3.6 image page");
_Static_assert(PMD_RAM == 0x40000000000711ULL, "abi.md 3.6 RAM block");
_Static_assert(PUD_MMIO == 0x60000000000705ULL, "abi.md 3.6 MMIO block");

static void put64(uint8_t *mem, uint64_t gpa, uint64_t value)
{
    memcpy(mem + gpa, &value, sizeof(value));
}

void skiff_aarch64_pagetables(uint8_t *mem, uint64_t alloc_size)
{
    uint64_t i, k;

    memset(mem + SKIFF_AARCH64_PGD_BASE, 0,
           SKIFF_AARCH64_PTE_BASE + 0x1000 - SKIFF_AARCH64_PGD_BASE);
    put64(mem, SKIFF_AARCH64_PGD_BASE, SKIFF_AARCH64_PUD_BASE | DESC_TABLE);
    for (i = 0; i < 4 && i * GIB < alloc_size; i++)
        put64(mem, SKIFF_AARCH64_PUD_BASE + i * 8,
              (SKIFF_AARCH64_PMD_BASE + i * 0x1000) | DESC_TABLE);
    /* The hypercall window: a device block, so stores reach KVM as MMIO exits in order. */
    put64(mem, SKIFF_AARCH64_PUD_BASE + MMIO_PUD_INDEX * 8, HVT_HYPERCALL_MMIO_BASE | PUD_MMIO);

    put64(mem, SKIFF_AARCH64_PMD_BASE, SKIFF_AARCH64_PTE_BASE | DESC_TABLE);
    for (k = 1; k < PMD_ENTRIES && k * HVT_MEM_ALIGN < alloc_size; k++)
        put64(mem, SKIFF_AARCH64_PMD_BASE + k * 8, k * HVT_MEM_ALIGN | PMD_RAM);

    /* Below the boot data nothing is mapped, so a NULL dereference faults in the guest. */
    for (i = HVT_BOOT_INFO_BASE / HVT_PAGE_SIZE; i < 512; i++) {
        uint64_t gpa = i * HVT_PAGE_SIZE;

        put64(mem, SKIFF_AARCH64_PTE_BASE + i * 8,
              gpa | (gpa < HVT_GUEST_MIN_BASE ? PTE_BOOT_DATA : PTE_RAM));
    }
}
