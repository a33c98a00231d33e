/*
 * Fault delivery: VMFault, CapFault, UnknownSyscall and UserException messages (label and
 * MR layout), replies that resume the faulting thread (with changed registers), and what
 * happens without a usable fault handler.
 */
#include "support.h"

/* --- Probes in assembly: known instruction addresses and register values --------------- */

seL4_Word ktest_usys_probe(void);
seL4_Word ktest_ud2_probe(void);
seL4_Word ktest_div_probe(void);
seL4_Word ktest_int3_probe(void);
seL4_Word ktest_cli_probe(void);
extern char ktest_usys_insn[], ktest_ud2_insn[], ktest_ud2_resume[], ktest_div_insn[],
    ktest_div_resume[], ktest_int3_insn[], ktest_int3_after[], ktest_cli_insn[], ktest_cli_resume[];
seL4_Word ktest_usys_out[8];

__asm__(".text\n"
        /* An unknown system call (-100) with every general register set to a known value.
         * RSP is kept in RBX across `syscall`, as libsel4 does. Afterwards the registers are
         * stored to ktest_usys_out: rax rsi rdi rbp r8 r12 r15 rdx. */
        ".global ktest_usys_probe\n"
        "ktest_usys_probe:\n"
        "  push %rbx\n  push %rbp\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  mov $0xa0, %rax\n  mov $0xa4, %rsi\n  mov $0xa5, %rdi\n  mov $0xa6, %rbp\n"
        "  mov $0xa7, %r8\n  mov $0xa8, %r9\n  mov $0xa9, %r10\n  mov $0xab, %r12\n"
        "  mov $0xac, %r13\n  mov $0xad, %r14\n  mov $0xae, %r15\n  mov $-100, %rdx\n"
        "  mov %rsp, %rbx\n"
        ".global ktest_usys_insn\n"
        "ktest_usys_insn:\n"
        "  syscall\n"
        "  mov %rbx, %rsp\n"
        "  mov %rax, ktest_usys_out+0(%rip)\n  mov %rsi, ktest_usys_out+8(%rip)\n"
        "  mov %rdi, ktest_usys_out+16(%rip)\n  mov %rbp, ktest_usys_out+24(%rip)\n"
        "  mov %r8, ktest_usys_out+32(%rip)\n  mov %r12, ktest_usys_out+40(%rip)\n"
        "  mov %r15, ktest_usys_out+48(%rip)\n  mov %rdx, ktest_usys_out+56(%rip)\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbp\n  pop %rbx\n"
        "  mov ktest_usys_out(%rip), %rax\n"
        "  ret\n"
        /* ud2; a handler resumes at ktest_ud2_resume, which returns 0x55. */
        ".global ktest_ud2_probe\n.global ktest_ud2_insn\n.global ktest_ud2_resume\n"
        "ktest_ud2_probe:\n"
        "ktest_ud2_insn:\n  ud2\n"
        "ktest_ud2_resume:\n  mov $0x55, %eax\n  ret\n"
        /* Divide by zero; resumes at ktest_div_resume, which returns 0x66. */
        ".global ktest_div_probe\n.global ktest_div_insn\n.global ktest_div_resume\n"
        "ktest_div_probe:\n  xor %ecx, %ecx\n  mov $1, %eax\n  xor %edx, %edx\n"
        "ktest_div_insn:\n  div %ecx\n"
        "ktest_div_resume:\n  mov $0x66, %eax\n  ret\n"
        /* Breakpoint instruction; returns 0x77 if simply continued. */
        ".global ktest_int3_probe\n.global ktest_int3_insn\n.global ktest_int3_after\n"
        "ktest_int3_probe:\n"
        "ktest_int3_insn:\n  int3\n"
        "ktest_int3_after:\n  mov $0x77, %eax\n  ret\n"
        /* A privileged instruction; resumes at ktest_cli_resume, which returns 0x88. */
        ".global ktest_cli_probe\n.global ktest_cli_insn\n.global ktest_cli_resume\n"
        "ktest_cli_probe:\n"
        "ktest_cli_insn:\n  cli\n"
        "ktest_cli_resume:\n  mov $0x88, %eax\n  ret\n");

