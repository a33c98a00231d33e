/*
 * I/O ports. seL4 gives user level no IN/OUT permission; a port is reached by invoking an
 * IOPort capability, and the root task grants one per I/O range a device needs
 * (uk_init.ioports). pf_ioport_in/out do that directly.
 *
 * Code that executes IN/OUT itself -- a rump kernel's bus_space functions for I/O BARs,
 * e.g. the virtio driver's legacy registers -- takes a general-protection fault instead.
 * pf_ioport_emulation() starts a handler TCB and makes it the main TCB's fault handler by
 * swapping the capability in UK_SLOT_FAULT_EP (the kernel looks the fault endpoint up by
 * that slot number in the faulting thread's CSpace) for an endpoint of its own; the root
 * task's endpoint moves to another slot. For a #GP at an IN or OUT on a granted port the
 * handler performs the access through the capability, puts the result in RAX and resumes
 * the thread after the instruction. Any other fault is passed on to the root task
 * unchanged, so it still reports it and tears the unikernel down.
 */
#include "internal.h"
#include <rt_ioport.h>

#define GP_FAULT 13

static seL4_CPtr root_fault_ep = UK_SLOT_FAULT_EP;
static seL4_CPtr handler_ep;
static struct pf_tcb handler;
static bool running;

seL4_CPtr pf_root_fault_ep(void)
{
    return root_fault_ep;
}

/* The granted cap for an access of width bytes at port; EINVAL, or EPERM if none covers it. */
static int port_cap(unsigned port, unsigned width, seL4_CPtr *cap)
{
    if (width != 1 && width != 2 && width != 4) {
        return EINVAL;
    }
    for (seL4_Word i = 0; i < pf_uk->n_ioports && i < UK_MAX_IOPORTS; i++) {
        const struct uk_ioport *p = &pf_uk->ioports[i];
        if (port >= p->first && port + width - 1 <= p->last) {
            *cap = p->cap;
            return 0;
        }
    }
    return EPERM;
}

int pf_ioport_in(unsigned port, unsigned width, uint32_t *value)
{
    seL4_CPtr cap;
    int err = port_cap(port, width, &cap);
    return err ? err : rt_ioport_in(cap, (uint16_t)port, width, value) ? EIO : 0;
}

int pf_ioport_out(unsigned port, unsigned width, uint32_t value)
{
    seL4_CPtr cap;
    int err = port_cap(port, width, &cap);
    return err ? err : rt_ioport_out(cap, (uint16_t)port, width, value) ? EIO : 0;
}

/* One decoded IN or OUT instruction. */
struct port_insn {
    unsigned length; /* bytes, prefix included */
    unsigned width;  /* 1, 2 or 4 */
    bool in;
    bool port_in_dx; /* else an 8-bit immediate */
    unsigned imm;
};

static bool decode(const uint8_t *ip, struct port_insn *insn)
{
    unsigned prefix = ip[0] == 0x66; /* operand size: 16 bits */
    uint8_t op = ip[prefix];
    if (op < 0xe4 || (op > 0xe7 && op < 0xec) || op > 0xef) {
        return false; /* not IN/OUT (string forms INS/OUTS are not emulated) */
    }
    insn->port_in_dx = op >= 0xec;
    insn->in = (op & 2) == 0;
    insn->width = (op & 1) == 0 ? 1 : prefix ? 2 : 4;
    insn->imm = insn->port_in_dx ? 0 : ip[prefix + 1];
    insn->length = prefix + (insn->port_in_dx ? 1 : 2);
    return true;
}

/* Emulates the instruction at the faulting IP; returns the IP to resume at, or 0. */
static seL4_Word emulate(seL4_Word fault_ip)
{
    struct port_insn insn;
    if (!decode((const uint8_t *)fault_ip, &insn)) {
        return 0;
    }
    seL4_UserContext regs;
    enum { COUNT = 7 }; /* rip, rsp, rflags, rax, rbx, rcx, rdx */
    if (seL4_TCB_ReadRegisters(UK_SLOT_TCB, 0, 0, COUNT, &regs) != seL4_NoError) {
        return 0;
    }
    unsigned port = insn.port_in_dx ? (unsigned)(regs.rdx & 0xffff) : insn.imm;
    uint32_t value;
    if (!insn.in) {
        return pf_ioport_out(port, insn.width, (uint32_t)regs.rax) == 0 ? fault_ip + insn.length
                                                                        : 0;
    }
    if (pf_ioport_in(port, insn.width, &value) != 0) {
        return 0;
    }
    /* Writing AL or AX keeps the rest of RAX; writing EAX clears the upper half. */
    if (insn.width == 4) {
        regs.rax = value;
    } else {
        seL4_Word mask = insn.width == 1 ? 0xff : 0xffff;
        regs.rax = (regs.rax & ~mask) | value;
    }
    regs.rip = fault_ip + insn.length;
    if (seL4_TCB_WriteRegisters(UK_SLOT_TCB, 0, 0, COUNT, &regs) != seL4_NoError) {
        return 0;
    }
    return regs.rip;
}

static void __attribute__((noreturn)) handler_main(void *arg)
{
    (void)arg;
    seL4_Word badge;
    seL4_MessageInfo_t msg = seL4_Recv(handler_ep, &badge);
    for (;;) {
        seL4_Word resume = 0;
        if (seL4_MessageInfo_get_label(msg) == seL4_Fault_UserException &&
            seL4_GetMR(seL4_UserException_Number) == GP_FAULT) {
            resume = emulate(seL4_GetMR(seL4_UserException_FaultIP));
        }
        if (resume) {
            /* Restart after the instruction; stack pointer and flags unchanged. */
            seL4_SetMR(0, resume);
            seL4_SetMR(1, seL4_GetMR(seL4_UserException_SP));
            seL4_SetMR(2, seL4_GetMR(seL4_UserException_FLAGS));
            msg = seL4_ReplyRecv(handler_ep, seL4_MessageInfo_new(0, 0, 0, 3), &badge);
            continue;
        }
        /* Not ours: the root task gets the same message the kernel sent us. */
        seL4_Call(root_fault_ep, msg);
        seL4_TCB_Suspend(handler.tcb);
    }
}

int pf_ioport_emulation(void)
{
    if (running) {
        return 0;
    }
    if (pf_uk->n_ioports == 0) {
        return ENODEV;
    }
    seL4_CPtr moved = pf_slot_alloc();
    if (!moved || pf_object_alloc(seL4_EndpointObject, 0, &handler_ep) != 0) {
        return ENOMEM;
    }
    /* The handler must exist before the swap: its own faults go to the root task. */
    if (seL4_CNode_Move(UK_SLOT_CNODE, moved, seL4_WordBits, UK_SLOT_CNODE, UK_SLOT_FAULT_EP,
                        seL4_WordBits) != seL4_NoError) {
        return EPERM;
    }
    root_fault_ep = moved;
    int err = pf_tcb_start(&handler, handler_main, 0, 16 * 1024);
    if (err) {
        return err;
    }
    if (seL4_CNode_Copy(UK_SLOT_CNODE, UK_SLOT_FAULT_EP, seL4_WordBits, UK_SLOT_CNODE, handler_ep,
                        seL4_WordBits, seL4_AllRights) != seL4_NoError) {
        return EPERM;
    }
    running = true;
    return 0;
}
