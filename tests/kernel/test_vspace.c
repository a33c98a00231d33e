/*
 * Paging structures and ASIDs: PDPT / PageDirectory / PageTable Map and Unmap with their
 * errors, the missing-level replies of Page_Map, ASIDControl_MakePool and ASIDPool_Assign,
 * removal of mappings when paging caps go away, and a thread in a VSpace of its own.
 */
#include "support.h"

#define VA_LOW 0x10000000000ul /* 1 TiB: PML4 entry 2, unused by the root task */

static seL4_CPtr new_obj(seL4_Word type)
{
    return alloc_obj(type, 0);
}

TEST(vspace_assign_pml4)
{
    seL4_CPtr pml4 = new_obj(seL4_X64_PML4Object);
    /* Unassigned: not a valid root for mappings. */
    CHECK_ERR(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), pml4, 0, 0), seL4_InvalidCapability);
    CHECK_MR(0, 1);
    CHECK_OK(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4));
    /* Assigned once only. */
    CHECK_ERR(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4), seL4_InvalidCapability);
    CHECK_MR(0, 1);
    /* Now copyable, and usable for mappings. */
    seL4_CPtr copy = copy_cap(pml4, seL4_AllRights);
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), copy, 0, 0));
    /* Only a PML4 can be assigned. */
    CHECK_ERR(seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, new_obj(seL4_X86_PDPTObject)),
              seL4_InvalidCapability);
}

TEST(vspace_pdpt_map_unmap)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr pdpt = new_obj(seL4_X86_PDPTObject);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, vs, VA_LOW, 0));
    CHECK_ERR(seL4_X86_PDPT_Map(pdpt, vs, VA_LOW * 2, 0), seL4_InvalidCapability); /* mapped */
    CHECK_MR(0, 0);
    /* The slot is taken. */
    CHECK_ERR(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, VA_LOW + 0x1000, 0),
              seL4_DeleteFirst);
    CHECK_OK(seL4_X86_PDPT_Unmap(pdpt));
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, VA_LOW, 0));
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, vs, VA_LOW * 2, 0));
    /* Above the user range. */
    CHECK_ERR(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, 0x800000000000ul, 0),
              seL4_InvalidArgument);
    CHECK_MR(0, 0);
}

TEST(vspace_pd_map_unmap)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr pd = new_obj(seL4_X86_PageDirectoryObject);
    /* No PDPT yet: FailedLookup, 39 bits left. */
    CHECK_ERR(seL4_X86_PageDirectory_Map(pd, vs, VA_LOW, 0), seL4_FailedLookup);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_MissingCapability);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PDPT);
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, VA_LOW, 0));
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, vs, VA_LOW + 0x1234, 0)); /* address rounded down */
    CHECK_ERR(seL4_X86_PageDirectory_Map(pd, vs, VA_LOW + (1ul << 30), 0), seL4_InvalidCapability);
    CHECK_ERR(
        seL4_X86_PageDirectory_Map(new_obj(seL4_X86_PageDirectoryObject), vs, VA_LOW + 0x200000, 0),
        seL4_DeleteFirst);
    CHECK_OK(seL4_X86_PageDirectory_Unmap(pd));
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, vs, VA_LOW + (1ul << 30), 0));
}

