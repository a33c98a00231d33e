/*
 * Untyped_Retype: every object type, placement (alignment and watermark), limits and
 * error replies, reuse after revoke, device untypeds.
 */
#include "support.h"

/* Retypes one object of `type` from `ut` into a fresh root-CNode slot. */
static seL4_CPtr retype_one(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, type, size_bits, ROOT_CNODE, 0, 0, slot, 1));
    return slot;
}

static seL4_Word frame_paddr(seL4_CPtr frame)
{
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(frame);
    CHECK_OK(r.error);
    return r.paddr;
}

TEST(untyped_retype_tcb)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr tcb = retype_one(ut, seL4_TCBObject, 0);
    CHECK_EQ(seL4_DebugCapIdentify(tcb), seL4_CapType_Thread);
    /* A fresh TCB is a real thread object: its registers can be read (all zero). */
    seL4_UserContext ctx;
    memset(&ctx, 0xff, sizeof(ctx));
    CHECK_OK(seL4_TCB_ReadRegisters(tcb, 0, 0, 3, &ctx));
    CHECK_EQ(ctx.rip, 0);
    CHECK_EQ(ctx.rsp, 0);
}

TEST(untyped_retype_endpoint)
{
    seL4_CPtr ut = alloc_untyped(12);
    seL4_CPtr ep = retype_one(ut, seL4_EndpointObject, 0);
    CHECK_EQ(seL4_DebugCapIdentify(ep), seL4_CapType_Endpoint);
    /* Nothing waits on a new endpoint: a non-blocking receive finds no message. */
    seL4_Word badge = 99;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
}

TEST(untyped_retype_notification)
{
    seL4_CPtr ut = alloc_untyped(12);
    seL4_CPtr ntfn = retype_one(ut, seL4_NotificationObject, 0);
    CHECK_EQ(seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
    seL4_CPtr badged = mint_badged(ntfn, 0x5);
    seL4_Signal(badged);
    seL4_Word word = 0;
    seL4_Poll(ntfn, &word);
    CHECK_EQ(word, 0x5);
}

TEST(untyped_retype_cnode_sizes)
{
    seL4_CPtr ut = alloc_untyped(20);
    static const unsigned sizes[] = {1, 2, 5, 8, 12};
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        seL4_CPtr cnode = retype_one(ut, seL4_CapTableObject, sizes[i]);
        CHECK_EQ(seL4_DebugCapIdentify(cnode), seL4_CapType_CNode);
        /* Its last slot is addressable with depth = radix; one past it is not. */
        seL4_Word last = (1ul << sizes[i]) - 1;
        CHECK_OK(seL4_CNode_Copy(cnode, last, sizes[i], ROOT_CNODE, ROOT_TCB, WORD_BITS,
                                 seL4_AllRights));
        CHECK_ERR(
            seL4_CNode_Copy(cnode, last, sizes[i], ROOT_CNODE, ROOT_TCB, WORD_BITS, seL4_AllRights),
            seL4_DeleteFirst);
        CHECK_ERR(seL4_CNode_Copy(cnode, last + 1, sizes[i] + 1, ROOT_CNODE, ROOT_TCB, WORD_BITS,
                                  seL4_AllRights),
                  seL4_FailedLookup);
    }
}

TEST(untyped_retype_paging_structures)
{
    seL4_CPtr ut = alloc_untyped(16);
    CHECK_EQ(seL4_DebugCapIdentify(retype_one(ut, seL4_X64_PML4Object, 0)), seL4_CapType_PML4);
    CHECK_EQ(seL4_DebugCapIdentify(retype_one(ut, seL4_X86_PDPTObject, 0)), seL4_CapType_PDPT);
    CHECK_EQ(seL4_DebugCapIdentify(retype_one(ut, seL4_X86_PageDirectoryObject, 0)),
             seL4_CapType_PageDirectory);
    CHECK_EQ(seL4_DebugCapIdentify(retype_one(ut, seL4_X86_PageTableObject, 0)),
             seL4_CapType_PageTable);
}

