/*
 * CNode invocations on single-level addresses in the root CNode: Copy, Mint, Move, Mutate,
 * Rotate, Delete, Revoke, CancelBadgedSends, SaveCaller, with their error replies.
 *
 * Rights and badges are observed through notifications, which the root thread can use
 * without ever blocking: seL4_Call on a notification cap signals it and returns an empty
 * reply, or InvalidCapability when the cap has no write right.
 */
#include "support.h"

static seL4_CPtr new_ntfn(void)
{
    return alloc_obj(seL4_NotificationObject, 0);
}

/* Signals through `cap` with Call: returns the reply label (seL4_Error). */
static seL4_Word call_signal(seL4_CPtr cap)
{
    seL4_MessageInfo_t info = seL4_Call(cap, seL4_MessageInfo_new(0, 0, 0, 0));
    return seL4_MessageInfo_get_label(info);
}

static seL4_Word poll_word(seL4_CPtr ntfn)
{
    seL4_Word word = 0;
    seL4_Poll(ntfn, &word);
    return word;
}

static seL4_Error copy(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights)
{
    return seL4_CNode_Copy(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, WORD_BITS, rights);
}

static seL4_Error mint(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    return seL4_CNode_Mint(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, WORD_BITS, rights, badge);
}

static seL4_Error move(seL4_CPtr dest, seL4_CPtr src)
{
    return seL4_CNode_Move(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, WORD_BITS);
}

TEST(cnode_copy_basic)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr badged = mint_badged(ntfn, 0x21);
    seL4_CPtr dup = alloc_slot();
    CHECK_OK(copy(dup, badged, seL4_AllRights));
    CHECK_EQ(seL4_DebugCapIdentify(dup), seL4_CapType_Notification);
    /* The copy names the same object with the same badge; the source is untouched. */
    CHECK_EQ(call_signal(dup), seL4_NoError);
    CHECK_EQ(poll_word(ntfn), 0x21);
    CHECK_EQ(call_signal(badged), seL4_NoError);
    CHECK_EQ(poll_word(ntfn), 0x21);
}

TEST(cnode_copy_empty_source)
{
    seL4_CPtr empty = alloc_slot();
    seL4_CPtr dest = alloc_slot();
    CHECK_ERR(copy(dest, empty, seL4_AllRights), seL4_FailedLookup);
    CHECK_MR(0, 1); /* the source failed */
    CHECK_MR(1, seL4_MissingCapability);
    CHECK_MR(2, WORD_BITS);
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Null);
}

TEST(cnode_copy_dest_occupied)
{
    seL4_CPtr a = new_ntfn();
    seL4_CPtr b = alloc_obj(seL4_EndpointObject, 0);
    CHECK_ERR(copy(b, a, seL4_AllRights), seL4_DeleteFirst);
    CHECK_EQ(seL4_DebugCapIdentify(b), seL4_CapType_Endpoint);
}

TEST(cnode_bad_depth_range)
{
    seL4_CPtr src = new_ntfn();
    seL4_CPtr dest = alloc_slot();
    CHECK_ERR(seL4_CNode_Copy(ROOT_CNODE, dest, 0, ROOT_CNODE, src, WORD_BITS, seL4_AllRights),
              seL4_RangeError);
    CHECK_MR(0, 1);
    CHECK_MR(1, WORD_BITS);
    CHECK_ERR(seL4_CNode_Copy(ROOT_CNODE, dest, 65, ROOT_CNODE, src, WORD_BITS, seL4_AllRights),
              seL4_RangeError);
    CHECK_ERR(seL4_CNode_Copy(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, 0, seL4_AllRights),
              seL4_RangeError);
    CHECK_ERR(seL4_CNode_Delete(ROOT_CNODE, src, 0), seL4_RangeError);
    CHECK_ERR(seL4_CNode_Revoke(ROOT_CNODE, src, 200), seL4_RangeError);
    CHECK_EQ(seL4_DebugCapIdentify(src), seL4_CapType_Notification);
}