TEST(vspace_pt_map_unmap)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr pt = new_obj(seL4_X86_PageTableObject);
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, VA_LOW, 0));
    /* No page directory yet: 30 bits left. */
    CHECK_ERR(seL4_X86_PageTable_Map(pt, vs, VA_LOW, 0), seL4_FailedLookup);
    CHECK_MR(1, seL4_MissingCapability);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PD);
    CHECK_OK(seL4_X86_PageDirectory_Map(new_obj(seL4_X86_PageDirectoryObject), vs, VA_LOW, 0));
    CHECK_OK(seL4_X86_PageTable_Map(pt, vs, VA_LOW + 0x3456, 0));
    CHECK_ERR(seL4_X86_PageTable_Map(pt, vs, VA_LOW + 0x200000, 0), seL4_InvalidCapability);
    CHECK_MR(0, 0);
    CHECK_ERR(seL4_X86_PageTable_Map(new_obj(seL4_X86_PageTableObject), vs, VA_LOW, 0),
              seL4_DeleteFirst);
    /* The PT covers VA_LOW .. +2 MiB: a frame at its last page needs nothing more. */
    CHECK_OK(seL4_X86_Page_Map(new_obj(seL4_X86_4K), vs, VA_LOW + 0x1ff000, seL4_ReadWrite, 0));
    CHECK_OK(seL4_X86_PageTable_Unmap(pt));
    CHECK_ERR(seL4_X86_Page_Map(new_obj(seL4_X86_4K), vs, VA_LOW, seL4_ReadWrite, 0),
              seL4_FailedLookup);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PT);
}

TEST(vspace_page_map_missing_levels)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr frame = new_obj(seL4_X86_4K);
    seL4_Word va = VA_LOW + 0x40201000;
    CHECK_ERR(seL4_X86_Page_Map(frame, vs, va, seL4_ReadWrite, 0), seL4_FailedLookup);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_MissingCapability);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PDPT);
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, va, 0));
    CHECK_ERR(seL4_X86_Page_Map(frame, vs, va, seL4_ReadWrite, 0), seL4_FailedLookup);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PD);
    CHECK_OK(seL4_X86_PageDirectory_Map(new_obj(seL4_X86_PageDirectoryObject), vs, va, 0));
    CHECK_ERR(seL4_X86_Page_Map(frame, vs, va, seL4_ReadWrite, 0), seL4_FailedLookup);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PT);
    CHECK_OK(seL4_X86_PageTable_Map(new_obj(seL4_X86_PageTableObject), vs, va, 0));
    CHECK_OK(seL4_X86_Page_Map(frame, vs, va, seL4_ReadWrite, 0));
}

TEST(vspace_large_and_huge_missing_levels)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr large = alloc_obj(seL4_X86_LargePageObject, 0);
    CHECK_ERR(seL4_X86_Page_Map(large, vs, VA_LOW, seL4_ReadWrite, 0), seL4_FailedLookup);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PDPT);
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, VA_LOW, 0));
    CHECK_ERR(seL4_X86_Page_Map(large, vs, VA_LOW, seL4_ReadWrite, 0), seL4_FailedLookup);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PD);
    CHECK_OK(seL4_X86_PageDirectory_Map(new_obj(seL4_X86_PageDirectoryObject), vs, VA_LOW, 0));
    /* A large page needs no page table. */
    CHECK_OK(seL4_X86_Page_Map(large, vs, VA_LOW, seL4_ReadWrite, 0));
    if (!env.huge_ut) {
        return;
    }
    defer_revoke(env.huge_ut);
    seL4_CPtr huge = alloc_slot();
    CHECK_OK(
        seL4_Untyped_Retype(env.huge_ut, seL4_X64_HugePageObject, 0, ROOT_CNODE, 0, 0, huge, 1));
    seL4_CPtr vs2 = new_vspace();
    CHECK_ERR(seL4_X86_Page_Map(huge, vs2, VA_LOW, seL4_ReadWrite, 0), seL4_FailedLookup);
    CHECK_MR(2, SEL4_MAPPING_LOOKUP_NO_PDPT);
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs2, VA_LOW, 0));
    CHECK_OK(seL4_X86_Page_Map(huge, vs2, VA_LOW, seL4_ReadWrite, 0)); /* no PD needed */
}

