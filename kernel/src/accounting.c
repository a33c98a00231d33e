/*
 * Cycle accounting, with upstream's utilisation-tracking interface (the benchmark
 * syscalls ResetLog, FinalizeLog, GetThreadUtilisation, ResetThreadUtilisation). Every
 * thread, the idle thread included, accumulates the TSC cycles it was scheduled and the
 * cycles and entries it spent in the kernel; the totals cover the period between ResetLog
 * and FinalizeLog. Debug configuration only (upstream's pinned builds have no benchmark
 * calls; there they are unknown system calls).
 */
#include <kernel.h>
#include <machine.h>

#ifdef CONFIG_BENCHMARK_TRACK_UTILISATION

static uint64_t period_start, period_end;
static bool period_finalized;
static uint64_t total_schedules, total_kernel_cycles, total_kernel_entries;
static uint64_t entry_tsc;
static tcb_t *entry_thread; /* the thread whose kernel entry is being handled */

void accounting_kernel_entry(void)
{
    entry_tsc = rdtsc();
    entry_thread = current_thread;
    current_thread->accounting.kernel_entries++;
    total_kernel_entries++;
}

void accounting_kernel_exit(void)
{
    uint64_t cycles = rdtsc() - entry_tsc;
    if (entry_thread) {
        entry_thread->accounting.kernel_cycles += cycles;
    }
    total_kernel_cycles += cycles;
    entry_thread = 0;
}

void accounting_switch(tcb_t *from, tcb_t *to)
{
    uint64_t now = rdtsc();
    if (from && from->accounting.schedule_start) {
        from->accounting.utilisation += now - from->accounting.schedule_start;
    }
    to->accounting.schedule_start = now;
    to->accounting.schedules++;
    total_schedules++;
}

/* The fast path's way out: the switch happens as the kernel is left (one TSC read). */
void accounting_switch_and_exit(tcb_t *from, tcb_t *to)
{
    uint64_t now = rdtsc();
    uint64_t cycles = now - entry_tsc;
    if (entry_thread) {
        entry_thread->accounting.kernel_cycles += cycles;
    }
    total_kernel_cycles += cycles;
    entry_thread = 0;
    if (from->accounting.schedule_start) {
        from->accounting.utilisation += now - from->accounting.schedule_start;
    }
    to->accounting.schedule_start = now;
    to->accounting.schedules++;
    total_schedules++;
}

void accounting_forget(tcb_t *t)
{
    if (entry_thread == t) {
        entry_thread = 0;
    }
}

static void reset_thread(tcb_t *t)
{
    t->accounting.utilisation = 0;
    t->accounting.schedules = 0;
    t->accounting.kernel_cycles = 0;
    t->accounting.kernel_entries = 0;
    t->accounting.schedule_start = t == current_thread ? rdtsc() : 0;
}

void accounting_reset_all(void)
{
    for (tcb_t *t = debug_threads; t; t = t->debug_next) {
        reset_thread(t);
    }
    reset_thread(idle_thread);
    total_schedules = total_kernel_cycles = total_kernel_entries = 0;
    period_start = rdtsc();
    period_finalized = false;
}

static void finalize(void)
{
    period_end = rdtsc();
    period_finalized = true;
}

/* Cycles a thread has been scheduled, including its current turn if it is running. */
static uint64_t utilisation_now(const tcb_t *t)
{
    uint64_t u = t->accounting.utilisation;
    if (t == current_thread && t->accounting.schedule_start) {
        u += rdtsc() - t->accounting.schedule_start;
    }
    return u;
}

static void dump_thread(tcb_t *t, word_t *msg)
{
    msg[BENCHMARK_TCB_UTILISATION] = utilisation_now(t);
    msg[BENCHMARK_TCB_NUMBER_SCHEDULES] = t->accounting.schedules;
    msg[BENCHMARK_TCB_KERNEL_UTILISATION] = t->accounting.kernel_cycles;
    msg[BENCHMARK_TCB_NUMBER_KERNEL_ENTRIES] = t->accounting.kernel_entries;
    msg[BENCHMARK_IDLE_LOCALCPU_UTILISATION] = utilisation_now(idle_thread);
    msg[BENCHMARK_IDLE_TCBCPU_UTILISATION] = msg[BENCHMARK_IDLE_LOCALCPU_UTILISATION];
    msg[BENCHMARK_IDLE_NUMBER_SCHEDULES] = idle_thread->accounting.schedules;
    msg[BENCHMARK_IDLE_KERNEL_UTILISATION] = idle_thread->accounting.kernel_cycles;
    msg[BENCHMARK_IDLE_NUMBER_KERNEL_ENTRIES] = idle_thread->accounting.kernel_entries;
    msg[BENCHMARK_TOTAL_UTILISATION] = (period_finalized ? period_end : rdtsc()) - period_start;
    msg[BENCHMARK_TOTAL_NUMBER_SCHEDULES] = total_schedules;
    msg[BENCHMARK_TOTAL_KERNEL_UTILISATION] = total_kernel_cycles;
    msg[BENCHMARK_TOTAL_NUMBER_KERNEL_ENTRIES] = total_kernel_entries;
}

/* The calls name a TCB in RDI; like upstream, anything else is ignored. */
static tcb_t *target_thread(tcb_t *t)
{
    lookup_result_t r = lookup_slot(t, t->ctx.rdi);
    if (r.status != EXCEPTION_NONE || cap_get_type(r.slot->cap) != cap_thread) {
        return 0;
    }
    return (tcb_t *)r.slot->cap.thread.tcb;
}

bool accounting_syscall(long number)
{
    tcb_t *t = current_thread;
    switch (number) {
    case seL4_SysBenchmarkResetLog:
        accounting_reset_all();
        return true;
    case seL4_SysBenchmarkFinalizeLog:
        finalize();
        return true;
    case seL4_SysBenchmarkGetThreadUtilisation: {
        tcb_t *target = target_thread(t);
        word_t *buffer = lookup_ipc_buffer(t, true);
        if (target && buffer) {
            dump_thread(target, buffer + 1);
        }
        return true;
    }
    case seL4_SysBenchmarkResetThreadUtilisation: {
        tcb_t *target = target_thread(t);
        if (target) {
            reset_thread(target);
        }
        return true;
    }
    default:
        return false;
    }
}

#endif /* CONFIG_BENCHMARK_TRACK_UTILISATION */
