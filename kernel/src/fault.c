/*
 * Faults: a thread's fault is sent as a Call on its fault endpoint (named by a cptr in its
 * own CSpace) with the fault type as label; the handler's reply restarts it. A thread
 * whose fault cannot be delivered is suspended and one line is logged.
 */
#include <kernel.h>
#include <printk.h>

#define USER_FLAGS_MASK MASK(12)
#define USER_FLAGS_LOW  (BIT(3) | BIT(5))

static bool is_canonical(word_t v)
{
    return v <= 0x00007ffffffffffful || v >= 0xffff800000000000ul;
}

/* Registers a thread may set, made safe: canonical addresses, sane flags. */
word_t sanitise_register(word_t *reg, tcb_t *t, word_t v)
{
    user_context_t *c = &t->ctx;
    if (reg == &c->rip || reg == &c->fault_ip || reg == &c->fs_base || reg == &c->gs_base) {
        return is_canonical(v) ? v : 0;
    }
    if (reg == &c->rflags) {
        v |= BIT(1);                     /* always one */
        v &= ~(USER_FLAGS_LOW | BIT(8)); /* no single-stepping */
        v |= BIT(9);                     /* interrupts stay enabled */
        return v & USER_FLAGS_MASK;
    }
    return v;
}

/* Registers of the UnknownSyscall message, in message order (the 19th word is the number). */
static word_t *syscall_message_register(tcb_t *t, word_t i)
{
    user_context_t *c = &t->ctx;
    word_t *regs[] = {&c->rax, &c->rbx, &c->rcx, &c->rdx,      &c->rsi, &c->rdi,
                      &c->rbp, &c->r8,  &c->r9,  &c->r10,      &c->r11, &c->r12,
                      &c->r13, &c->r14, &c->r15, &c->fault_ip, &c->rsp, &c->rflags};
    return regs[i];
}

#define SYSCALL_MESSAGE_REGS 18

static word_t *exception_message_register(tcb_t *t, word_t i)
{
    word_t *regs[] = {&t->ctx.fault_ip, &t->ctx.rsp, &t->ctx.rflags};
    return regs[i];
}

#define EXCEPTION_MESSAGE_REGS 3

word_t set_mrs_lookup_failure(tcb_t *receiver, word_t *buffer, const lookup_fault_t *lf,
                              word_t offset)
{
    set_mr(receiver, buffer, offset, lf->type);
    word_t length = offset + 1;
    switch (lf->type) {
    case seL4_MissingCapability:
        set_mr(receiver, buffer, offset + 1, lf->bits_left);
        length = offset + 2;
        break;
    case seL4_DepthMismatch:
        set_mr(receiver, buffer, offset + 1, lf->bits_left);
        set_mr(receiver, buffer, offset + 2, lf->depth_bits_found);
        length = offset + 3;
        break;
    case seL4_GuardMismatch:
        set_mr(receiver, buffer, offset + 1, lf->bits_left);
        set_mr(receiver, buffer, offset + 2, lf->depth_bits_found);
        set_mr(receiver, buffer, offset + 3, lf->guard_bits_found);
        length = offset + 4;
        break;
    default:
        break;
    }
    /* Without an IPC buffer only MR0..MR3 reach the receiver. */
    return buffer ? length : MIN(length, seL4_FastMessageRegisters);
}

word_t set_mrs_fault(tcb_t *sender, tcb_t *receiver, word_t *buffer)
{
    const fault_t *f = &sender->fault;
    switch (f->type) {
    case seL4_Fault_CapFault:
        set_mr(receiver, buffer, seL4_CapFault_IP, sender->ctx.fault_ip);
        set_mr(receiver, buffer, seL4_CapFault_Addr, f->w[0]);
        set_mr(receiver, buffer, seL4_CapFault_InRecvPhase, f->w[1]);
        return set_mrs_lookup_failure(receiver, buffer, &sender->lookup_fault,
                                      seL4_CapFault_LookupFailureType);
    case seL4_Fault_UnknownSyscall: {
        for (word_t i = 0; i < SYSCALL_MESSAGE_REGS; i++) {
            set_mr(receiver, buffer, i, *syscall_message_register(sender, i));
        }
        set_mr(receiver, buffer, seL4_UnknownSyscall_Syscall, f->w[0]);
        return buffer ? seL4_UnknownSyscall_Length : seL4_FastMessageRegisters;
    }
    case seL4_Fault_UserException:
        for (word_t i = 0; i < EXCEPTION_MESSAGE_REGS; i++) {
            set_mr(receiver, buffer, i, *exception_message_register(sender, i));
        }
        set_mr(receiver, buffer, seL4_UserException_Number, f->w[0]);
        set_mr(receiver, buffer, seL4_UserException_Code, f->w[1]);
        return buffer ? seL4_UserException_Length : seL4_FastMessageRegisters;
    case seL4_Fault_VMFault:
        set_mr(receiver, buffer, seL4_VMFault_IP, sender->ctx.fault_ip);
        set_mr(receiver, buffer, seL4_VMFault_Addr, f->w[0]);
        set_mr(receiver, buffer, seL4_VMFault_PrefetchFault, f->w[1]);
        set_mr(receiver, buffer, seL4_VMFault_FSR, f->w[2]);
        return seL4_VMFault_Length;
    default:
        return 0;
    }
}