TEST(vspace_structures_over_pages_refused)
{
    seL4_CPtr vs = new_vspace();
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, VA_LOW, 0));
    CHECK_OK(seL4_X86_PageDirectory_Map(new_obj(seL4_X86_PageDirectoryObject), vs, VA_LOW, 0));
    /* A large page where a page table is mapped, and the other way round. */
    CHECK_OK(seL4_X86_PageTable_Map(new_obj(seL4_X86_PageTableObject), vs, VA_LOW, 0));
    CHECK_ERR(
        seL4_X86_Page_Map(alloc_obj(seL4_X86_LargePageObject, 0), vs, VA_LOW, seL4_ReadWrite, 0),
        seL4_DeleteFirst);
    CHECK_OK(seL4_X86_Page_Map(alloc_obj(seL4_X86_LargePageObject, 0), vs, VA_LOW + 0x200000,
                               seL4_ReadWrite, 0));
    CHECK_ERR(seL4_X86_PageTable_Map(new_obj(seL4_X86_PageTableObject), vs, VA_LOW + 0x200000, 0),
              seL4_DeleteFirst);
    if (!env.huge_ut) {
        return;
    }
    /* A huge page where a page directory is mapped, and the other way round. */
    defer_revoke(env.huge_ut);
    seL4_CPtr huge = alloc_slot();
    CHECK_OK(
        seL4_Untyped_Retype(env.huge_ut, seL4_X64_HugePageObject, 0, ROOT_CNODE, 0, 0, huge, 1));
    CHECK_ERR(seL4_X86_Page_Map(huge, vs, VA_LOW, seL4_ReadWrite, 0), seL4_DeleteFirst);
    CHECK_OK(seL4_X86_Page_Map(huge, vs, VA_LOW + (1ul << 30), seL4_ReadWrite, 0));
    CHECK_ERR(seL4_X86_PageDirectory_Map(new_obj(seL4_X86_PageDirectoryObject), vs,
                                         VA_LOW + (1ul << 30), 0),
              seL4_DeleteFirst);
}

TEST(vspace_unmap_needs_last_cap)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr pdpt = new_obj(seL4_X86_PDPTObject);
    seL4_CPtr pd = new_obj(seL4_X86_PageDirectoryObject);
    seL4_CPtr pt = new_obj(seL4_X86_PageTableObject);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, vs, VA_LOW, 0));
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, vs, VA_LOW, 0));
    CHECK_OK(seL4_X86_PageTable_Map(pt, vs, VA_LOW, 0));
    /* Mapped structures can be copied; while a copy exists they cannot be unmapped. */
    seL4_CPtr c1 = copy_cap(pt, seL4_AllRights);
    seL4_CPtr c2 = copy_cap(pd, seL4_AllRights);
    seL4_CPtr c3 = copy_cap(pdpt, seL4_AllRights);
    CHECK_ERR(seL4_X86_PageTable_Unmap(pt), seL4_RevokeFirst);
    CHECK_ERR(seL4_X86_PageDirectory_Unmap(pd), seL4_RevokeFirst);
    CHECK_ERR(seL4_X86_PDPT_Unmap(pdpt), seL4_RevokeFirst);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, c1, WORD_BITS));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, c2, WORD_BITS));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, c3, WORD_BITS));
    CHECK_OK(seL4_X86_PageTable_Unmap(pt));
    CHECK_OK(seL4_X86_PageDirectory_Unmap(pd));
    CHECK_OK(seL4_X86_PDPT_Unmap(pdpt));
    /* Unmapping an unmapped structure is fine. */
    CHECK_OK(seL4_X86_PageTable_Unmap(pt));
}

TEST(vspace_wrong_labels_and_roots)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr pt = new_obj(seL4_X86_PageTableObject);
    seL4_Word w[3] = {0, 0, 0};
    CHECK_ERR(seL4_Invoke_(pt, seL4_X86PageMap, 0, 3, w, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_Invoke_(vs, seL4_X86PageTableMap, 0, 2, w, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_Invoke_(seL4_CapInitThreadASIDPool, seL4_X86ASIDControlMakePool, 0, 2, w, 0),
              seL4_IllegalOperation);
    /* Mapping into something that is not a PML4. */
    CHECK_ERR(seL4_X86_PageTable_Map(pt, new_obj(seL4_X86_PageDirectoryObject), VA_LOW, 0),
              seL4_InvalidCapability);
    CHECK_MR(0, 1);
    /* Truncated: no vspace cap. */
    CHECK_ERR(seL4_Invoke_(pt, seL4_X86PageTableMap, 0, 2, w, 0), seL4_TruncatedMessage);
}

TEST(vspace_asid_make_pool)
{
    seL4_CPtr ut = alloc_untyped(seL4_ASIDPoolBits);
    seL4_CPtr pool = alloc_slot();
    CHECK_OK(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT_CNODE, pool, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(pool), seL4_CapType_ASIDPool);
    /* The untyped is used up by the pool. */
    CHECK_ERR(
        seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT_CNODE, alloc_slot(), WORD_BITS),
        seL4_RevokeFirst);
    /* A VSpace from the new pool works. */
    seL4_CPtr vs = new_obj(seL4_X64_PML4Object);
    CHECK_OK(seL4_X86_ASIDPool_Assign(pool, vs));
    CHECK_OK(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, VA_LOW, 0));
}

