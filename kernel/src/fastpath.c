/*
 * The IPC fast path: Call and ReplyRecv in the common case — a short message (MR0..MR3
 * only, no caps) to a thread already waiting, in the current domain, which the scheduler
 * would run at once — are done here directly, switching straight to the other thread.
 *
 * Every check below mirrors a decision of the general path (syscall.c, ipc.c, sched.c): the
 * fast path only runs when the general path would do exactly the same thing, and it has the
 * same effects (message registers, message info, badge, thread states, endpoint queue,
 * reply cap in the derivation tree, the thread that runs next and the page tables it runs
 * on). Anything else, or any doubt, returns before the first write and takes the general
 * path.
 */
#include <kernel.h>
#include <arch.h>
#include <machine.h>
#include <printk.h>

/*
 * The slot a cptr names in t's CSpace, found as resolve_address_bits() finds it, or 0 when
 * the walk would fail or is unusual (the general path then looks it up again and reports
 * the fault). Only the success case has to agree with the full lookup.
 */
static inline cte_t *fast_lookup(tcb_t *t, word_t cptr)
{
    cap_t node = tcb_slot(t, TCB_CTABLE)->cap;
    word_t bits = seL4_WordBits; /* still to resolve: the top `bits` of `rest` */
    word_t rest = cptr;
    if (cap_get_type(node) != cap_cnode) {
        return 0;
    }
    for (;;) {
        word_t radix = node.cnode.radix, level = radix + node.cnode.guard_size;
        if (level - 1 >= bits) { /* level 0 (no progress) or more bits than are left */
            return 0;
        }
        word_t index = rest >> (seL4_WordBits - level); /* the guard, then the slot index */
        word_t guard = index >> radix;
        if (guard != node.cnode.guard) {
            return 0;
        }
        cte_t *slot = (cte_t *)cap_cnode_ptr(node) + (index - (guard << radix));
        bits -= level;
        if (bits == 0 || cap_get_type(slot->cap) != cap_cnode) {
            return slot;
        }
        node = slot->cap;
        rest <<= level;
    }
}

/* The endpoint cap a cptr names, or 0. */
static inline const cap_t *endpoint_at(tcb_t *t, word_t cptr)
{
    cte_t *slot = fast_lookup(t, cptr);
    return slot && cap_get_type(slot->cap) == cap_endpoint ? &slot->cap : 0;
}

/*
 * Would the general path's scheduler (sched_schedule) switch from `from`, which has just
 * blocked, to `to`, which has just become runnable? Only if `to` is in the current domain,
 * and unless `to` is less important than `from` and than some ready thread.
 */
static inline bool runs_at_once(const tcb_t *from, const tcb_t *to)
{
    return to->domain == current_domain &&
           (to->priority >= from->priority || (int)to->priority >= sched_highest_ready_priority());
}

/* Delivers the message of `from` (now blocked) to `to` and runs `to` on its page tables. */
static ALWAYS_INLINE void NORETURN deliver_and_switch(tcb_t *from, tcb_t *to, paddr_t vspace,
                                                      word_t badge)
{
    seL4_MessageInfo_t info = {{from->ctx.rsi}};
    /* The first `length` message registers (at most four), as copy_mrs() gives them. */
    word_t length = seL4_MessageInfo_get_length(info);
    if (length > 0) {
        to->ctx.r10 = from->ctx.r10;
        if (length > 1) {
            to->ctx.r8 = from->ctx.r8;
            if (length > 2) {
                to->ctx.r9 = from->ctx.r9;
                if (length > 3) {
                    to->ctx.r15 = from->ctx.r15;
                }
            }
        }
    }
    to->ctx.rsi = seL4_MessageInfo_set_capsUnwrapped(info, 0).words[0];
    to->ctx.rdi = badge;
    to->state = ThreadState_Running;
    accounting_switch_and_exit(from, to);
    current_thread = to;
    if (read_cr3() != vspace) {
        write_cr3(vspace);
    }
    return_to_user(to);
}

/* Call to an endpoint with a receiver waiting. */
static inline void call_to_waiting_receiver(tcb_t *t)
{
    const cap_t *cap = endpoint_at(t, t->ctx.rdi);
    if (!cap || !cap->endpoint.can_send ||
        !(cap->endpoint.can_grant || cap->endpoint.can_grant_reply)) {
        return;
    }
    endpoint_t *ep = cap_endpoint_ptr(*cap);
    tcb_t *dest = ep->head;
    if (!dest || dest->state != ThreadState_BlockedOnReceive || !runs_at_once(t, dest)) {
        return;
    }
    paddr_t vspace = vspace_root_paddr(dest);
    if (!vspace) {
        return;
    }
    /* The receiver leaves the head of the queue. */
    ep->head = dest->ep_next;
    if (dest->ep_next) {
        dest->ep_next->ep_prev = 0;
    } else {
        ep->tail = 0;
    }
    dest->ep_next = 0;
    /* The caller waits for the reply; its reply cap goes to the receiver. */
    t->state = ThreadState_BlockedOnReply;
    cte_insert_reply(cap_reply_new(t, false, dest->blocking_can_grant), tcb_slot(t, TCB_REPLY),
                     tcb_slot(dest, TCB_CALLER));
    deliver_and_switch(t, dest, vspace, cap->endpoint.badge);
}

/* Reply to the caller, then wait on an endpoint nobody is sending to yet. */
static inline void reply_then_wait(tcb_t *t)
{
    const cap_t *cap = endpoint_at(t, t->ctx.rdi);
    cte_t *caller_slot = tcb_slot(t, TCB_CALLER);
    if (!cap || !cap->endpoint.can_receive || cap_get_type(caller_slot->cap) != cap_reply ||
        caller_slot->cap.reply.master) {
        return;
    }
    endpoint_t *ep = cap_endpoint_ptr(*cap);
    tcb_t *caller = (tcb_t *)caller_slot->cap.reply.tcb;
    if (caller->state != ThreadState_BlockedOnReply || caller->fault.type != seL4_Fault_NullFault ||
        (ep->head && ep->head->state == ThreadState_BlockedOnSend) ||
        (t->bound_notification && t->bound_notification->active) || !runs_at_once(t, caller)) {
        return;
    }
    paddr_t vspace = vspace_root_paddr(caller);
    if (!vspace) {
        return;
    }
    cte_delete_reply(caller_slot);
    t->blocking_object = ep;
    t->blocking_can_grant = cap->endpoint.can_grant;
    t->state = ThreadState_BlockedOnReceive;
    ep_enqueue(ep, t);
    deliver_and_switch(t, caller, vspace, 0);
}

/* Register-only messages, and not a thread with a fault to send (it sends that). */
static inline bool fast_message(const tcb_t *t)
{
    seL4_MessageInfo_t info = {{t->ctx.rsi}};
    kassert(scheduler_action == 0); /* decisions are settled before every return */
    /*
     * No caps and at most four words: the info word's extraCaps (bits 7..8) and length
     * (bits 0..6) read as one number are then at most 4.
     */
    return (info.words[0] & 0x1ff) <= seL4_FastMessageRegisters &&
           t->fault.type == seL4_Fault_NullFault;
}

void fastpath_call(tcb_t *t)
{
    if (fast_message(t)) {
        call_to_waiting_receiver(t);
    }
}

void fastpath_reply_recv(tcb_t *t)
{
    if (fast_message(t)) {
        reply_then_wait(t);
    }
}
