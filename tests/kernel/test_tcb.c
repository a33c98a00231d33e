/*
 * TCB invocations: Configure, SetSpace, SetIPCBuffer, priorities and MCPs, registers,
 * Suspend/Resume, notification binding, TLS base (invocation and syscall), SetFlags, and
 * per-thread FPU/SSE state.
 */
#include "support.h"

static volatile long counter;

TEST(tcb_configure_errors)
{
    seL4_CPtr tcb = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    seL4_CPtr pml4 = alloc_obj(seL4_X64_PML4Object, 0);
    /* IPC buffer address not 1 KiB aligned. */
    CHECK_ERR(seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, ROOT_VS, 0, 0x10000200, frame),
              seL4_AlignmentError);
    /* IPC buffer cap not a frame. */
    CHECK_ERR(seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, ROOT_VS, 0, 0x10000400, ep),
              seL4_IllegalOperation);
    /* CSpace root not a CNode. */
    CHECK_ERR(seL4_TCB_Configure(tcb, 0, ep, 0, ROOT_VS, 0, 0, 0), seL4_IllegalOperation);
    /* CSpace root data making an invalid guard. */
    CHECK_ERR(seL4_TCB_Configure(tcb, 0, ROOT_CNODE, seL4_CNode_CapData_new(0, 60).words[0],
                                 ROOT_VS, 0, 0, 0),
              seL4_IllegalOperation);
    /* VSpace root not a PML4, or a PML4 without an ASID. */
    CHECK_ERR(seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, ep, 0, 0, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, pml4, 0, 0, 0), seL4_IllegalOperation);
    /* Fewer than three caps. */
    seL4_Word words[4] = {0, 0, 0, 0};
    seL4_SetCap(0, ROOT_CNODE);
    seL4_SetCap(1, ROOT_VS);
    CHECK_ERR(seL4_Invoke_(tcb, seL4_TCBConfigure, 2, 4, words, 0), seL4_TruncatedMessage);
    /* The fault endpoint is only a word: any value is accepted. */
    CHECK_OK(seL4_TCB_Configure(tcb, 0xdeadbeef, ROOT_CNODE, 0, ROOT_VS, 0, 0x10000400, frame));
    CHECK_OK(seL4_TCB_Configure(tcb, 0, ROOT_CNODE, 0, ROOT_VS, 0, 0, 0));
}

static seL4_Word fn_flag(seL4_Word flag, seL4_Word value, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    *(volatile long *)flag = (long)value;
    return value;
}

TEST(tcb_configure_and_start)
{
    counter = 0;
    struct helper *h = helper_run(ROOT_PRIO, fn_flag, (seL4_Word)&counter, 7, 0, 0);
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(counter, 7);
    CHECK_EQ(h->result, 7);
}

TEST(tcb_set_space_errors)
{
    seL4_CPtr tcb = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    CHECK_ERR(seL4_TCB_SetSpace(tcb, 0, ep, 0, ROOT_VS, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_SetSpace(tcb, 0, ROOT_CNODE, 0, ROOT_CNODE, 0), seL4_IllegalOperation);
    CHECK_OK(seL4_TCB_SetSpace(tcb, 0x1234, ROOT_CNODE, 0, ROOT_VS, 0));
}

static seL4_Word send_words(seL4_Word ep, seL4_Word n, seL4_Word base, seL4_Word a3)
{
    (void)a3;
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetMR((int)i, base + i);
    }
    seL4_Send(ep, seL4_MessageInfo_new(0, 0, 0, n));
    return 0;
}

TEST(tcb_set_ipc_buffer)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    /* Move the helper's buffer to another frame at another address. */
    seL4_Word vaddr = SCRATCH_VADDR + 0x400;
    seL4_CPtr frame = map_new_frame(SCRATCH_VADDR);
    CHECK_OK(seL4_TCB_SetIPCBuffer(h->tcb, vaddr, frame));
    h->ipc = (seL4_IPCBuffer *)vaddr;
    helper_start(h, send_words, mint_badged(ep, 1), 10, 100, 0);
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.length, 10);
    for (int i = 0; i < 10; i++) {
        CHECK_EQ(m.mr[i], 100 + (seL4_Word)i);
    }
    /* The words beyond MR3 really came from the new buffer. */
    CHECK_EQ(((seL4_IPCBuffer *)vaddr)->msg[9], 109);
}

