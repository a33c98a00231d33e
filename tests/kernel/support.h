/*
 * Support code for the kernel tests: per-test object and slot allocation, helper threads in
 * the root task's address space, bounded waiting, and fault-endpoint plumbing.
 *
 * Resources: every test allocates from `env.test` (an rt_alloc over most RAM untypeds and
 * a range of root-CNode slots). After each test the runner resets it, which revokes the
 * untypeds (destroying threads, endpoints, frames, paging structures...) and deletes any
 * caps left in the handed-out slots (copies of initial caps, IRQ handlers, I/O ports...).
 * Other state a test changes (the root thread's own priority, TLS base, fault endpoint...)
 * is restored by the runner too (support_after_test).
 *
 * Waiting never blocks the root thread: helper threads run at the root's priority and the
 * root polls with seL4_Yield until a condition holds or a deadline (from rdtsc) passes.
 */
#pragma once

#include <runtime.h>
#include <rt_alloc.h>
#include "framework.h"

/*
 * Priority tests run at (the test thread's priority; its MCP is 255). Helpers default to it.
 * The root thread itself only supervises: it starts each test in a fresh thread and waits at
 * priority 255 for the test's end or fault, so a test that faults fails instead of killing
 * the suite.
 */
#define ROOT_PRIO 100

/* Virtual layout of the root task beyond its image (all in the first 512 GiB). */
#define TEST_IPC_VADDR   0x0f000000ul   /* the test thread's IPC buffer page */
#define HELPER_IPC_VADDR 0x10000000ul   /* helper i's IPC buffer page: + i * 4 KiB */
#define SCRATCH_VADDR    0x20000000ul   /* free for tests: 4 KiB / 2 MiB mappings (below 1 GiB) */
#define SCRATCH_1G_VADDR 0x40000000ul   /* free for tests: a 1 GiB-aligned window */
#define SCRATCH2_VADDR   0x8000000000ul /* free for tests: next 512 GiB (no PDPT yet) */

#define MAX_HELPERS       8
#define HELPER_STACK_SIZE 16384

struct env {
    const seL4_BootInfo *bi;
    struct rt_alloc test; /* reset after every test */
    uint32_t tsc_mhz;     /* TSC ticks per microsecond */
    seL4_CPtr huge_ut;    /* a RAM untyped of 2^30 bytes kept out of the pool, or 0 */
    seL4_Word huge_ut_paddr;
    seL4_Word free_slot_end; /* first slot the runtime keeps for itself */
    seL4_CPtr supervisor_ep; /* the root waits here for test ends and test-thread faults */
    seL4_CPtr self_tcb;      /* the running test's own thread */
    seL4_CPtr done_cap;      /* badged supervisor_ep cap: the test thread's fault endpoint */
};
extern struct env env;

void support_init(void);
/* Starts a fresh test thread at entry(arg) (see ROOT_PRIO). */
void support_start_test_thread(void (*entry)(void *), void *arg);
void support_after_test(void);
#define SUPERVISOR_BADGE 0x7e57

/*
 * The suite built for a production kernel (make test-kernel-prod, KTEST_PRODUCTION): there
 * are no debug system calls, so the output goes to COM1 (runtime_console_uart), a test
 * that needs a debug call is skipped saying which, and test_debug.c checks that each one is
 * an unknown system call. The console's ports (0x3f8-0x3ff) are then taken.
 */
#ifdef KTEST_PRODUCTION
seL4_Word ktest_needs_debug_kernel(const char *call) __attribute__((noreturn));
#define seL4_DebugCapIdentify(cap) ((void)(cap), ktest_needs_debug_kernel("seL4_DebugCapIdentify"))
#define seL4_DebugNameThread(tcb, name) \
    ((void)(tcb), (void)(name), ktest_needs_debug_kernel("seL4_DebugNameThread"))
#define seL4_DebugDumpScheduler() ktest_needs_debug_kernel("seL4_DebugDumpScheduler")
#define seL4_DebugPutChar(c)      ((void)(c), ktest_needs_debug_kernel("seL4_DebugPutChar"))
#define KTEST_CONSOLE_PORTS       1 /* COM1 is the suite's console */
#else
#define KTEST_CONSOLE_PORTS 0
#endif

/* --- Allocation (failures end the test) ------------------------------------------------ */
seL4_CPtr alloc_slot(void);
seL4_CPtr alloc_obj(seL4_Word type, seL4_Word size_bits);
seL4_CPtr alloc_untyped(unsigned size_bits);
/* An endpoint cap with this badge (and all rights) minted from `ep` into a fresh slot. */
seL4_CPtr mint_badged(seL4_CPtr cap, seL4_Word badge);
seL4_CPtr copy_cap(seL4_CPtr cap, seL4_CapRights_t rights);
/* Revoked at the end of the current test (for caps outside the allocator's untypeds). */
void defer_revoke(seL4_CPtr cap);
/* Called (by the supervising root thread) at the end of the current test, before any clean-up,
 * even if the test failed: for undoing device state. */