TEST(cnode_bad_depth_guard_mismatch)
{
    seL4_CPtr src = new_ntfn();
    seL4_CPtr dest = alloc_slot();
    /* 12 bits cannot get past the root CNode's 52-bit guard. */
    CHECK_ERR(seL4_CNode_Copy(ROOT_CNODE, dest, 12, ROOT_CNODE, src, WORD_BITS, seL4_AllRights),
              seL4_FailedLookup);
    CHECK_MR(0, 0); /* destination */
    CHECK_MR(1, seL4_GuardMismatch);
    CHECK_MR(2, 12);                          /* bits left */
    CHECK_MR(3, 0);                           /* the CNode's guard */
    CHECK_MR(4, 64 - seL4_RootCNodeSizeBits); /* its guard size */
    CHECK_ERR(seL4_CNode_Copy(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, src, 12, seL4_AllRights),
              seL4_FailedLookup);
    CHECK_MR(0, 1); /* source */
    CHECK_MR(1, seL4_GuardMismatch);
    /* Non-zero guard bits in a full-depth address. */
    CHECK_ERR(copy(dest, src | (1ul << 40), seL4_AllRights), seL4_FailedLookup);
    CHECK_MR(0, 1);
    CHECK_MR(1, seL4_GuardMismatch);
    CHECK_MR(2, WORD_BITS);
}

TEST(cnode_depth_mismatch)
{
    seL4_CPtr src = new_ntfn();
    seL4_CPtr dest = alloc_slot();
    CHECK_OK(copy(dest, src, seL4_AllRights));
    /* The root CNode resolves 52 guard + 12 radix bits: 63 bits are one too few. */
    CHECK_ERR(seL4_CNode_Delete(ROOT_CNODE, dest >> 1, 63), seL4_FailedLookup);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_DepthMismatch);
    CHECK_MR(2, 63);
    CHECK_MR(3, WORD_BITS);
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Notification);
}

TEST(cnode_copy_masks_rights)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr badged = mint_badged(ntfn, 0x3);
    seL4_CPtr ro = alloc_slot();
    seL4_CPtr wo = alloc_slot();
    CHECK_OK(copy(ro, badged, seL4_CanRead));
    CHECK_OK(copy(wo, badged, seL4_CanWrite));
    CHECK_EQ(call_signal(ro), seL4_InvalidCapability);
    CHECK_MR(0, 0);
    CHECK_EQ(poll_word(ntfn), 0);
    CHECK_EQ(call_signal(wo), seL4_NoError);
    CHECK_EQ(poll_word(ntfn), 0x3);
}

TEST(cnode_copy_cannot_add_rights)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr badged = mint_badged(ntfn, 0x3);
    seL4_CPtr ro = alloc_slot();
    seL4_CPtr again = alloc_slot();
    CHECK_OK(copy(ro, badged, seL4_CanRead));
    CHECK_OK(copy(again, ro, seL4_AllRights));
    CHECK_EQ(call_signal(again), seL4_InvalidCapability);
    CHECK_EQ(poll_word(ntfn), 0);
}

TEST(cnode_mint_badge)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr a = alloc_slot();
    seL4_CPtr b = alloc_slot();
    CHECK_OK(mint(a, ntfn, seL4_AllRights, 0x100));
    CHECK_OK(mint(b, ntfn, seL4_CanWrite, 0x001));
    CHECK_EQ(call_signal(a), seL4_NoError);
    CHECK_EQ(call_signal(b), seL4_NoError);
    CHECK_EQ(poll_word(ntfn), 0x101);
    /* Mint masks rights like Copy. */
    seL4_CPtr c = alloc_slot();
    CHECK_OK(mint(c, ntfn, seL4_CanRead, 0x8));
    CHECK_EQ(call_signal(c), seL4_InvalidCapability);
}

