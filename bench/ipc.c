/*
 * IPC round trips: the client (the root thread) times seL4_Call; a server thread at the
 * same priority answers with seL4_ReplyRecv. One message word each way, in registers, so
 * upstream's fastpath is eligible in both directions. The server lives either in the root
 * task's address space or in a VSpace of its own (then every round trip switches page
 * tables twice).
 */
#include "bench.h"

/* Server: answers every call with a one-word reply, forever. */
static void echo_server(void *arg)
{
    seL4_CPtr ep = (seL4_CPtr)arg;
    seL4_Word badge, m0 = 0;
    seL4_RecvWithMRs(ep, &badge, &m0, 0, 0, 0);
    for (;;) {
        seL4_ReplyRecvWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge, &m0, 0, 0, 0);
    }
}

static void time_calls(const char *name, seL4_CPtr ep)
{
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_RUNS; i++) {
        seL4_Word m0 = i;
        uint64_t t0 = bench_tsc();
        seL4_CallWithMRs(ep, seL4_MessageInfo_new(0, 0, 0, 1), &m0, 0, 0, 0);
        uint64_t t1 = bench_tsc();
        if (i >= BENCH_WARMUP) {
            bench_samples[i - BENCH_WARMUP] = t1 - t0;
        }
    }
    bench_report(name, bench_samples, BENCH_RUNS);
}

void bench_ipc_same_as(void)
{
    static const char name[] = "ipc_call_replyrecv_same_as";
    struct rt_thread server;
    seL4_CPtr ep;
    seL4_Error err = rt_alloc_object(&bench_alloc, seL4_EndpointObject, 0, &ep);
    if (err == seL4_NoError) {
        err = bench_thread(&server, BENCH_ROOT_PRIO, echo_server, (void *)ep);
    }
    if (err != seL4_NoError) {
        bench_fail(name, "creating the server", err);
        return;
    }
    time_calls(name, ep);
}

/* The server's CSpace: one small CNode whose guard makes cptr N name slot N. */
#define SERVER_CNODE_BITS 4
#define SERVER_EP_SLOT    1

static seL4_Error make_server_space(seL4_CPtr ep, seL4_CPtr *cnode, seL4_CPtr *pml4)
{
    seL4_Error err = rt_alloc_object(&bench_alloc, seL4_X64_PML4Object, 0, pml4);
    if (err == seL4_NoError) {
        err = seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, *pml4);
    }
    if (err == seL4_NoError) {
        /* Code, and data shared with the root task (the stack and TLS live there). */
        err = rt_map_image(&bench_alloc, *pml4, RT_IMAGE_SHARED_DATA);
    }
    if (err == seL4_NoError) {
        err = rt_alloc_object(&bench_alloc, seL4_CapTableObject, SERVER_CNODE_BITS, cnode);
    }
    if (err == seL4_NoError) {
        err = seL4_CNode_Copy(*cnode, SERVER_EP_SLOT, SERVER_CNODE_BITS, seL4_CapInitThreadCNode,
                              ep, seL4_WordBits, seL4_AllRights);
    }
    return err;
}

void bench_ipc_cross_as(void)
{
    static const char name[] = "ipc_call_replyrecv_cross_as";
    struct rt_thread server;
    struct rt_thread_config cfg;
    seL4_CPtr ep, cnode = 0, pml4 = 0;
    seL4_Error err = rt_alloc_object(&bench_alloc, seL4_EndpointObject, 0, &ep);
    if (err == seL4_NoError) {
        err = make_server_space(ep, &cnode, &pml4);
    }
    if (err == seL4_NoError) {
        bench_thread_config(&cfg, BENCH_ROOT_PRIO);
        cfg.cspace = cnode;
        cfg.cspace_data = seL4_CNode_CapData_new(0, seL4_WordBits - SERVER_CNODE_BITS).words[0];
        cfg.vspace = pml4;
        err = rt_thread_new(&bench_alloc, &server, &cfg);
    }
    if (err == seL4_NoError) {
        err = rt_thread_start(&server, echo_server, (void *)SERVER_EP_SLOT);
    }
    if (err != seL4_NoError) {
        bench_fail(name, "creating the server process", err);
        return;
    }
    time_calls(name, ep);
}
