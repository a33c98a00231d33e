/*
 * Mapping frames with the paging structures made on the way (see rt_vspace.h).
 */
#include <rt_vspace.h>

/* The paging structure whose absence the kernel reports as `bits_left`, or -1. */
static int missing_level(seL4_Word bits_left, seL4_Word *type)
{
    switch (bits_left) {
    case SEL4_MAPPING_LOOKUP_NO_PT:
        *type = seL4_X86_PageTableObject;
        return 0;
    case SEL4_MAPPING_LOOKUP_NO_PD:
        *type = seL4_X86_PageDirectoryObject;
        return 0;
    case SEL4_MAPPING_LOOKUP_NO_PDPT:
        *type = seL4_X86_PDPTObject;
        return 0;
    default:
        return -1;
    }
}

seL4_Error rt_map_table(seL4_Word type, seL4_CPtr table, seL4_CPtr vspace, seL4_Word vaddr)
{
    switch (type) {
    case seL4_X86_PageTableObject:
        return seL4_X86_PageTable_Map(table, vspace, vaddr, seL4_X86_Default_VMAttributes);
    case seL4_X86_PageDirectoryObject:
        return seL4_X86_PageDirectory_Map(table, vspace, vaddr, seL4_X86_Default_VMAttributes);
    case seL4_X86_PDPTObject:
        return seL4_X86_PDPT_Map(table, vspace, vaddr, seL4_X86_Default_VMAttributes);
    default:
        return seL4_InvalidArgument;
    }
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
        seL4_Word type;
        if (missing_level(seL4_GetMR(SEL4_MAPPING_LOOKUP_LEVEL), &type) != 0) {
            return err;
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