TEST(tcb_no_ipc_buffer_truncates)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    CHECK_OK(seL4_TCB_SetIPCBuffer(h->tcb, 0, seL4_CapNull));
    helper_start(h, send_words, mint_badged(ep, 1), 10, 200, 0);
    /* Without a buffer only the four register MRs travel. */
    struct msg m;
    CHECK(poll_msg(ep, 1000, &m));
    CHECK_EQ(m.length, 4);
    CHECK_EQ(m.mr[0], 200);
    CHECK_EQ(m.mr[3], 203);
}

TEST(tcb_set_ipc_buffer_errors)
{
    seL4_CPtr tcb = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    CHECK_ERR(seL4_TCB_SetIPCBuffer(tcb, 0x10000100, frame), seL4_AlignmentError);
    CHECK_ERR(seL4_TCB_SetIPCBuffer(tcb, 0x10000000, alloc_obj(seL4_NotificationObject, 0)),
              seL4_IllegalOperation);
    seL4_CPtr dev = 0;
    seL4_Word paddr;
    CHECK_OK(rt_alloc_device_object(&env.test, seL4_X86_4K, 0, &dev, &paddr));
    CHECK_ERR(seL4_TCB_SetIPCBuffer(tcb, 0x10000000, dev), seL4_IllegalOperation);
    CHECK_OK(seL4_TCB_SetIPCBuffer(tcb, 0x10000c00, frame));
}

TEST(tcb_priority_authority_checks)
{
    seL4_CPtr target = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr auth = alloc_obj(seL4_TCBObject, 0);
    CHECK_OK(seL4_TCB_SetMCPriority(auth, ROOT_TCB, 50));
    CHECK_ERR(seL4_TCB_SetPriority(target, auth, 51), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, 50);
    CHECK_OK(seL4_TCB_SetPriority(target, auth, 50));
    CHECK_ERR(seL4_TCB_SetMCPriority(target, auth, 51), seL4_RangeError);
    CHECK_MR(1, 50);
    CHECK_OK(seL4_TCB_SetMCPriority(target, auth, 50));
    /* The root's MCP is 255: 256 is out of range. */
    CHECK_ERR(seL4_TCB_SetPriority(target, ROOT_TCB, 256), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, 255);
    CHECK_OK(seL4_TCB_SetPriority(target, ROOT_TCB, 255));
    /* The authority must be a TCB cap. */
    CHECK_ERR(seL4_TCB_SetPriority(target, alloc_obj(seL4_EndpointObject, 0), 1),
              seL4_InvalidCapability);
    CHECK_MR(0, 1);
    CHECK_ERR(seL4_TCB_SetMCPriority(target, ROOT_CNODE, 1), seL4_InvalidCapability);
    CHECK_MR(0, 1);
}

TEST(tcb_mcp_limits_self_raise)
{
    /* A thread with MCP 60 may lower its own priority but not raise it past 60. */
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    CHECK_OK(seL4_TCB_SetSchedParams(t, ROOT_TCB, 60, 60));
    CHECK_ERR(seL4_TCB_SetPriority(t, t, 61), seL4_RangeError);
    CHECK_MR(1, 60);
    CHECK_OK(seL4_TCB_SetPriority(t, t, 10));
    CHECK_OK(seL4_TCB_SetPriority(t, t, 60));
    CHECK_ERR(seL4_TCB_SetMCPriority(t, t, 61), seL4_RangeError);
    CHECK_OK(seL4_TCB_SetMCPriority(t, t, 20));
    CHECK_ERR(seL4_TCB_SetPriority(t, t, 21), seL4_RangeError);
    CHECK_MR(1, 20);
}

