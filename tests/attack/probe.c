/*
 * The probe thread and attempt reporting (probe.h).
 */
#include "probe.h"

#define FAULT_UNKNOWN_SYSCALL 2
#define FAULT_USER_EXCEPTION  3
#define FAULT_VM              5
#define VECTOR_UD             6

static seL4_CPtr probe_tcb, probe_ep;
static char probe_stack[4096] __attribute__((aligned(16)));
static unsigned tried, allowed;

int probe_init(void)
{
    seL4_Word prio = pf_init()->priority;
    int err = pf_kobject_alloc(seL4_EndpointObject, &probe_ep);
    if (!err) {
        err = pf_kobject_alloc(seL4_TCBObject, &probe_tcb);
    }
    if (err) {
        return err;
    }
    if (seL4_TCB_Configure(probe_tcb, probe_ep, UK_SLOT_CNODE, 0, UK_SLOT_VSPACE, 0, 0, 0) ||
        seL4_TCB_SetSchedParams(probe_tcb, UK_SLOT_TCB, prio, prio)) {
        return EINVAL;
    }
    return 0;
}

enum probe_outcome probe_run(void (*stub)(void), seL4_Word a, seL4_Word b, seL4_Word *detail)
{
    seL4_UserContext regs = {0};
    regs.rip = (seL4_Word)stub;
    regs.rsp = (seL4_Word)(probe_stack + sizeof(probe_stack) - 8);
    regs.rdi = a;
    regs.rsi = b;
    *detail = 0;
    pf_console_flush(); /* the attacker blocks below; what it said goes out first */
    if (seL4_TCB_WriteRegisters(probe_tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs)) {
        return PROBE_OTHER;
    }
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_Recv(probe_ep, &badge);
    seL4_Word label = seL4_MessageInfo_get_label(info);
    enum probe_outcome o = PROBE_OTHER;
    if (label == FAULT_VM) {
        *detail = seL4_GetMR(1);
        o = PROBE_VM_FAULT;
    } else if (label == FAULT_USER_EXCEPTION) {
        *detail = seL4_GetMR(3);
        o = *detail == VECTOR_UD ? PROBE_DONE : PROBE_EXCEPTION;
    } else if (label == FAULT_UNKNOWN_SYSCALL) {
        *detail = seL4_GetMR(18);
        o = PROBE_UNKNOWN_SC;
    }
    seL4_TCB_Suspend(probe_tcb);
    return o;
}

const char *probe_outcome_name(enum probe_outcome o)
{
    static const char *const names[] = {"went through", "vm fault", "exception",
                                        "unknown system call", "other fault"};
    return names[o];
}

void attempt(const char *what, int ok, const char *how)
{
    tried++;
    allowed += ok != 0;
    printf("%s: %s (%s)\n", what, ok ? "ALLOWED" : "refused", how);
}

int attempts_summary(void)
{
    printf("%u attempts, %u allowed\n", tried, allowed);
    return (int)allowed;
}
