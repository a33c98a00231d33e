/*
 * System calls: the eight API calls, SetTLSBase, and in the debug configuration the debug
 * calls (debug.c) and cycle accounting (accounting.c). Every path ends the same way: run the
 * scheduler, finish a restart, return to user level.
 *
 * Entry: RDX = number, RDI = cptr, RSI = message info, R10/R8/R9/R15 = MR0..MR3, all saved
 * in the current thread's context by the entry stub.
 */
#include <kernel.h>
#include <arch.h>
#include <printk.h>

/* --- Invocations ---------------------------------------------------------------------- */

exception_t decode_invocation(word_t label, word_t length, word_t cptr, cte_t *slot, cap_t cap,
                              bool block, bool call, word_t *buffer)
{
    (void)cptr;
    tcb_t *t = current_thread;
    switch (cap_get_type(cap)) {
    case cap_null:
    case cap_zombie:
        return error_invalid_capability(0, "invoking an empty slot or a cap being deleted");
    case cap_endpoint:
        if (!cap.endpoint.can_send) {
            return error_invalid_capability(0, "sending on an endpoint cap without Write");
        }
        thread_set_state(t, ThreadState_Restart);
        send_ipc(block, call, cap.endpoint.badge, cap.endpoint.can_grant,
                 cap.endpoint.can_grant_reply, t, cap_endpoint_ptr(cap));
        return EXCEPTION_NONE;
    case cap_notification:
        if (!cap.notification.can_send) {
            return error_invalid_capability(0, "signalling a notification cap without Write");
        }
        thread_set_state(t, ThreadState_Restart);
        send_signal(cap_notification_ptr(cap), cap.notification.badge);
        return EXCEPTION_NONE;
    case cap_reply:
        if (cap.reply.master) {
            return error_invalid_capability(0, "invoking a thread's master reply cap");
        }
        thread_set_state(t, ThreadState_Restart);
        do_reply_transfer(t, (tcb_t *)cap.reply.tcb, slot, cap.reply.can_grant);
        return EXCEPTION_NONE;
    case cap_thread:
        return decode_tcb_invocation(label, length, cap, slot, call, buffer);
    case cap_domain:
        return decode_domain_invocation(label, length, buffer);
    case cap_cnode:
        return decode_cnode_invocation(label, length, cap, buffer);
    case cap_untyped:
        return decode_untyped_invocation(label, length, slot, cap, buffer);
    case cap_irq_control:
        return decode_irq_control_invocation(label, length, slot, buffer);
    case cap_irq_handler:
        return decode_irq_handler_invocation(label, cap.irq_handler.irq);
    case cap_io_port_control:
        return decode_io_port_control_invocation(label, length, slot, buffer);
    case cap_io_port:
        return decode_io_port_invocation(label, length, cap, call, buffer);
    case cap_frame:
    case cap_page_table:
    case cap_page_directory:
    case cap_pdpt:
    case cap_pml4:
    case cap_asid_control:
    case cap_asid_pool:
        return decode_x86_mmu_invocation(label, length, slot, cap, call, buffer);
    }
    return error_invalid_capability(0, "not an invocable cap");
}

static void cap_fault(word_t cptr, bool in_receive_phase)
{
    current_fault.type = seL4_Fault_CapFault;
    current_fault.w[0] = cptr;
    current_fault.w[1] = in_receive_phase;
    handle_fault(current_thread);
}