TEST(vspace_asid_make_pool_errors)
{
    seL4_CPtr big = alloc_untyped(seL4_ASIDPoolBits + 1);
    seL4_CPtr small = alloc_untyped(seL4_ASIDPoolBits - 1);
    seL4_CPtr ok = alloc_untyped(seL4_ASIDPoolBits);
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, big, ROOT_CNODE, alloc_slot(),
                                            WORD_BITS),
              seL4_InvalidCapability);
    CHECK_MR(0, 1);
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, small, ROOT_CNODE, alloc_slot(),
                                            WORD_BITS),
              seL4_InvalidCapability);
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, alloc_obj(seL4_EndpointObject, 0),
                                            ROOT_CNODE, alloc_slot(), WORD_BITS),
              seL4_InvalidCapability);
    seL4_CPtr dev = 0;
    seL4_Word paddr;
    CHECK_OK(
        rt_alloc_device_object(&env.test, seL4_UntypedObject, seL4_ASIDPoolBits, &dev, &paddr));
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, dev, ROOT_CNODE, alloc_slot(),
                                            WORD_BITS),
              seL4_InvalidCapability);
    /* Occupied destination. */
    CHECK_ERR(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ok, ROOT_CNODE, ok, WORD_BITS),
              seL4_DeleteFirst);
    /* An untyped with children. */
    seL4_CPtr child = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ok, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, child, 1));
    CHECK_ERR(
        seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ok, ROOT_CNODE, alloc_slot(), WORD_BITS),
        seL4_RevokeFirst);
}

TEST(vspace_asid_all_pools_used)
{
    /* Pool 0 is the initial thread's; seven more can be made, then there is no room. */
    seL4_CPtr ut = alloc_untyped(seL4_ASIDPoolBits + 3);
    seL4_CPtr first = alloc_slot();
    for (int i = 1; i < 8; i++) {
        alloc_slot();
    }
    CHECK_OK(
        seL4_Untyped_Retype(ut, seL4_UntypedObject, seL4_ASIDPoolBits, ROOT_CNODE, 0, 0, first, 8));
    int made = 0;
    seL4_Error err = seL4_NoError;
    for (int i = 0; i < 8 && err == seL4_NoError; i++) {
        err = seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, first + (seL4_Word)i, ROOT_CNODE,
                                            alloc_slot(), WORD_BITS);
        made += err == seL4_NoError;
    }
    CHECK_ERR(err, seL4_DeleteFirst);
    CHECK_EQ(made, 7);
    /* Deleting a pool frees its place. */
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, first, WORD_BITS));
    CHECK_OK(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, first + 7, ROOT_CNODE, alloc_slot(),
                                           WORD_BITS));
}

