/*
 * Thread control blocks: life cycle (create, suspend, resume, destroy) and the TCB
 * invocations (registers, CSpace/VSpace/IPC buffer, priorities, notification binding,
 * TLS base, flags).
 */
#include <kernel.h>
#include <arch.h>
#include <printk.h>

#define N_FRAME_REGISTERS   18
#define N_GP_REGISTERS      2
#define N_CONTEXT_REGISTERS (N_FRAME_REGISTERS + N_GP_REGISTERS)

/* seL4_UserContext order: the 18 "frame" registers, then FS and GS base. */
static word_t *context_register(tcb_t *t, word_t i)
{
    user_context_t *c = &t->ctx;
    word_t *regs[N_CONTEXT_REGISTERS] = {
        &c->fault_ip, &c->rsp, &c->rflags, &c->rax, &c->rbx,     &c->rcx,    &c->rdx,
        &c->rsi,      &c->rdi, &c->rbp,    &c->r8,  &c->r9,      &c->r10,    &c->r11,
        &c->r12,      &c->r13, &c->r14,    &c->r15, &c->fs_base, &c->gs_base};
    return regs[i];
}

/* --- Life cycle ------------------------------------------------------------------------------- */

void thread_init(tcb_t *t)
{
    t->state = ThreadState_Inactive;
    t->time_slice = CONFIG_TIME_SLICE;
    t->domain = current_domain; /* as upstream: the domain running when it is made */
    t->ctx.cs = SEL_USER_CS;
    t->ctx.ss = SEL_USER_DS;
    t->ctx.rflags = BIT(9) | BIT(1);
    fpu_init_state(t);
    /* The master reply cap: every reply cap to this thread derives from it. */
    tcb_slot(t, TCB_REPLY)->cap = cap_reply_new(t, true, true);
    debug_thread_add(t);
}

static bool thread_is_stopped(const tcb_t *t)
{
    return !thread_is_runnable(t) && t->state != ThreadState_IdleThreadState;
}

void thread_suspend(tcb_t *t)
{
    cancel_ipc(t);
    if (t->state == ThreadState_Running) {
        /* Whatever comes next, it continues where it is now. */
        t->ctx.fault_ip = t->ctx.rip;
    }
    sched_dequeue(t);
    if (scheduler_action == t) {
        sched_reschedule_required();
        sched_dequeue(t);
    }
    thread_set_state(t, ThreadState_Inactive);
}

void thread_restart(tcb_t *t)
{
    if (!thread_is_stopped(t)) {
        return;
    }
    cancel_ipc(t);
    thread_set_state(t, ThreadState_Restart);
    sched_enqueue_head(t);
    sched_possible_switch_to(t);
}

/* Just before returning to user level: a restarted thread reruns its entry instruction. */
void thread_activate(tcb_t *t)
{
    if (t->state == ThreadState_Restart) {
        t->ctx.rip = t->ctx.fault_ip;
        thread_set_state(t, ThreadState_Running);
    }
}

void thread_destroy(tcb_t *t)
{
    fpu_thread_deleted(t);
    debug_thread_remove(t);
    accounting_forget(t);
}

/* --- Registers ------------------------------------------------------------------------ */

static exception_t decode_read_registers(tcb_t *target, word_t length, bool call, word_t *buffer)
{
    tcb_t *self = current_thread;
    if (length < 2) {
        return error_simple(seL4_TruncatedMessage, "ReadRegisters needs flags and a count");
    }
    word_t flags = get_mr(self, buffer, 0);
    word_t n = get_mr(self, buffer, 1);
    if (n < 1 || n > N_CONTEXT_REGISTERS) {
        return error_range(1, N_CONTEXT_REGISTERS, "1 to 20 registers");
    }
    if (target == self) {
        return error_illegal_operation("a thread cannot read its own registers");
    }
    thread_set_state(self, ThreadState_Restart);
    if (flags & 1) {
        thread_suspend(target);
    }
    if (call) {
        word_t *reply_buffer = lookup_ipc_buffer(self, true);
        word_t i = 0;
        for (; i < n && (i < seL4_FastMessageRegisters || reply_buffer); i++) {
            set_mr(self, reply_buffer, i, *context_register(target, i));
        }
        set_reply_message(self, 0, i);
    }
    thread_set_state(self, ThreadState_Running);
    return EXCEPTION_NONE;
}