TEST(untyped_retype_4k_frame)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr frame = retype_one(ut, seL4_X86_4K, 0);
    CHECK_EQ(seL4_DebugCapIdentify(frame), seL4_CapType_Frame);
    CHECK_EQ(frame_paddr(frame) & 0xfff, 0);
    /* The kernel hands out zeroed memory. */
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_ReadWrite, 0));
    volatile seL4_Word *p = (volatile seL4_Word *)SCRATCH_VADDR;
    for (int i = 0; i < 512; i++) {
        CHECK_EQ(p[i], 0);
    }
}

TEST(untyped_retype_large_frame)
{
    seL4_CPtr ut = alloc_untyped(22);
    seL4_CPtr frame = retype_one(ut, seL4_X86_LargePageObject, 0);
    CHECK_EQ(seL4_DebugCapIdentify(frame), seL4_CapType_Frame);
    CHECK_EQ(frame_paddr(frame) & ((1ul << seL4_LargePageBits) - 1), 0);
}

TEST(untyped_retype_huge_frame)
{
    if (!env.huge_ut) {
        ktest_skip("no 1 GiB RAM untyped (boot QEMU with -m 3G)");
    }
    defer_revoke(env.huge_ut);
    seL4_CPtr frame = retype_one(env.huge_ut, seL4_X64_HugePageObject, 0);
    CHECK_EQ(seL4_DebugCapIdentify(frame), seL4_CapType_Frame);
    CHECK_EQ(frame_paddr(frame), env.huge_ut_paddr);
}

TEST(untyped_retype_untyped)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr child = retype_one(ut, seL4_UntypedObject, 12);
    CHECK_EQ(seL4_DebugCapIdentify(child), seL4_CapType_Untyped);
    /* The child is a working untyped of exactly 4 KiB: one frame fits, a second does not. */
    seL4_CPtr frame = retype_one(child, seL4_X86_4K, 0);
    CHECK_EQ(seL4_DebugCapIdentify(frame), seL4_CapType_Frame);
    CHECK_ERR(seL4_Untyped_Retype(child, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, alloc_slot(), 1),
              seL4_NotEnoughMemory);
    CHECK_MR(0, 0);
}

TEST(untyped_alignment_and_watermark)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr a = retype_one(ut, seL4_X86_4K, 0);
    seL4_Word base = frame_paddr(a);
    CHECK_EQ(base & 0xffff, 0);             /* first object at the untyped's start */
    retype_one(ut, seL4_EndpointObject, 0); /* 16 bytes at base + 4 KiB */
    seL4_CPtr b = retype_one(ut, seL4_X86_4K, 0);
    CHECK_EQ(frame_paddr(b), base + 0x2000); /* aligned up past the endpoint */
    seL4_CPtr c = retype_one(ut, seL4_UntypedObject, 14);
    seL4_CPtr d = retype_one(c, seL4_X86_4K, 0);
    CHECK_EQ(frame_paddr(d), base + 0x4000); /* 16 KiB child aligned to 16 KiB */
    seL4_CPtr e = retype_one(ut, seL4_X86_4K, 0);
    CHECK_EQ(frame_paddr(e), base + 0x8000); /* after the child untyped */
}

TEST(untyped_many_objects_consecutive_slots)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr first = alloc_slot();
    for (int i = 1; i < 8; i++) {
        alloc_slot();
    }
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, first, 8));
    seL4_Word base = frame_paddr(first);
    for (int i = 0; i < 8; i++) {
        CHECK_EQ(seL4_DebugCapIdentify(first + i), seL4_CapType_Frame);
        CHECK_EQ(frame_paddr(first + i), base + (seL4_Word)i * 4096);
    }
}