TEST(cnode_mint_rebadge_refused)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr bn = mint_badged(ntfn, 0x10);
    seL4_CPtr be = mint_badged(ep, 0x10);
    seL4_CPtr dest = alloc_slot();
    CHECK_ERR(mint(dest, bn, seL4_AllRights, 0x20), seL4_IllegalOperation);
    CHECK_ERR(mint(dest, be, seL4_AllRights, 0x20), seL4_IllegalOperation);
    CHECK_ERR(mint(dest, be, seL4_AllRights, 0), seL4_IllegalOperation);
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Null);
    /* A plain copy of a badged cap keeps the badge. */
    CHECK_OK(copy(dest, bn, seL4_AllRights));
    CHECK_EQ(call_signal(dest), seL4_NoError);
    CHECK_EQ(poll_word(ntfn), 0x10);
}

TEST(cnode_move_basic)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr badged = mint_badged(ntfn, 0x7);
    seL4_CPtr dest = alloc_slot();
    CHECK_OK(move(dest, badged));
    CHECK_EQ(seL4_DebugCapIdentify(badged), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Notification);
    CHECK_EQ(call_signal(dest), seL4_NoError);
    CHECK_EQ(poll_word(ntfn), 0x7);
}

TEST(cnode_move_errors)
{
    seL4_CPtr a = new_ntfn();
    seL4_CPtr b = new_ntfn();
    seL4_CPtr empty = alloc_slot();
    seL4_CPtr empty2 = alloc_slot();
    CHECK_ERR(move(b, a), seL4_DeleteFirst);
    CHECK_ERR(move(empty2, empty), seL4_FailedLookup);
    CHECK_MR(0, 1);
    CHECK_MR(1, seL4_MissingCapability);
    CHECK_EQ(seL4_DebugCapIdentify(a), seL4_CapType_Notification);
    CHECK_EQ(seL4_DebugCapIdentify(b), seL4_CapType_Notification);
    /* Moving a cap onto itself: the destination is occupied. */
    CHECK_ERR(move(a, a), seL4_DeleteFirst);
}

TEST(cnode_mutate_badges_refused)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr dest = alloc_slot();
    /* Mutate keeps the badge: it cannot (re)badge endpoints or notifications. */
    CHECK_ERR(seL4_CNode_Mutate(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, ep, WORD_BITS, 5),
              seL4_IllegalOperation);
    CHECK_ERR(seL4_CNode_Mutate(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, ntfn, WORD_BITS, 0),
              seL4_IllegalOperation);
    CHECK_EQ(seL4_DebugCapIdentify(ep), seL4_CapType_Endpoint);
    CHECK_EQ(seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Null);
}

TEST(cnode_mutate_moves_other_caps)
{
    seL4_CPtr tcb = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr dest = alloc_slot();
    CHECK_OK(seL4_CNode_Mutate(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, tcb, WORD_BITS, 0x1234));
    CHECK_EQ(seL4_DebugCapIdentify(tcb), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Thread);
    seL4_UserContext ctx;
    CHECK_OK(seL4_TCB_ReadRegisters(dest, 0, 0, 1, &ctx));
}

TEST(cnode_mutate_sets_cnode_guard)
{
    seL4_CPtr cnode = alloc_obj(seL4_CapTableObject, 4);
    seL4_CPtr guarded = alloc_slot();
    /* Guard 0x3 of 2 bits: slot i is now reached as (0x3 << 4 | i) with depth 6. */
    CHECK_OK(seL4_CNode_Mutate(ROOT_CNODE, guarded, WORD_BITS, ROOT_CNODE, cnode, WORD_BITS,
                               seL4_CNode_CapData_new(0x3, 2).words[0]));
    CHECK_EQ(seL4_DebugCapIdentify(cnode), seL4_CapType_Null);
    CHECK_OK(seL4_CNode_Copy(guarded, 0x35, 6, ROOT_CNODE, ROOT_TCB, WORD_BITS, seL4_AllRights));
    CHECK_ERR(seL4_CNode_Copy(guarded, 5, 4, ROOT_CNODE, ROOT_TCB, WORD_BITS, seL4_AllRights),
              seL4_FailedLookup);
    CHECK_MR(1, seL4_GuardMismatch);
    CHECK_ERR(seL4_CNode_Copy(guarded, 0x25, 6, ROOT_CNODE, ROOT_TCB, WORD_BITS, seL4_AllRights),
              seL4_FailedLookup);
    CHECK_MR(1, seL4_GuardMismatch);
    CHECK_MR(2, 6);
    CHECK_MR(3, 0x3);
    CHECK_MR(4, 2);
    CHECK_ERR(seL4_CNode_Copy(guarded, 0x35, 6, ROOT_CNODE, ROOT_TCB, WORD_BITS, seL4_AllRights),
              seL4_DeleteFirst);
}

