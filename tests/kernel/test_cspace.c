/*
 * Multi-level CSpaces (guards, depths, lookup-failure details) and the derivation tree:
 * what Revoke and Delete remove, and what deleting an object does to threads using it.
 */
#include "support.h"

/*
 * A two-level CSpace: L1 (radix 8, no guard) holds in slot 1 a cap to L2 (radix 8) with a
 * 4-bit guard 0x5. Through L1, L2's slot k is index (1 << 12 | 0x5 << 8 | k) at depth 20.
 */
struct cspace2 {
    seL4_CPtr l1, l2; /* root-CNode cptrs of the two CNodes */
};

#define L2_GUARD      0x5
#define L2_GUARD_BITS 4
#define L2_PATH(k)    ((1ul << 12) | ((seL4_Word)L2_GUARD << 8) | (k))
#define L2_PATH_DEPTH 20
/* A thread whose CSpace root is L1 with a 44-bit guard resolves 64-bit cptrs this way. */
#define L1_CPTR(i) ((seL4_Word)(i) << 12)
#define L2_CPTR(k) L2_PATH(k)

static struct cspace2 make_cspace2(void)
{
    struct cspace2 cs;
    cs.l1 = alloc_obj(seL4_CapTableObject, 8);
    cs.l2 = alloc_obj(seL4_CapTableObject, 8);
    CHECK_OK(seL4_CNode_Mint(cs.l1, 1, 8, ROOT_CNODE, cs.l2, WORD_BITS, seL4_AllRights,
                             seL4_CNode_CapData_new(L2_GUARD, L2_GUARD_BITS).words[0]));
    return cs;
}

/* Type of the cap at (cnode, index, depth), found by copying it to a scratch slot. */
static seL4_Word type_at(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    seL4_CPtr tmp = alloc_slot();
    if (seL4_CNode_Copy(ROOT_CNODE, tmp, WORD_BITS, cnode, index, (seL4_Uint8)depth,
                        seL4_AllRights) != seL4_NoError) {
        return seL4_CapType_Null;
    }
    seL4_Word type = seL4_DebugCapIdentify(tmp);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, tmp, WORD_BITS));
    return type;
}

TEST(cspace_two_level_resolve)
{
    struct cspace2 cs = make_cspace2();
    CHECK_OK(seL4_CNode_Copy(cs.l1, L2_PATH(7), L2_PATH_DEPTH, ROOT_CNODE, ROOT_TCB, WORD_BITS,
                             seL4_AllRights));
    /* The same slot seen directly in L2, and through the path again. */
    CHECK_EQ(type_at(cs.l2, 7, 8), seL4_CapType_Thread);
    CHECK_EQ(type_at(cs.l1, L2_PATH(7), L2_PATH_DEPTH), seL4_CapType_Thread);
    /* Depth 8 in L1 names L2's own cap (slot 1). */
    CHECK_EQ(type_at(cs.l1, 1, 8), seL4_CapType_CNode);
}

TEST(cspace_guard_mismatch_details)
{
    struct cspace2 cs = make_cspace2();
    seL4_CPtr dest = alloc_slot();
    seL4_Word bad = (1ul << 12) | (0x6ul << 8) | 7;
    CHECK_ERR(
        seL4_CNode_Copy(ROOT_CNODE, dest, WORD_BITS, cs.l1, bad, L2_PATH_DEPTH, seL4_AllRights),
        seL4_FailedLookup);
    CHECK_MR(0, 1);                  /* source */
    CHECK_MR(1, seL4_GuardMismatch); /* lookup failure type */
    CHECK_MR(2, 12);                 /* bits left when L2 was reached */
    CHECK_MR(3, L2_GUARD);           /* L2's guard */
    CHECK_MR(4, L2_GUARD_BITS);      /* and its size */
    /* The same on the destination side. */
    CHECK_ERR(
        seL4_CNode_Copy(cs.l1, bad, L2_PATH_DEPTH, ROOT_CNODE, ROOT_TCB, WORD_BITS, seL4_AllRights),
        seL4_FailedLookup);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_GuardMismatch);
}

