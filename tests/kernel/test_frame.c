/*
 * Frames: 4 KiB, 2 MiB and 1 GiB Map/Unmap/GetAddress, alignment and address-range checks,
 * remap rules, mapping rights (checked by a helper thread touching the page) and VM
 * attributes.
 */
#include "support.h"

#define VA_TOP_PAGE 0x7fffffffe000ul /* highest 4 KiB page whose end is within the user range */

static seL4_Word get_paddr(seL4_CPtr frame)
{
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(frame);
    CHECK_OK(r.error);
    return r.paddr;
}

TEST(frame_map_4k_read_write)
{
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_ReadWrite, 0));
    volatile seL4_Word *p = (volatile seL4_Word *)SCRATCH_VADDR;
    p[0] = 0x1234;
    p[511] = 0x5678;
    CHECK_EQ(p[0], 0x1234);
    CHECK_EQ(p[511], 0x5678);
    CHECK_OK(seL4_X86_Page_Unmap(frame));
    /* Unmapping an unmapped frame is fine. */
    CHECK_OK(seL4_X86_Page_Unmap(frame));
}

TEST(frame_map_large_page)
{
    seL4_CPtr frame = alloc_obj(seL4_X86_LargePageObject, 0);
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_ReadWrite, 0));
    volatile seL4_Word *p = (volatile seL4_Word *)SCRATCH_VADDR;
    seL4_Word words = (1ul << seL4_LargePageBits) / sizeof(seL4_Word);
    p[0] = 1;
    p[words / 2] = 2;
    p[words - 1] = 3;
    CHECK_EQ(p[0] + p[words / 2] + p[words - 1], 6);
    CHECK_EQ(get_paddr(frame) & ((1ul << seL4_LargePageBits) - 1), 0);
    CHECK_OK(seL4_X86_Page_Unmap(frame));
}

TEST(frame_map_huge_page)
{
    if (!env.huge_ut) {
        ktest_skip("no 1 GiB RAM untyped (boot QEMU with -m 3G)");
    }
    defer_revoke(env.huge_ut);
    seL4_CPtr frame = alloc_slot();
    CHECK_OK(
        seL4_Untyped_Retype(env.huge_ut, seL4_X64_HugePageObject, 0, ROOT_CNODE, 0, 0, frame, 1));
    /* The root's PDPT covers the first 512 GiB: a 1 GiB page needs nothing more. */
    CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_1G_VADDR, seL4_ReadWrite, 0));
    volatile seL4_Word *p = (volatile seL4_Word *)SCRATCH_1G_VADDR;
    seL4_Word words = (1ul << seL4_HugePageBits) / sizeof(seL4_Word);
    p[0] = 7;
    p[words / 3] = 8;
    p[words - 1] = 9;
    CHECK_EQ(p[0] + p[words / 3] + p[words - 1], 24);
    CHECK_EQ(get_paddr(frame), env.huge_ut_paddr);
    CHECK_OK(seL4_X86_Page_Unmap(frame));
}

TEST(frame_map_alignment)
{
    seL4_CPtr small = alloc_obj(seL4_X86_4K, 0);
    seL4_CPtr large = alloc_obj(seL4_X86_LargePageObject, 0);
    CHECK_ERR(seL4_X86_Page_Map(small, ROOT_VS, SCRATCH_VADDR + 0x800, seL4_ReadWrite, 0),
              seL4_AlignmentError);
    CHECK_ERR(seL4_X86_Page_Map(large, ROOT_VS, SCRATCH_VADDR + 0x1000, seL4_ReadWrite, 0),
              seL4_AlignmentError);
    if (env.huge_ut) {
        defer_revoke(env.huge_ut);
        seL4_CPtr huge = alloc_slot();
        CHECK_OK(seL4_Untyped_Retype(env.huge_ut, seL4_X64_HugePageObject, 0, ROOT_CNODE, 0, 0,
                                     huge, 1));
        CHECK_ERR(seL4_X86_Page_Map(huge, ROOT_VS, SCRATCH_1G_VADDR + 0x200000, seL4_ReadWrite, 0),
                  seL4_AlignmentError);
    }
}