TEST(tcb_set_sched_params)
{
    seL4_CPtr auth = alloc_obj(seL4_TCBObject, 0);
    CHECK_OK(seL4_TCB_SetMCPriority(auth, ROOT_TCB, 40));
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    CHECK_ERR(seL4_TCB_SetSchedParams(t, auth, 41, 10), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, 40);
    CHECK_ERR(seL4_TCB_SetSchedParams(t, auth, 10, 41), seL4_RangeError);
    CHECK_MR(1, 40);
    CHECK_ERR(seL4_TCB_SetSchedParams(t, ROOT_CNODE, 10, 10), seL4_InvalidCapability);
    CHECK_OK(seL4_TCB_SetSchedParams(t, auth, 40, 40));
    /* Priority above the root's preempts the root as soon as the thread is resumed. */
    counter = 0;
    struct helper *h = helper_new(ROOT_PRIO, 0);
    CHECK_OK(seL4_TCB_SetSchedParams(h->tcb, ROOT_TCB, ROOT_PRIO + 1, ROOT_PRIO + 1));
    helper_start(h, fn_flag, (seL4_Word)&counter, 1, 0, 0);
    CHECK_EQ(counter, 1);
}

TEST(tcb_registers_round_trip)
{
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    seL4_UserContext in, out;
    seL4_Word *w = (seL4_Word *)&in;
    for (int i = 0; i < 20; i++) {
        w[i] = 0x1111111111111111ul * (seL4_Word)(i % 15 + 1);
    }
    in.rip = 0x401234;
    in.rflags = 0x0;
    in.fs_base = 0x7000000ul;
    in.gs_base = 0x7100000ul;
    CHECK_OK(seL4_TCB_WriteRegisters(t, 0, 0, 20, &in));
    memset(&out, 0, sizeof(out));
    CHECK_OK(seL4_TCB_ReadRegisters(t, 0, 0, 20, &out));
    /* rflags gets IF and the reserved bit 1 forced on. */
    CHECK_EQ(out.rflags, 0x202);
    out.rflags = in.rflags;
    seL4_Word *r = (seL4_Word *)&out;
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(r[i], w[i]);
    }
}

TEST(tcb_write_registers_sanitises)
{
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    seL4_UserContext in, out;
    memset(&in, 0, sizeof(in));
    in.rip = 0x0000800000000000ul; /* non-canonical: becomes 0 */
    in.rflags = 0xfffffffffffffffful;
    in.fs_base = 0x8000000000000000ul;
    in.gs_base = 0xffff800000001000ul; /* canonical high half: kept */
    CHECK_OK(seL4_TCB_WriteRegisters(t, 0, 0, 20, &in));
    CHECK_OK(seL4_TCB_ReadRegisters(t, 0, 0, 20, &out));
    CHECK_EQ(out.rip, 0);
    /* Only bits 0..11, TF and bits 3/5 cleared, IF and bit 1 set. */
    CHECK_EQ(out.rflags, 0xed7);
    CHECK_EQ(out.fs_base, 0);
    CHECK_EQ(out.gs_base, 0xffff800000001000ul);
}

TEST(tcb_register_count_limits)
{
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    seL4_UserContext ctx;
    memset(&ctx, 0, sizeof(ctx));
    CHECK_ERR(seL4_TCB_ReadRegisters(t, 0, 0, 0, &ctx), seL4_RangeError);
    CHECK_MR(0, 1);
    CHECK_MR(1, 20);
    CHECK_ERR(seL4_TCB_ReadRegisters(t, 0, 0, 21, &ctx), seL4_RangeError);
    CHECK_MR(1, 20);
    /* A partial read returns exactly `count` words. */
    seL4_MessageInfo_t info;
    seL4_Word mr0 = 0, mr1 = 5, mr2 = 0, mr3 = 0, badge;
    x64_sys_send_recv(seL4_SysCall, t, &badge,
                      seL4_MessageInfo_new(seL4_TCBReadRegisters, 0, 0, 2).words[0], &info.words[0],
                      &mr0, &mr1, &mr2, &mr3);
    CHECK_EQ(seL4_MessageInfo_get_label(info), 0);
    CHECK_EQ(seL4_MessageInfo_get_length(info), 5);
    /* WriteRegisters: count larger than the words sent is a truncated message ... */
    seL4_Word wr[4] = {0, 3, 0x401000, 0};
    CHECK_ERR(seL4_Invoke_(t, seL4_TCBWriteRegisters, 0, 4, wr, 0), seL4_TruncatedMessage);
    CHECK_ERR(seL4_Invoke_(t, seL4_TCBWriteRegisters, 0, 1, wr, 0), seL4_TruncatedMessage);
    /* ... and a count above 20 with enough words is clamped to 20. */
    seL4_Word big[24];
    memset(big, 0, sizeof(big));
    big[1] = 22;
    big[2] = 0x401000;
    CHECK_OK(seL4_Invoke_(t, seL4_TCBWriteRegisters, 0, 24, big, 0));
    CHECK_OK(seL4_TCB_ReadRegisters(t, 0, 0, 1, &ctx));
    CHECK_EQ(ctx.rip, 0x401000);
}