static seL4_Word fn_usys(seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    return ktest_usys_probe();
}

/* Calls the probe function `fn` (an address). */
static seL4_Word fn_call_probe(seL4_Word fn, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    return ((seL4_Word(*)(void))fn)();
}

/* A helper running fn with a badged fault endpoint; returns it, *ep = the endpoint. */
static struct helper *start_faulter(helper_fn fn, seL4_Word a0, seL4_Word a1, seL4_CPtr *ep)
{
    *ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, mint_badged(*ep, 0xf00));
    helper_start(h, fn, a0, a1, 0, 0);
    return h;
}

/* --- VM faults ---------------------------------------------------------------------------- */

TEST(fault_vm_read_unmapped)
{
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_read, SCRATCH_VADDR + 0x18, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.badge, 0xf00);
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    CHECK_EQ(m.length, seL4_VMFault_Length);
    CHECK_EQ(m.mr[seL4_VMFault_Addr], SCRATCH_VADDR + 0x18);
    CHECK_GE(m.mr[seL4_VMFault_IP], (seL4_Word)fn_read);
    CHECK_LE(m.mr[seL4_VMFault_IP], (seL4_Word)fn_read + 32);
    CHECK_EQ(m.mr[seL4_VMFault_PrefetchFault], 0);
    CHECK_EQ(m.mr[seL4_VMFault_FSR], 0x4); /* not present, read, user */
    CHECK_EQ(h->finished, 0);
}

TEST(fault_vm_write_unmapped)
{
    seL4_CPtr ep;
    start_faulter(fn_write, SCRATCH_VADDR, 1, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    CHECK_EQ(m.mr[seL4_VMFault_Addr], SCRATCH_VADDR);
    CHECK_EQ(m.mr[seL4_VMFault_FSR], 0x6); /* not present, write, user */
}

TEST(fault_vm_instruction_fetch)
{
    seL4_CPtr ep;
    start_faulter(fn_call_probe, SCRATCH_VADDR + 0x40, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    CHECK_EQ(m.mr[seL4_VMFault_IP], SCRATCH_VADDR + 0x40);
    CHECK_EQ(m.mr[seL4_VMFault_Addr], SCRATCH_VADDR + 0x40);
    /* User, not present; PrefetchFault mirrors the error code's instruction-fetch bit. */
    CHECK_EQ(m.mr[seL4_VMFault_FSR] & 0x7, 0x4);
    CHECK_EQ(m.mr[seL4_VMFault_PrefetchFault], (m.mr[seL4_VMFault_FSR] >> 4) & 1);
}

TEST(fault_vm_reply_resumes)
{
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_read, SCRATCH_VADDR + 0x20, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    /* The handler maps the page, then any reply retries the access. */
    map_new_frame(SCRATCH_VADDR);
    *(volatile seL4_Word *)(SCRATCH_VADDR + 0x20) = 0x99;
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x99);
}

TEST(fault_vm_reply_without_fix_faults_again)
{
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_read, SCRATCH_VADDR, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    seL4_Word ip = m.mr[seL4_VMFault_IP];
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_VMFault);
    CHECK_EQ(m.mr[seL4_VMFault_IP], ip);
    CHECK_EQ(h->finished, 0);
}

/* --- Cap faults ---------------------------------------------------------------------------- */

static seL4_Word fn_call_cptr(seL4_Word cptr, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_MessageInfo_t info = seL4_Call(cptr, seL4_MessageInfo_new(0, 0, 0, 0));
    return seL4_MessageInfo_get_label(info);
}

static seL4_Word fn_wait_cptr(seL4_Word cptr, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_Word badge = 0;
    seL4_Wait(cptr, &badge);
    return badge;
}