TEST(cspace_depth_mismatch_details)
{
    struct cspace2 cs = make_cspace2();
    seL4_CPtr dest = alloc_slot();
    /* 16 bits: L1 takes 8, L2 needs 12 (guard + radix) but only 8 are left. */
    CHECK_ERR(
        seL4_CNode_Copy(ROOT_CNODE, dest, WORD_BITS, cs.l1, L2_PATH(7) >> 4, 16, seL4_AllRights),
        seL4_FailedLookup);
    CHECK_MR(0, 1);
    CHECK_MR(1, seL4_DepthMismatch);
    CHECK_MR(2, 8);  /* bits left */
    CHECK_MR(3, 12); /* bits the level needed */
}

TEST(cspace_depth_beyond_leaf)
{
    struct cspace2 cs = make_cspace2();
    CHECK_OK(seL4_CNode_Copy(cs.l1, L2_PATH(7), L2_PATH_DEPTH, ROOT_CNODE, ROOT_TCB, WORD_BITS,
                             seL4_AllRights));
    seL4_CPtr dest = alloc_slot();
    /* 24 bits: the walk ends at a non-CNode cap with 4 bits unresolved. */
    CHECK_ERR(
        seL4_CNode_Copy(ROOT_CNODE, dest, WORD_BITS, cs.l1, L2_PATH(7) << 4, 24, seL4_AllRights),
        seL4_FailedLookup);
    CHECK_MR(0, 1);
    CHECK_MR(1, seL4_DepthMismatch);
    CHECK_MR(2, 4);
    CHECK_MR(3, 0);
}

TEST(cspace_mint_guard_too_large)
{
    seL4_CPtr cnode = alloc_obj(seL4_CapTableObject, 8);
    seL4_CPtr dest = alloc_slot();
    /* guard size + radix > 64 cannot be a valid CNode cap. */
    CHECK_ERR(seL4_CNode_Mint(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, cnode, WORD_BITS,
                              seL4_AllRights, seL4_CNode_CapData_new(0, 57).words[0]),
              seL4_IllegalOperation);
    CHECK_OK(seL4_CNode_Mint(ROOT_CNODE, dest, WORD_BITS, ROOT_CNODE, cnode, WORD_BITS,
                             seL4_AllRights, seL4_CNode_CapData_new(0, 56).words[0]));
    /* A guard value wider than the guard size is truncated to the size. */
    seL4_CPtr dest2 = alloc_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT_CNODE, dest2, WORD_BITS, ROOT_CNODE, cnode, WORD_BITS,
                             seL4_AllRights, seL4_CNode_CapData_new(0x1f, 2).words[0]));
    CHECK_OK(seL4_CNode_Copy(dest2, (0x3ul << 8) | 9, 10, ROOT_CNODE, ROOT_TCB, WORD_BITS,
                             seL4_AllRights));
    CHECK_EQ(type_at(cnode, 9, 8), seL4_CapType_Thread);
}

static volatile seL4_Word probe[8];

/* Runs in the L1 CSpace: looks caps up by 64-bit cptrs, then faults on a bad one. */
static seL4_Word cspace_probe(seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    probe[0] = seL4_DebugCapIdentify(L2_CPTR(7));
    probe[1] = seL4_DebugCapIdentify((1ul << 12) | (0x6ul << 8) | 7);
    probe[2] = seL4_DebugCapIdentify(L1_CPTR(2));
    probe[3] = seL4_DebugCapIdentify(L1_CPTR(3));
    seL4_Signal(L2_CPTR(7));
    probe[4] = 1;
    /* A guard mismatch: the lookup fails, a cap fault goes to the fault endpoint. */
    seL4_Call((1ul << 12) | (0x6ul << 8) | 7, seL4_MessageInfo_new(0, 0, 0, 0));
    probe[5] = 1;
    return 0;
}

