/*
 * What a thread switch costs on the platform, against the alternatives (platform/README.md
 * uses these numbers to justify user-level threads on one TCB):
 *
 *   platform yield      pf_yield() between two platform threads: scheduler + stack switch
 *                       + FS-base reload (SetTLSBase system call), i.e. the real cost
 *   stack switch only   pf_ctx_switch() alone, no TLS reload, no scheduler
 *   SetTLSBase          the system call (-30) the platform makes on every switch
 *   TCB_SetTLSBase      the same through a TCB invocation (the alternative with FSGSBase=msr)
 *   kernel IPC switch   two TCBs ping-pong with seL4_Call / seL4_ReplyRecv (the fastpath):
 *                       per switch, i.e. half a round trip
 *   kernel signal switch two TCBs ping-pong with seL4_Signal / seL4_Wait on notifications,
 *                       the way blocking would work with one TCB per thread
 *   null system call    seL4_Poll on the (empty) notification: the floor of any kernel entry
 *
 * Each is measured ROUNDS times over ITERATIONS operations; the median and minimum per
 * operation are printed in TSC cycles and nanoseconds. Under QEMU's TCG emulation the
 * absolute numbers describe the emulator, not hardware; the ratios are what matters.
 */
#include <platform.h>
#include <runtime.h>

#define ITERATIONS 2000
#define ROUNDS     7

/* The platform's own stack switch (switch.S), called here without the scheduler. */
void pf_ctx_switch(uintptr_t *save, uintptr_t load);
void pf_ctx_trampoline(void);

static uint64_t samples[ROUNDS];

static void report(const char *what, uint64_t (*measure)(void))
{
    for (int r = 0; r < ROUNDS; r++) {
        samples[r] = measure();
    }
    for (int i = 1; i < ROUNDS; i++) { /* insertion sort: seven values */
        for (int j = i; j > 0 && samples[j] < samples[j - 1]; j--) {
            uint64_t t = samples[j];
            samples[j] = samples[j - 1];
            samples[j - 1] = t;
        }
    }
    uint64_t median = samples[ROUNDS / 2], min = samples[0];
    printf("  %-22s %8lu cycles %7lu ns   (min %lu cycles)\n", what, (unsigned long)median,
           (unsigned long)pf_tsc_to_ns(median), (unsigned long)min);
}

/* --- Platform threads ------------------------------------------------------------------------ */

static volatile bool partner_done;

static void *yielder(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERATIONS; i++) {
        pf_yield();
    }
    partner_done = true;
    return 0;
}

static uint64_t measure_platform_yield(void)
{
    int err;
    partner_done = false;
    struct pf_thread *t =
        pf_thread_create("yielder", yielder, 0, 16384, PF_PRIO_NORMAL, PF_THREAD_JOINABLE, &err);
    pf_yield(); /* let it start */
    uint64_t t0 = runtime_rdtsc();
    for (int i = 0; i < ITERATIONS; i++) {
        pf_yield();
    }
    uint64_t cycles = runtime_rdtsc() - t0;
    pf_thread_join(t, 0);
    return cycles / (2 * ITERATIONS); /* each round trip is two switches */
}

/* --- Bare stack switch ------------------------------------------------------------------------ */

static uintptr_t main_sp, other_sp;

static void bouncer(void *arg)
{
    (void)arg;
    for (;;) {
        pf_ctx_switch(&other_sp, main_sp);
    }
}

static uint64_t measure_stack_switch(void)
{
    static uint64_t stack[2048] __attribute__((aligned(16)));
    /* A fresh frame each round, laid out the way switch.S expects (see sched.c). */
    uintptr_t *frame = (uintptr_t *)&stack[2048] - 8;
    frame[0] = 0x037full << 32 | 0x1f80;
    frame[1] = frame[2] = frame[5] = frame[6] = 0;
    frame[3] = (uintptr_t)bouncer;
    frame[4] = 0;
    frame[7] = (uintptr_t)pf_ctx_trampoline;
    other_sp = (uintptr_t)frame;
    pf_ctx_switch(&main_sp, other_sp);
    uint64_t t0 = runtime_rdtsc();
    for (int i = 0; i < ITERATIONS; i++) {
        pf_ctx_switch(&main_sp, other_sp);
    }
    return (runtime_rdtsc() - t0) / (2 * ITERATIONS);
}