TEST(fault_cap_call_bad_cptr)
{
    seL4_CPtr ep;
    seL4_Word bad = (1ul << 60) | 5; /* guard bits set: the lookup itself fails */
    start_faulter(fn_call_cptr, bad, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], bad);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 0);
    CHECK_EQ(m.mr[seL4_CapFault_LookupFailureType], seL4_GuardMismatch);
    CHECK_EQ(m.mr[seL4_CapFault_BitsLeft], 64);
    CHECK_EQ(m.mr[seL4_CapFault_GuardMismatch_GuardFound], 0);
    CHECK_EQ(m.mr[seL4_CapFault_GuardMismatch_BitsFound], 64 - seL4_RootCNodeSizeBits);
    CHECK_EQ(m.length, 7);
}

TEST(fault_cap_call_empty_slot_is_not_a_fault)
{
    /* An empty slot is found by the lookup: invoking it is an error reply, no fault. */
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_call_cptr, alloc_slot(), 0, &ep);
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, seL4_InvalidCapability);
    seL4_Word badge = 0;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
}

TEST(fault_cap_recv_empty_slot)
{
    seL4_CPtr ep;
    seL4_CPtr empty = alloc_slot();
    start_faulter(fn_wait_cptr, empty, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], empty);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 1);
    CHECK_EQ(m.mr[seL4_CapFault_LookupFailureType], seL4_MissingCapability);
    CHECK_EQ(m.mr[seL4_CapFault_BitsLeft], 0);
    CHECK_EQ(m.length, 5);
}

TEST(fault_cap_recv_bad_cptr)
{
    seL4_CPtr ep;
    seL4_Word bad = (1ul << 62) | 7;
    start_faulter(fn_wait_cptr, bad, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], bad);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 1);
    CHECK_EQ(m.mr[seL4_CapFault_LookupFailureType], seL4_GuardMismatch);
}

TEST(fault_cap_reply_restarts)
{
    seL4_CPtr ep;
    seL4_CPtr slot = alloc_slot();
    struct helper *h = start_faulter(fn_wait_cptr, slot, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    /* Put a notification there, signal it, and let the Wait run again. */
    seL4_CPtr ntfn = alloc_obj(seL4_NotificationObject, 0);
    CHECK_OK(seL4_CNode_Move(ROOT_CNODE, slot, WORD_BITS, ROOT_CNODE, ntfn, WORD_BITS));
    seL4_Signal(mint_badged(slot, 0x31));
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x31);
}

static seL4_Word fn_send_bad_extra(seL4_Word ep, seL4_Word bad, seL4_Word blocking, seL4_Word a3)
{
    (void)a3;
    seL4_SetCap(0, bad);
    if (blocking) {
        seL4_Send(ep, seL4_MessageInfo_new(0, 0, 1, 0));
    } else {
        seL4_NBSend(ep, seL4_MessageInfo_new(0, 0, 1, 0));
    }
    return 1;
}

TEST(fault_cap_bad_extra_cap)
{
    seL4_CPtr target = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr fault_ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_Word bad = (1ul << 61) | 3;
    struct helper *h = helper_new(ROOT_PRIO, mint_badged(fault_ep, 1));
    helper_start(h, fn_send_bad_extra, target, bad, 1, 0);
    struct msg m;
    CHECK(poll_msg(fault_ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_CapFault);
    CHECK_EQ(m.mr[seL4_CapFault_Addr], bad);
    CHECK_EQ(m.mr[seL4_CapFault_InRecvPhase], 0);
    CHECK_EQ(m.mr[seL4_CapFault_LookupFailureType], seL4_GuardMismatch);
    /* Non-blocking: the send is just dropped. */
    struct helper *nb = helper_new(ROOT_PRIO, mint_badged(fault_ep, 2));
    helper_start(nb, fn_send_bad_extra, target, bad, 0, 0);
    CHECK(helper_wait(nb, 1000));
    seL4_Word badge = 0;
    seL4_NBRecv(fault_ep, &badge);
    CHECK_EQ(badge, 0);
}

/* --- Unknown system calls ---------------------------------------------------------------- */

TEST(fault_unknown_syscall_message)
{
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_usys, 0, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_UnknownSyscall);
    CHECK_EQ(m.length, seL4_UnknownSyscall_Length);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_RAX], 0xa0);
    /* (RCX and R11 are destroyed by the syscall instruction itself: not checked.) */
    CHECK_EQ(m.mr[seL4_UnknownSyscall_RDX], (seL4_Word)-100);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_RSI], 0xa4);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_RDI], 0xa5);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_RBP], 0xa6);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_R8], 0xa7);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_R9], 0xa8);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_R10], 0xa9);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_R12], 0xab);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_R13], 0xac);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_R14], 0xad);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_R15], 0xae);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_FaultIP], (seL4_Word)ktest_usys_insn);
    /* SP is not checked: upstream does not save RSP on syscall entry (libsel4 keeps it in
     * RBX), so the SP word is whatever the thread's context held before. */
    CHECK_LE(m.mr[seL4_UnknownSyscall_RBX], (seL4_Word)h->stack_top);
    CHECK_GE(m.mr[seL4_UnknownSyscall_RBX], (seL4_Word)h->stack_top - HELPER_STACK_SIZE);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_FLAGS] & 0x200, 0x200); /* IF */
    CHECK_EQ(m.mr[seL4_UnknownSyscall_Syscall], (seL4_Word)-100);
}