TEST(vspace_asid_pool_full)
{
    seL4_CPtr ut = alloc_untyped(seL4_ASIDPoolBits);
    seL4_CPtr pool = alloc_slot();
    CHECK_OK(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT_CNODE, pool, WORD_BITS));
    /* 512 PML4s fill a fresh pool. */
    seL4_CPtr mem = alloc_untyped(seL4_PML4Bits + 9);
    seL4_CPtr first = alloc_slot();
    for (int i = 1; i < 513; i++) {
        alloc_slot();
    }
    CHECK_OK(seL4_Untyped_Retype(mem, seL4_X64_PML4Object, 0, ROOT_CNODE, 0, 0, first, 256));
    CHECK_OK(seL4_Untyped_Retype(mem, seL4_X64_PML4Object, 0, ROOT_CNODE, 0, 0, first + 256, 256));
    for (seL4_Word i = 0; i < 512; i++) {
        CHECK_OK(seL4_X86_ASIDPool_Assign(pool, first + i));
    }
    seL4_CPtr extra = alloc_obj(seL4_X64_PML4Object, 0);
    CHECK_ERR(seL4_X86_ASIDPool_Assign(pool, extra), seL4_DeleteFirst);
    /* Deleting a VSpace frees its ASID. */
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, first + 100, WORD_BITS));
    CHECK_OK(seL4_X86_ASIDPool_Assign(pool, extra));
}

TEST(vspace_deleted_pool_invalidates_vspaces)
{
    seL4_CPtr ut = alloc_untyped(seL4_ASIDPoolBits);
    seL4_CPtr pool = alloc_slot();
    CHECK_OK(seL4_X86_ASIDControl_MakePool(seL4_CapASIDControl, ut, ROOT_CNODE, pool, WORD_BITS));
    seL4_CPtr vs = new_obj(seL4_X64_PML4Object);
    CHECK_OK(seL4_X86_ASIDPool_Assign(pool, vs));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, pool, WORD_BITS));
    CHECK_ERR(seL4_X86_PDPT_Map(new_obj(seL4_X86_PDPTObject), vs, VA_LOW, 0), seL4_FailedLookup);
}

/* --- Mappings disappear with their caps (seen by a thread touching the page) ---------- */

static void expect_vm_fault(seL4_Word addr, seL4_Word expected_value)
{
    seL4_Word value = 0;
    struct msg m;
    if (expected_value) {
        CHECK(run_probe(fn_read, addr, 0, &value, &m));
        CHECK_EQ(value, expected_value);
        return;
    }
    CHECK(!run_probe(fn_read, addr, 0, &value, &m));
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    CHECK_EQ(m.mr[seL4_VMFault_Addr], addr);
}

TEST(vspace_delete_frame_cap_unmaps)
{
    seL4_CPtr frame = map_new_frame(SCRATCH_VADDR);
    *(volatile seL4_Word *)SCRATCH_VADDR = 0x1111;
    expect_vm_fault(SCRATCH_VADDR, 0x1111);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, frame, WORD_BITS));
    expect_vm_fault(SCRATCH_VADDR, 0);
}

TEST(vspace_frame_unmap_unmaps)
{
    seL4_CPtr frame = map_new_frame(SCRATCH_VADDR);
    *(volatile seL4_Word *)SCRATCH_VADDR = 0x2222;
    CHECK_OK(seL4_X86_Page_Unmap(frame));
    expect_vm_fault(SCRATCH_VADDR, 0);
    /* The frame keeps its contents and can be mapped again. */
    CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_VADDR + 0x1000, seL4_ReadWrite, 0));
    CHECK_EQ(*(volatile seL4_Word *)(SCRATCH_VADDR + 0x1000), 0x2222);
}

TEST(vspace_revoke_untyped_unmaps)
{
    seL4_CPtr ut = alloc_untyped(seL4_PageBits);
    seL4_CPtr frame = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, frame, 1));
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_ReadWrite, 0));
    *(volatile seL4_Word *)SCRATCH_VADDR = 0x3333;
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
    expect_vm_fault(SCRATCH_VADDR, 0);
}

TEST(vspace_delete_page_table_unmaps)
{
    seL4_CPtr pt = new_obj(seL4_X86_PageTableObject);
    CHECK_OK(seL4_X86_PageTable_Map(pt, ROOT_VS, SCRATCH_VADDR, 0));
    seL4_CPtr frame = new_obj(seL4_X86_4K);
    CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_VADDR, seL4_ReadWrite, 0));
    *(volatile seL4_Word *)SCRATCH_VADDR = 0x4444;
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, pt, WORD_BITS));
    expect_vm_fault(SCRATCH_VADDR, 0);
    /* The frame survives: unmap it and map it again under a new page table. */
    CHECK_OK(seL4_X86_Page_Unmap(frame));
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_ReadWrite, 0));
    expect_vm_fault(SCRATCH_VADDR, 0x4444);
}

