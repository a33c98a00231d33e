/*
 * Endpoints: message transfer between threads, Call/Reply with one-shot reply caps, and
 * capability transfer.
 *
 * A message is MR0..MR3 in registers (R10, R8, R9, R15) and MR4..MR119 in the IPC buffer;
 * the kernel reaches a thread's IPC buffer through the frame cap in its TCB, never through
 * the thread's own mapping.
 */
#include <kernel.h>
#include <printk.h>

extra_caps_t current_extra_caps;

#define IPC_BUFFER_CAPS_OFFSET (seL4_MsgMaxLength + 2) /* caps_or_badges, in words */

static word_t *msg_register(tcb_t *t, word_t i)
{
    switch (i) {
    case 0:
        return &t->ctx.r10;
    case 1:
        return &t->ctx.r8;
    case 2:
        return &t->ctx.r9;
    default:
        return &t->ctx.r15;
    }
}

word_t *lookup_ipc_buffer(tcb_t *t, bool is_receiver)
{
    cap_t cap = tcb_slot(t, TCB_BUFFER)->cap;
    if (cap_get_type(cap) != cap_frame || cap.frame.is_device) {
        return 0;
    }
    if (cap.frame.rights != VM_READ_WRITE && (is_receiver || cap.frame.rights != VM_READ_ONLY)) {
        return 0;
    }
    char *base = ptr_from_paddr(cap.frame.paddr);
    return (word_t *)(base + (t->ipc_buffer & MASK(cap_object_size_bits(cap))));
}

word_t get_mr(tcb_t *t, const word_t *buffer, word_t i)
{
    if (i < seL4_FastMessageRegisters) {
        return *msg_register(t, i);
    }
    return buffer ? buffer[i + 1] : 0;
}

/* Returns the message length so far: writes past MR3 are dropped without a buffer. */
static word_t put_mr(tcb_t *t, word_t *buffer, word_t i, word_t v)
{
    if (i < seL4_FastMessageRegisters) {
        *msg_register(t, i) = v;
        return i + 1;
    }
    if (!buffer) {
        return seL4_FastMessageRegisters;
    }
    buffer[i + 1] = v;
    return i + 1;
}

void set_mr(tcb_t *t, word_t *buffer, word_t i, word_t v)
{
    put_mr(t, buffer, i, v);
}

seL4_MessageInfo_t message_info_from_word(word_t w)
{
    seL4_MessageInfo_t info = {{w}};
    if (seL4_MessageInfo_get_length(info) > seL4_MsgMaxLength) {
        info = seL4_MessageInfo_set_length(info, seL4_MsgMaxLength);
    }
    return info;
}

void set_reply_message(tcb_t *t, word_t label, word_t length)
{
    t->ctx.rsi = seL4_MessageInfo_new(label, 0, 0, length).words[0];
    t->ctx.rdi = 0; /* badge */
}

word_t set_mrs_syscall_error(tcb_t *t, word_t *buffer)
{
    syscall_error_t *e = &current_syscall_error;
    switch (e->type) {
    case seL4_InvalidArgument:
        return put_mr(t, buffer, 0, e->invalid_argument_number);
    case seL4_InvalidCapability:
        return put_mr(t, buffer, 0, e->invalid_cap_number);
    case seL4_RangeError:
        put_mr(t, buffer, 0, e->range_min);
        return put_mr(t, buffer, 1, e->range_max);
    case seL4_FailedLookup:
        put_mr(t, buffer, 0, e->failed_lookup_was_source ? 1 : 0);
        return set_mrs_lookup_failure(t, buffer, &current_lookup_fault, 1);
    case seL4_NotEnoughMemory:
        return put_mr(t, buffer, 0, e->memory_left);
    default:
        return 0;
    }
}

void reply_from_kernel_error(tcb_t *t)
{
    word_t *buffer = lookup_ipc_buffer(t, true);
    word_t length = set_mrs_syscall_error(t, buffer);
    set_reply_message(t, current_syscall_error.type, length);
}