TEST(fault_unknown_syscall_reply_sets_registers)
{
    seL4_CPtr ep;
    memset(ktest_usys_out, 0, sizeof(ktest_usys_out));
    struct helper *h = start_faulter(fn_usys, 0, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_UnknownSyscall);
    /* Emulate the call: new RAX and R12, and continue after the 2-byte syscall. */
    for (int i = 0; i < 18; i++) {
        seL4_SetMR(i, m.mr[i]);
    }
    seL4_SetMR(seL4_UnknownSyscall_RAX, 0x1234);
    seL4_SetMR(seL4_UnknownSyscall_R12, 0x5678);
    seL4_SetMR(seL4_UnknownSyscall_FaultIP, m.mr[seL4_UnknownSyscall_FaultIP] + 2);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 18));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(ktest_usys_out[0], 0x1234); /* rax */
    CHECK_EQ(ktest_usys_out[1], 0xa4);   /* rsi */
    CHECK_EQ(ktest_usys_out[2], 0xa5);   /* rdi */
    CHECK_EQ(ktest_usys_out[3], 0xa6);   /* rbp */
    CHECK_EQ(ktest_usys_out[4], 0xa7);   /* r8 */
    CHECK_EQ(ktest_usys_out[5], 0x5678); /* r12 */
    CHECK_EQ(ktest_usys_out[6], 0xae);   /* r15 */
    CHECK_EQ(ktest_usys_out[7], (seL4_Word)-100);
}

TEST(fault_unknown_syscall_restart_and_refuse)
{
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_usys, 0, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    /* An empty reply with label 0 restarts at the syscall itself: the same fault again. */
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 0));
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_UnknownSyscall);
    CHECK_EQ(m.mr[seL4_UnknownSyscall_FaultIP], (seL4_Word)ktest_usys_insn);
    /* A reply with a non-zero label leaves the thread suspended. */
    seL4_SetMR(0, m.mr[0]);
    seL4_Reply(seL4_MessageInfo_new(1, 0, 0, 0));
    yield_n(5);
    seL4_Word badge = 0;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
    CHECK_EQ(h->finished, 0);
    /* Resume restarts it at the syscall: it faults once more. */
    CHECK_OK(seL4_TCB_Resume(h->tcb));
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_UnknownSyscall);
}

/* --- User exceptions ------------------------------------------------------------------------ */

static void check_exception(seL4_Word probe, seL4_Word number, char *insn, char *resume,
                            seL4_Word result)
{
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_call_probe, probe, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_UserException);
    CHECK_EQ(m.length, seL4_UserException_Length);
    CHECK_EQ(m.mr[seL4_UserException_FaultIP], (seL4_Word)insn);
    CHECK_EQ(m.mr[seL4_UserException_Number], number);
    CHECK_LE(m.mr[seL4_UserException_SP], (seL4_Word)h->stack_top);
    CHECK_GE(m.mr[seL4_UserException_SP], (seL4_Word)h->stack_top - HELPER_STACK_SIZE);
    /* Resume at a new RIP (one MR: only FaultIP changes). */
    seL4_SetMR(0, (seL4_Word)resume);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, result);
}

