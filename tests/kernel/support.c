/*
 * Support code for the kernel tests (see support.h).
 */
#include "support.h"

struct env env;

__thread struct helper *ktest_self_helper;

static struct helper helpers[MAX_HELPERS];
static unsigned helpers_used; /* bitmap, reset after each test */
static char helper_stacks[MAX_HELPERS][HELPER_STACK_SIZE] __attribute__((aligned(16)));
static char helper_tls[MAX_HELPERS][512] __attribute__((aligned(64)));

#define MAX_DEFERRED 16
static seL4_CPtr deferred[MAX_DEFERRED];
static int n_deferred;
static struct {
    void (*fn)(seL4_Word);
    seL4_Word arg;
} deferred_calls[MAX_DEFERRED];
static int n_deferred_calls;

static char test_stack[65536] __attribute__((aligned(16)));
static char test_tls[512] __attribute__((aligned(64)));

/* Failures in the supervisor's own set-up cannot be reported as a test: stop the suite. */
static void fatal(const char *what, seL4_Error err)
{
    printf("kernel test suite: fatal: %s: %s\n", what, ktest_error_name(err));
    runtime_exit_qemu(2);
}

void support_init(void)
{
    const seL4_BootInfo *bi = runtime_bootinfo();
    env.bi = bi;
    env.tsc_mhz = seL4_BootInfo_TSCFrequencyMHz(bi);
    if (env.tsc_mhz == 0) {
        env.tsc_mhz = 1000;
    }
    /* The runtime keeps the last two empty slots (runtime_exit_qemu, runtime_console_uart);
     * the first is ours. */
    env.free_slot_end = bi->empty.end - 2;
    seL4_CPtr persistent_slot = bi->empty.start;
    rt_alloc_init(&env.test, ROOT_CNODE, bi->empty.start + 1, env.free_slot_end);
    /* The smallest RAM untyped holds the objects that live for the whole run. */
    seL4_Word n = bi->untyped.end - bi->untyped.start;
    seL4_CPtr persistent_ut = 0;
    unsigned persistent_bits = 64;
    for (seL4_Word i = 0; i < n; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits >= seL4_EndpointBits && d->sizeBits < persistent_bits) {
            persistent_ut = bi->untyped.start + i;
            persistent_bits = d->sizeBits;
        }
    }
    for (seL4_Word i = 0; i < n; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_CPtr cap = bi->untyped.start + i;
        if (cap == persistent_ut) {
            continue;
        }
        if (!d->isDevice && d->sizeBits == seL4_HugePageBits && !env.huge_ut) {
            /* Kept aside: clearing 1 GiB on every reuse would be slow. */
            env.huge_ut = cap;
            env.huge_ut_paddr = d->paddr;
            continue;
        }
        rt_alloc_add_untyped(&env.test, cap, d->paddr, d->sizeBits, d->isDevice);
    }
    seL4_Error err = seL4_Untyped_Retype(persistent_ut, seL4_EndpointObject, 0, ROOT_CNODE, 0, 0,
                                         persistent_slot, 1);
    if (err != seL4_NoError) {
        fatal("creating the supervisor endpoint", err);
    }
    env.supervisor_ep = persistent_slot;
}

