/*
 * Endpoint IPC: blocking and non-blocking send/receive, Call/Reply/ReplyRecv, reply caps
 * (one-shot, SaveCaller), badges, long messages, capability transfer and unwrapping.
 *
 * The root thread never blocks: blocking operations run in helper threads at the root's
 * priority, and the root receives with NBRecv only (through poll_msg, which needs senders
 * to use badged caps) or once the sender is known to be queued.
 */
#include "support.h"

/* What a helper received. */
struct rx {
    seL4_Word badge, label, length, extra, unwrapped;
    seL4_Word mr[seL4_MsgMaxLength];
    seL4_Word cap_badge[3];
};

static struct rx rx1;

static void save_rx(struct rx *r, seL4_MessageInfo_t info, seL4_Word badge)
{
    r->badge = badge;
    r->label = seL4_MessageInfo_get_label(info);
    r->length = seL4_MessageInfo_get_length(info);
    r->extra = seL4_MessageInfo_get_extraCaps(info);
    r->unwrapped = seL4_MessageInfo_get_capsUnwrapped(info);
    for (seL4_Word i = 0; i < r->length && i < seL4_MsgMaxLength; i++) {
        r->mr[i] = seL4_GetMR((int)i);
    }
    for (int i = 0; i < 3; i++) {
        r->cap_badge[i] = seL4_GetBadge(i);
    }
}

/* Blocking receive on `ep` into *rx; a1 != 0: first set the cap receive path to slot a1. */
static seL4_Word fn_recv(seL4_Word ep, seL4_Word rx, seL4_Word slot, seL4_Word a3)
{
    (void)a3;
    seL4_SetCapReceivePath(ROOT_CNODE, slot, slot ? WORD_BITS : 0);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    save_rx((struct rx *)rx, info, badge);
    return 1;
}

/* Blocking send of `n` words base, base+1, ... with label 0x5a. */
static seL4_Word fn_send(seL4_Word ep, seL4_Word n, seL4_Word base, seL4_Word a3)
{
    (void)a3;
    for (seL4_Word i = 0; i < n && i < seL4_MsgMaxLength; i++) {
        seL4_SetMR((int)i, base + i);
    }
    seL4_Send(ep, seL4_MessageInfo_new(0x5a, 0, 0, n));
    return 1;
}

/* Call with one word; returns the reply's MR0, the reply label in rx1.label. */
static seL4_Word fn_call(seL4_Word ep, seL4_Word word, seL4_Word rx, seL4_Word a3)
{
    (void)a3;
    seL4_SetMR(0, word);
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(0x11, 0, 0, 1));
    (void)badge;
    if (rx) {
        save_rx((struct rx *)rx, info, 0);
    }
    return seL4_GetMR(0);
}

static seL4_CPtr new_ep(void)
{
    return alloc_obj(seL4_EndpointObject, 0);
}

TEST(ipc_send_recv_basic)
{
    seL4_CPtr ep = new_ep();
    memset(&rx1, 0, sizeof(rx1));
    struct helper *h = helper_run(ROOT_PRIO, fn_recv, ep, (seL4_Word)&rx1, 0, 0);
    yield_n(2);
    for (int i = 0; i < 4; i++) {
        seL4_SetMR(i, 0x100 + (seL4_Word)i);
    }
    seL4_NBSend(ep, seL4_MessageInfo_new(0x33, 0, 0, 4));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(rx1.badge, 0);
    CHECK_EQ(rx1.label, 0x33);
    CHECK_EQ(rx1.length, 4);
    CHECK_EQ(rx1.extra, 0);
    for (int i = 0; i < 4; i++) {
        CHECK_EQ(rx1.mr[i], 0x100 + (seL4_Word)i);
    }
}

