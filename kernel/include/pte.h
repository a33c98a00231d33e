/*
 * x86_64 page-table entry bits.
 */
#pragma once

#include <types.h>

#define PTE_PRESENT   BIT(0)
#define PTE_WRITE     BIT(1)
#define PTE_USER      BIT(2)
#define PTE_PWT       BIT(3)
#define PTE_PCD       BIT(4)
#define PTE_ACCESSED  BIT(5)
#define PTE_DIRTY     BIT(6)
#define PTE_HUGE      BIT(7) /* PS in a PD/PDPT entry */
#define PTE_PAT_4K    BIT(7)
#define PTE_GLOBAL    BIT(8)
#define PTE_PAT_LARGE BIT(12)
#define PTE_NX        BIT(63)
#define PTE_ADDR_MASK 0x000ffffffffff000ul

/* Index of vaddr in the table at each level (level 3 = PML4 ... level 0 = PT). */
static inline word_t pt_index(vaddr_t va, int level)
{
    return (va >> (12 + 9 * level)) & 0x1ff;
}