TEST(cspace_thread_lookup_and_cap_fault)
{
    struct cspace2 cs = make_cspace2();
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr fault_ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    /* Fill the helper's CSpace. */
    CHECK_OK(seL4_CNode_Mint(cs.l2, 7, 8, ROOT_CNODE, ntfn, WORD_BITS, seL4_AllRights, 0x44));
    CHECK_OK(seL4_CNode_Mint(cs.l1, 2, 8, ROOT_CNODE, fault_ep, WORD_BITS, seL4_AllRights, 0x77));
    CHECK_OK(seL4_CNode_Copy(cs.l1, 3, 8, ROOT_CNODE, h->tcb, WORD_BITS, seL4_AllRights));
    h->self_cap = L1_CPTR(3);
    /* CSpace root L1 with a 44-bit zero guard, given through cspace_root_data. */
    CHECK_OK(seL4_TCB_SetSpace(h->tcb, L1_CPTR(2), cs.l1, seL4_CNode_CapData_new(0, 44).words[0],
                               ROOT_VS, 0));
    memset((void *)probe, 0, sizeof(probe));
    helper_start(h, cspace_probe, 0, 0, 0, 0);
    struct msg m;
    CHECK(poll_msg(fault_ep, 1000, &m));
    CHECK_EQ(probe[0], seL4_CapType_Notification);
    CHECK_EQ(probe[1], seL4_CapType_Null);
    CHECK_EQ(probe[2], seL4_CapType_Endpoint);
    CHECK_EQ(probe[3], seL4_CapType_Thread);
    CHECK_EQ(probe[4], 1);
    seL4_Word word = 0;
    seL4_Poll(ntfn, &word);
    CHECK_EQ(word, 0x44);
    CHECK_EQ(m.badge, 0x77);
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], (1ul << 12) | (0x6ul << 8) | 7);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 0);
    CHECK_EQ(m.mr[seL4_CapFault_LookupFailureType], seL4_GuardMismatch);
    CHECK_EQ(m.mr[seL4_CapFault_BitsLeft], 12);
    CHECK_EQ(m.mr[seL4_CapFault_GuardMismatch_GuardFound], L2_GUARD);
    CHECK_EQ(m.mr[seL4_CapFault_GuardMismatch_BitsFound], L2_GUARD_BITS);
    CHECK_EQ(m.length, 7);
    CHECK_EQ(probe[5], 0);
}

TEST(cspace_revoke_reaches_all_cnodes)
{
    struct cspace2 cs = make_cspace2();
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    CHECK_OK(seL4_CNode_Copy(cs.l2, 3, 8, ROOT_CNODE, ntfn, WORD_BITS, seL4_AllRights));
    CHECK_OK(seL4_CNode_Mint(cs.l1, 5, 8, ROOT_CNODE, ntfn, WORD_BITS, seL4_AllRights, 9));
    seL4_CPtr local = copy_cap(ntfn, seL4_CanWrite);
    CHECK_EQ(type_at(cs.l2, 3, 8), seL4_CapType_Notification);
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ntfn, WORD_BITS));
    CHECK_EQ(type_at(cs.l2, 3, 8), seL4_CapType_Null);
    CHECK_EQ(type_at(cs.l1, 5, 8), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(local), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(ntfn), seL4_CapType_Notification);
}

TEST(cspace_copy_of_copy_is_not_a_child)
{
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr b = copy_cap(ntfn, seL4_AllRights);
    seL4_CPtr c = copy_cap(b, seL4_AllRights);
    /* Plain copies are siblings in the derivation tree: revoking one spares the other. */
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, b, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(c), seL4_CapType_Notification);
    /* A badged (minted) cap is a parent of its copies. */
    seL4_CPtr m = mint_badged(ntfn, 3);
    seL4_CPtr mc = copy_cap(m, seL4_AllRights);
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, m, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(mc), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(m), seL4_CapType_Notification);
    /* The original object cap is the parent of everything. */
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ntfn, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(b), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(c), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(m), seL4_CapType_Null);
}

TEST(cspace_move_keeps_derivation)
{
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr child = copy_cap(ntfn, seL4_AllRights);
    seL4_CPtr moved = alloc_slot();
    CHECK_OK(seL4_CNode_Move(ROOT_CNODE, moved, WORD_BITS, ROOT_CNODE, ntfn, WORD_BITS));
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, moved, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(child), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(moved), seL4_CapType_Notification);
}

static volatile long spin_count;