void reply_from_kernel_success_empty(tcb_t *t)
{
    set_reply_message(t, 0, 0);
}

/* Looks up the caps a sender names in its IPC buffer; a failure is a cap fault. */
exception_t lookup_extra_caps(tcb_t *t, word_t *buffer, seL4_MessageInfo_t info)
{
    current_extra_caps.count = 0;
    if (!buffer) {
        return EXCEPTION_NONE;
    }
    word_t n = seL4_MessageInfo_get_extraCaps(info);
    for (word_t i = 0; i < n; i++) {
        word_t cptr = buffer[IPC_BUFFER_CAPS_OFFSET + i];
        lookup_result_t r = lookup_slot(t, cptr);
        if (r.status != EXCEPTION_NONE) {
            current_fault.type = seL4_Fault_CapFault;
            current_fault.w[0] = cptr;
            current_fault.w[1] = 0; /* not in receive phase */
            current_extra_caps.count = 0;
            return EXCEPTION_FAULT;
        }
        current_extra_caps.slots[i] = r.slot;
    }
    current_extra_caps.count = n;
    return EXCEPTION_NONE;
}

static word_t copy_mrs(tcb_t *sender, word_t *send_buffer, tcb_t *receiver, word_t *recv_buffer,
                       word_t n)
{
    word_t i = 0;
    for (; i < n && i < seL4_FastMessageRegisters; i++) {
        *msg_register(receiver, i) = *msg_register(sender, i);
    }
    if (!send_buffer || !recv_buffer) {
        return i;
    }
    for (; i < n; i++) {
        recv_buffer[i + 1] = send_buffer[i + 1];
    }
    return i;
}

/*
 * Moves the extra caps of a message. A cap to the very endpoint the message travels on is
 * not transferred but unwrapped: its badge goes to the receiver. At most one cap is
 * transferred (into the receiver's receive slot); the first failure stops the transfer.
 */
static seL4_MessageInfo_t transfer_caps(seL4_MessageInfo_t info, endpoint_t *ep, tcb_t *receiver,
                                        word_t *recv_buffer)
{
    info = seL4_MessageInfo_set_extraCaps(info, 0);
    info = seL4_MessageInfo_set_capsUnwrapped(info, 0);
    if (current_extra_caps.count == 0 || !recv_buffer) {
        return info;
    }
    cte_t *dest = lookup_receive_slot(receiver);
    word_t unwrapped = 0, i;
    for (i = 0; i < current_extra_caps.count; i++) {
        cte_t *slot = current_extra_caps.slots[i];
        cap_t cap = slot->cap;
        if (cap_get_type(cap) == cap_endpoint && cap_endpoint_ptr(cap) == ep) {
            recv_buffer[IPC_BUFFER_CAPS_OFFSET + i] = cap.endpoint.badge;
            unwrapped |= BIT(i);
            continue;
        }
        if (!dest) {
            break;
        }
        derive_result_t d = derive_cap(slot, cap);
        if (d.status != EXCEPTION_NONE || cap_is_null(d.cap)) {
            break;
        }
        cte_insert(d.cap, slot, dest);
        dest = 0;
    }
    info = seL4_MessageInfo_set_extraCaps(info, i);
    return seL4_MessageInfo_set_capsUnwrapped(info, unwrapped);
}

static void do_normal_transfer(tcb_t *sender, word_t *send_buffer, endpoint_t *ep, word_t badge,
                               bool can_grant, tcb_t *receiver, word_t *recv_buffer)
{
    seL4_MessageInfo_t info = message_info_from_word(sender->ctx.rsi);
    current_extra_caps.count = 0;
    if (can_grant && lookup_extra_caps(sender, send_buffer, info) != EXCEPTION_NONE) {
        current_extra_caps.count = 0;
    }
    word_t length =
        copy_mrs(sender, send_buffer, receiver, recv_buffer, seL4_MessageInfo_get_length(info));
    info = transfer_caps(info, ep, receiver, recv_buffer);
    info = seL4_MessageInfo_set_length(info, length);
    receiver->ctx.rsi = info.words[0];
    receiver->ctx.rdi = badge;
}

