/*
 * Debug system calls (PutChar, DumpScheduler, CapIdentify, NameThread) — or, built for a
 * production kernel, their absence — the SetTLSBase system call, and the cycle-accounting
 * interface (BenchmarkGetThreadUtilisation & co).
 *
 * Cycle accounting is optional: upstream's pinned configuration is built without it, and
 * there the call is an unknown system call. The test probes it from a helper thread with a
 * fault endpoint; an UnknownSyscall fault makes it report "skipped".
 */
#include "support.h"

/* --- Which configuration: the debug calls exist, or are unknown system calls ------------ */

static seL4_Word fn_raw_syscall(seL4_Word number, seL4_Word cptr, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    x64_sys_send(number, cptr, 0, 0, 0, 0, 0);
    return 1;
}

/* Makes system call `number` (RDI = cptr) in a helper: 1 if it returned, else the fault. */
static int probe_syscall(long number, seL4_CPtr cptr, struct msg *m)
{
    seL4_Word result = 0;
    return run_probe(fn_raw_syscall, (seL4_Word)number, cptr, &result, m) && result == 1;
}

#ifdef KTEST_PRODUCTION
/*
 * A production kernel (upstream: KernelDebugBuild and KernelPrinting off) has none of the
 * debug or accounting calls: each is an UnknownSyscall fault for the thread's handler,
 * carrying the number. DebugHalt and DebugNameThread on a cap that is not a TCB, which halt
 * a debug kernel, are faults like the others.
 */
static void check_unknown_syscalls(const long *numbers, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        struct msg m;
        /* The CNode cap is not a TCB: DebugNameThread's halting case. */
        CHECK_EQ(probe_syscall(numbers[i], seL4_CapInitThreadCNode, &m), 0);
        CHECK_EQ(m.label, seL4_Fault_UnknownSyscall);
        CHECK_EQ(m.mr[seL4_UnknownSyscall_Syscall], (seL4_Word)numbers[i]);
    }
}

TEST(debug_calls_are_unknown_syscalls)
{
    static const long numbers[] = {seL4_SysDebugPutChar,  seL4_SysDebugDumpScheduler,
                                   seL4_SysDebugHalt,     seL4_SysDebugCapIdentify,
                                   seL4_SysDebugSnapshot, seL4_SysDebugNameThread};
    check_unknown_syscalls(numbers, ARRAY_SIZE(numbers));
}

TEST(debug_accounting_calls_are_unknown_syscalls)
{
    static const long numbers[] = {seL4_SysBenchmarkResetLog, seL4_SysBenchmarkFinalizeLog,
                                   seL4_SysBenchmarkGetThreadUtilisation,
                                   seL4_SysBenchmarkResetThreadUtilisation};
    check_unknown_syscalls(numbers, ARRAY_SIZE(numbers));
}
#else
/* Debug calls made raw (those that neither halt nor print pages): they return. */
TEST(debug_calls_return)
{
    static const long numbers[] = {seL4_SysDebugPutChar, seL4_SysDebugCapIdentify};
    for (unsigned i = 0; i < ARRAY_SIZE(numbers); i++) {
        struct msg m;
        CHECK_EQ(probe_syscall(numbers[i], '.', &m), 1);
    }
}
#endif

TEST(debug_put_char)
{
    const char *s = "debug_put_char: hello through seL4_DebugPutChar\n";
    while (*s) {
        seL4_DebugPutChar(*s++);
    }
}

TEST(debug_dump_scheduler)
{
    /* With a named helper around, so there is more than the root to list. */
    struct helper *h = helper_new(ROOT_PRIO, 0);
    seL4_DebugNameThread(h->tcb, "dump-me");
    seL4_DebugDumpScheduler();
    seL4_UserContext ctx;
    CHECK_OK(seL4_TCB_ReadRegisters(h->tcb, 0, 0, 1, &ctx));
}

TEST(debug_cap_identify_initial_caps)
{
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapNull), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), seL4_CapType_Thread);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadCNode), seL4_CapType_CNode);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadVSpace), seL4_CapType_PML4);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapIRQControl), seL4_CapType_IRQControl);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapASIDControl), seL4_CapType_ASIDControl);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadASIDPool), seL4_CapType_ASIDPool);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapIOPortControl), seL4_CapType_IOPortControl);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapIOSpace), seL4_CapType_Null); /* no IOMMU */
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapBootInfoFrame), seL4_CapType_Frame);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadIPCBuffer), seL4_CapType_Frame);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapDomain), seL4_CapType_Domain);
    for (seL4_CPtr c = seL4_CapSMMUSIDControl; c < seL4_NumInitialCaps; c++) {
        CHECK_EQ(seL4_DebugCapIdentify(c), seL4_CapType_Null);
    }
}

