/*
 * Notifications: Signal, Wait, Poll, badge accumulation, waking waiters, and notifications
 * bound to a TCB (delivered to a thread blocked in Recv on an endpoint).
 */
#include "support.h"

static seL4_CPtr new_ntfn(void)
{
    return alloc_obj(seL4_NotificationObject, 0);
}

static seL4_Word poll_word(seL4_CPtr ntfn)
{
    seL4_Word word = 0;
    seL4_Poll(ntfn, &word);
    return word;
}

TEST(ntfn_poll_empty)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_Word word = 77;
    seL4_Poll(ntfn, &word);
    CHECK_EQ(word, 0);
}

TEST(ntfn_signal_then_wait)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_Signal(mint_badged(ntfn, 0x8));
    /* A pending signal: Wait returns at once and consumes it. */
    seL4_Word word = 0;
    seL4_Wait(ntfn, &word);
    CHECK_EQ(word, 0x8);
    CHECK_EQ(poll_word(ntfn), 0);
}

TEST(ntfn_badges_accumulate)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr a = mint_badged(ntfn, 0x1);
    seL4_CPtr b = mint_badged(ntfn, 0x4);
    seL4_CPtr c = mint_badged(ntfn, 0x100);
    seL4_Signal(a);
    seL4_Signal(b);
    seL4_Signal(a);
    seL4_Signal(c);
    CHECK_EQ(poll_word(ntfn), 0x105);
    CHECK_EQ(poll_word(ntfn), 0);
}

TEST(ntfn_wait_blocks_until_signal)
{
    seL4_CPtr ntfn = new_ntfn();
    struct helper *h = helper_run(ROOT_PRIO, helper_fn_wait, ntfn, 0, 0, 0);
    yield_n(3);
    CHECK(h->started);
    CHECK_EQ(h->finished, 0);
    seL4_Signal(mint_badged(ntfn, 0x20));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x20);
    /* Delivered to the waiter, not left pending. */
    CHECK_EQ(poll_word(ntfn), 0);
}

TEST(ntfn_one_signal_wakes_one_waiter)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr badged = mint_badged(ntfn, 0x2);
    struct helper *a = helper_run(ROOT_PRIO, helper_fn_wait, ntfn, 0, 0, 0);
    yield_n(2);
    struct helper *b = helper_run(ROOT_PRIO, helper_fn_wait, ntfn, 0, 0, 0);
    yield_n(2);
    seL4_Signal(badged);
    yield_n(3);
    /* The first waiter gets it. */
    CHECK_EQ(a->finished, 1);
    CHECK_EQ(b->finished, 0);
    seL4_Signal(badged);
    CHECK(helper_wait(b, 1000));
    CHECK_EQ(a->result, 0x2);
    CHECK_EQ(b->result, 0x2);
}

TEST(ntfn_nbsend_and_call_signal)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr badged = mint_badged(ntfn, 0x40);
    seL4_NBSend(badged, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(poll_word(ntfn), 0x40);
    /* Call on a notification signals and returns an empty reply. */
    seL4_MessageInfo_t info = seL4_Call(badged, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0);
    CHECK_EQ(poll_word(ntfn), 0x40);
}

TEST(ntfn_bound_wakes_endpoint_receiver)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    CHECK_OK(seL4_TCB_BindNotification(h->tcb, ntfn));
    helper_start(h, helper_fn_recv_badge, ep, 0, 0, 0);
    yield_n(3);
    CHECK_EQ(h->finished, 0);
    seL4_Signal(mint_badged(ntfn, 0x1000));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x1000);
}

TEST(ntfn_bound_pending_before_recv)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    CHECK_OK(seL4_TCB_BindNotification(h->tcb, ntfn));
    seL4_Signal(mint_badged(ntfn, 0x3));
    seL4_Signal(mint_badged(ntfn, 0x4));
    /* Recv on the endpoint returns at once with the accumulated notification word. */
    helper_start(h, helper_fn_recv_badge, ep, 0, 0, 0);
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x7);
}

TEST(ntfn_bound_message_still_received)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    CHECK_OK(seL4_TCB_BindNotification(h->tcb, ntfn));
    helper_start(h, helper_fn_recv_badge, ep, 0, 0, 0);
    yield_n(3);
    /* An endpoint message still arrives as usual, with the endpoint badge. */
    seL4_NBSend(mint_badged(ep, 0x55), seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x55);
}

TEST(ntfn_unbind_stops_delivery)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    CHECK_OK(seL4_TCB_BindNotification(h->tcb, ntfn));
    CHECK_OK(seL4_TCB_UnbindNotification(h->tcb));
    helper_start(h, helper_fn_recv_badge, ep, 0, 0, 0);
    yield_n(3);
    seL4_Signal(mint_badged(ntfn, 0x9));
    yield_n(3);
    CHECK_EQ(h->finished, 0);
    CHECK_EQ(poll_word(ntfn), 0x9); /* left pending on the notification */
}

static seL4_Word fn_call_ep(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_Word badge = 0;
    seL4_Recv(ep, &badge); /* the notification was left pending during the Call */
    return badge;
}

TEST(ntfn_bound_not_delivered_during_call)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    CHECK_OK(seL4_TCB_BindNotification(h->tcb, ntfn));
    helper_start(h, fn_call_ep, mint_badged(ep, 1), 0, 0, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m)); /* the caller now waits for the reply */
    seL4_Signal(mint_badged(ntfn, 0x6));
    yield_n(3);
    CHECK_EQ(h->finished, 0);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x6);
}

TEST(ntfn_wait_on_other_threads_bound_ntfn_faults)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr fault_ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr owner = alloc_obj(seL4_TCBObject, 0);
    CHECK_OK(seL4_TCB_BindNotification(owner, ntfn));
    struct helper *h = helper_new(ROOT_PRIO, mint_badged(fault_ep, 3));
    helper_start(h, helper_fn_wait, ntfn, 0, 0, 0);
    struct msg m;
    CHECK(poll_msg(fault_ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], ntfn);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 1);
    CHECK_EQ(m.mr[seL4_CapFault_LookupFailureType], seL4_MissingCapability);
    CHECK_EQ(m.mr[seL4_CapFault_BitsLeft], 0);
}

TEST(ntfn_wait_without_read_right_faults)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr fault_ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr wo = copy_cap(ntfn, seL4_CanWrite);
    struct helper *h = helper_new(ROOT_PRIO, mint_badged(fault_ep, 3));
    helper_start(h, helper_fn_wait, wo, 0, 0, 0);
    struct msg m;
    CHECK(poll_msg(fault_ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], wo);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 1);
}

TEST(ntfn_delete_restarts_waiter)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr fault_ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, mint_badged(fault_ep, 3));
    helper_start(h, helper_fn_wait, ntfn, 0, 0, 0);
    yield_n(3);
    CHECK_EQ(h->finished, 0);
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, ntfn, WORD_BITS));
    struct msg m;
    CHECK(poll_msg(fault_ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], ntfn);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 1);
}

TEST(ntfn_delete_unbinds)
{
    seL4_CPtr ntfn = new_ntfn();
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    CHECK_OK(seL4_TCB_BindNotification(t, ntfn));
    CHECK_OK(seL4_CNode_Delete(ROOT_CNODE, ntfn, WORD_BITS));
    /* The TCB is free to bind again. */
    CHECK_OK(seL4_TCB_BindNotification(t, new_ntfn()));
}