/* --- TLS base --------------------------------------------------------------------------------- */

static uintptr_t current_tp(void)
{
    uintptr_t tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}

static uint64_t measure_set_tls_syscall(void)
{
    uintptr_t tp = current_tp();
    uint64_t t0 = runtime_rdtsc();
    for (int i = 0; i < ITERATIONS; i++) {
        seL4_SetTLSBase(tp);
    }
    return (runtime_rdtsc() - t0) / ITERATIONS;
}

static uint64_t measure_set_tls_invocation(void)
{
    uintptr_t tp = current_tp();
    uint64_t t0 = runtime_rdtsc();
    for (int i = 0; i < ITERATIONS; i++) {
        seL4_TCB_SetTLSBase(UK_SLOT_TCB, tp);
    }
    return (runtime_rdtsc() - t0) / ITERATIONS;
}

static uint64_t measure_null_syscall(void)
{
    seL4_Word badge;
    uint64_t t0 = runtime_rdtsc();
    for (int i = 0; i < ITERATIONS; i++) {
        seL4_Poll(UK_SLOT_NOTIFICATION, &badge);
    }
    return (runtime_rdtsc() - t0) / ITERATIONS;
}

/* --- Two TCBs --------------------------------------------------------------------------------- */

static seL4_CPtr ep, ping, pong;

static void __attribute__((noreturn)) ipc_server(void *arg)
{
    (void)arg;
    seL4_Word badge;
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, 1);
    seL4_Recv(ep, &badge);
    for (;;) {
        seL4_ReplyRecv(ep, info, &badge);
    }
}

static void __attribute__((noreturn)) signal_server(void *arg)
{
    (void)arg;
    for (;;) {
        seL4_Wait(ping, 0);
        seL4_Signal(pong);
    }
}

static uint64_t measure_ipc_switch(void)
{
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, 1);
    uint64_t t0 = runtime_rdtsc();
    for (int i = 0; i < ITERATIONS; i++) {
        seL4_Call(ep, info);
    }
    return (runtime_rdtsc() - t0) / (2 * ITERATIONS);
}

static uint64_t measure_signal_switch(void)
{
    uint64_t t0 = runtime_rdtsc();
    for (int i = 0; i < ITERATIONS; i++) {
        seL4_Signal(ping);
        seL4_Wait(pong, 0);
    }
    return (runtime_rdtsc() - t0) / (2 * ITERATIONS);
}

int main(void)
{
    printf("thread switch costs (median of %d rounds of %d, TSC at %lu MHz):\n", ROUNDS, ITERATIONS,
           pf_init()->tsc_hz / 1000000);
    report("platform yield", measure_platform_yield);
    report("stack switch only", measure_stack_switch);
    report("SetTLSBase syscall", measure_set_tls_syscall);
    report("TCB_SetTLSBase", measure_set_tls_invocation);
    report("null system call", measure_null_syscall);

    struct pf_tcb ipc_tcb, signal_tcb;
    if (pf_kobject_alloc(seL4_EndpointObject, &ep) ||
        pf_kobject_alloc(seL4_NotificationObject, &ping) ||
        pf_kobject_alloc(seL4_NotificationObject, &pong) ||
        pf_tcb_start(&ipc_tcb, ipc_server, 0, 16384) ||
        pf_tcb_start(&signal_tcb, signal_server, 0, 16384)) {
        printf("cannot create the kernel threads for the TCB measurements\n");
        return 1;
    }
    report("kernel IPC switch", measure_ipc_switch);
    report("kernel signal switch", measure_signal_switch);
    return 0;
}