TEST(frame_map_user_range_limit)
{
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    /* The page ending exactly at 2^47 is outside the user range (its end exceeds the top). */
    CHECK_ERR(seL4_X86_Page_Map(frame, ROOT_VS, 0x7ffffffff000ul, seL4_ReadWrite, 0),
              seL4_InvalidArgument);
    CHECK_MR(0, 0);
    CHECK_ERR(seL4_X86_Page_Map(frame, ROOT_VS, 0x800000000000ul, seL4_ReadWrite, 0),
              seL4_InvalidArgument);
    CHECK_ERR(seL4_X86_Page_Map(frame, ROOT_VS, 0xffffffff80000000ul, seL4_ReadWrite, 0),
              seL4_InvalidArgument);
    /* The one below it is the highest usable page. */
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, VA_TOP_PAGE, seL4_ReadWrite, 0));
    *(volatile seL4_Word *)(VA_TOP_PAGE + 0xff8) = 0xabc;
    CHECK_EQ(*(volatile seL4_Word *)(VA_TOP_PAGE + 0xff8), 0xabc);
}

TEST(frame_remap_rules)
{
    seL4_CPtr frame = map_new_frame(SCRATCH_VADDR);
    /* Same frame, same address: allowed (changes rights/attributes). */
    CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_VADDR, seL4_CanRead, 0));
    /* Same frame cap, another address or another VSpace: refused. */
    CHECK_ERR(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_VADDR + 0x1000, seL4_ReadWrite, 0),
              seL4_InvalidArgument);
    CHECK_MR(0, 0);
    seL4_CPtr vs = new_vspace();
    CHECK_ERR(seL4_X86_Page_Map(frame, vs, SCRATCH_VADDR, seL4_ReadWrite, 0),
              seL4_InvalidCapability);
    CHECK_MR(0, 1);
    /* After Unmap, anywhere. */
    CHECK_OK(seL4_X86_Page_Unmap(frame));
    CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_VADDR + 0x1000, seL4_ReadWrite, 0));
}

TEST(frame_copy_maps_twice)
{
    seL4_CPtr frame = map_new_frame(SCRATCH_VADDR);
    seL4_CPtr copy = copy_cap(frame, seL4_AllRights);
    /* The copy is not mapped: it can go to another address, aliasing the same memory. */
    CHECK_OK(seL4_X86_Page_Map(copy, ROOT_VS, SCRATCH_VADDR + 0x1000, seL4_ReadWrite, 0));
    *(volatile seL4_Word *)SCRATCH_VADDR = 0x77;
    CHECK_EQ(*(volatile seL4_Word *)(SCRATCH_VADDR + 0x1000), 0x77);
    CHECK_EQ(get_paddr(copy), get_paddr(frame));
}

TEST(frame_map_into_non_vspace)
{
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    CHECK_ERR(seL4_X86_Page_Map(frame, alloc_obj(seL4_X86_PageDirectoryObject, 0), SCRATCH_VADDR,
                                seL4_ReadWrite, 0),
              seL4_InvalidCapability);
    CHECK_MR(0, 1);
    CHECK_ERR(seL4_X86_Page_Map(frame, alloc_obj(seL4_X64_PML4Object, 0), SCRATCH_VADDR,
                                seL4_ReadWrite, 0),
              seL4_InvalidCapability);
    seL4_Word w[3] = {SCRATCH_VADDR, seL4_ReadWrite.words[0], 0};
    CHECK_ERR(seL4_Invoke_(frame, seL4_X86PageMap, 0, 3, w, 0), seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(frame, seL4_X86PageTableMap, 0, 3, w, 0), seL4_IllegalOperation);
}

TEST(frame_get_address_ram)
{
    seL4_CPtr frame = 0, large = 0;
    seL4_Word expect = 0, expect_large = 0;
    CHECK_OK(rt_alloc_object_paddr(&env.test, seL4_X86_4K, 0, &frame, &expect));
    CHECK_EQ(get_paddr(frame), expect);
    CHECK_OK(rt_alloc_object_paddr(&env.test, seL4_X86_LargePageObject, 0, &large, &expect_large));
    CHECK_EQ(get_paddr(large), expect_large);
    /* Mapping does not change it. */
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_ReadWrite, 0));
    CHECK_EQ(get_paddr(frame), expect);
}

