/*
 * The IPC fast path: Call and ReplyRecv in the common case — a short message (MR0..MR3
 * only, no caps) to a thread already waiting, in the current domain, which can run at once
 * — are done here
 * directly, switching straight to the other thread. Anything else, or any doubt, takes the
 * general path in syscall.c, which gives the same result.
 */
#include <kernel.h>
#include <arch.h>
#include <printk.h>

/* Register-only messages: the first four words, no capabilities. */
static bool short_message(word_t info)
{
    seL4_MessageInfo_t mi = {{info}};
    return seL4_MessageInfo_get_extraCaps(mi) == 0 &&
           seL4_MessageInfo_get_length(mi) <= seL4_FastMessageRegisters;
}

/* The endpoint cap a cptr names in t's CSpace, or a null cap. */
static cap_t endpoint_at(tcb_t *t, word_t cptr)
{
    lookup_result_t r = lookup_slot(t, cptr);
    if (r.status != EXCEPTION_NONE || cap_get_type(r.slot->cap) != cap_endpoint) {
        return cap_null_new();
    }
    return r.slot->cap;
}

/* Hands the CPU from `from` (now blocked) to `to`, which may run as nothing ready outranks it. */
static void NORETURN switch_and_return(tcb_t *from, tcb_t *to, word_t info, word_t badge)
{
    to->ctx.r10 = from->ctx.r10;
    to->ctx.r8 = from->ctx.r8;
    to->ctx.r9 = from->ctx.r9;
    to->ctx.r15 = from->ctx.r15;
    to->ctx.rsi = seL4_MessageInfo_new(seL4_MessageInfo_get_label((seL4_MessageInfo_t){{info}}), 0,
                                       0, seL4_MessageInfo_get_length((seL4_MessageInfo_t){{info}}))
                      .words[0];
    to->ctx.rdi = badge;
    to->state = ThreadState_Running;
    accounting_switch(from, to);
    current_thread = to;
    restore_user_context();
}

/* Call to an endpoint with a receiver waiting. */
static bool fastpath_call(tcb_t *t)
{
    cap_t cap = endpoint_at(t, t->ctx.rdi);
    if (cap_is_null(cap) || !cap.endpoint.can_send || t->fault.type != seL4_Fault_NullFault ||
        !(cap.endpoint.can_grant || cap.endpoint.can_grant_reply)) {
        return false;
    }
    endpoint_t *ep = cap_endpoint_ptr(cap);
    tcb_t *dest = ep->head;
    if (!dest || dest->state != ThreadState_BlockedOnReceive || dest->domain != current_domain ||
        (int)dest->priority < sched_highest_ready_priority()) {
        return false;
    }
    ep_dequeue(ep, dest);
    /* The caller waits for the reply; its reply cap goes to the receiver. */
    t->state = ThreadState_BlockedOnReply;
    cte_insert(cap_reply_new(t, false, dest->blocking_can_grant), tcb_slot(t, TCB_REPLY),
               tcb_slot(dest, TCB_CALLER));
    switch_and_return(t, dest, t->ctx.rsi, cap.endpoint.badge);
}

/* Reply to the caller, then wait on an endpoint nobody is sending to yet. */
static bool fastpath_reply_recv(tcb_t *t)
{
    cap_t cap = endpoint_at(t, t->ctx.rdi);
    cte_t *caller_slot = tcb_slot(t, TCB_CALLER);
    cap_t reply = caller_slot->cap;
    if (cap_is_null(cap) || !cap.endpoint.can_receive || cap_get_type(reply) != cap_reply ||
        reply.reply.master) {
        return false;
    }
    endpoint_t *ep = cap_endpoint_ptr(cap);
    tcb_t *caller = (tcb_t *)reply.reply.tcb;
    if (caller->state != ThreadState_BlockedOnReply ||
        (ep->head && ep->head->state == ThreadState_BlockedOnSend) ||
        (t->bound_notification && t->bound_notification->active) ||
        caller->fault.type != seL4_Fault_NullFault || caller->domain != current_domain ||
        (int)caller->priority < sched_highest_ready_priority()) {
        return false;
    }
    t->blocking_object = ep;
    t->blocking_can_grant = cap.endpoint.can_grant;
    t->state = ThreadState_BlockedOnReceive;
    ep_enqueue(ep, t);
    cte_delete_one(caller_slot);
    switch_and_return(t, caller, t->ctx.rsi, 0);
}

bool fastpath_try(long number)
{
    tcb_t *t = current_thread;
    kassert(scheduler_action == 0); /* decisions are settled before every return */
    if (!short_message(t->ctx.rsi)) {
        return false;
    }
    if (number == seL4_SysCall) {
        return fastpath_call(t);
    }
    if (number == seL4_SysReplyRecv) {
        return fastpath_reply_recv(t);
    }
    return false;
}