void defer_call(void (*fn)(seL4_Word), seL4_Word arg);
/* A frame mapped read-write at vaddr in the root VSpace (structures allocated as needed). */
seL4_CPtr map_new_frame(seL4_Word vaddr);
/* The root CNode, as a depth-64 path: slot `s` is cptr `s`. */
#define ROOT_CNODE seL4_CapInitThreadCNode
#define ROOT_TCB   seL4_CapInitThreadTCB /* the supervising root thread (MCP 255) */
#define SELF_TCB   (env.self_tcb)        /* the thread running the test */
#define ROOT_VS    seL4_CapInitThreadVSpace
#define WORD_BITS  seL4_WordBits

/* --- Timing -------------------------------------------------------------------------------- */
uint64_t tsc_now(void);
uint64_t ms_to_tsc(unsigned ms);
/* Spins (without yielding) for about `us` microseconds. */
void spin_us(unsigned us);
/* Yields until *flag != 0 or `ms` milliseconds pass. Returns the final value of *flag. */
long wait_flag(volatile long *flag, unsigned ms);
/* Yields until *value >= target or `ms` milliseconds pass. Returns the final value. */
long wait_at_least(volatile long *value, long target, unsigned ms);
/* Yields `n` times (lets same-priority helpers run until they block). */
void yield_n(int n);

/* --- Helper threads ---------------------------------------------------------------------- */
typedef seL4_Word (*helper_fn)(seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word a3);

struct helper {
    int index;
    seL4_CPtr tcb;      /* in the root CNode */
    seL4_CPtr self_cap; /* the thread's own TCB cap in its own CSpace (default: tcb) */
    seL4_CPtr ipc_frame;
    seL4_IPCBuffer *ipc;
    char *stack_top;
    void *tls_area;
    uintptr_t tls_tp;
    helper_fn fn;
    seL4_Word arg[4];
    volatile long started;
    volatile long finished;
    volatile seL4_Word result;
};

/*
 * A new thread in the root's CSpace and VSpace, with its own stack, TLS and IPC buffer,
 * at `prio`, with fault endpoint cptr `fault_ep` (0: none). Not running yet.
 */
struct helper *helper_new(seL4_Word prio, seL4_CPtr fault_ep);
/* Points the thread at helper_entry(fn(args)) and resumes it. */
void helper_start(struct helper *h, helper_fn fn, seL4_Word a0, seL4_Word a1, seL4_Word a2,
                  seL4_Word a3);
/* helper_new + helper_start. */
/* Helper bodies used by several areas: a blocking Wait on a notification (returns the word
 * received) and a blocking Recv on an endpoint (returns the badge). */
seL4_Word helper_fn_wait(seL4_Word ntfn, seL4_Word a1, seL4_Word a2, seL4_Word a3);
seL4_Word helper_fn_recv_badge(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3);

struct helper *helper_run(seL4_Word prio, helper_fn fn, seL4_Word a0, seL4_Word a1, seL4_Word a2,
                          seL4_Word a3);
/* Waits (yielding) until the helper's function returned; 1 if it did within `ms`. */
int helper_wait(struct helper *h, unsigned ms);
/* Initial register state of a helper about to run fn: for tests that set registers. */
void helper_context(struct helper *h, seL4_UserContext *ctx);
/* The function every helper starts in (rdi = struct helper *). */
void helper_entry(struct helper *h);

/* --- Messages -------------------------------------------------------------------------------- */
/*
 * Polls `ep` with NBRecv (yielding between tries) until a message with a non-zero badge
 * arrives or `ms` pass. Returns 1 and fills info/badge if one arrived.
 */
int poll_recv(seL4_CPtr ep, unsigned ms, seL4_MessageInfo_t *info, seL4_Word *badge);

/* A message taken off an endpoint: label, length, badge and up to 20 MRs. */
struct msg {
    seL4_Word label, length, badge, extra_caps, caps_unwrapped;
    seL4_Word mr[20];
};
/* poll_recv + copies the message out of the IPC buffer. */
int poll_msg(seL4_CPtr ep, unsigned ms, struct msg *m);

/* --- Common helper bodies ------------------------------------------------------------------ */
/* Increments *(volatile long *)counter forever. */
seL4_Word fn_spin(seL4_Word counter, seL4_Word a1, seL4_Word a2, seL4_Word a3);
/* 1 if *counter does not change while the root yields and spins for a few milliseconds. */
int counter_frozen(volatile long *counter);
/* *(volatile seL4_Word *)addr; returns the value read. */
seL4_Word fn_read(seL4_Word addr, seL4_Word a1, seL4_Word a2, seL4_Word a3);
/* *(volatile seL4_Word *)addr = value; returns 1. */
seL4_Word fn_write(seL4_Word addr, seL4_Word value, seL4_Word a2, seL4_Word a3);

/*
 * Runs fn(addr, value) in a helper whose faults go to a fresh endpoint. Returns 1 if the
 * helper finished (*result = its return value), 0 if it faulted (*m = the fault message,
 * the helper left blocked on its fault), and fails the test if neither happens within 1 s.
 */
int run_probe(helper_fn fn, seL4_Word addr, seL4_Word value, seL4_Word *result, struct msg *m);

/* A new PML4 assigned to the initial ASID pool. */
seL4_CPtr new_vspace(void);