TEST(tcb_own_registers_refused)
{
    seL4_UserContext ctx;
    memset(&ctx, 0, sizeof(ctx));
    CHECK_ERR(seL4_TCB_WriteRegisters(SELF_TCB, 0, 0, 1, &ctx), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_ReadRegisters(SELF_TCB, 0, 0, 1, &ctx), seL4_IllegalOperation);
}

TEST(tcb_copy_registers)
{
    seL4_CPtr a = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr b = alloc_obj(seL4_TCBObject, 0);
    seL4_UserContext in, out;
    memset(&in, 0, sizeof(in));
    in.rip = 0x402000;
    in.rsp = 0x500000;
    in.rax = 0xaaaa;
    in.r15 = 0xffff;
    in.fs_base = 0x600000;
    CHECK_OK(seL4_TCB_WriteRegisters(a, 0, 0, 20, &in));
    /* Frame registers only: the TLS/GS bases stay behind. */
    CHECK_OK(seL4_TCB_CopyRegisters(b, a, 0, 0, 1, 0, 0));
    CHECK_OK(seL4_TCB_ReadRegisters(b, 0, 0, 20, &out));
    CHECK_EQ(out.rip, 0x402000);
    CHECK_EQ(out.rsp, 0x500000);
    CHECK_EQ(out.rax, 0xaaaa);
    CHECK_EQ(out.r15, 0xffff);
    CHECK_EQ(out.fs_base, 0);
    /* Integer registers: the bases. */
    CHECK_OK(seL4_TCB_CopyRegisters(b, a, 0, 0, 0, 1, 0));
    CHECK_OK(seL4_TCB_ReadRegisters(b, 0, 0, 20, &out));
    CHECK_EQ(out.fs_base, 0x600000);
    CHECK_ERR(seL4_TCB_CopyRegisters(b, alloc_obj(seL4_EndpointObject, 0), 0, 0, 1, 1, 0),
              seL4_InvalidCapability);
    CHECK_MR(0, 1);
}

TEST(tcb_copy_registers_resume_and_suspend)
{
    counter = 0;
    struct helper *src = helper_run(ROOT_PRIO, fn_spin, (seL4_Word)&counter, 0, 0, 0);
    CHECK_GE(wait_at_least(&counter, 100, 1000), 100);
    struct helper *dst = helper_new(ROOT_PRIO, 0);
    /* suspend_source stops the spinner; its registers are copied into dst... */
    CHECK_OK(seL4_TCB_CopyRegisters(dst->tcb, src->tcb, 1, 0, 1, 1, 0));
    CHECK(counter_frozen(&counter));
    /* ... and resume_target starts dst from where src was, on src's stack: it spins. */
    CHECK_OK(seL4_TCB_CopyRegisters(dst->tcb, src->tcb, 0, 1, 1, 1, 0));
    CHECK(!counter_frozen(&counter));
}

TEST(tcb_read_registers_suspends)
{
    counter = 0;
    struct helper *h = helper_run(ROOT_PRIO, fn_spin, (seL4_Word)&counter, 0, 0, 0);
    CHECK_GE(wait_at_least(&counter, 100, 1000), 100);
    seL4_UserContext ctx;
    CHECK_OK(seL4_TCB_ReadRegisters(h->tcb, 1, 0, 20, &ctx));
    CHECK(counter_frozen(&counter));
    /* The spinner's registers: RIP inside fn_spin, RSP on the helper's stack. */
    CHECK_GE(ctx.rip, (seL4_Word)fn_spin);
    CHECK_LE(ctx.rip, (seL4_Word)fn_spin + 64);
    CHECK_LE(ctx.rsp, (seL4_Word)h->stack_top);
    CHECK_GE(ctx.rsp, (seL4_Word)h->stack_top - HELPER_STACK_SIZE);
    CHECK_EQ(ctx.fs_base, h->tls_tp);
    CHECK_OK(seL4_TCB_Resume(h->tcb));
    CHECK(!counter_frozen(&counter));
}