void support_start_test_thread(void (*entry)(void *), void *arg)
{
    seL4_CPtr tcb = 0, frame = 0;
    seL4_Error err = rt_alloc_object(&env.test, seL4_TCBObject, 0, &tcb);
    if (err == seL4_NoError) {
        err = rt_alloc_object(&env.test, seL4_X86_4K, 0, &frame);
    }
    if (err == seL4_NoError) {
        err = rt_map_frame(&env.test, ROOT_VS, frame, TEST_IPC_VADDR, seL4_ReadWrite, 0);
    }
    if (err != seL4_NoError) {
        fatal("allocating the test thread", err);
    }
    seL4_CPtr done = rt_alloc_slot(&env.test);
    err = seL4_CNode_Mint(ROOT_CNODE, done, WORD_BITS, ROOT_CNODE, env.supervisor_ep, WORD_BITS,
                          seL4_AllRights, SUPERVISOR_BADGE);
    if (err == seL4_NoError) {
        err = seL4_TCB_Configure(tcb, done, ROOT_CNODE, 0, ROOT_VS, 0, TEST_IPC_VADDR, frame);
    }
    if (err == seL4_NoError) {
        err = seL4_TCB_SetSchedParams(tcb, ROOT_TCB, seL4_MaxPrio, ROOT_PRIO);
    }
    if (err == seL4_NoError) {
        err = seL4_TCB_SetTLSBase(tcb, runtime_tls_init(test_tls));
    }
    if (err != seL4_NoError) {
        fatal("configuring the test thread", err);
    }
#ifndef KTEST_PRODUCTION
    seL4_DebugNameThread(tcb, "ktest");
#endif
    env.self_tcb = tcb;
    env.done_cap = done;
    seL4_UserContext ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.rip = (seL4_Word)entry;
    ctx.rsp = (seL4_Word)(test_stack + sizeof(test_stack) - 8);
    ctx.rflags = 0x202;
    ctx.rdi = (seL4_Word)arg;
    err = seL4_TCB_WriteRegisters(tcb, 1, 0, 10, &ctx);
    if (err != seL4_NoError) {
        fatal("starting the test thread", err);
    }
}

void support_after_test(void)
{
    for (int i = n_deferred_calls - 1; i >= 0; i--) {
        deferred_calls[i].fn(deferred_calls[i].arg);
    }
    n_deferred_calls = 0;
    for (int i = 0; i < n_deferred; i++) {
        seL4_CNode_Revoke(ROOT_CNODE, deferred[i], WORD_BITS);
    }
    n_deferred = 0;
    rt_alloc_reset(&env.test);
    helpers_used = 0;
    env.self_tcb = 0;
    env.done_cap = 0;
}

/* --- Allocation ------------------------------------------------------------------------ */

seL4_CPtr alloc_slot(void)
{
    seL4_CPtr slot = rt_alloc_slot(&env.test);
    if (!slot) {
        ktest_fail(__FILE__, __LINE__, "out of CNode slots");
    }
    return slot;
}

seL4_CPtr alloc_obj(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr cap = 0;
    seL4_Error err = rt_alloc_object(&env.test, type, size_bits, &cap);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "allocating object type %lu size %lu: %s", type, size_bits,
                   ktest_error_name(err));
    }
    return cap;
}

seL4_CPtr alloc_untyped(unsigned size_bits)
{
    return alloc_obj(seL4_UntypedObject, size_bits);
}

seL4_CPtr mint_badged(seL4_CPtr cap, seL4_Word badge)
{
    seL4_CPtr slot = alloc_slot();
    seL4_Error err = seL4_CNode_Mint(ROOT_CNODE, slot, WORD_BITS, ROOT_CNODE, cap, WORD_BITS,
                                     seL4_AllRights, badge);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "minting badge %lu: %s", badge, ktest_error_name(err));
    }
    return slot;
}

seL4_CPtr copy_cap(seL4_CPtr cap, seL4_CapRights_t rights)
{
    seL4_CPtr slot = alloc_slot();
    seL4_Error err =
        seL4_CNode_Copy(ROOT_CNODE, slot, WORD_BITS, ROOT_CNODE, cap, WORD_BITS, rights);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "copying cap %lu: %s", cap, ktest_error_name(err));
    }
    return slot;
}

void defer_revoke(seL4_CPtr cap)
{
    if (n_deferred >= MAX_DEFERRED) {
        ktest_fail(__FILE__, __LINE__, "too many deferred revokes");
    }
    deferred[n_deferred++] = cap;
}

void defer_call(void (*fn)(seL4_Word), seL4_Word arg)
{
    if (n_deferred_calls >= MAX_DEFERRED) {
        ktest_fail(__FILE__, __LINE__, "too many deferred calls");
    }
    deferred_calls[n_deferred_calls].fn = fn;
    deferred_calls[n_deferred_calls].arg = arg;
    n_deferred_calls++;
}

seL4_CPtr map_new_frame(seL4_Word vaddr)
{
    seL4_CPtr frame = alloc_obj(seL4_X86_4K, 0);
    seL4_Error err = rt_map_frame(&env.test, ROOT_VS, frame, vaddr, seL4_ReadWrite,
                                  seL4_X86_Default_VMAttributes);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "mapping a frame at 0x%lx: %s", vaddr,
                   ktest_error_name(err));
    }
    return frame;
}