TEST(untyped_fan_out_limit)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr cnode = alloc_obj(seL4_CapTableObject, 9);
    /* Destination named by node_index/node_depth: the CNode cap in the root CNode. */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, cnode, WORD_BITS, 0,
                                  seL4_UntypedRetypeMaxObjects + 1),
              seL4_RangeError);
    CHECK_MR(0, 1);
    CHECK_MR(1, seL4_UntypedRetypeMaxObjects);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, cnode, WORD_BITS, 0, 0),
              seL4_RangeError);
    CHECK_MR(0, 1);
    CHECK_MR(1, seL4_UntypedRetypeMaxObjects);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, cnode, WORD_BITS, 0,
                                 seL4_UntypedRetypeMaxObjects));
    /* The last of the 256 endpoints is in slot 255: copy it out and look. */
    seL4_CPtr out = alloc_slot();
    CHECK_OK(seL4_CNode_Copy(ROOT_CNODE, out, WORD_BITS, cnode, 255, 9, seL4_AllRights));
    CHECK_EQ(seL4_DebugCapIdentify(out), seL4_CapType_Endpoint);
}

TEST(untyped_dest_window_checks)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr cnode = alloc_obj(seL4_CapTableObject, 9);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, cnode, WORD_BITS, 512, 1),
              seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, 511);
    CHECK_ERR(
        seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, cnode, WORD_BITS, 500, 20),
        seL4_RangeError);
    CHECK_MR(0, 1);
    CHECK_MR(1, 12);
    CHECK_OK(
        seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, cnode, WORD_BITS, 500, 12));
}

TEST(untyped_not_enough_memory_reports_remaining)
{
    seL4_CPtr ut = alloc_untyped(14);
    retype_one(ut, seL4_X86_4K, 0);
    seL4_CPtr slot = alloc_slot();
    for (int i = 1; i < 4; i++) {
        alloc_slot();
    }
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot, 4),
              seL4_NotEnoughMemory);
    CHECK_MR(0, 3 * 4096);
    /* Nothing was created by the failed call. */
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, slot, 3));
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, slot + 3, 1),
              seL4_NotEnoughMemory);
    CHECK_MR(0, 0);
}

TEST(untyped_object_larger_than_untyped)
{
    seL4_CPtr ut = alloc_untyped(12);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, alloc_slot(), 3),
              seL4_NotEnoughMemory);
    CHECK_MR(0, 4096);
    CHECK_ERR(
        seL4_Untyped_Retype(ut, seL4_X86_LargePageObject, 0, ROOT_CNODE, 0, 0, alloc_slot(), 1),
        seL4_NotEnoughMemory);
    CHECK_MR(0, 4096);
}

TEST(untyped_reuse_after_revoke)
{
    seL4_CPtr ut = alloc_untyped(14);
    seL4_CPtr first = alloc_slot();
    for (int i = 1; i < 8; i++) {
        alloc_slot();
    }
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, first, 4));
    seL4_Word base = frame_paddr(first);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, first + 4, 1),
              seL4_NotEnoughMemory);
    CHECK_MR(0, 0);
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(seL4_DebugCapIdentify(first + (seL4_Word)i), seL4_CapType_Null);
    }
    /* All children gone: the whole untyped is available again, from its start. */
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_X86_4K, 0, ROOT_CNODE, 0, 0, first + 4, 4));
    CHECK_EQ(frame_paddr(first + 4), base);
}

TEST(untyped_memory_zeroed_on_reuse)
{
    seL4_CPtr ut = alloc_untyped(12);
    seL4_CPtr frame = retype_one(ut, seL4_X86_4K, 0);
    CHECK_OK(rt_map_frame(&env.test, ROOT_VS, frame, SCRATCH_VADDR, seL4_ReadWrite, 0));
    volatile seL4_Word *p = (volatile seL4_Word *)SCRATCH_VADDR;
    for (int i = 0; i < 512; i++) {
        p[i] = 0xdeadbeef00000000ul | (seL4_Word)i;
    }
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
    frame = retype_one(ut, seL4_X86_4K, 0);
    CHECK_OK(seL4_X86_Page_Map(frame, ROOT_VS, SCRATCH_VADDR, seL4_ReadWrite, 0));
    for (int i = 0; i < 512; i++) {
        CHECK_EQ(p[i], 0);
    }
}