TEST(tcb_suspend_resume)
{
    counter = 0;
    struct helper *h = helper_run(ROOT_PRIO, fn_spin, (seL4_Word)&counter, 0, 0, 0);
    CHECK_GE(wait_at_least(&counter, 100, 1000), 100);
    CHECK_OK(seL4_TCB_Suspend(h->tcb));
    CHECK(counter_frozen(&counter));
    CHECK_OK(seL4_TCB_Suspend(h->tcb)); /* already suspended: no error */
    CHECK_OK(seL4_TCB_Resume(h->tcb));
    CHECK(!counter_frozen(&counter));
    CHECK_OK(seL4_TCB_Resume(h->tcb)); /* already running: no error */
    CHECK(!counter_frozen(&counter));
}

static seL4_Word recv_word(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_Word badge = 0;
    seL4_Recv(ep, &badge);
    return seL4_GetMR(0);
}

TEST(tcb_suspend_cancels_ipc)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_run(ROOT_PRIO, recv_word, ep, 0, 0, 0);
    yield_n(3);
    CHECK(h->started);
    CHECK_OK(seL4_TCB_Suspend(h->tcb));
    /* Nobody is waiting any more: a non-blocking send is dropped. */
    seL4_SetMR(0, 111);
    seL4_NBSend(ep, seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK_OK(seL4_TCB_Resume(h->tcb));
    yield_n(3);
    CHECK_EQ(h->finished, 0);
    /* Resumed, it waits in Recv again and gets the next message. */
    seL4_SetMR(0, 222);
    seL4_NBSend(ep, seL4_MessageInfo_new(0, 0, 0, 1));
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 222);
}

TEST(tcb_bind_notification_errors)
{
    seL4_CPtr t1 = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr t2 = alloc_obj(seL4_TCBObject, 0);
    seL4_CPtr n1 = alloc_obj(seL4_NotificationObject, 0);
    seL4_CPtr n2 = alloc_obj(seL4_NotificationObject, 0);
    CHECK_ERR(seL4_TCB_UnbindNotification(t1), seL4_IllegalOperation);
    CHECK_OK(seL4_TCB_BindNotification(t1, n1));
    /* Already bound TCB; notification already bound to another TCB. */
    CHECK_ERR(seL4_TCB_BindNotification(t1, n2), seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_BindNotification(t2, n1), seL4_IllegalOperation);
    /* Not a notification; no receive right. */
    CHECK_ERR(seL4_TCB_BindNotification(t2, alloc_obj(seL4_EndpointObject, 0)),
              seL4_IllegalOperation);
    CHECK_ERR(seL4_TCB_BindNotification(t2, copy_cap(n2, seL4_CanWrite)), seL4_IllegalOperation);
    CHECK_OK(seL4_TCB_UnbindNotification(t1));
    CHECK_OK(seL4_TCB_BindNotification(t2, n1));
    CHECK_OK(seL4_TCB_BindNotification(t1, n2));
}

TEST(tcb_set_tls_base)
{
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    CHECK_OK(seL4_TCB_SetTLSBase(t, 0x12345000));
    seL4_UserContext ctx;
    CHECK_OK(seL4_TCB_ReadRegisters(t, 0, 0, 20, &ctx));
    CHECK_EQ(ctx.fs_base, 0x12345000);
    CHECK_EQ(ctx.gs_base, 0);
    seL4_Word none[1];
    CHECK_ERR(seL4_Invoke_(t, seL4_TCBSetTLSBase, 0, 0, none, 0), seL4_TruncatedMessage);
}

static __thread seL4_Word tls_marker = 0x1234;
static volatile seL4_Word tls_seen[4][3];