static exception_t decode_write_registers(tcb_t *target, word_t length, word_t *buffer)
{
    tcb_t *self = current_thread;
    if (length < 2) {
        return error_simple(seL4_TruncatedMessage, "WriteRegisters needs flags and a count");
    }
    word_t flags = get_mr(self, buffer, 0);
    word_t n = get_mr(self, buffer, 1);
    if (length - 2 < n) {
        return error_simple(seL4_TruncatedMessage, "fewer register values than the count");
    }
    if (target == self) {
        return error_illegal_operation("a thread cannot write its own registers");
    }
    thread_set_state(self, ThreadState_Restart);
    n = MIN(n, N_CONTEXT_REGISTERS);
    for (word_t i = 0; i < n; i++) {
        word_t *reg = context_register(target, i);
        *reg = sanitise_register(reg, target, get_mr(self, buffer, i + 2));
    }
    target->ctx.rip = target->ctx.fault_ip;
    target->ctx.vector = 0; /* every register matters now: leave through iret */
    if (flags & 1) {
        thread_restart(target);
    }
    return EXCEPTION_NONE;
}

static exception_t decode_copy_registers(tcb_t *dest, word_t length, word_t *buffer)
{
    tcb_t *self = current_thread;
    if (length < 1 || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage, "CopyRegisters needs flags and the source");
    }
    word_t flags = get_mr(self, buffer, 0);
    cap_t src_cap = current_extra_caps.slots[0]->cap;
    if (cap_get_type(src_cap) != cap_thread) {
        return error_invalid_capability(1, "the source is not a TCB cap");
    }
    tcb_t *src = (tcb_t *)src_cap.thread.tcb;
    thread_set_state(self, ThreadState_Restart);
    if (flags & BIT(0)) {
        thread_suspend(src);
    }
    if (flags & BIT(1)) {
        thread_restart(dest);
    }
    if (flags & BIT(2)) {
        for (word_t i = 0; i < N_FRAME_REGISTERS; i++) {
            *context_register(dest, i) = *context_register(src, i);
        }
        dest->ctx.rip = dest->ctx.fault_ip;
        dest->ctx.vector = 0;
    }
    if (flags & BIT(3)) {
        for (word_t i = N_FRAME_REGISTERS; i < N_CONTEXT_REGISTERS; i++) {
            *context_register(dest, i) = *context_register(src, i);
        }
    }
    if (dest == self) {
        sched_reschedule_required();
    }
    return EXCEPTION_NONE;
}

/* --- CSpace, VSpace and IPC buffer ---------------------------------------------------- */

static exception_t check_valid_ipc_buffer(word_t vaddr, cap_t cap)
{
    if (cap_get_type(cap) != cap_frame || cap.frame.is_device) {
        return error_illegal_operation("the IPC buffer must be a frame of RAM");
    }
    if (!IS_ALIGNED(vaddr, seL4_IPCBufferSizeBits)) {
        return error_simple(seL4_AlignmentError, "the IPC buffer address is not 1 KiB aligned");
    }
    return EXCEPTION_NONE;
}

/* Replaces a TCB slot's cap with a copy of `new_cap` from `src` (if both still exist). */
static void install_tcb_cap(tcb_t *t, cte_t *tcb_cap_slot, enum tcb_slot which, cap_t new_cap,
                            cte_t *src)
{
    cte_t *slot = tcb_slot(t, which);
    cte_delete(slot);
    if (src && same_object_as(new_cap, src->cap) &&
        same_object_as(cap_thread_new(t), tcb_cap_slot->cap)) {
        cte_insert(new_cap, src, slot);
    }
}