TEST(untyped_bad_type)
{
    seL4_CPtr ut = alloc_untyped(12);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_ObjectTypeCount, 0, ROOT_CNODE, 0, 0, alloc_slot(), 1),
              seL4_InvalidArgument);
    CHECK_MR(0, 0);
    CHECK_ERR(seL4_Untyped_Retype(ut, 0x1000, 0, ROOT_CNODE, 0, 0, alloc_slot(), 1),
              seL4_InvalidArgument);
    CHECK_MR(0, 0);
}

TEST(untyped_bad_size_bits)
{
    seL4_CPtr ut = alloc_untyped(16);
    seL4_CPtr slot = alloc_slot();
    /* Too big for any object: RangeError [0, 47]. */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_UntypedObject, 48, ROOT_CNODE, 0, 0, slot, 1),
              seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_MaxUntypedBits);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_UntypedObject, 64, ROOT_CNODE, 0, 0, slot, 1),
              seL4_RangeError);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_CapTableObject, 43, ROOT_CNODE, 0, 0, slot, 1),
              seL4_RangeError);
    /* Too small: an untyped below 16 bytes, a CNode of one slot (radix 0). */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_UntypedObject, 3, ROOT_CNODE, 0, 0, slot, 1),
              seL4_InvalidArgument);
    CHECK_MR(0, 1);
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_CapTableObject, 0, ROOT_CNODE, 0, 0, slot, 1),
              seL4_InvalidArgument);
    CHECK_MR(0, 1);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
    /* size_bits is ignored for fixed-size objects. */
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_EndpointObject, 40, ROOT_CNODE, 0, 0, slot, 1));
}

TEST(untyped_dest_slot_occupied)
{
    seL4_CPtr ut = alloc_untyped(14);
    seL4_CPtr a = alloc_slot();
    seL4_CPtr b = alloc_slot();
    CHECK_OK(
        seL4_CNode_Copy(ROOT_CNODE, b, WORD_BITS, ROOT_CNODE, ROOT_TCB, WORD_BITS, seL4_AllRights));
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, b, 1),
              seL4_DeleteFirst);
    /* A window with one occupied slot fails as a whole. */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, a, 2),
              seL4_DeleteFirst);
    CHECK_EQ(seL4_DebugCapIdentify(a), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(b), seL4_CapType_Thread);
}

TEST(untyped_bad_dest_node)
{
    seL4_CPtr ut = alloc_untyped(14);
    seL4_CPtr empty = alloc_slot();
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    /* node_depth > 64: RangeError [1, 64]. */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, ROOT_CNODE, 65, 0, 1),
              seL4_RangeError);
    CHECK_MR(0, 1);
    CHECK_MR(1, 64);
    /* node_index names an empty slot: FailedLookup, not a source, missing capability. */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, empty, WORD_BITS, 0, 1),
              seL4_FailedLookup);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_MissingCapability);
    /* node_index names an endpoint, not a CNode. */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, ep, WORD_BITS, 0, 1),
              seL4_FailedLookup);
    CHECK_MR(1, seL4_MissingCapability);
    /* node_index whose high bits do not match the root CNode's guard (52 zero bits). */
    CHECK_ERR(
        seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 1ul << 63, WORD_BITS, 0, 1),
        seL4_FailedLookup);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_GuardMismatch);
    CHECK_MR(2, 64);
    /* node_depth too small to get through the root CNode's guard and radix. */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 32, 0, 1),
              seL4_FailedLookup);
    CHECK_MR(1, seL4_GuardMismatch);
    /* The root argument itself not a CNode (depth 0 uses it directly). */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ep, 0, 0, 0, 1), seL4_FailedLookup);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_MissingCapability);
}