TEST(fault_user_exception_ud2)
{
    check_exception((seL4_Word)ktest_ud2_probe, 6, ktest_ud2_insn, ktest_ud2_resume, 0x55);
}

TEST(fault_user_exception_divide_error)
{
    check_exception((seL4_Word)ktest_div_probe, 0, ktest_div_insn, ktest_div_resume, 0x66);
}

TEST(fault_user_exception_privileged_instruction)
{
    /* cli at user level: general protection (13), error code 0. */
    check_exception((seL4_Word)ktest_cli_probe, 13, ktest_cli_insn, ktest_cli_resume, 0x88);
}

TEST(fault_user_exception_breakpoint)
{
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_call_probe, (seL4_Word)ktest_int3_probe, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.label, seL4_Fault_UserException);
    /* User code may raise vector 3; it is a trap, so FaultIP is after the instruction. */
    CHECK_EQ(m.mr[seL4_UserException_Number], 3);
    CHECK_EQ(m.mr[seL4_UserException_FaultIP], (seL4_Word)ktest_int3_after);
    seL4_SetMR(0, (seL4_Word)ktest_int3_after);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 0x77);
}

TEST(fault_user_exception_refused_reply_suspends)
{
    seL4_CPtr ep;
    struct helper *h = start_faulter(fn_call_probe, (seL4_Word)ktest_ud2_probe, 0, &ep);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    seL4_SetMR(0, (seL4_Word)ktest_ud2_resume);
    seL4_Reply(seL4_MessageInfo_new(5, 0, 0, 1));
    yield_n(5);
    CHECK_EQ(h->finished, 0);
    seL4_Word badge = 0;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
}

/* --- No usable handler ---------------------------------------------------------------------- */

static volatile long before_fault, after_fault;

static seL4_Word fn_fault_once(seL4_Word addr, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    before_fault = 1;
    seL4_Word v = *(volatile seL4_Word *)addr;
    after_fault = 1;
    return v;
}

static void check_suspended_after_fault(seL4_CPtr fault_ep_cptr)
{
    before_fault = after_fault = 0;
    struct helper *h = helper_new(ROOT_PRIO, fault_ep_cptr);
    helper_start(h, fn_fault_once, SCRATCH_VADDR, 0, 0, 0);
    CHECK_EQ(wait_flag(&before_fault, 1000), 1);
    yield_n(5);
    spin_us(2000);
    yield_n(5);
    CHECK_EQ(after_fault, 0);
    CHECK_EQ(h->finished, 0);
    /* Even once the page exists, nothing resumes it by itself. */
    map_new_frame(SCRATCH_VADDR);
    yield_n(5);
    CHECK_EQ(after_fault, 0);
    /* An explicit Resume restarts the faulting access, which now succeeds. */
    CHECK_OK(seL4_TCB_Resume(h->tcb));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(after_fault, 1);
}

TEST(fault_without_handler_suspends)
{
    check_suspended_after_fault(0);
}

TEST(fault_handler_slot_empty_suspends)
{
    check_suspended_after_fault(alloc_slot());
}

TEST(fault_handler_without_grant_suspends)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr send_only = alloc_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT_CNODE, send_only, WORD_BITS, ROOT_CNODE, ep, WORD_BITS,
                             seL4_CanWrite, 1));
    check_suspended_after_fault(send_only);
    seL4_Word badge = 0;
    seL4_NBRecv(ep, &badge);
    CHECK_EQ(badge, 0);
}

TEST(fault_handler_with_grant_reply_only)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr gr = alloc_slot();
    CHECK_OK(seL4_CNode_Mint(ROOT_CNODE, gr, WORD_BITS, ROOT_CNODE, ep, WORD_BITS,
                             seL4_CapRights_new(1, 0, 0, 1), 9));
    struct helper *h = helper_new(ROOT_PRIO, gr);
    helper_start(h, fn_read, SCRATCH_VADDR, 0, 0, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.badge, 9);
    CHECK_EQ(m.label, seL4_Fault_VMFault);
}