static seL4_Word tls_probe(seL4_Word id, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    tls_seen[id][0] = tls_marker; /* the template's value */
    tls_marker = 0x100 + id;
    for (int i = 0; i < 5; i++) {
        seL4_Yield();
    }
    tls_seen[id][1] = tls_marker;
    seL4_Word tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    tls_seen[id][2] = tp;
    return 0;
}

TEST(tcb_tls_per_thread)
{
    seL4_Word before = tls_marker;
    struct helper *a = helper_run(ROOT_PRIO, tls_probe, 1, 0, 0, 0);
    struct helper *b = helper_run(ROOT_PRIO, tls_probe, 2, 0, 0, 0);
    CHECK(helper_wait(a, 1000));
    CHECK(helper_wait(b, 1000));
    CHECK_EQ(tls_seen[1][0], 0x1234);
    CHECK_EQ(tls_seen[2][0], 0x1234);
    CHECK_EQ(tls_seen[1][1], 0x101);
    CHECK_EQ(tls_seen[2][1], 0x102);
    CHECK_EQ(tls_seen[1][2], a->tls_tp);
    CHECK_EQ(tls_seen[2][2], b->tls_tp);
    CHECK_EQ(tls_marker, before);
}

static char spare_tls[512] __attribute__((aligned(64)));

static seL4_Word tls_syscall_probe(seL4_Word tp, seL4_Word ipc, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    tls_marker = 0x777;
    seL4_SetTLSBase(tp);
    /* A fresh TLS block: the template value again, and no IPC buffer pointer yet. */
    seL4_Word seen = tls_marker;
    seL4_SetIPCBuffer((seL4_IPCBuffer *)ipc);
    seL4_Word self;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(self));
    return seen == 0x1234 && self == tp;
}

TEST(tcb_set_tls_base_syscall)
{
    uintptr_t tp = runtime_tls_init(spare_tls);
    struct helper *h = helper_new(ROOT_PRIO, 0);
    helper_start(h, tls_syscall_probe, tp, (seL4_Word)h->ipc, 0, 0);
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(h->result, 1);
    seL4_UserContext ctx;
    CHECK_OK(seL4_TCB_ReadRegisters(h->tcb, 0, 0, 20, &ctx));
    CHECK_EQ(ctx.fs_base, tp);
}

TEST(tcb_set_flags)
{
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    seL4_TCB_SetFlags_t r = seL4_TCB_SetFlags(t, 0, seL4_TCBFlag_fpuDisabled);
    CHECK_OK(r.error);
    CHECK_EQ(r.flags, seL4_TCBFlag_fpuDisabled);
    /* Unknown flag bits are ignored. */
    r = seL4_TCB_SetFlags(t, 0, 0xf0);
    CHECK_OK(r.error);
    CHECK_EQ(r.flags, seL4_TCBFlag_fpuDisabled);
    r = seL4_TCB_SetFlags(t, seL4_TCBFlag_fpuDisabled, 0);
    CHECK_OK(r.error);
    CHECK_EQ(r.flags, 0);
}