TEST(untyped_device_makes_only_frames)
{
    const seL4_BootInfo *bi = env.bi;
    seL4_CPtr dev = 0;
    seL4_Word paddr = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice && d->sizeBits >= 14 && d->sizeBits <= 20) {
            dev = bi->untyped.start + i;
            paddr = d->paddr;
            break;
        }
    }
    if (!dev) {
        ktest_skip("no device untyped of 16 KiB .. 1 MiB");
    }
    /* The pool may have used this one already: start from no children. */
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, dev, WORD_BITS));
    defer_revoke(dev);
    static const seL4_Word kernel_types[] = {seL4_TCBObject,           seL4_EndpointObject,
                                             seL4_NotificationObject,  seL4_CapTableObject,
                                             seL4_X86_PageTableObject, seL4_X64_PML4Object};
    for (unsigned i = 0; i < ARRAY_SIZE(kernel_types); i++) {
        CHECK_ERR(seL4_Untyped_Retype(dev, kernel_types[i], 4, ROOT_CNODE, 0, 0, alloc_slot(), 1),
                  seL4_InvalidArgument);
        CHECK_MR(0, 1);
    }
    seL4_CPtr frame = retype_one(dev, seL4_X86_4K, 0);
    CHECK_EQ(frame_paddr(frame), paddr);
    /* Untyped children of a device untyped are device untypeds too. */
    seL4_CPtr child = retype_one(dev, seL4_UntypedObject, 12);
    CHECK_ERR(seL4_Untyped_Retype(child, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, alloc_slot(), 1),
              seL4_InvalidArgument);
    seL4_CPtr frame2 = retype_one(child, seL4_X86_4K, 0);
    CHECK_EQ(frame_paddr(frame2), paddr + 4096);
}

TEST(untyped_truncated_and_wrong_label)
{
    seL4_CPtr ut = alloc_untyped(12);
    seL4_Word words[6] = {seL4_EndpointObject, 0, 0, 0, alloc_slot(), 1};
    /* Five words instead of six. */
    seL4_SetCap(0, ROOT_CNODE);
    CHECK_ERR(seL4_Invoke_(ut, seL4_UntypedRetype, 1, 5, words, 0), seL4_TruncatedMessage);
    /* Six words, but no CNode cap. */
    CHECK_ERR(seL4_Invoke_(ut, seL4_UntypedRetype, 0, 6, words, 0), seL4_TruncatedMessage);
    /* Any other label on an untyped cap. */
    CHECK_ERR(seL4_Invoke_(ut, seL4_TCBSuspend, 0, 0, words, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_Invoke_(ut, seL4_CNodeCopy, 0, 0, words, 0), seL4_IllegalOperation);
}

TEST(untyped_copy_marks_original_full)
{
    seL4_CPtr ut = alloc_untyped(14);
    seL4_CPtr copy = alloc_slot();
    /* Without children an untyped cap can be copied; the copy becomes its child ... */
    CHECK_OK(
        seL4_CNode_Copy(ROOT_CNODE, copy, WORD_BITS, ROOT_CNODE, ut, WORD_BITS, seL4_AllRights));
    CHECK_EQ(seL4_DebugCapIdentify(copy), seL4_CapType_Untyped);
    /* ... and the original is marked full, so only the copy can make objects. */
    CHECK_ERR(seL4_Untyped_Retype(ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0, alloc_slot(), 1),
              seL4_NotEnoughMemory);
    CHECK_MR(0, 0);
    retype_one(copy, seL4_EndpointObject, 0);
}

TEST(untyped_copy_with_children_refused)
{
    seL4_CPtr ut = alloc_untyped(14);
    retype_one(ut, seL4_EndpointObject, 0);
    seL4_CPtr copy = alloc_slot();
    CHECK_ERR(
        seL4_CNode_Copy(ROOT_CNODE, copy, WORD_BITS, ROOT_CNODE, ut, WORD_BITS, seL4_AllRights),
        seL4_RevokeFirst);
    CHECK_EQ(seL4_DebugCapIdentify(copy), seL4_CapType_Null);
}