/* --- Timing -------------------------------------------------------------------------------- */

uint64_t tsc_now(void)
{
    return runtime_rdtsc();
}

uint64_t ms_to_tsc(unsigned ms)
{
    return (uint64_t)ms * 1000u * env.tsc_mhz;
}

void spin_us(unsigned us)
{
    uint64_t end = tsc_now() + (uint64_t)us * env.tsc_mhz;
    while (tsc_now() < end) {
        __asm__ volatile("pause");
    }
}

long wait_flag(volatile long *flag, unsigned ms)
{
    return wait_at_least(flag, 1, ms);
}

long wait_at_least(volatile long *value, long target, unsigned ms)
{
    uint64_t deadline = tsc_now() + ms_to_tsc(ms);
    while (*value < target && tsc_now() < deadline) {
        seL4_Yield();
    }
    return *value;
}

void yield_n(int n)
{
    while (n-- > 0) {
        seL4_Yield();
    }
}

/* --- Helper threads ---------------------------------------------------------------------- */

void helper_entry(struct helper *h)
{
    ktest_self_helper = h;
    seL4_SetIPCBuffer(h->ipc);
    h->started = 1;
    h->result = h->fn(h->arg[0], h->arg[1], h->arg[2], h->arg[3]);
    h->finished = 1;
    for (;;) {
        seL4_TCB_Suspend(h->self_cap);
    }
}

struct helper *helper_new(seL4_Word prio, seL4_CPtr fault_ep)
{
    int i = 0;
    while (i < MAX_HELPERS && (helpers_used & (1u << i))) {
        i++;
    }
    if (i == MAX_HELPERS) {
        ktest_fail(__FILE__, __LINE__, "more than %d helper threads", MAX_HELPERS);
    }
    helpers_used |= 1u << i;
    struct helper *h = &helpers[i];
    memset(h, 0, sizeof(*h));
    h->index = i;
    h->tcb = alloc_obj(seL4_TCBObject, 0);
    h->self_cap = h->tcb;
    h->ipc = (seL4_IPCBuffer *)(HELPER_IPC_VADDR + (seL4_Word)i * 4096);
    h->ipc_frame = map_new_frame((seL4_Word)h->ipc);
    h->stack_top = helper_stacks[i] + HELPER_STACK_SIZE;
    h->tls_area = helper_tls[i];
    if (runtime_tls_size() > sizeof(helper_tls[i])) {
        ktest_fail(__FILE__, __LINE__, "TLS image too large for helpers");
    }
    h->tls_tp = runtime_tls_init(h->tls_area);
    seL4_Error err = seL4_TCB_Configure(h->tcb, fault_ep, ROOT_CNODE, 0, ROOT_VS, 0,
                                        (seL4_Word)h->ipc, h->ipc_frame);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "TCB_Configure: %s", ktest_error_name(err));
    }
    err = seL4_TCB_SetPriority(h->tcb, ROOT_TCB, prio);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "TCB_SetPriority: %s", ktest_error_name(err));
    }
    err = seL4_TCB_SetTLSBase(h->tcb, h->tls_tp);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "TCB_SetTLSBase: %s", ktest_error_name(err));
    }
#ifndef KTEST_PRODUCTION
    char name[16];
    snprintf(name, sizeof(name), "helper%d", i);
    seL4_DebugNameThread(h->tcb, name);
#endif
    return h;
}

void helper_context(struct helper *h, seL4_UserContext *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->rip = (seL4_Word)helper_entry;
    ctx->rsp = (seL4_Word)h->stack_top - 8; /* as if helper_entry had been called */
    ctx->rflags = 0x202;
    ctx->rdi = (seL4_Word)h;
    ctx->fs_base = h->tls_tp;
}