TEST(cnode_rotate_three_slots)
{
    seL4_CPtr tcb = alloc_obj(seL4_TCBObject, 0); /* source */
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);  /* pivot */
    seL4_CPtr dest = alloc_slot();
    CHECK_OK(seL4_CNode_Rotate(ROOT_CNODE, dest, WORD_BITS, 0, ROOT_CNODE, frame, WORD_BITS, 0,
                               ROOT_CNODE, tcb, WORD_BITS));
    /* pivot -> dest, source -> pivot, source empty. */
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Frame);
    CHECK_EQ(seL4_DebugCapIdentify(frame), seL4_CapType_Thread);
    CHECK_EQ(seL4_DebugCapIdentify(tcb), seL4_CapType_Null);
}

TEST(cnode_rotate_swap)
{
    seL4_CPtr tcb = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    /* dest == source: the two caps trade places. */
    CHECK_OK(seL4_CNode_Rotate(ROOT_CNODE, tcb, WORD_BITS, 0, ROOT_CNODE, frame, WORD_BITS, 0,
                               ROOT_CNODE, tcb, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(tcb), seL4_CapType_Frame);
    CHECK_EQ(seL4_DebugCapIdentify(frame), seL4_CapType_Thread);
}

TEST(cnode_rotate_errors)
{
    seL4_CPtr a = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr b = alloc_obj(seL4_X86_4K, 0);
    seL4_CPtr c = alloc_obj(seL4_X86_4K, 0);
    seL4_CPtr empty = alloc_slot();
    seL4_CPtr empty2 = alloc_slot();
    /* pivot == source or pivot == dest */
    CHECK_ERR(seL4_CNode_Rotate(ROOT_CNODE, empty, WORD_BITS, 0, ROOT_CNODE, a, WORD_BITS, 0,
                                ROOT_CNODE, a, WORD_BITS),
              seL4_IllegalOperation);
    CHECK_ERR(seL4_CNode_Rotate(ROOT_CNODE, b, WORD_BITS, 0, ROOT_CNODE, b, WORD_BITS, 0,
                                ROOT_CNODE, a, WORD_BITS),
              seL4_IllegalOperation);
    /* occupied destination */
    CHECK_ERR(seL4_CNode_Rotate(ROOT_CNODE, c, WORD_BITS, 0, ROOT_CNODE, b, WORD_BITS, 0,
                                ROOT_CNODE, a, WORD_BITS),
              seL4_DeleteFirst);
    /* empty source, then empty pivot */
    CHECK_ERR(seL4_CNode_Rotate(ROOT_CNODE, empty, WORD_BITS, 0, ROOT_CNODE, b, WORD_BITS, 0,
                                ROOT_CNODE, empty2, WORD_BITS),
              seL4_FailedLookup);
    CHECK_MR(0, 1);
    CHECK_ERR(seL4_CNode_Rotate(ROOT_CNODE, empty, WORD_BITS, 0, ROOT_CNODE, empty2, WORD_BITS, 0,
                                ROOT_CNODE, a, WORD_BITS),
              seL4_FailedLookup);
    CHECK_MR(0, 0);
    /* endpoint caps cannot take part: their badge would have to be preserved */
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    CHECK_ERR(seL4_CNode_Rotate(ROOT_CNODE, empty, WORD_BITS, 0, ROOT_CNODE, b, WORD_BITS, 0,
                                ROOT_CNODE, ep, WORD_BITS),
              seL4_IllegalOperation);
    CHECK_EQ(seL4_DebugCapIdentify(a), seL4_CapType_Thread);
    CHECK_EQ(seL4_DebugCapIdentify(b), seL4_CapType_Frame);
    CHECK_EQ(seL4_DebugCapIdentify(c), seL4_CapType_Frame);
    CHECK_EQ(seL4_DebugCapIdentify(ep), seL4_CapType_Endpoint);
    CHECK_EQ(seL4_DebugCapIdentify(empty), seL4_CapType_Null);
}

TEST(cnode_delete_basic)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr dup = copy_cap(ntfn, seL4_AllRights);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, dup, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(dup), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
    /* Deleting an empty slot is not an error. */
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, dup, WORD_BITS));
}