TEST(debug_cap_identify_bootinfo_regions)
{
    const seL4_BootInfo *bi = env.bi;
    CHECK_GE(bi->empty.start, seL4_NumInitialCaps);
    for (seL4_CPtr c = bi->userImageFrames.start; c < bi->userImageFrames.end; c++) {
        CHECK_EQ(seL4_DebugCapIdentify(c), seL4_CapType_Frame);
    }
    for (seL4_CPtr c = bi->untyped.start; c < bi->untyped.end; c++) {
        CHECK_EQ(seL4_DebugCapIdentify(c), seL4_CapType_Untyped);
    }
    /* The image's paging structures: one PDPT, PDs and PTs, in some order. */
    int pdpt = 0, pd = 0, pt = 0;
    for (seL4_CPtr c = bi->userImagePaging.start; c < bi->userImagePaging.end; c++) {
        seL4_Word t = seL4_DebugCapIdentify(c);
        pdpt += t == seL4_CapType_PDPT;
        pd += t == seL4_CapType_PageDirectory;
        pt += t == seL4_CapType_PageTable;
    }
    CHECK_EQ(pdpt, 1);
    CHECK_GE(pd, 1);
    CHECK_GE(pt, 1);
    CHECK_EQ(pdpt + pd + pt, bi->userImagePaging.end - bi->userImagePaging.start);
    /* (The suite itself uses the start of the empty region; look at its end.) */
    CHECK_EQ(bi->empty.end, 1ul << seL4_RootCNodeSizeBits);
    for (seL4_CPtr c = bi->empty.end - 8; c < bi->empty.end - 1; c++) {
        CHECK_EQ(seL4_DebugCapIdentify(c), seL4_CapType_Null);
    }
    /* Empty regions of this configuration. */
    CHECK_EQ(bi->sharedFrames.end - bi->sharedFrames.start, 0);
    CHECK_EQ(bi->ioSpaceCaps.end - bi->ioSpaceCaps.start, 0);
    CHECK_EQ(bi->initThreadCNodeSizeBits, seL4_RootCNodeSizeBits);
    CHECK_EQ(bi->numNodes, 1);
}

TEST(debug_cap_identify_bad_cptr)
{
    /* A cptr whose lookup fails identifies as the null cap. */
    CHECK_EQ(seL4_DebugCapIdentify(1ul << 63 | seL4_CapInitThreadTCB), seL4_CapType_Null);
    CHECK_EQ(seL4_DebugCapIdentify(~0ul), seL4_CapType_Null);
}

TEST(debug_name_thread)
{
    struct helper *h = helper_new(ROOT_PRIO, 0);
    seL4_DebugNameThread(h->tcb, "a-rather-long-thread-name-for-the-kernel-debugger");
    seL4_DebugNameThread(SELF_TCB, "ktest-self");
    /* Both threads still work afterwards. */
    seL4_UserContext ctx;
    CHECK_OK(seL4_TCB_ReadRegisters(h->tcb, 0, 0, 1, &ctx));
}

static volatile seL4_Word tls_value;

static seL4_Word fn_read_fs(seL4_Word new_tp, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    uintptr_t old;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(old));
    seL4_SetTLSBase(new_tp);
    seL4_Word v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    tls_value = v;
    seL4_SetTLSBase(old);
    return 0;
}

TEST(debug_set_tls_base_syscall_number)
{
    /* seL4_SysSetTLSBase (-30): FS base of the caller, seen through %fs. */
    static seL4_Word fake[4] __attribute__((aligned(16)));
    fake[0] = 0xfeedface;
    tls_value = 0;
    struct helper *h = helper_run(ROOT_PRIO, fn_read_fs, (seL4_Word)fake, 0, 0, 0);
    CHECK(helper_wait(h, 1000));
    CHECK_EQ(tls_value, 0xfeedface);
}

/* --- Cycle accounting -------------------------------------------------------------------- */

static volatile seL4_Word util[16];
static volatile long bench_stage;

static seL4_Word fn_bench_probe(seL4_Word spinner, seL4_Word spins_addr, seL4_Word a2, seL4_Word a3)
{
    (void)a2;
    (void)a3;
    volatile long *spins = (volatile long *)spins_addr;
    bench_stage = 1;
    seL4_BenchmarkResetLog();
    bench_stage = 2; /* the kernel knows the interface */
    seL4_BenchmarkResetThreadUtilisation(spinner);
    long before = *spins;
    spin_us(30000);
    /* A host that deschedules QEMU can make the 30 ms pass within one time slice. */
    for (int i = 0; i < 100 && *spins == before; i++) {
        seL4_Yield();
    }
    seL4_BenchmarkFinalizeLog();
    seL4_BenchmarkGetThreadUtilisation(spinner);
    for (int i = 0; i < 13; i++) {
        util[i] = seL4_GetMR(i);
    }
    bench_stage = 3;
    return 0;
}

TEST(bench_thread_utilisation)
{
    seL4_CPtr fault_ep = alloc_obj(seL4_EndpointObject, 0);
    static volatile long spins;
    spins = 0;
    bench_stage = 0;
    /* A spinner below the probe, so it runs while the probe waits... */
    struct helper *spinner = helper_run(ROOT_PRIO, fn_spin, (seL4_Word)&spins, 0, 0, 0);
    struct helper *probe = helper_new(ROOT_PRIO, mint_badged(fault_ep, 1));
    helper_start(probe, fn_bench_probe, spinner->tcb, (seL4_Word)&spins, 0, 0);
    struct msg m;
    for (int i = 0; i < 200 && bench_stage < 2; i++) {
        if (poll_msg(fault_ep, 5, &m)) {
            CHECK_EQ(m.label, seL4_Fault_UnknownSyscall);
            CHECK_EQ(m.mr[seL4_UnknownSyscall_Syscall], (seL4_Word)seL4_SysBenchmarkResetLog);
            ktest_skip("kernel lacks utilisation tracking (syscall %ld is an unknown syscall)",
                       (long)seL4_SysBenchmarkResetLog);
        }
    }
    CHECK_EQ(wait_at_least(&bench_stage, 3, 5000), 3);
    /* The spinner ran (it shared the CPU with the probe's busy wait). */
    CHECK_GE(util[BENCHMARK_TCB_UTILISATION], 1);
    CHECK_GE(util[BENCHMARK_TOTAL_UTILISATION], util[BENCHMARK_TCB_UTILISATION]);
    /* The idle thread's counter is readable (it may be zero: nobody idled). */
    CHECK_LE(util[BENCHMARK_IDLE_LOCALCPU_UTILISATION], util[BENCHMARK_TOTAL_UTILISATION]);
}
