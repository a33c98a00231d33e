/*
 * rumpuser(3) memory: the rump kernel's page-sized, page-aligned allocations come straight
 * from the platform allocator, as do its anonymous mappings (which must read as zero).
 * Nothing here blocks: memory is all mapped at start-up, so an allocation either succeeds
 * at once or fails with ENOMEM and the rump kernel's pagedaemon takes over.
 */
#include "hyp.h"

/*
 * On failure *memp is null, as NetBSD's own hypervisor layer leaves it: parts of the rump
 * kernel look at the pointer rather than the error (a stale value there was taken for a page).
 */
int rumpuser_malloc(size_t len, int alignment, void **memp)
{
    *memp = 0;
    if (alignment < 0 || (alignment & (alignment - 1))) {
        return EINVAL;
    }
    void *p = pf_malloc(len, (size_t)alignment);
    if (!p) {
        return ENOMEM;
    }
    *memp = p;
    return 0;
}

void rumpuser_free(void *mem, size_t len)
{
    (void)len; /* the allocator knows the size of every block */
    pf_free(mem);
}

/*
 * The preferred address is only a hint (a unikernel has one address space and the heap is
 * already laid out); mappings are always executable, as all seL4 user mappings are.
 */
int rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec, void **memp)
{
    (void)prefaddr;
    (void)exec;
    *memp = 0;
    if (alignbit < 0 || alignbit > 40) {
        return EINVAL;
    }
    void *p = pf_page_alloc(size, (size_t)1 << alignbit);
    if (!p) {
        return ENOMEM;
    }
    memset(p, 0, size);
    *memp = p;
    return 0;
}

/* Unmaps a whole mapping from rumpuser_anonmmap (partial unmaps are not supported). */
void rumpuser_unmap(void *addr, size_t size)
{
    (void)size;
    pf_page_free(addr);
}