TEST(cnode_revoke_removes_copies_only)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr c1 = copy_cap(ntfn, seL4_AllRights);
    seL4_CPtr c2 = copy_cap(c1, seL4_CanWrite);
    seL4_CPtr m = mint_badged(ntfn, 0x9);
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ntfn, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
    CHECK_EQ(seL4_DebugCapIdentify(c1), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(c2), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(m), seL4_CapType_Null);
    /* Revoking a cap without children changes nothing. */
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ntfn, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
}

TEST(cnode_revoke_badged_subtree)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr b1 = mint_badged(ntfn, 0x1);
    seL4_CPtr b1copy = copy_cap(b1, seL4_AllRights);
    seL4_CPtr b2 = mint_badged(ntfn, 0x2);
    /* Revoking a badged cap removes its copies, not other badges or the original. */
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, b1, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(b1), seL4_CapType_Notification);
    CHECK_EQ(seL4_DebugCapIdentify(b1copy), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(b2), seL4_CapType_Notification);
    CHECK_EQ(seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
}

TEST(cnode_copy_uncopyable_caps)
{
    seL4_CPtr dest = alloc_slot();
    /* Control caps cannot be derived. */
    CHECK_ERR(copy(dest, seL4_CapIRQControl, seL4_AllRights), seL4_IllegalOperation);
    CHECK_ERR(copy(dest, seL4_CapIOPortControl, seL4_AllRights), seL4_IllegalOperation);
    /* Unmapped paging structures and unassigned PML4s cannot be copied. */
    CHECK_ERR(copy(dest, alloc_obj(seL4_X86_PageTableObject, 0), seL4_AllRights),
              seL4_IllegalOperation);
    CHECK_ERR(copy(dest, alloc_obj(seL4_X86_PageDirectoryObject, 0), seL4_AllRights),
              seL4_IllegalOperation);
    CHECK_ERR(copy(dest, alloc_obj(seL4_X86_PDPTObject, 0), seL4_AllRights), seL4_IllegalOperation);
    CHECK_ERR(copy(dest, alloc_obj(seL4_X64_PML4Object, 0), seL4_AllRights), seL4_IllegalOperation);
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Null);
    /* These can be moved, though. */
    seL4_CPtr pt = alloc_obj(seL4_X86_PageTableObject, 0);
    CHECK_OK(move(dest, pt));
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_PageTable);
    /* ASID control and the initial thread's caps can be copied. */
    CHECK_OK(copy(alloc_slot(), seL4_CapASIDControl, seL4_AllRights));
    CHECK_OK(copy(alloc_slot(), ROOT_VS, seL4_AllRights));
    CHECK_OK(copy(alloc_slot(), ROOT_CNODE, seL4_AllRights));
}

/* Helper: blocking Send of one word through `cap`. */
static seL4_Word send_word(seL4_Word cap, seL4_Word word, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    seL4_SetMR(0, word);
    seL4_Send(cap, seL4_MessageInfo_new(0, 0, 0, 1));
    return 0;
}