/* Copies a handler's reply words into the faulted thread's registers (sanitised). */
static void copy_fault_reply(tcb_t *sender, tcb_t *receiver, word_t length,
                             word_t *(*reg)(tcb_t *, word_t), word_t max)
{
    word_t *send_buffer = lookup_ipc_buffer(sender, false);
    word_t n = MIN(length, max);
    for (word_t i = 0; i < n; i++) {
        if (i >= seL4_FastMessageRegisters && !send_buffer) {
            break;
        }
        word_t *r = reg(receiver, i);
        *r = sanitise_register(r, receiver, get_mr(sender, send_buffer, i));
    }
}

bool handle_fault_reply(tcb_t *receiver, tcb_t *sender, word_t label, word_t length)
{
    switch (receiver->fault.type) {
    case seL4_Fault_UnknownSyscall:
        copy_fault_reply(sender, receiver, length, syscall_message_register, SYSCALL_MESSAGE_REGS);
        receiver->ctx.vector = 0; /* registers were rewritten: return with iret */
        return label == 0;
    case seL4_Fault_UserException:
        copy_fault_reply(sender, receiver, length, exception_message_register,
                         EXCEPTION_MESSAGE_REGS);
        receiver->ctx.vector = 0;
        return label == 0;
    default:
        return true;
    }
}

static exception_t send_fault_ipc(tcb_t *t)
{
    word_t handler_cptr = t->fault_handler;
    lookup_fault_t original_lookup_fault = current_lookup_fault;
    lookup_result_t r = lookup_slot(t, handler_cptr);
    if (r.status != EXCEPTION_NONE) {
        current_fault.type = seL4_Fault_CapFault;
        current_fault.w[0] = handler_cptr;
        current_fault.w[1] = 0;
        return EXCEPTION_FAULT;
    }
    cap_t handler = r.slot->cap;
    if (cap_get_type(handler) == cap_endpoint && handler.endpoint.can_send &&
        (handler.endpoint.can_grant || handler.endpoint.can_grant_reply)) {
        t->fault = current_fault;
        if (current_fault.type == seL4_Fault_CapFault) {
            t->lookup_fault = original_lookup_fault;
        }
        send_ipc(true, true, handler.endpoint.badge, handler.endpoint.can_grant, true, t,
                 cap_endpoint_ptr(handler));
        return EXCEPTION_NONE;
    }
    current_fault.type = seL4_Fault_CapFault;
    current_fault.w[0] = handler_cptr;
    current_fault.w[1] = 0;
    current_lookup_fault.type = seL4_MissingCapability;
    current_lookup_fault.bits_left = 0;
    return EXCEPTION_FAULT;
}

static const char *fault_name(word_t type)
{
    switch (type) {
    case seL4_Fault_CapFault:
        return "cap fault";
    case seL4_Fault_UnknownSyscall:
        return "unknown syscall";
    case seL4_Fault_UserException:
        return "user exception";
    case seL4_Fault_VMFault:
        return "vm fault";
    default:
        return "fault";
    }
}

void handle_fault(tcb_t *t)
{
    fault_t original = current_fault;
    if (send_fault_ipc(t) == EXCEPTION_NONE) {
        return;
    }
    kinfo("fault with no handler: %s in thread %p \"%s\" at ip %lx (address/number %lx); "
          "thread suspended\n",
          fault_name(original.type), (void *)t, t->name, t->ctx.fault_ip, original.w[0]);
    thread_set_state(t, ThreadState_Inactive);
}
