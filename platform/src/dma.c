/*
 * DMA memory. Every heap page is already mapped and its physical address known (mem.c),
 * so DMA memory is a heap block that happens to be physically contiguous: always true up to
 * 2 MiB (a block that size or smaller lies inside one 2 MiB frame), and usually true above
 * because frames retyped from one untyped are physically consecutive and mapped in order.
 * Blocks that straddle a physical discontinuity, or whose physical address lacks the
 * requested alignment, are set aside and the search goes on.
 */
#include "internal.h"

#define MAX_TRIES 16

void *pf_dma_alloc(size_t size, size_t align, uintptr_t *phys)
{
    void *rejected[MAX_TRIES];
    unsigned n_rejected = 0;
    void *va = 0;
    while (n_rejected < MAX_TRIES) {
        void *p = pf_page_alloc(size, align);
        if (!p) {
            break;
        }
        uintptr_t pa = pf_mem_phys_contiguous(p, size ? size : 1);
        /* Devices need the physical alignment; frames above 2 MiB may not provide it. */
        if (pa && !(align && (pa & (align - 1)))) {
            va = p;
            *phys = pa;
            break;
        }
        rejected[n_rejected++] = p;
    }
    while (n_rejected) {
        pf_page_free(rejected[--n_rejected]);
    }
    if (va) {
        /* Devices see stale data otherwise; bus_dmamem_alloc callers expect clean memory. */
        memset(va, 0, size);
    }
    return va;
}

void pf_dma_free(void *va)
{
    pf_page_free(va);
}