typedef struct root_caps {
    cap_t cspace, vspace;
    cte_t *cspace_slot, *vspace_slot;
} root_caps_t;

/* Common part of Configure and SetSpace: derive the new CSpace and VSpace roots. */
static exception_t decode_space_roots(word_t cspace_data, word_t vspace_data, root_caps_t *roots)
{
    roots->cspace_slot = current_extra_caps.slots[0];
    roots->vspace_slot = current_extra_caps.slots[1];
    cap_t c = roots->cspace_slot->cap, v = roots->vspace_slot->cap;
    if (cspace_data != 0) {
        c = update_cap_data(false, cspace_data, c);
    }
    derive_result_t d = derive_cap(roots->cspace_slot, c);
    if (d.status != EXCEPTION_NONE) {
        return d.status;
    }
    if (cap_get_type(d.cap) != cap_cnode) {
        return error_illegal_operation("the CSpace root is not a CNode cap");
    }
    roots->cspace = d.cap;
    if (vspace_data != 0) {
        v = update_cap_data(false, vspace_data, v);
    }
    d = derive_cap(roots->vspace_slot, v);
    if (d.status != EXCEPTION_NONE) {
        return d.status;
    }
    if (!vspace_is_valid_root(d.cap)) {
        return error_illegal_operation("the VSpace root is not a PML4 with an ASID");
    }
    roots->vspace = d.cap;
    return EXCEPTION_NONE;
}

static void set_space(tcb_t *t, cte_t *tcb_cap_slot, word_t fault_ep, const root_caps_t *roots)
{
    t->fault_handler = fault_ep;
    install_tcb_cap(t, tcb_cap_slot, TCB_CTABLE, roots->cspace, roots->cspace_slot);
    install_tcb_cap(t, tcb_cap_slot, TCB_VTABLE, roots->vspace, roots->vspace_slot);
}

static void set_ipc_buffer(tcb_t *t, cte_t *tcb_cap_slot, word_t vaddr, cap_t frame,
                           cte_t *frame_slot)
{
    cte_delete(tcb_slot(t, TCB_BUFFER));
    t->ipc_buffer = vaddr;
    install_tcb_cap(t, tcb_cap_slot, TCB_BUFFER, frame, frame_slot);
    if (t == current_thread) {
        sched_reschedule_required();
    }
}

