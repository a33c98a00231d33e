/*
 * Figures without IPC messages: the cost of reading the TSC itself, a system call that does
 * (almost) nothing, and the wake-up of a higher-priority thread by a notification.
 */
#include "bench.h"

/* Two back-to-back reads: what every other figure includes on top of the kernel's work. */
void bench_rdtsc(void)
{
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_RUNS; i++) {
        uint64_t t0 = bench_tsc();
        uint64_t t1 = bench_tsc();
        if (i >= BENCH_WARMUP) {
            bench_samples[i - BENCH_WARMUP] = t1 - t0;
        }
    }
    bench_report("rdtsc_overhead", bench_samples, BENCH_RUNS);
}

/* seL4_Yield with no other thread at the root's priority: kernel entry, scheduler, exit. */
void bench_yield(void)
{
    for (unsigned i = 0; i < BENCH_WARMUP + BENCH_RUNS; i++) {
        uint64_t t0 = bench_tsc();
        seL4_Yield();
        uint64_t t1 = bench_tsc();
        if (i >= BENCH_WARMUP) {
            bench_samples[i - BENCH_WARMUP] = t1 - t0;
        }
    }
    bench_report("syscall_yield", bench_samples, BENCH_RUNS);
}

/*
 * Signal to wake-up: the waiter (priority 255) blocks in seL4_Wait; the signaller (the root
 * thread, lowered to SIGNALLER_PRIO) stores the TSC in shared memory and signals. The
 * waiter preempts it at once and reads the TSC first thing, so a sample is signal entry,
 * the switch to the waiter, and the return from its Wait.
 */
#define SIGNALLER_PRIO 200

struct wake {
    seL4_CPtr ntfn;
    volatile uint64_t sent;  /* TSC just before the signal */
    volatile unsigned count; /* wake-ups so far */
};

static void waiter(void *arg)
{
    struct wake *w = arg;
    for (;;) {
        seL4_Wait(w->ntfn, 0);
        uint64_t now = bench_tsc();
        unsigned i = w->count;
        if (i >= BENCH_WARMUP && i < BENCH_WARMUP + BENCH_RUNS) {
            bench_samples[i - BENCH_WARMUP] = now - w->sent;
        }
        w->count = i + 1;
    }
}

void bench_signal_wait(void)
{
    static const char name[] = "notification_signal_wait";
    static struct wake w;
    struct rt_thread t;
    w.count = 0;
    seL4_Error err = rt_alloc_object(&bench_alloc, seL4_NotificationObject, 0, &w.ntfn);
    if (err == seL4_NoError) {
        err = seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, SIGNALLER_PRIO);
    }
    if (err == seL4_NoError) {
        /* It preempts the root at once and blocks in its first Wait. */
        err = bench_thread(&t, BENCH_ROOT_PRIO, waiter, &w);
    }
    if (err == seL4_NoError) {
        for (unsigned i = 0; i < BENCH_WARMUP + BENCH_RUNS; i++) {
            w.sent = bench_tsc();
            seL4_Signal(w.ntfn);
        }
    }
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, BENCH_ROOT_PRIO);
    if (err != seL4_NoError) {
        bench_fail(name, "creating the waiter", err);
        return;
    }
    if (w.count != BENCH_WARMUP + BENCH_RUNS) {
        printf("bench: %s: %u wake-ups for %u signals\n", name, w.count, BENCH_WARMUP + BENCH_RUNS);
        bench_fail(name, "lost wake-ups", seL4_NoError);
        return;
    }
    bench_report(name, bench_samples, BENCH_RUNS);
}
