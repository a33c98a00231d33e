/*
 * Address spaces: mapping frames (making the PDPT, page directory and page table on the way),
 * ASID pools, and the scratch window through which the root task fills and reads frames.
 *
 * The paging structures a VSpace has are tracked here rather than discovered from the
 * kernel's lookup-failure details, which keeps the logic independent of error reporting.
 */
#include "roottask.h"

#define SCRATCH_VADDR  0x0000700000000000ul
#define MAX_ASID_POOLS 8 /* seL4_NumASIDPoolsBits = 3 */

static const struct {
    seL4_Word shift;
    seL4_Word type;
} levels[] = {
    {39, seL4_X86_PDPTObject},
    {30, seL4_X86_PageDirectoryObject},
    {21, seL4_X86_PageTableObject},
};

/* The root task's own: paging for the scratch window comes from the root task's memory. */
static struct vspace root_vspace = {.pml4 = seL4_CapInitThreadVSpace};

static int has_table(const struct vspace *vs, seL4_Word shift, seL4_Word prefix)
{
    for (unsigned i = 0; i < vs->ntables; i++) {
        if (vs->tables[i].level_shift == shift && vs->tables[i].prefix == prefix) {
            return 1;
        }
    }
    return 0;
}

static int ensure_tables(struct vspace *vs, seL4_Word vaddr)
{
    for (unsigned l = 0; l < ARRAY_SIZE(levels); l++) {
        seL4_Word prefix = vaddr >> levels[l].shift;
        if (has_table(vs, levels[l].shift, prefix)) {
            continue;
        }
        if (vs->ntables == VSPACE_MAX_TABLES) {
            say("too many paging structures in one address space");
            return -1;
        }
        seL4_CPtr table = object_new(&vs->src, levels[l].type, 0);
        if (!table) {
            return -1;
        }
        seL4_Error err = rt_map_table(levels[l].type, table, vs->pml4, vaddr);
        /* DeleteFirst: the level exists already (the kernel made it for the root task). */
        if (err && err != seL4_DeleteFirst) {
            say("mapping a paging structure at 0x%lx failed: error %d", vaddr, err);
            return -1;
        }
        vs->tables[vs->ntables].level_shift = levels[l].shift;
        vs->tables[vs->ntables].prefix = prefix;
        vs->ntables++;
    }
    return 0;
}

int vspace_map(struct vspace *vs, seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights,
               seL4_X86_VMAttributes attr)
{
    if (ensure_tables(vs, vaddr) < 0) {
        return -1;
    }
    seL4_Error err = seL4_X86_Page_Map(frame, vs->pml4, vaddr, rights, attr);
    if (err) {
        say("mapping a frame at 0x%lx failed: error %d", vaddr, err);
        return -1;
    }
    return 0;
}

seL4_Word vspace_tables_needed(const struct vrange *ranges, unsigned n)
{
    seL4_Word count = 0;
    for (unsigned l = 0; l < ARRAY_SIZE(levels); l++) {
        seL4_Word shift = levels[l].shift, next = 0; /* first prefix not yet counted */
        for (unsigned i = 0; i < n; i++) {
            if (ranges[i].end <= ranges[i].start) {
                continue;
            }
            seL4_Word first = ranges[i].start >> shift, last = (ranges[i].end - 1) >> shift;
            if (first < next) {
                first = next;
            }
            if (last >= first) {
                count += last - first + 1;
                next = last + 1;
            }
        }
    }
    return count;
}

void *scratch_map(seL4_CPtr frame, unsigned page, int writable, seL4_X86_VMAttributes attr)
{
    seL4_Word vaddr = SCRATCH_VADDR + (seL4_Word)page * PAGE_SIZE;
    if (page >= SCRATCH_PAGES || vspace_map(&root_vspace, frame, vaddr,
                                            writable ? seL4_ReadWrite : seL4_CanRead, attr) < 0) {
        fatal("cannot map a frame into the scratch window");
    }
    return (void *)vaddr;
}

void scratch_unmap(seL4_CPtr frame)
{
    seL4_Error err = seL4_X86_Page_Unmap(frame);
    if (err) {
        fatal("unmapping a scratch frame failed: error %d", err);
    }
}

int asid_assign(seL4_CPtr pml4)
{
    static seL4_CPtr pools[MAX_ASID_POOLS] = {seL4_CapInitThreadASIDPool};
    static unsigned npools = 1;
    for (unsigned i = 0;; i++) {
        if (i == npools) {
            /* Every pool is full: make another from a 4 KiB untyped. */
            seL4_CPtr untyped = slot_alloc(), pool = slot_alloc();
            if (npools == MAX_ASID_POOLS || !pool ||
                alloc_object(seL4_UntypedObject, PAGE_BITS, untyped) < 0 ||
                seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, untyped, CSPACE_ROOT, pool,
                                              seL4_WordBits)) {
                say("no ASID left for another address space");
                return -1;
            }
            pools[npools++] = pool;
        }
        seL4_Error err = seL4_X86_ASIDPool_Assign(pools[i], pml4);
        if (err == seL4_NoError) {
            return 0;
        }
        if (err != seL4_DeleteFirst) {
            say("assigning an ASID failed: error %d", err);
            return -1;
        }
    }
}
