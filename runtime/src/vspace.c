/*
 * Mapping frames with the paging structures made on the way (see rt_vspace.h).
 */
#include <rt_vspace.h>

/* The paging structures, by the "bits left" the kernel reports when one is missing. */
static const struct {
    seL4_Word bits_left, type;
    seL4_Error (*map)(seL4_CPtr table, seL4_CPtr vspace, seL4_Word vaddr, seL4_Word attr);
} levels[] = {
    {SEL4_MAPPING_LOOKUP_NO_PT, seL4_X86_PageTableObject, seL4_X86_PageTable_Map},
    {SEL4_MAPPING_LOOKUP_NO_PD, seL4_X86_PageDirectoryObject, seL4_X86_PageDirectory_Map},
    {SEL4_MAPPING_LOOKUP_NO_PDPT, seL4_X86_PDPTObject, seL4_X86_PDPT_Map},
};

seL4_Error rt_map_table(seL4_Word type, seL4_CPtr table, seL4_CPtr vspace, seL4_Word vaddr)
{
    for (unsigned i = 0; i < ARRAY_SIZE(levels); i++) {
        if (levels[i].type == type) {
            return levels[i].map(table, vspace, vaddr, seL4_X86_Default_VMAttributes);
        }
    }
    return seL4_InvalidArgument;
}

seL4_Error rt_map_frame_with(seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                             seL4_CapRights_t rights, seL4_Word attr, rt_table_alloc_fn *alloc,
                             void *ctx)
{
    /* At most one structure per level is missing: PDPT, page directory, page table. */
    for (int tries = 0; tries < 4; tries++) {
        seL4_Error err = seL4_X86_Page_Map(frame, vspace, vaddr, rights, attr);
        if (err != seL4_FailedLookup) {
            return err;
        }
        seL4_Word bits_left = seL4_GetMR(SEL4_MAPPING_LOOKUP_LEVEL), type = 0;
        for (unsigned i = 0; i < ARRAY_SIZE(levels); i++) {
            if (levels[i].bits_left == bits_left) {
                type = levels[i].type;
            }
        }
        if (!type) {
            return err; /* not a missing paging structure */
        }
        seL4_CPtr table;
        err = alloc(ctx, type, &table);
        if (err != seL4_NoError) {
            return err;
        }
        err = rt_map_table(type, table, vspace, vaddr);
        if (err != seL4_NoError) {
            return err;
        }
    }
    return seL4_FailedLookup;
}