static void do_fault_transfer(word_t badge, tcb_t *sender, tcb_t *receiver, word_t *recv_buffer)
{
    word_t length = set_mrs_fault(sender, receiver, recv_buffer);
    receiver->ctx.rsi = seL4_MessageInfo_new(sender->fault.type, 0, 0, length).words[0];
    receiver->ctx.rdi = badge;
}

static void do_ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant,
                            tcb_t *receiver)
{
    word_t *recv_buffer = lookup_ipc_buffer(receiver, true);
    if (sender->fault.type == seL4_Fault_NullFault) {
        do_normal_transfer(sender, lookup_ipc_buffer(sender, false), ep, badge, can_grant, receiver,
                           recv_buffer);
    } else {
        do_fault_transfer(badge, sender, receiver, recv_buffer);
    }
}

/* --- Endpoint queues ------------------------------------------------------------------ */

void ep_dequeue(endpoint_t *ep, tcb_t *t)
{
    if (t->ep_prev) {
        t->ep_prev->ep_next = t->ep_next;
    } else {
        ep->head = t->ep_next;
    }
    if (t->ep_next) {
        t->ep_next->ep_prev = t->ep_prev;
    } else {
        ep->tail = t->ep_prev;
    }
    t->ep_next = t->ep_prev = 0;
}

static bool ep_has_receivers(const endpoint_t *ep)
{
    return ep->head && ep->head->state == ThreadState_BlockedOnReceive;
}

static bool ep_has_senders(const endpoint_t *ep)
{
    return ep->head && ep->head->state == ThreadState_BlockedOnSend;
}

/* --- Send and receive ----------------------------------------------------------------- */

void setup_caller_cap(tcb_t *sender, tcb_t *receiver, bool can_grant)
{
    thread_set_state(sender, ThreadState_BlockedOnReply);
    cte_t *reply_slot = tcb_slot(sender, TCB_REPLY);
    cte_t *caller_slot = tcb_slot(receiver, TCB_CALLER);
    kassert(cap_get_type(reply_slot->cap) == cap_reply && reply_slot->cap.reply.master);
    kassert(cap_is_null(caller_slot->cap));
    cte_insert_reply(cap_reply_new(sender, false, can_grant), reply_slot, caller_slot);
}

void delete_caller_cap(tcb_t *receiver)
{
    cte_delete_one(tcb_slot(receiver, TCB_CALLER));
}

void send_ipc(bool blocking, bool do_call, word_t badge, bool can_grant, bool can_grant_reply,
              tcb_t *sender, endpoint_t *ep)
{
    if (!ep_has_receivers(ep)) {
        if (blocking) {
            sender->blocking_object = ep;
            sender->blocking_badge = badge;
            sender->blocking_can_grant = can_grant;
            sender->blocking_can_grant_reply = can_grant_reply;
            sender->blocking_is_call = do_call;
            thread_set_state(sender, ThreadState_BlockedOnSend);
            ep_enqueue(ep, sender);
        }
        return;
    }
    tcb_t *dest = ep->head;
    ep_dequeue(ep, dest);
    do_ipc_transfer(sender, ep, badge, can_grant, dest);
    bool reply_can_grant = dest->blocking_can_grant;
    thread_set_state(dest, ThreadState_Running);
    sched_possible_switch_to(dest);
    if (do_call) {
        if (can_grant || can_grant_reply) {
            setup_caller_cap(sender, dest, reply_can_grant);
        } else {
            thread_set_state(sender, ThreadState_Inactive);
        }
    }
}

/* Completes a wait on a bound notification that has a signal pending. */
static void complete_signal(notification_t *n, tcb_t *t)
{
    t->ctx.rdi = n->pending;
    n->pending = 0;
    n->active = 0;
}