TEST(ipc_badge_delivered)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr badged = mint_badged(ep, 0xbadc0ffee);
    memset(&rx1, 0, sizeof(rx1));
    struct helper *h = helper_run(ROOT_PRIO, fn_recv, ep, (seL4_Word)&rx1, 0, 0);
    yield_n(2);
    seL4_NBSend(badged, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(rx1.badge, 0xbadc0ffee);
    /* The full 64-bit badge range travels. */
    seL4_CPtr high = mint_badged(ep, ~0ul);
    h = helper_run(ROOT_PRIO, fn_recv, ep, (seL4_Word)&rx1, 0, 0);
    yield_n(2);
    seL4_NBSend(high, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(rx1.badge, ~0ul);
}

TEST(ipc_nbsend_without_receiver_is_dropped)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr badged = mint_badged(ep, 1);
    seL4_SetMR(0, 0xdead);
    seL4_NBSend(badged, seL4_MessageInfo_new(0, 0, 0, 1));
    /* Nothing was queued. */
    seL4_Word badge = 99;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
    /* A receiver arriving later gets the next message, not the dropped one. */
    memset(&rx1, 0, sizeof(rx1));
    struct helper *h = helper_run(ROOT_PRIO, fn_recv, ep, (seL4_Word)&rx1, 0, 0);
    yield_n(2);
    CHECK_EQ(h->finished, 0);
    seL4_SetMR(0, 0xbeef);
    seL4_NBSend(badged, seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(rx1.mr[0], 0xbeef);
}

TEST(ipc_nbrecv_without_sender)
{
    seL4_CPtr ep = new_ep();
    seL4_Word badge = 1234;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
}

TEST(ipc_send_blocks_until_received)
{
    seL4_CPtr ep = new_ep();
    struct helper *h = helper_run(ROOT_PRIO, fn_send, mint_badged(ep, 7), 2, 40, 0);
    yield_n(3);
    CHECK(h->started);
    CHECK_EQ(h->finished, 0); /* blocked in Send */
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.badge, 7);
    CHECK_EQ(m.label, 0x5a);
    CHECK_EQ(m.length, 2);
    CHECK_EQ(m.mr[0], 40);
    CHECK_EQ(m.mr[1], 41);
    CHECK(helper_wait(h, 1000));
}

TEST(ipc_senders_queue_in_order)
{
    seL4_CPtr ep = new_ep();
    /* Start each sender only once the previous one is blocked, to fix the queue order. */
    for (seL4_Word i = 1; i <= 3; i++) {
        struct helper *h = helper_run(ROOT_PRIO, fn_send, mint_badged(ep, i), 1, i * 10, 0);
        yield_n(2);
        CHECK(h->started && !h->finished);
    }
    struct msg m;
    for (seL4_Word i = 1; i <= 3; i++) {
        CHECK(poll_msg(ep, 1000, &m));
        CHECK_EQ(m.badge, i);
        CHECK_EQ(m.mr[0], i * 10);
    }
}

TEST(ipc_call_reply)
{
    seL4_CPtr ep = new_ep();
    memset(&rx1, 0, sizeof(rx1));
    struct helper *h = helper_run(ROOT_PRIO, fn_call, mint_badged(ep, 3), 21, (seL4_Word)&rx1, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.badge, 3);
    CHECK_EQ(m.label, 0x11);
    CHECK_EQ(m.mr[0], 21);
    CHECK_EQ(h->finished, 0); /* waiting for the reply */
    seL4_SetMR(0, 42);
    seL4_SetMR(1, 43);
    seL4_Reply(seL4_MessageInfo_new(0x77, 0, 0, 2));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 42);
    CHECK_EQ(rx1.label, 0x77);
    CHECK_EQ(rx1.length, 2);
    CHECK_EQ(rx1.mr[1], 43);
}

/* Server: Recv, then answer n requests with ReplyRecv (reply = request + 1000). */
static seL4_Word fn_server(seL4_Word ep, seL4_Word n, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    seL4_Word badge = 0;
    seL4_MessageInfo_t info = seL4_Recv(ep, &badge);
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetMR(0, seL4_GetMR(0) + 1000 + badge);
        if (i + 1 == n) {
            seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
            break;
        }
        info = seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
    (void)info;
    return n;
}

static seL4_Word fn_client(seL4_Word ep, seL4_Word n, seL4_Word out, seL4_Word a3)
{
    (void)a3;
    seL4_Word ok = 0;
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetMR(0, i);
        seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
        ok += seL4_GetMR(0) == i + 1000 + out;
    }
    return ok;
}