TEST(frame_get_address_device)
{
    seL4_CPtr frame = 0;
    seL4_Word expect = 0;
    CHECK_OK(rt_alloc_device_object(&env.test, seL4_X86_4K, 0, &frame, &expect));
    CHECK_EQ(get_paddr(frame), expect);
    /* Device frames map like any other (not touched here: it is somebody's MMIO). */
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_ReadWrite,
                          seL4_X86_Uncacheable));
    CHECK_OK(seL4_X86_Page_Unmap(frame));
    /* The first device untyped in bootinfo, directly. */
    const seL4_BootInfo *bi = env.bi;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice && d->sizeBits >= seL4_LargePageBits) {
            seL4_CPtr ut = bi->untyped.start + i;
            CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
            defer_revoke(ut);
            seL4_CPtr large = alloc_slot();
            CHECK_OK(
                seL4_Untyped_Retype(ut, seL4_X86_LargePageObject, 0, ROOT_CNODE, 0, 0, large, 1));
            CHECK_EQ(get_paddr(large), d->paddr);
            return;
        }
    }
    ktest_skip("no device untyped of 2 MiB or more");
}

TEST(frame_attributes_accepted)
{
    static const seL4_Word attrs[] = {seL4_X86_Default_VMAttributes, seL4_X86_WriteThrough,
                                      seL4_X86_CacheDisabled, seL4_X86_Uncacheable,
                                      seL4_X86_WriteCombining};
    for (unsigned i = 0; i < ARRAY_SIZE(attrs); i++) {
        seL4_Word va = SCRATCH_VADDR + i * 0x1000;
        seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
        CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, va, seL4_ReadWrite, attrs[i]));
        *(volatile seL4_Word *)va = 0x100 + i;
        CHECK_EQ(*(volatile seL4_Word *)va, 0x100 + i);
        /* Remapping in place with other attributes keeps the contents. */
        CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, va, seL4_ReadWrite, seL4_X86_WriteBack));
        CHECK_EQ(*(volatile seL4_Word *)va, 0x100 + i);
    }
}

/* --- Rights, observed by a helper thread ----------------------------------------------- */

TEST(frame_read_only_mapping)
{
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_CanRead, 0));
    seL4_Word value;
    struct msg m;
    CHECK(run_probe(fn_read, SCRATCH_VADDR, 0, &value, &m));
    CHECK_EQ(value, 0);
    CHECK(!run_probe(fn_write, SCRATCH_VADDR, 5, &value, &m));
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    CHECK_EQ(m.mr[seL4_VMFault_Addr], SCRATCH_VADDR);
    CHECK_EQ(m.mr[seL4_VMFault_FSR], 0x7); /* present, write, user */
    /* Remapped read-write in place, the write goes through. */
    CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_VADDR, seL4_ReadWrite, 0));
    CHECK(run_probe(fn_write, SCRATCH_VADDR, 5, &value, &m));
    CHECK_EQ(*(volatile seL4_Word *)SCRATCH_VADDR, 5);
}

TEST(frame_cap_rights_limit_mapping)
{
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    seL4_CPtr ro = copy_cap(frame, seL4_CanRead);
    /* Asking for read-write through a read-only cap gives a read-only mapping. */
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, ro, SCRATCH_VADDR, seL4_ReadWrite, 0));
    seL4_Word value;
    struct msg m;
    CHECK(run_probe(fn_read, SCRATCH_VADDR, 0, &value, &m));
    CHECK(!run_probe(fn_write, SCRATCH_VADDR, 5, &value, &m));
    CHECK_EQ(m.mr[seL4_VMFault_FSR], 0x7);
}

TEST(frame_no_rights_is_kernel_only)
{
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_NoRights, 0));
    seL4_Word value;
    struct msg m;
    /* Present but not user-accessible: even a read faults, with the present bit set. */
    CHECK(!run_probe(fn_read, SCRATCH_VADDR, 0, &value, &m));
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    CHECK_EQ(m.mr[seL4_VMFault_FSR], 0x5); /* present, read, user */
    /* Write-only is not a thing on x86: also kernel-only. */
    CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_VADDR, seL4_CanWrite, 0));
    CHECK(!run_probe(fn_write, SCRATCH_VADDR, 1, &value, &m));
    CHECK_EQ(m.mr[seL4_VMFault_FSR], 0x7);
}