void helper_start(struct helper *h, helper_fn fn, seL4_Word a0, seL4_Word a1, seL4_Word a2,
                  seL4_Word a3)
{
    h->fn = fn;
    h->arg[0] = a0;
    h->arg[1] = a1;
    h->arg[2] = a2;
    h->arg[3] = a3;
    h->started = 0;
    h->finished = 0;
    seL4_UserContext ctx;
    helper_context(h, &ctx);
    /* rip .. rbp: the first 10 registers of seL4_UserContext. */
    seL4_Error err = seL4_TCB_WriteRegisters(h->tcb, 1, 0, 10, &ctx);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "TCB_WriteRegisters: %s", ktest_error_name(err));
    }
}

struct helper *helper_run(seL4_Word prio, helper_fn fn, seL4_Word a0, seL4_Word a1, seL4_Word a2,
                          seL4_Word a3)
{
    struct helper *h = helper_new(prio, 0);
    helper_start(h, fn, a0, a1, a2, a3);
    return h;
}

int helper_wait(struct helper *h, unsigned ms)
{
    return wait_flag(&h->finished, ms) != 0;
}

/* --- Messages -------------------------------------------------------------------------------- */

int poll_recv(seL4_CPtr ep, unsigned ms, seL4_MessageInfo_t *info, seL4_Word *badge)
{
    uint64_t deadline = tsc_now() + ms_to_tsc(ms);
    for (;;) {
        seL4_Word b = 0;
        seL4_MessageInfo_t i = seL4_NBRecv(ep, &b);
        if (b != 0) {
            if (info) {
                *info = i;
            }
            if (badge) {
                *badge = b;
            }
            return 1;
        }
        if (tsc_now() >= deadline) {
            return 0;
        }
        seL4_Yield();
    }
}

int poll_msg(seL4_CPtr ep, unsigned ms, struct msg *m)
{
    seL4_MessageInfo_t info;
    memset(m, 0, sizeof(*m));
    if (!poll_recv(ep, ms, &info, &m->badge)) {
        return 0;
    }
    m->label = seL4_MessageInfo_get_label(info);
    m->length = seL4_MessageInfo_get_length(info);
    m->extra_caps = seL4_MessageInfo_get_extraCaps(info);
    m->caps_unwrapped = seL4_MessageInfo_get_capsUnwrapped(info);
    for (int i = 0; i < 20; i++) {
        m->mr[i] = seL4_GetMR(i);
    }
    return 1;
}

/* --- Common helper bodies ------------------------------------------------------------------ */

seL4_Word fn_spin(seL4_Word counter, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    for (;;) {
        (*(volatile long *)counter)++;
    }
    return 0;
}

int counter_frozen(volatile long *counter)
{
    long before = *counter;
    yield_n(5);
    spin_us(3000);
    yield_n(5);
    return *counter == before;
}

seL4_Word fn_read(seL4_Word addr, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    return *(volatile seL4_Word *)addr;
}

seL4_Word fn_write(seL4_Word addr, seL4_Word value, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    *(volatile seL4_Word *)addr = value;
    return 1;
}

int run_probe(helper_fn fn, seL4_Word addr, seL4_Word value, seL4_Word *result, struct msg *m)
{
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    struct helper *h = helper_new(ROOT_PRIO, mint_badged(ep, 0xfa));
    helper_start(h, fn, addr, value, 0, 0);
    uint64_t deadline = tsc_now() + ms_to_tsc(1000);
    while (tsc_now() < deadline) {
        if (h->finished) {
            if (result) {
                *result = h->result;
            }
            return 1;
        }
        if (poll_msg(ep, 0, m)) {
            return 0;
        }
        seL4_Yield();
    }
    ktest_fail(__FILE__, __LINE__, "probe neither finished nor faulted");
}

seL4_CPtr new_vspace(void)
{
    seL4_CPtr pml4 = alloc_obj(seL4_X64_PML4Object, 0);
    seL4_Error err = seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, pml4);
    if (err != seL4_NoError) {
        ktest_fail(__FILE__, __LINE__, "ASIDPool_Assign: %s", ktest_error_name(err));
    }
    return pml4;
}

seL4_Word helper_fn_wait(seL4_Word ntfn, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_Word word = 0;
    seL4_Wait(ntfn, &word);
    return word;
}

seL4_Word helper_fn_recv_badge(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_Word badge = 0;
    seL4_Recv(ep, &badge);
    return badge;
}