TEST(ipc_reply_recv_server)
{
    seL4_CPtr ep = new_ep();
    struct helper *s = helper_run(ROOT_PRIO, fn_server, ep, 10, 0, 0);
    struct helper *c1 = helper_run(ROOT_PRIO, fn_client, mint_badged(ep, 1), 5, 1, 0);
    struct helper *c2 = helper_run(ROOT_PRIO, fn_client, mint_badged(ep, 2), 5, 2, 0);
    CHECK(helper_wait(c1, 2000));
    CHECK(helper_wait(c2, 2000));
    CHECK(helper_wait(s, 2000));
    CHECK_EQ(c1->result, 5);
    CHECK_EQ(c2->result, 5);
}

static seL4_Word fn_call_twice(seL4_Word ep, seL4_Word stage, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    volatile long *st = (volatile long *)stage;
    seL4_SetMR(0, 1);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
    *st = 1;
    seL4_SetMR(0, 2);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
    *st = 2;
    return seL4_GetMR(0);
}

TEST(ipc_reply_cap_is_one_shot)
{
    static volatile long stage;
    stage = 0;
    seL4_CPtr ep = new_ep();
    struct helper *h =
        helper_run(ROOT_PRIO, fn_call_twice, mint_badged(ep, 1), (seL4_Word)&stage, 0, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.mr[0], 1);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(wait_flag(&stage, 1000), 1);
    yield_n(3); /* the second Call is now queued, not received */
    /* The reply cap was used up: replying again reaches nobody. */
    seL4_SetMR(0, 0xbad);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    yield_n(3);
    CHECK_EQ(stage, 1);
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.mr[0], 2);
    seL4_SetMR(0, 0x600d);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x600d);
}

TEST(ipc_save_caller_and_reply_later)
{
    seL4_CPtr ep = new_ep();
    struct helper *a = helper_run(ROOT_PRIO, fn_call, mint_badged(ep, 1), 10, 0, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.badge, 1);
    seL4_CPtr saved = alloc_slot();
    CHECK_OK(seL4_CNode_SaveCaller(ROOT_CNODE, saved, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(saved), seL4_CapType_Reply);
    /* Saved reply caps cannot be copied, but can be moved. */
    CHECK_ERR(seL4_CNode_Copy(ROOT_CNODE, alloc_slot(), WORD_BITS, ROOT_CNODE, saved, WORD_BITS,
                              seL4_AllRights),
              seL4_IllegalOperation);
    seL4_CPtr moved = alloc_slot();
    CHECK_OK(seL4_CNode_Move(ROOT_CNODE, moved, WORD_BITS, ROOT_CNODE, saved, WORD_BITS));
    /* Serve a second caller in between. */
    struct helper *b = helper_run(ROOT_PRIO, fn_call, mint_badged(ep, 2), 20, 0, 0);
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.badge, 2);
    seL4_SetMR(0, 21);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(b, 1000));
    CHECK_EQ(b->result, 21);
    CHECK_EQ(a->finished, 0);
    /* Now answer the first caller through the saved cap; the cap is consumed. */
    seL4_SetMR(0, 11);
    seL4_Send(moved, seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(a, 1000));
    CHECK_EQ(a->result, 11);
    CHECK_EQ(seL4_DebugCapIdentify(moved), seL4_CapType_Null);
}

TEST(ipc_long_message)
{
    seL4_CPtr ep = new_ep();
    helper_run(ROOT_PRIO, fn_send, mint_badged(ep, 1), seL4_MsgMaxLength, 0x1000, 0);
    seL4_MessageInfo_t info;
    seL4_Word badge;
    CHECK(poll_recv(ep, 1000, &info, &badge));
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_MsgMaxLength);
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        CHECK_EQ(seL4_GetMR(i), 0x1000 + (seL4_Word)i);
    }
}

/* Sends with a raw length field (up to 127): the kernel clamps it to 120. */
static seL4_Word fn_send_len(seL4_Word ep, seL4_Word len, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    for (int i = 0; i < seL4_MsgMaxLength; i++) {
        seL4_SetMR(i, 0x2000 + (seL4_Word)i);
    }
    seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, len));
    return 1;
}