TEST(vspace_unmap_page_directory_unmaps)
{
    /* A PD for the 1 GiB window at SCRATCH_1G_VADDR, with a PT and a frame under it. */
    seL4_CPtr pd = new_obj(seL4_X86_PageDirectoryObject);
    CHECK_OK(seL4_X86_PageDirectory_Map(pd, ROOT_VS, SCRATCH_1G_VADDR, 0));
    seL4_CPtr frame = map_new_frame(SCRATCH_1G_VADDR + 0x5000);
    *(volatile seL4_Word *)(SCRATCH_1G_VADDR + 0x5000) = 0x5555;
    expect_vm_fault(SCRATCH_1G_VADDR + 0x5000, 0x5555);
    CHECK_OK(seL4_X86_PageDirectory_Unmap(pd));
    expect_vm_fault(SCRATCH_1G_VADDR + 0x5000, 0);
    (void)frame;
}

TEST(vspace_delete_pdpt_unmaps)
{
    seL4_CPtr pdpt = new_obj(seL4_X86_PDPTObject);
    CHECK_OK(seL4_X86_PDPT_Map(pdpt, ROOT_VS, SCRATCH2_VADDR, 0));
    map_new_frame(SCRATCH2_VADDR);
    *(volatile seL4_Word *)SCRATCH2_VADDR = 0x6666;
    expect_vm_fault(SCRATCH2_VADDR, 0x6666);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, pdpt, WORD_BITS));
    expect_vm_fault(SCRATCH2_VADDR, 0);
}

/* --- A thread in a VSpace of its own ----------------------------------------------------- */

TEST(vspace_thread_in_new_vspace)
{
    seL4_CPtr vs = new_vspace();
    seL4_CPtr code = map_new_frame(SCRATCH_VADDR);
    seL4_CPtr data = map_new_frame(SCRATCH_VADDR + 0x1000);
    /* movabs $0x600dc0de, %rax; movabs %rax, 0x500000; ud2 */
    static const unsigned char prog[] = {0x48, 0xb8, 0xde, 0xc0, 0x0d, 0x60, 0, 0, 0, 0,    0x48,
                                         0xa3, 0x00, 0x00, 0x50, 0,    0,    0, 0, 0, 0x0f, 0x0b};
    memcpy((void *)SCRATCH_VADDR, prog, sizeof(prog));
    /* The same frames, through copies of their caps, at 0x400000 / 0x500000 in the new space. */
    seL4_CPtr code2 = copy_cap(code, seL4_AllRights);
    seL4_CPtr data2 = copy_cap(data, seL4_AllRights);
    CHECK_OK(rt_map_frame(&env.test, vs, code2, 0x400000, seL4_CanRead, 0));
    CHECK_OK(rt_map_frame(&env.test, vs, data2, 0x500000, seL4_ReadWrite, 0));
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr tcb = alloc_obj(seL4_TCBObject, 0);
    CHECK_OK(seL4_TCB_Configure(tcb, mint_badged(ep, 1), ROOT_CNODE, 0, vs, 0, 0, 0));
    CHECK_OK(seL4_TCB_SetPriority(tcb, ROOT_TCB, ROOT_PRIO));
    seL4_UserContext ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.rip = 0x400000;
    ctx.rsp = 0x501000;
    CHECK_OK(seL4_TCB_WriteRegisters(tcb, 1, 0, 2, &ctx));
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_UserException);
    CHECK_EQ(m.mr[seL4_UserException_FaultIP], 0x400000 + 20);
    CHECK_EQ(*(volatile seL4_Word *)(SCRATCH_VADDR + 0x1000), 0x600dc0de);
}