static void handle_invocation(bool is_call, bool is_blocking)
{
    tcb_t *t = current_thread;
    seL4_MessageInfo_t info = message_info_from_word(t->ctx.rsi);
    word_t cptr = t->ctx.rdi;
    lookup_result_t r = lookup_slot(t, cptr);
    if (r.status != EXCEPTION_NONE) {
        if (is_blocking) {
            cap_fault(cptr, false);
        }
        return;
    }
    word_t *buffer = lookup_ipc_buffer(t, false);
    if (lookup_extra_caps(t, buffer, info) != EXCEPTION_NONE) {
        if (is_blocking) {
            handle_fault(t);
        }
        return;
    }
    word_t length = seL4_MessageInfo_get_length(info);
    if (length > seL4_FastMessageRegisters && !buffer) {
        length = seL4_FastMessageRegisters;
    }
    exception_t status = decode_invocation(seL4_MessageInfo_get_label(info), length, cptr, r.slot,
                                           r.slot->cap, is_blocking, is_call, buffer);
    if (status == EXCEPTION_SYSCALL_ERROR) {
        if (is_call) {
            reply_from_kernel_error(t);
        }
        return;
    }
    if (t->state == ThreadState_Restart) {
        if (is_call) {
            reply_from_kernel_success_empty(t);
        }
        thread_set_state(t, ThreadState_Running);
    }
}

/* --- Receive, reply, yield ------------------------------------------------------------ */

static void handle_recv(bool blocking)
{
    tcb_t *t = current_thread;
    word_t cptr = t->ctx.rdi;
    lookup_result_t r = lookup_slot(t, cptr);
    if (r.status != EXCEPTION_NONE) {
        cap_fault(cptr, true);
        return;
    }
    cap_t cap = r.slot->cap;
    switch (cap_get_type(cap)) {
    case cap_endpoint:
        if (cap.endpoint.can_receive) {
            receive_ipc(t, cap, blocking);
            return;
        }
        break;
    case cap_notification: {
        tcb_t *bound = ntfn_bound_tcb(cap_notification_ptr(cap));
        if (cap.notification.can_receive && (!bound || bound == t)) {
            receive_signal(t, cap, blocking);
            return;
        }
        break;
    }
    default:
        break;
    }
    current_lookup_fault.type = seL4_MissingCapability;
    current_lookup_fault.bits_left = 0;
    cap_fault(cptr, true);
}

static void handle_reply(void)
{
    tcb_t *t = current_thread;
    cte_t *caller_slot = tcb_slot(t, TCB_CALLER);
    cap_t cap = caller_slot->cap;
    if (cap_get_type(cap) == cap_reply && !cap.reply.master) {
        do_reply_transfer(t, (tcb_t *)cap.reply.tcb, caller_slot, cap.reply.can_grant);
    }
}

static void handle_api_syscall(long number)
{
    switch (number) {
    case seL4_SysSend:
        handle_invocation(false, true);
        break;
    case seL4_SysNBSend:
        handle_invocation(false, false);
        break;
    case seL4_SysCall:
        handle_invocation(true, true);
        break;
    case seL4_SysRecv:
        handle_recv(true);
        break;
    case seL4_SysNBRecv:
        handle_recv(false);
        break;
    case seL4_SysReply:
        handle_reply();
        break;
    case seL4_SysReplyRecv:
        handle_reply();
        handle_recv(true);
        break;
    case seL4_SysYield:
        sched_yield();
        break;
    }
}

/* --- Calls outside the API range ------------------------------------------------------ */

static void handle_unknown_syscall(long number)
{
    tcb_t *t = current_thread;
    if (number == seL4_SysSetTLSBase) {
        t->ctx.fs_base = sanitise_register(&t->ctx.fs_base, t, t->ctx.rdi);
        return;
    }
    if (debug_syscall(number) || accounting_syscall(number)) {
        return;
    }
    current_fault.type = seL4_Fault_UnknownSyscall;
    current_fault.w[0] = (word_t)number;
    handle_fault(t);
}

void c_handle_syscall(void)
{
    tcb_t *t = current_thread;
    accounting_kernel_entry();
    t->ctx.fault_ip = t->ctx.rip - 2; /* the syscall instruction itself */
    long number = (long)t->ctx.rdx;
    if (number == seL4_SysCall) {
        fastpath_call(t);
    } else if (number == seL4_SysReplyRecv) {
        fastpath_reply_recv(t);
    }
    if (number >= seL4_SysNBRecv && number <= seL4_SysCall) {
        handle_api_syscall(number);
    } else {
        handle_unknown_syscall(number);
    }
    sched_schedule();
    thread_activate(current_thread);
    restore_user_context();
}