TEST(ipc_length_over_120_clamped)
{
    seL4_CPtr ep = new_ep();
    helper_run(ROOT_PRIO, fn_send_len, mint_badged(ep, 1), 127, 0, 0);
    seL4_MessageInfo_t info;
    seL4_Word badge;
    seL4_SetMR(119, 0);
    CHECK(poll_recv(ep, 1000, &info, &badge));
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_MsgMaxLength);
    CHECK_EQ(seL4_GetMR(119), 0x2000 + 119);
    /* The word after msg[119] (userData) is not written by the kernel. */
    seL4_GetIPCBuffer()->userData = 0x5555;
    helper_run(ROOT_PRIO, fn_send_len, mint_badged(ep, 2), 121, 0, 0);
    CHECK(poll_recv(ep, 1000, &info, &badge));
    CHECK_EQ(seL4_MessageInfo_get_length(info), seL4_MsgMaxLength);
    CHECK_EQ(seL4_GetIPCBuffer()->userData, 0x5555);
}

TEST(ipc_receiver_without_buffer_gets_four_words)
{
    seL4_CPtr ep = new_ep();
    memset(&rx1, 0, sizeof(rx1));
    struct helper *h = helper_new(ROOT_PRIO, 0);
    CHECK_OK(seL4_TCB_SetIPCBuffer(h->tcb, 0, seL4_CapNull));
    helper_start(h, fn_recv, ep, (seL4_Word)&rx1, 0, 0);
    yield_n(2);
    for (int i = 0; i < 10; i++) {
        seL4_SetMR(i, 0x300 + (seL4_Word)i);
    }
    seL4_NBSend(ep, seL4_MessageInfo_new(0, 0, 0, 10));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(rx1.length, 4);
    CHECK_EQ(rx1.mr[3], 0x303);
}

/* Sends one word with up to three extra caps (0 = none). */
static seL4_Word fn_send_caps(seL4_Word ep, seL4_Word c0, seL4_Word c1, seL4_Word c2)
{
    seL4_Word caps[3] = {c0, c1, c2};
    seL4_Word n = 0;
    while (n < 3 && caps[n]) {
        seL4_SetCap((int)n, caps[n]);
        n++;
    }
    seL4_SetMR(0, 0xcafe);
    seL4_Send(ep, seL4_MessageInfo_new(0, 0, n, 1));
    return 1;
}

/* Receives into the root with a receive path of `slot`; returns the message. */
static void recv_caps(seL4_CPtr ep, seL4_CPtr slot, struct msg *m)
{
    seL4_SetCapReceivePath(ROOT_CNODE, slot, WORD_BITS);
    CHECK(poll_msg(ep, 1000, m));
    seL4_SetCapReceivePath(0, 0, 0);
}

TEST(ipc_cap_transfer_with_grant)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr gift = mint_badged(ntfn, 0x42);
    helper_run(ROOT_PRIO, fn_send_caps, mint_badged(ep, 1), gift, 0, 0);
    seL4_CPtr slot = alloc_slot();
    struct msg m;
    recv_caps(ep, slot, &m);
    CHECK_EQ(m.extra_caps, 1);
    CHECK_EQ(m.caps_unwrapped, 0);
    CHECK_EQ(m.mr[0], 0xcafe);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Notification);
    /* It is a working copy of the sender's cap, badge included. */
    seL4_Signal(slot);
    seL4_Word word = 0;
    seL4_Poll(ntfn, &word);
    CHECK_EQ(word, 0x42);
    /* ... and a child of it: revoking the original removes it. */
    CHECK_OK(seL4_CNode_Revoke(ROOT_CNODE, gift, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

TEST(ipc_cap_transfer_needs_grant)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr no_grant = alloc_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT_CNODE, no_grant, WORD_BITS, ROOT_CNODE, ep, WORD_BITS,
                             seL4_ReadWrite, 1));
    helper_run(ROOT_PRIO, fn_send_caps, no_grant, ntfn, 0, 0);
    seL4_CPtr slot = alloc_slot();
    struct msg m;
    recv_caps(ep, slot, &m);
    CHECK_EQ(m.extra_caps, 0);
    CHECK_EQ(m.mr[0], 0xcafe); /* the data still arrives */
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

TEST(ipc_cap_transfer_receive_slot_occupied)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    helper_run(ROOT_PRIO, fn_send_caps, mint_badged(ep, 1), ntfn, 0, 0);
    seL4_CPtr slot = alloc_obj(seL4_EndpointObject, 0);
    struct msg m;
    recv_caps(ep, slot, &m);
    CHECK_EQ(m.extra_caps, 0);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Endpoint);
}