TEST(cnode_cancel_badged_sends)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr b5 = mint_badged(ep, 5);
    seL4_CPtr b6 = mint_badged(ep, 6);
    /* Badge 5 blocks in Send first, then badge 6. */
    struct helper *h5 = helper_run(ROOT_PRIO, send_word, b5, 55, 0, 0);
    yield_n(2);
    struct helper *h6 = helper_run(ROOT_PRIO, send_word, b6, 66, 0, 0);
    yield_n(2);
    CHECK(h5->started && h6->started);
    CHECK_OK(seL4_CNode_CancelBadgedSends(ROOT_CNODE, b5, WORD_BITS));
    /* The badge-5 send was taken off the queue (and restarted): badge 6 is now first. */
    seL4_Word badge = 0;
    seL4_MessageInfo_t info;
    CHECK(poll_recv(ep, 1000, &info, &badge));
    CHECK_EQ(badge, 6);
    CHECK_MR(0, 66);
    /* The restarted sender sends again. */
    CHECK(poll_recv(ep, 1000, &info, &badge));
    CHECK_EQ(badge, 5);
    CHECK_MR(0, 55);
    CHECK(helper_wait(h5, 1000));
    CHECK(helper_wait(h6, 1000));
}

TEST(cnode_cancel_badged_sends_rights_and_type)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr b = mint_badged(ep, 5);
    seL4_CPtr weak = alloc_slot();
    CHECK_OK(copy(weak, b, seL4_ReadWrite)); /* no grant rights */
    CHECK_ERR(seL4_CNode_CancelBadgedSends(ROOT_CNODE, weak, WORD_BITS), seL4_IllegalOperation);
    CHECK_ERR(seL4_CNode_CancelBadgedSends(ROOT_CNODE, new_ntfn(), WORD_BITS),
              seL4_IllegalOperation);
    CHECK_ERR(seL4_CNode_CancelBadgedSends(ROOT_CNODE, alloc_slot(), WORD_BITS),
              seL4_IllegalOperation);
    /* An unbadged endpoint cap: nothing to do, no error. */
    CHECK_OK(seL4_CNode_CancelBadgedSends(ROOT_CNODE, ep, WORD_BITS));
}

TEST(cnode_save_caller_without_caller)
{
    seL4_CPtr dest = alloc_slot();
    /* Nothing called us: the slot stays empty and the call succeeds. */
    CHECK_OK(seL4_CNode_SaveCaller(ROOT_CNODE, dest, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(dest), seL4_CapType_Null);
    seL4_CPtr full = new_ntfn();
    CHECK_ERR(seL4_CNode_SaveCaller(ROOT_CNODE, full, WORD_BITS), seL4_DeleteFirst);
}

TEST(cnode_truncated_and_illegal)
{
    seL4_Word words[8] = {0};
    CHECK_ERR(seL4_Invoke_(ROOT_CNODE, seL4_CNodeDelete, 0, 1, words, 0), seL4_TruncatedMessage);
    /* Copy needs 5 words and a source root cap. */
    words[0] = alloc_slot();
    words[1] = WORD_BITS;
    words[2] = ROOT_TCB;
    words[3] = WORD_BITS;
    words[4] = seL4_AllRights.words[0];
    seL4_SetCap(0, ROOT_CNODE);
    CHECK_ERR(seL4_Invoke_(ROOT_CNODE, seL4_CNodeCopy, 1, 4, words, 0), seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(ROOT_CNODE, seL4_CNodeCopy, 0, 5, words, 0), seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(ROOT_CNODE, seL4_UntypedRetype, 0, 2, words, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_Invoke_(ROOT_CNODE, seL4_TCBSuspend, 0, 2, words, 0), seL4_IllegalOperation);
    CHECK_OK(seL4_Invoke_(ROOT_CNODE, seL4_CNodeCopy, 1, 5, words, 0));
}