TEST(cspace_delete_last_tcb_cap_stops_thread)
{
    spin_count = 0;
    struct helper *h = helper_run(ROOT_PRIO, fn_spin, (seL4_Word)&spin_count, 0, 0, 0);
    CHECK_GE(wait_at_least(&spin_count, 1000, 1000), 1000);
    seL4_CPtr extra = copy_cap(h->tcb, seL4_AllRights);
    /* With a copy left the thread lives on. */
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, h->tcb, WORD_BITS));
    CHECK(!counter_frozen(&spin_count));
    /* The last cap gone, the thread is destroyed. */
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, extra, WORD_BITS));
    CHECK(counter_frozen(&spin_count));
}

TEST(cspace_delete_cnode_destroys_contents)
{
    spin_count = 0;
    struct helper *h = helper_run(ROOT_PRIO, fn_spin, (seL4_Word)&spin_count, 0, 0, 0);
    CHECK_GE(wait_at_least(&spin_count, 1000, 1000), 1000);
    /* Move the thread's only cap into a CNode, then delete the CNode's only cap. */
    seL4_CPtr cnode = alloc_obj(seL4_CapTableObject, 2);
    CHECK_OK(seL4_CNode_Move(cnode, 1, 2, ROOT_CNODE, h->tcb, WORD_BITS));
    CHECK(!counter_frozen(&spin_count));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, cnode, WORD_BITS));
    CHECK(counter_frozen(&spin_count));
}

TEST(cspace_revoke_untyped_destroys_thread)
{
    spin_count = 0;
    seL4_CPtr ut = alloc_untyped(16);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    /* Replace the helper's TCB with one made from our own untyped. */
    seL4_CPtr tcb = alloc_slot();
    CHECK_OK(seL4_Untyped_Retype(ut, seL4_TCBObject, 0, ROOT_CNODE, 0, 0, tcb, 1));
    CHECK_OK(
        seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, ROOT_VS, 0, (seL4_Word)h->ipc, h->ipc_frame));
    CHECK_OK(seL4_TCB_SetPriority(tcb, ROOT_TCB, ROOT_PRIO));
    CHECK_OK(seL4_TCB_SetTLSBase(tcb, h->tls_tp));
    h->tcb = tcb;
    h->self_cap = tcb;
    helper_start(h, fn_spin, (seL4_Word)&spin_count, 0, 0, 0);
    CHECK_GE(wait_at_least(&spin_count, 1000, 1000), 1000);
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, ut, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(tcb), seL4_CapType_Null);
    CHECK(counter_frozen(&spin_count));
}

static seL4_Word recv_once(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    return 1;
}

static seL4_Word call_once(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
    return seL4_MessageInfo_get_label(info);
}

TEST(cspace_delete_endpoint_restarts_receiver)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr fault_ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, mint_badged(fault_ep, 1));
    helper_start(h, recv_once, ep, 0, 0, 0);
    yield_n(3);
    CHECK(h->started);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, ep, WORD_BITS));
    /* The receive restarts and now finds an empty slot: a cap fault in the receive phase. */
    struct msg m;
    CHECK(poll_msg(fault_ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], ep);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 1);
    CHECK_EQ(m.mr[seL4_CapFault_LookupFailureType], seL4_MissingCapability);
    CHECK_EQ(h->finished, 0);
}

TEST(cspace_delete_endpoint_restarts_caller)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_run(ROOT_PRIO, call_once, ep, 0, 0, 0);
    yield_n(3);
    CHECK(h->started);
    CHECK_EQ(h->finished, 0);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, ep, WORD_BITS));
    /* The Call restarts on an empty slot: an error reply, InvalidCapability. */
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, seL4_InvalidCapability);
}

TEST(cspace_delete_copy_keeps_endpoint)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr dup = copy_cap(ep, seL4_AllRights);
    struct helper *h = helper_run(ROOT_PRIO, call_once, ep, 0, 0, 0);
    yield_n(3);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, dup, WORD_BITS));
    yield_n(3);
    CHECK_EQ(h->finished, 0); /* still blocked: the endpoint exists */
    /* The caller is still queued: take its message and answer it. */
    seL4_Word badge = 1;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
    seL4_SetMR(0, 0);
    seL4_Reply(seL4_MessageInfo_new(0x42, 0, 0, 0));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x42);
}
