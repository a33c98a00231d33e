/*
 * Kernel micro-benchmarks: a root task that times IPC and notification paths with the TSC
 * and prints one line per figure (see bench/README.md).
 */
#pragma once

#include <runtime.h>
#include <rt_alloc.h>
#include <rt_thread.h>

/* Samples per figure, after BENCH_WARMUP untimed runs that warm caches and the TLB. */
#define BENCH_RUNS   2000
#define BENCH_WARMUP 200

/* Priority of the root thread (the client / signaller unless a figure says otherwise). */
#define BENCH_ROOT_PRIO 255

/* Where helper threads' IPC buffers go (in whichever VSpace the helper runs in). */
#define BENCH_IPC_VADDR 0x10000000ul

/* Every figure allocates from this; it is reset (all objects destroyed) after each figure. */
extern struct rt_alloc bench_alloc;

/* The samples of the figure being measured. */
extern uint64_t bench_samples[BENCH_RUNS];

/*
 * TSC read that does not move above earlier instructions (lfence waits for them to
 * complete), so the timed region is what lies between two reads.
 */
static inline uint64_t bench_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/*
 * Prints "bench: NAME median=.. min=.. p90=.. cycles (N runs)" for the first n samples
 * (which it sorts).
 */
void bench_report(const char *name, uint64_t *samples, unsigned n);
/* Prints "bench: NAME FAILED: what (error)" and counts the failure. */
void bench_fail(const char *name, const char *what, seL4_Error err);

/*
 * Settings for the figure's helper thread (there is one at a time): its stack, TLS and IPC
 * buffer address, the root task's CSpace and VSpace, priority `prio`.
 */
void bench_thread_config(struct rt_thread_config *cfg, seL4_Word prio);
/* A helper thread with those settings, running fn(arg). */
seL4_Error bench_thread(struct rt_thread *t, seL4_Word prio, void (*fn)(void *), void *arg);

/* The figures (each returns after reporting its line). */
void bench_rdtsc(void);
void bench_yield(void);
void bench_ipc_same_as(void);
void bench_ipc_cross_as(void);
void bench_signal_wait(void);