void receive_ipc(tcb_t *receiver, cap_t ep_cap, bool blocking)
{
    endpoint_t *ep = cap_endpoint_ptr(ep_cap);
    delete_caller_cap(receiver);

    notification_t *bound = receiver->bound_notification;
    if (bound && bound->active) {
        complete_signal(bound, receiver);
        return;
    }
    if (!ep_has_senders(ep)) {
        if (blocking) {
            receiver->blocking_object = ep;
            receiver->blocking_can_grant = ep_cap.endpoint.can_grant;
            thread_set_state(receiver, ThreadState_BlockedOnReceive);
            ep_enqueue(ep, receiver);
        } else {
            receiver->ctx.rdi = 0; /* NBRecv with nobody sending: badge 0 */
        }
        return;
    }
    tcb_t *sender = ep->head;
    ep_dequeue(ep, sender);
    do_ipc_transfer(sender, ep, sender->blocking_badge, sender->blocking_can_grant, receiver);
    if (sender->blocking_is_call) {
        if (sender->blocking_can_grant || sender->blocking_can_grant_reply) {
            setup_caller_cap(sender, receiver, ep_cap.endpoint.can_grant);
        } else {
            thread_set_state(sender, ThreadState_Inactive);
        }
    } else {
        thread_set_state(sender, ThreadState_Running);
        sched_possible_switch_to(sender);
    }
}

void do_reply_transfer(tcb_t *sender, tcb_t *receiver, cte_t *reply_slot, bool grant)
{
    kassert(receiver->state == ThreadState_BlockedOnReply);
    if (receiver->fault.type == seL4_Fault_NullFault) {
        do_ipc_transfer(sender, 0, 0, grant, receiver);
        cte_delete_one(reply_slot);
        thread_set_state(receiver, ThreadState_Running);
        sched_possible_switch_to(receiver);
        return;
    }
    cte_delete_one(reply_slot);
    seL4_MessageInfo_t info = message_info_from_word(sender->ctx.rsi);
    bool restart = handle_fault_reply(receiver, sender, seL4_MessageInfo_get_label(info),
                                      seL4_MessageInfo_get_length(info));
    receiver->fault.type = seL4_Fault_NullFault;
    if (restart) {
        thread_set_state(receiver, ThreadState_Restart);
        sched_possible_switch_to(receiver);
    } else {
        thread_set_state(receiver, ThreadState_Inactive);
    }
}

void cancel_ipc(tcb_t *t)
{
    switch (t->state) {
    case ThreadState_BlockedOnSend:
    case ThreadState_BlockedOnReceive:
        ep_dequeue(t->blocking_object, t);
        thread_set_state(t, ThreadState_Inactive);
        break;
    case ThreadState_BlockedOnNotification:
        cancel_signal(t, t->blocking_object);
        break;
    case ThreadState_BlockedOnReply: {
        t->fault.type = seL4_Fault_NullFault;
        cte_t *next = mdb_next(tcb_slot(t, TCB_REPLY));
        if (next && cap_get_type(next->cap) == cap_reply) {
            cte_delete_one(next);
        }
        break;
    }
    default:
        break;
    }
}

/*
 * A waiter released from an endpoint reruns its system call (which then finds the endpoint
 * gone); a thread that was sending a fault message has nothing to rerun and stops.
 */
static void release_waiter(tcb_t *t)
{
    if (t->fault.type == seL4_Fault_NullFault) {
        thread_set_state(t, ThreadState_Restart);
        sched_enqueue_head(t);
    } else {
        thread_set_state(t, ThreadState_Inactive);
    }
}

void cancel_all_ipc(endpoint_t *ep)
{
    tcb_t *t = ep->head;
    ep->head = ep->tail = 0;
    while (t) {
        tcb_t *next = t->ep_next;
        t->ep_next = t->ep_prev = 0;
        release_waiter(t);
        t = next;
    }
    sched_reschedule_required();
}

void cancel_badged_sends(endpoint_t *ep, word_t badge)
{
    if (!ep_has_senders(ep)) {
        return;
    }
    tcb_t *t = ep->head;
    while (t) {
        tcb_t *next = t->ep_next;
        if (t->blocking_badge == badge) {
            ep_dequeue(ep, t);
            release_waiter(t);
        }
        t = next;
    }
    sched_reschedule_required();
}
