/*
 * Extra kernel threads (TCBs) in the unikernel's own address space and CSpace. Everything
 * they need comes from the kernel-object pool (TCB, IPC-buffer frame) and the heap (stack,
 * TLS block), and is never freed: they live as long as the process.
 */
#include "internal.h"

int pf_tcb_start(struct pf_tcb *t, void (*fn)(void *), void *arg, size_t stack_size)
{
    seL4_CPtr ipc_frame;
    seL4_IPCBuffer *ipc = pf_frame_new(&ipc_frame);
    size_t tls_size = pf_round_up(pf_tls_area_size(), 64);
    char *stack = pf_page_alloc(stack_size + tls_size, 0);
    if (!ipc || !stack || pf_object_alloc(seL4_TCBObject, 0, &t->tcb) != 0) {
        return ENOMEM;
    }
    t->ipc = ipc;

    /* TLS: a block of its own whose IPC-buffer pointer names its own buffer. */
    uintptr_t tp = pf_tls_init(stack);
    uintptr_t offset = (uintptr_t)&__sel4_ipc_buffer - (uintptr_t)pf_tls_current();
    *(seL4_IPCBuffer **)(tp + offset) = ipc;

    /* The root task's fault endpoint: the slot may have been taken over by the I/O-port
     * emulator, which must not handle its own faults. */
    seL4_Word prio = pf_uk->priority;
    if (seL4_TCB_Configure(t->tcb, pf_root_fault_ep(), UK_SLOT_CNODE, 0, UK_SLOT_VSPACE, 0,
                           (seL4_Word)ipc, ipc_frame) != seL4_NoError ||
        seL4_TCB_SetSchedParams(t->tcb, UK_SLOT_TCB, prio, prio) != seL4_NoError) {
        return EINVAL;
    }

    /* Start as if fn(arg) had been called: RSP = 8 mod 16 at the first instruction. */
    uintptr_t top = ((uintptr_t)stack + tls_size + stack_size) & ~15ul;
    uintptr_t *sp = (uintptr_t *)top - 1;
    *sp = 0; /* no return address: fn must not return */
    seL4_UserContext regs = {0};
    regs.rip = (seL4_Word)fn;
    regs.rsp = (seL4_Word)sp;
    regs.rdi = (seL4_Word)arg;
    regs.fs_base = tp; /* the TLS base is part of the register set */
    if (seL4_TCB_WriteRegisters(t->tcb, 1, 0, sizeof(regs) / sizeof(seL4_Word), &regs) !=
        seL4_NoError) {
        return EINVAL;
    }
    return 0;
}

int pf_kobject_alloc(seL4_Word type, seL4_CPtr *cap)
{
    return pf_object_alloc(type, 0, cap);
}