TEST(ipc_only_one_cap_transferred)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr n1 = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr n2 = alloc_obj(seL4_NotificationObject, 0);
    helper_run(ROOT_PRIO, fn_send_caps, mint_badged(ep, 1), n1, n2, 0);
    seL4_CPtr slot = alloc_slot();
    seL4_CPtr next = alloc_slot();
    struct msg m;
    recv_caps(ep, slot, &m);
    CHECK_EQ(m.extra_caps, 1);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Notification);
    CHECK_EQ(seL4_DebugCapIdentify(next), seL4_CapType_Null);
}

TEST(ipc_badge_unwrapped_for_same_endpoint)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr b9 = mint_badged(ep, 9);
    helper_run(ROOT_PRIO, fn_send_caps, mint_badged(ep, 1), b9, 0, 0);
    seL4_CPtr slot = alloc_slot();
    struct msg m;
    seL4_GetIPCBuffer()->caps_or_badges[0] = 0;
    recv_caps(ep, slot, &m);
    /* A cap to the receiving endpoint is not transferred: its badge is. */
    CHECK_EQ(m.extra_caps, 1);
    CHECK_EQ(m.caps_unwrapped, 1);
    CHECK_EQ(seL4_GetBadge(0), 9);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Null);
}

TEST(ipc_unwrap_then_transfer)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr b5 = mint_badged(ep, 5);
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr b6 = mint_badged(ep, 6);
    helper_run(ROOT_PRIO, fn_send_caps, mint_badged(ep, 1), b5, ntfn, b6);
    seL4_CPtr slot = alloc_slot();
    struct msg m;
    recv_caps(ep, slot, &m);
    /* Unwrapped, transferred, unwrapped: bits 0 and 2. */
    CHECK_EQ(m.extra_caps, 3);
    CHECK_EQ(m.caps_unwrapped, 0x5);
    CHECK_EQ(seL4_GetBadge(0), 5);
    CHECK_EQ(seL4_GetBadge(2), 6);
    CHECK_EQ(seL4_DebugCapIdentify(slot), seL4_CapType_Notification);
}

TEST(ipc_unwrap_needs_grant_too)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr b5 = mint_badged(ep, 5);
    seL4_CPtr no_grant = alloc_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT_CNODE, no_grant, WORD_BITS, ROOT_CNODE, ep, WORD_BITS,
                             seL4_CanWrite, 1));
    helper_run(ROOT_PRIO, fn_send_caps, no_grant, b5, 0, 0);
    struct msg m;
    recv_caps(ep, alloc_slot(), &m);
    CHECK_EQ(m.extra_caps, 0);
    CHECK_EQ(m.caps_unwrapped, 0);
}

TEST(ipc_call_without_grant_rights_gets_no_reply_cap)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr write_only = alloc_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT_CNODE, write_only, WORD_BITS, ROOT_CNODE, ep, WORD_BITS,
                             seL4_CanWrite, 1));
    struct helper *h = helper_run(ROOT_PRIO, fn_call, write_only, 5, 0, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.mr[0], 5);
    /* No reply cap was made: nothing to save, and the caller is left waiting. */
    seL4_CPtr saved = alloc_slot();
    CHECK_OK(seL4_CNode_SaveCaller(ROOT_CNODE, saved, WORD_BITS));
    CHECK_EQ(seL4_DebugCapIdentify(saved), seL4_CapType_Null);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    yield_n(3);
    CHECK_EQ(h->finished, 0);
}

TEST(ipc_grant_reply_right_enough_for_call)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr gr = alloc_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT_CNODE, gr, WORD_BITS, ROOT_CNODE, ep, WORD_BITS,
                             seL4_CapRights_new(1, 0, 0, 1), 1));
    struct helper *h = helper_run(ROOT_PRIO, fn_call, gr, 5, 0, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    seL4_SetMR(0, 6);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 6);
}

TEST(ipc_send_needs_write_right)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr ro = copy_cap(ep, seL4_CanRead);
    /* Call on a receive-only endpoint cap: an error reply, no IPC. */
    seL4_MessageInfo_t info = seL4_Call(ro, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
    CHECK_MR(0, 0);
    /* Send on it: silently nothing. */
    seL4_Send(ro, seL4_MessageInfo_new(0, 0, 0, 0));
    seL4_Word badge = 5;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
}