TEST(tcb_illegal_label)
{
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    seL4_Word w[2] = {0, 0};
    CHECK_ERR(seL4_Invoke_(t, seL4_CNodeCopy, 0, 2, w, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_Invoke_(t, seL4_UntypedRetype, 0, 2, w, 0), seL4_IllegalOperation);
}

/* Loads xmm0..xmm15 from `in`, yields, stores them to `out` (one asm block). */
static void xmm_across_yield(const uint64_t *in, uint64_t *out)
{
    __asm__ volatile("movdqu 0(%0), %%xmm0\n\tmovdqu 16(%0), %%xmm1\n\t"
                     "movdqu 32(%0), %%xmm2\n\tmovdqu 48(%0), %%xmm3\n\t"
                     "movdqu 64(%0), %%xmm4\n\tmovdqu 80(%0), %%xmm5\n\t"
                     "movdqu 96(%0), %%xmm6\n\tmovdqu 112(%0), %%xmm7\n\t"
                     "movdqu 128(%0), %%xmm8\n\tmovdqu 144(%0), %%xmm9\n\t"
                     "movdqu 160(%0), %%xmm10\n\tmovdqu 176(%0), %%xmm11\n\t"
                     "movdqu 192(%0), %%xmm12\n\tmovdqu 208(%0), %%xmm13\n\t"
                     "movdqu 224(%0), %%xmm14\n\tmovdqu 240(%0), %%xmm15\n\t"
                     "movq %%rsp, %%rbx\n\t"
                     "syscall\n\t"
                     "movq %%rbx, %%rsp\n\t"
                     "movdqu %%xmm0, 0(%1)\n\tmovdqu %%xmm1, 16(%1)\n\t"
                     "movdqu %%xmm2, 32(%1)\n\tmovdqu %%xmm3, 48(%1)\n\t"
                     "movdqu %%xmm4, 64(%1)\n\tmovdqu %%xmm5, 80(%1)\n\t"
                     "movdqu %%xmm6, 96(%1)\n\tmovdqu %%xmm7, 112(%1)\n\t"
                     "movdqu %%xmm8, 128(%1)\n\tmovdqu %%xmm9, 144(%1)\n\t"
                     "movdqu %%xmm10, 160(%1)\n\tmovdqu %%xmm11, 176(%1)\n\t"
                     "movdqu %%xmm12, 192(%1)\n\tmovdqu %%xmm13, 208(%1)\n\t"
                     "movdqu %%xmm14, 224(%1)\n\tmovdqu %%xmm15, 240(%1)\n\t"
                     :
                     : "r"(in), "r"(out), "d"((seL4_Word)seL4_SysYield)
                     : "rcx", "r11", "rbx", "rsi", "rdi", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
                       "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
                       "xmm13", "xmm14", "xmm15");
}

static seL4_Word xmm_worker(seL4_Word id, seL4_Word rounds, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    uint64_t in[32], out[32];
    seL4_Word bad = 0;
    for (seL4_Word r = 0; r < rounds; r++) {
        for (int i = 0; i < 32; i++) {
            in[i] = (id << 56) ^ (r << 32) ^ ((uint64_t)i * 0x9e3779b97f4a7c15ul);
        }
        xmm_across_yield(in, out);
        bad += memcmp(in, out, sizeof(in)) != 0;
    }
    return bad;
}

TEST(tcb_sse_registers_per_thread)
{
    struct helper *a = helper_run(ROOT_PRIO, xmm_worker, 1, 50, 0, 0);
    struct helper *b = helper_run(ROOT_PRIO, xmm_worker, 2, 50, 0, 0);
    uint64_t in[32], out[32];
    for (int i = 0; i < 32; i++) {
        in[i] = 0xabcdef0000000000ul + (uint64_t)i;
    }
    for (int r = 0; r < 20; r++) {
        xmm_across_yield(in, out);
        CHECK_EQ(memcmp(in, out, sizeof(in)), 0);
    }
    CHECK(helper_wait(a, 2000));
    CHECK(helper_wait(b, 2000));
    CHECK_EQ(a->result, 0);
    CHECK_EQ(b->result, 0);
}

static double fp_sum(seL4_Word seed, long n)
{
    volatile double start = (double)seed;
    double acc = start;
    for (long i = 1; i <= n; i++) {
        acc = acc * 1.0000001 + (double)i / (double)(seed + 3);
    }
    return acc;
}

static volatile double fp_result[3];

static seL4_Word fp_worker(seL4_Word id, seL4_Word n, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    fp_result[id] = fp_sum(id, (long)n);
    return 0;
}

TEST(tcb_fpu_state_across_preemption)
{
    /* Long enough that the two workers are preempted by each other's time slices. */
    const long n = 1000000;
    double expect1 = fp_sum(1, n), expect2 = fp_sum(2, n);
    struct helper *a = helper_run(ROOT_PRIO, fp_worker, 1, (seL4_Word)n, 0, 0);
    struct helper *b = helper_run(ROOT_PRIO, fp_worker, 2, (seL4_Word)n, 0, 0);
    CHECK(helper_wait(a, 5000));
    CHECK(helper_wait(b, 5000));
    CHECK(fp_result[1] == expect1);
    CHECK(fp_result[2] == expect2);
}