/* A new IPC buffer (address 0 means none). */
static exception_t decode_ipc_buffer(word_t vaddr, cte_t *slot, cap_t *frame, cte_t **frame_slot)
{
    *frame_slot = 0;
    *frame = slot->cap;
    if (vaddr == 0) {
        return EXCEPTION_NONE;
    }
    derive_result_t d = derive_cap(slot, slot->cap);
    if (d.status != EXCEPTION_NONE) {
        return d.status;
    }
    if (check_valid_ipc_buffer(vaddr, d.cap) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    *frame = d.cap;
    *frame_slot = slot;
    return EXCEPTION_NONE;
}

static exception_t decode_configure(tcb_t *t, cte_t *tcb_cap_slot, word_t length, word_t *buffer)
{
    tcb_t *self = current_thread;
    if (length < 4 || current_extra_caps.count < 3) {
        return error_simple(seL4_TruncatedMessage,
                            "Configure needs 4 words, the CSpace, VSpace and buffer caps");
    }
    word_t fault_ep = get_mr(self, buffer, 0);
    word_t cspace_data = get_mr(self, buffer, 1);
    word_t vspace_data = get_mr(self, buffer, 2);
    word_t buffer_vaddr = get_mr(self, buffer, 3);
    cap_t frame;
    cte_t *frame_slot;
    if (decode_ipc_buffer(buffer_vaddr, current_extra_caps.slots[2], &frame, &frame_slot) !=
        EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    root_caps_t roots;
    if (decode_space_roots(cspace_data, vspace_data, &roots) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    thread_set_state(self, ThreadState_Restart);
    set_space(t, tcb_cap_slot, fault_ep, &roots);
    set_ipc_buffer(t, tcb_cap_slot, buffer_vaddr, frame, frame_slot);
    return EXCEPTION_NONE;
}

static exception_t decode_set_space(tcb_t *t, cte_t *tcb_cap_slot, word_t length, word_t *buffer)
{
    tcb_t *self = current_thread;
    if (length < 3 || current_extra_caps.count < 2) {
        return error_simple(seL4_TruncatedMessage,
                            "SetSpace needs 3 words, the CSpace and VSpace caps");
    }
    word_t fault_ep = get_mr(self, buffer, 0);
    root_caps_t roots;
    if (decode_space_roots(get_mr(self, buffer, 1), get_mr(self, buffer, 2), &roots) !=
        EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    thread_set_state(self, ThreadState_Restart);
    set_space(t, tcb_cap_slot, fault_ep, &roots);
    return EXCEPTION_NONE;
}

static exception_t decode_set_ipc_buffer(tcb_t *t, cte_t *tcb_cap_slot, word_t length,
                                         word_t *buffer)
{
    tcb_t *self = current_thread;
    if (length < 1 || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage, "SetIPCBuffer needs the address and frame");
    }
    word_t vaddr = get_mr(self, buffer, 0);
    cap_t frame;
    cte_t *frame_slot;
    if (decode_ipc_buffer(vaddr, current_extra_caps.slots[0], &frame, &frame_slot) !=
        EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    thread_set_state(self, ThreadState_Restart);
    set_ipc_buffer(t, tcb_cap_slot, vaddr, frame, frame_slot);
    return EXCEPTION_NONE;
}

/* --- Priorities ----------------------------------------------------------------------- */

/* The authority TCB (extra cap 0) must allow the value: value <= its MCP. */
static exception_t check_priority(word_t value, tcb_t **authority)
{
    cap_t auth = current_extra_caps.slots[0]->cap;
    if (cap_get_type(auth) != cap_thread) {
        return error_invalid_capability(1, "the authority is not a TCB cap");
    }
    *authority = (tcb_t *)auth.thread.tcb;
    if (value > (*authority)->mcp) {
        return error_range(seL4_MinPrio, (*authority)->mcp,
                           "above the authority's maximum controlled priority");
    }
    return EXCEPTION_NONE;
}

static exception_t decode_set_priorities(tcb_t *t, word_t label, word_t length, word_t *buffer)
{
    tcb_t *self = current_thread, *authority;
    word_t needed = label == seL4_TCBSetSchedParams ? 2 : 1;
    if (length < needed || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage, "needs the priority (and MCP) and authority");
    }
    word_t first = get_mr(self, buffer, 0);
    if (check_priority(first, &authority) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    word_t prio = first;
    if (label == seL4_TCBSetSchedParams) {
        prio = get_mr(self, buffer, 1);
        if (check_priority(prio, &authority) != EXCEPTION_NONE) {
            return EXCEPTION_SYSCALL_ERROR;
        }
    }
    thread_set_state(self, ThreadState_Restart);
    if (label != seL4_TCBSetPriority) {
        t->mcp = first;
    }
    if (label != seL4_TCBSetMCPriority) {
        sched_set_priority(t, prio);
    }
    return EXCEPTION_NONE;
}

/* --- Notifications, TLS, flags -------------------------------------------------------- */

static exception_t decode_bind_notification(tcb_t *t)
{
    if (current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage, "BindNotification needs the notification");
    }
    if (t->bound_notification) {
        return error_illegal_operation("the thread already has a bound notification");
    }
    cap_t cap = current_extra_caps.slots[0]->cap;
    if (cap_get_type(cap) != cap_notification || !cap.notification.can_receive) {
        return error_illegal_operation("needs a notification cap with Read");
    }
    notification_t *n = cap_notification_ptr(cap);
    if (n->head || ntfn_bound_tcb(n)) {
        return error_illegal_operation("the notification has waiters or is bound already");
    }
    thread_set_state(current_thread, ThreadState_Restart);
    bind_notification(t, n);
    return EXCEPTION_NONE;
}

static exception_t decode_unbind_notification(tcb_t *t)
{
    if (!t->bound_notification) {
        return error_illegal_operation("the thread has no bound notification");
    }
    thread_set_state(current_thread, ThreadState_Restart);
    unbind_notification(t);
    return EXCEPTION_NONE;
}

static exception_t decode_set_tls_base(tcb_t *t, word_t length, word_t *buffer)
{
    if (length < 1) {
        return error_simple(seL4_TruncatedMessage, "SetTLSBase needs the base");
    }
    thread_set_state(current_thread, ThreadState_Restart);
    /* Loaded into an MSR on return: a non-canonical value would fault in the kernel. */
    t->ctx.fs_base = sanitise_register(&t->ctx.fs_base, t, get_mr(current_thread, buffer, 0));
    return EXCEPTION_NONE;
}

static exception_t decode_set_flags(tcb_t *t, word_t length, bool call, word_t *buffer)
{
    tcb_t *self = current_thread;
    if (length < 2) {
        return error_simple(seL4_TruncatedMessage, "SetFlags needs the flags to clear and set");
    }
    word_t clear = get_mr(self, buffer, 0);
    word_t set = get_mr(self, buffer, 1);
    thread_set_state(self, ThreadState_Restart);
    t->flags = (t->flags & ~clear) | (set & seL4_TCBFlag_fpuDisabled);
    if (t->flags & seL4_TCBFlag_fpuDisabled) {
        fpu_release(t);
    }
    if (call) {
        set_mr(self, lookup_ipc_buffer(self, true), 0, t->flags);
        set_reply_message(self, 0, 1);
    }
    thread_set_state(self, ThreadState_Running);
    return EXCEPTION_NONE;
}

exception_t decode_tcb_invocation(word_t label, word_t length, cap_t cap, cte_t *slot, bool call,
                                  word_t *buffer)
{
    tcb_t *t = (tcb_t *)cap.thread.tcb;
    switch (label) {
    case seL4_TCBReadRegisters:
        return decode_read_registers(t, length, call, buffer);
    case seL4_TCBWriteRegisters:
        return decode_write_registers(t, length, buffer);
    case seL4_TCBCopyRegisters:
        return decode_copy_registers(t, length, buffer);
    case seL4_TCBSuspend:
        thread_set_state(current_thread, ThreadState_Restart);
        thread_suspend(t);
        return EXCEPTION_NONE;
    case seL4_TCBResume:
        thread_set_state(current_thread, ThreadState_Restart);
        thread_restart(t);
        return EXCEPTION_NONE;
    case seL4_TCBConfigure:
        return decode_configure(t, slot, length, buffer);
    case seL4_TCBSetPriority:
    case seL4_TCBSetMCPriority:
    case seL4_TCBSetSchedParams:
        return decode_set_priorities(t, label, length, buffer);
    case seL4_TCBSetIPCBuffer:
        return decode_set_ipc_buffer(t, slot, length, buffer);
    case seL4_TCBSetSpace:
        return decode_set_space(t, slot, length, buffer);
    case seL4_TCBBindNotification:
        return decode_bind_notification(t);
    case seL4_TCBUnbindNotification:
        return decode_unbind_notification(t);
    case seL4_TCBSetTLSBase:
        return decode_set_tls_base(t, length, buffer);
    case seL4_TCBSetFlags:
        return decode_set_flags(t, length, call, buffer);
    default:
        return error_illegal_operation("not a TCB invocation");
    }
}