TEST(ipc_call_on_empty_slot_is_error_reply)
{
    seL4_CPtr empty = alloc_slot();
    seL4_MessageInfo_t info = seL4_Call(empty, seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK_EQ(seL4_MessageInfo_get_label(info), seL4_InvalidCapability);
    CHECK_MR(0, 0);
}

/* A reply can carry a cap only if the receiver's endpoint cap (used in Recv) had Grant. */
static seL4_Word fn_call_recv_cap(seL4_Word ep, seL4_Word slot, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    seL4_SetCapReceivePath(ROOT_CNODE, slot, WORD_BITS);
    seL4_MessageInfo_t info = seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 0));
    return seL4_MessageInfo_get_extraCaps(info);
}

TEST(ipc_reply_grant_follows_receiver_cap)
{
    seL4_CPtr ep = new_ep();
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr slot1 = alloc_slot(), slot2 = alloc_slot();
    seL4_CPtr recv_only = copy_cap(ep, seL4_CanRead);
    /* Received through a cap with Grant: the reply transfers the cap. */
    struct helper *a = helper_run(ROOT_PRIO, fn_call_recv_cap, mint_badged(ep, 1), slot1, 0, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    seL4_SetCap(0, ntfn);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 1, 0));
    CHECK(helper_wait(a, 1000));
    CHECK_EQ(a->result, 1);
    CHECK_EQ(seL4_DebugCapIdentify(slot1), seL4_CapType_Notification);
    /* Received through a cap without Grant: the reply's cap is dropped. */
    struct helper *b = helper_run(ROOT_PRIO, fn_call_recv_cap, mint_badged(ep, 2), slot2, 0, 0);
    CHECK(poll_msg(recv_only, 1000, &m));
    seL4_SetCap(0, ntfn);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 1, 0));
    CHECK(helper_wait(b, 1000));
    CHECK_EQ(b->result, 0);
    CHECK_EQ(seL4_DebugCapIdentify(slot2), seL4_CapType_Null);
}

/*
 * A message of n words delivers MR0..MR(n-1) only: the receiver's other message registers
 * keep its own values, whichever path the kernel takes (a short Call to a waiting server and
 * its ReplyRecv are fast path candidates on both kernels).
 */
#define OWN_MR(who, i) (0x5000 + (who)*0x100 + (i))

static seL4_Word fn_mr_server(seL4_Word ep, seL4_Word out, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    seL4_Word *got = (seL4_Word *)out;
    seL4_Word badge, m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    seL4_RecvWithMRs(ep, &badge, &m0, 0, 0, 0);
    m0 = 7, m1 = OWN_MR(1, 1), m2 = OWN_MR(1, 2), m3 = OWN_MR(1, 3);
    seL4_ReplyRecvWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge, &m0, &m1, &m2, &m3);
    got[0] = m0, got[1] = m1, got[2] = m2, got[3] = m3;
    seL4_SetMR(0, 8);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    return 1;
}

static seL4_Word fn_mr_client(seL4_Word ep, seL4_Word out, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    seL4_Word *got = (seL4_Word *)out;
    seL4_Word m0 = 1, m1 = OWN_MR(2, 1), m2 = OWN_MR(2, 2), m3 = OWN_MR(2, 3);
    seL4_CallWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &m0, &m1, &m2, &m3);
    got[0] = m0, got[1] = m1, got[2] = m2, got[3] = m3;
    m0 = 2, m1 = OWN_MR(3, 1), m2 = OWN_MR(3, 2), m3 = OWN_MR(3, 3);
    seL4_CallWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 2), &m0, &m1, &m2, &m3);
    return m0;
}

TEST(ipc_short_message_leaves_other_registers)
{
    static seL4_Word server_got[4], client_got[4];
    seL4_CPtr ep = new_ep();
    struct helper *s = helper_run(ROOT_PRIO, fn_mr_server, ep, (seL4_Word)server_got, 0, 0);
    struct helper *c = helper_run(ROOT_PRIO, fn_mr_client, ep, (seL4_Word)client_got, 0, 0);
    CHECK(helper_wait(c, 1000));
    CHECK(helper_wait(s, 1000));
    CHECK_EQ(c->result, 8);
    /* The one-word reply: the client keeps its own MR1..MR3. */
    CHECK_EQ(client_got[0], 7);
    CHECK_EQ(client_got[1], OWN_MR(2, 1));
    CHECK_EQ(client_got[2], OWN_MR(2, 2));
    CHECK_EQ(client_got[3], OWN_MR(2, 3));
    /* The two-word call: the server gets MR0 and MR1 and keeps its own MR2 and MR3. */
    CHECK_EQ(server_got[0], 2);
    CHECK_EQ(server_got[1], OWN_MR(3, 1));
    CHECK_EQ(server_got[2], OWN_MR(1, 2));
    CHECK_EQ(server_got[3], OWN_MR(1, 3));
}

/*
 * Priorities decide who runs after a Call or a reply, whether the kernel takes its fast path
 * or not: a receiver less important than the sender runs only once every ready thread above
 * it has run.
 */
static volatile long prio_order[4];
static volatile long prio_n;

static seL4_Word fn_mark_after_wait(seL4_Word ntfn, seL4_Word mark, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    seL4_Word badge;
    seL4_Wait(ntfn, &badge);
    prio_order[prio_n++] = (long)mark;
    return 0;
}

/* Answers one call (marking it and signalling ntfn first, if given), then waits for more. */
static seL4_Word fn_prio_server(seL4_Word ep, seL4_Word mark, seL4_Word ntfn, seL4_Word a3)
{
    (void)a3;
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    prio_order[prio_n++] = (long)mark;
    if (ntfn) {
        seL4_Signal(ntfn);
    }
    seL4_SetMR(0, 0);
    seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    return 0;
}

static seL4_Word fn_prio_client(seL4_Word ep, seL4_Word mark, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    seL4_SetMR(0, 0);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
    prio_order[prio_n++] = (long)mark;
    return 0;
}

/* Lets every helper above `prio` run until it blocks, then takes the CPU back. */
static void let_lower_helpers_run(seL4_Word prio)
{
    CHECK_OK(seL4_TCB_SetPriority(SELF_TCB, ROOT_TCB, prio));
    CHECK_OK(seL4_TCB_SetPriority(SELF_TCB, ROOT_TCB, ROOT_PRIO));
}

TEST(ipc_call_to_lower_priority_lets_ready_threads_run_first)
{
    seL4_CPtr ep = new_ep(), ntfn = alloc_obj(seL4_NotificationObject, 0);
    prio_n = 0;
    helper_run(ROOT_PRIO - 50, fn_prio_server, ep, 'S', 0, 0);
    helper_run(ROOT_PRIO - 20, fn_mark_after_wait, ntfn, 'M', 0, 0);
    let_lower_helpers_run(ROOT_PRIO - 60); /* the server is in Recv, M in Wait */
    CHECK_EQ(prio_n, 0);
    seL4_Signal(ntfn); /* M is ready, below us */
    seL4_SetMR(0, 0);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1));
    /* M (above the server) ran first; the server's reply brought us back at once. */
    CHECK_EQ(prio_n, 2);
    CHECK_EQ(prio_order[0], 'M');
    CHECK_EQ(prio_order[1], 'S');
}

TEST(ipc_reply_to_lower_priority_lets_ready_threads_run_first)
{
    seL4_CPtr ep = new_ep(), ntfn = alloc_obj(seL4_NotificationObject, 0);
    prio_n = 0;
    helper_run(ROOT_PRIO + 50, fn_prio_server, ep, 'S', ntfn, 0); /* runs to its Recv */
    helper_run(ROOT_PRIO - 20, fn_mark_after_wait, ntfn, 'M', 0, 0);
    helper_run(ROOT_PRIO - 50, fn_prio_client, ep, 'C', 0, 0);
    /* M waits; C calls; the server wakes M and replies: M runs before C has its reply. */
    let_lower_helpers_run(ROOT_PRIO - 60);
    CHECK_EQ(prio_n, 3);
    CHECK_EQ(prio_order[0], 'S');
    CHECK_EQ(prio_order[1], 'M');
    CHECK_EQ(prio_order[2], 'C');
}
