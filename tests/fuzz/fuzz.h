/*
 * The randomized kernel invocation test ("fuzzer"): declarations shared by the supervisor
 * (the root task) and the fuzz world (the fuzz thread and its victim threads), which run in
 * a VSpace of their own. See tests/fuzz/README.md for the design.
 *
 * The two sides share only the pages of `struct fz_shared`, mapped at FZ_SHARED_VADDR in both
 * VSpaces. The fuzz world sees the root task's code and read-only data (mapped read-only) but
 * none of its writable data: code running there must keep every mutable byte on its own
 * stack or in fz_shared, and must not use TLS (libsel4's IPC buffer pointer is thread-local,
 * so it calls the raw syscall wrappers and writes its IPC buffer through fz_shared.ipc).
 */
#pragma once

#include <runtime.h>

/* --- Configuration (generated per build target, see fuzz.mk) ----------------------------- */
extern const uint64_t fuzz_cfg_invocations; /* N: invocations to issue */
extern const uint64_t fuzz_cfg_seed;
extern const uint64_t fuzz_cfg_trace_from; /* print invocations from this one on (0: never) */
extern const uint64_t fuzz_cfg_world_life; /* invocations between rebuilds of the world */

/* --- Threads and priorities ---------------------------------------------------------------- */
#define FZ_SUPERVISOR_PRIO 200 /* the root thread: fault handler of the fuzz world */
#define FZ_PRIO            100 /* fuzz thread, victims and the watchdog; everyone's MCP */
#define FZ_VICTIMS         3
/* Fuzz threads: 0 issues the N counted invocations, in VSpace F; 1, the co-fuzzer, runs the
 * same loop at the same time with state of its own, in VSpace V among the victims. */
#define FZ_FUZZERS 2

/* --- Virtual layout of the fuzz VSpace ------------------------------------------------------ */
#define FZ_SHARED_VADDR  0x10000000ul /* struct fz_shared of the fuzz thread of the VSpace */
#define FZ_SHARED_PAGES  4
#define FZ_SHARED_STEP   0x10000ul    /* in the root VSpace: fuzz thread k's at + k * this */
#define FZ_CONFIG_VADDR  0x10008000ul /* struct fz_config (read-only in the fuzz world) */
#define FZ_PRIVATE_VADDR 0x10100000ul /* thread i: stack, then IPC buffer (fuzz VSpace only) */
#define FZ_PRIVATE_STEP  0x10000ul
#define FZ_STACK_PAGES   4
#define FZ_IPC_OFFSET    0x8000ul
#define FZ_SCRATCH_VADDR 0x20000000ul /* frames of the fuzz thread's own are mapped here */
#define FZ_SCRATCH_PD    0x40000000ul /* a page directory of its own is mapped here */

/* Thread i's private pages (0 = the fuzz thread, 1.. = victims). */
#define FZ_STACK_TOP(i) (FZ_PRIVATE_VADDR + (i)*FZ_PRIVATE_STEP + FZ_STACK_PAGES * 4096ul)
#define FZ_IPC_VADDR(i) (FZ_PRIVATE_VADDR + (i)*FZ_PRIVATE_STEP + FZ_IPC_OFFSET)

/*
 * --- The fuzz CSpace ------------------------------------------------------------------------
 * Two levels. The thread's root cap names CNode R (2^8 slots) with a 48-bit guard of 0, so
 * a depth-64 cptr resolves 56 bits in R and 8 bits remain: a plain cap in R slot s is named
 * by (s << 8) (the low byte is ignored), while R slot 1 holds CNode A (2^8 slots, no guard)
 * and R slot 2 CNode B (2^4 slots, 4-bit guard 0xa), which consume the remaining 8 bits.
 * A CNode cap can only be invoked from A or B (in R it is a path, not a leaf), so the fuzz
 * thread's CNode caps live in A. "Slot ids" number all 2^8 + 2^8 + 2^4 slots.
 */
#define FZ_R_BITS          8
#define FZ_A_BITS          8
#define FZ_B_BITS          4
#define FZ_B_GUARD         0xaul
#define FZ_ROOT_GUARD_BITS 48
#define FZ_R_SLOT_A        1
#define FZ_R_SLOT_B        2
#define FZ_ID_A            256 /* first slot id of A */
#define FZ_ID_B            512 /* first slot id of B */
#define FZ_NSLOTS          528

static inline seL4_Word fz_cptr(unsigned id)
{
    if (id < FZ_ID_A) {
        return (seL4_Word)id << 8;
    }
    if (id < FZ_ID_B) {
        return (FZ_R_SLOT_A << 8) | (id - FZ_ID_A);
    }
    return (FZ_R_SLOT_B << 8) | (FZ_B_GUARD << 4) | (id - FZ_ID_B);
}

/* How a CNode cap the fuzz thread holds resolves (index, depth) pairs. */
enum fz_geom {
    FZ_GEOM_NONE, /* not a CNode cap we placed */
    FZ_GEOM_R48,  /* R with the thread's own 48-bit guard: R slots at depth 56, A/B at 64 */
    FZ_GEOM_R0,   /* R without guard: R slots at depth 8, A/B at 16 */
    FZ_GEOM_A,    /* A: its slots at depth 8 */
    FZ_GEOM_B,    /* B with its guard: its slots at depth 8 */
};

/* Fault endpoint caps in R: the fuzz threads' and each victim's (badges tell them apart). */
#define FZ_ID_FAULT_EP(k)        ((k) == 0 ? 3u : 50u)
#define FZ_ID_VICTIM_FAULT_EP(i) ((i) == 0 ? 4u : 45u + (i))
#define FZ_FAULT_BADGE(k)        (0xf0ul + 8 * (k))
#define FZ_VICTIM_FAULT_BADGE(i) (0xf1ul + (i))

/* Kinds of slot the generator keeps lists of: DebugCapIdentify tags (< 32). */
#define FZ_TYPES        32
#define FZ_MAX_PER_TYPE 16

/* --- Victim threads ------------------------------------------------------------------------- */
enum fz_role {
    FZ_ROLE_SERVER, /* answers calls on `ep` (seL4_ReplyRecv loop); bound to a notification */
    FZ_ROLE_CLIENT, /* calls `ep` forever */
    FZ_ROLE_WAITER, /* waits on `ep` (a notification, which the RTC interrupt signals too),
                     * acknowledges the RTC and signals `other` */
};

struct fz_victim {
    seL4_IPCBuffer *ipc;
    seL4_Word role;
    seL4_Word ep, other;
    seL4_Word recv_cnode, recv_index, recv_depth;
    seL4_Word rtc_irq, cmos; /* the waiter acknowledges RTC interrupts with these */
};

/* --- One invocation, as issued (the trace ring keeps the last FZ_RING) --------------------- */
struct fz_record {
    uint64_t seq;
    seL4_Word sys, cptr, info, mr[4], caps[3];
    seL4_Word recv[3]; /* receive path: CNode, index, depth */
    seL4_Word out_badge, out_info;
    seL4_Word clobbered;            /* registers the kernel should have preserved but did not */
    seL4_Word canary, preserved[5]; /* what they were loaded with, and came back as */
};
#define FZ_RING 32

/* Registers of fz_syscall (syscall.S): in, and out where the kernel returns values. */
struct fz_regs {
    seL4_Word rdx, rdi, rsi, r10, r8, r9, r15;
    seL4_Word canary;       /* loaded into rax, rbp, r12, r13, r14 around the syscall */
    seL4_Word clobbered;    /* out: bit i set if preserved register i changed (rax..r14) */
    seL4_Word preserved[5]; /* out: RAX, RBP, R12, R13, R14 after the syscall */
};
void fz_syscall(struct fz_regs *r);
/* Invocation k loads canary (k + 1) * CANARY_STEP (+ 0..4 for RAX, RBP, R12..R14). */
#define CANARY_STEP 0x9e3779b97f4a7c15ull
#define CANARY_INV  0xf1de83e19937733dull /* CANARY_STEP * CANARY_INV == 1 (mod 2^64) */
extern const char fz_syscall_insn[];      /* address of its `syscall` instruction */

/* --- The shared pages ---------------------------------------------------------------------- */

/* Set up by the supervisor; read-only in the fuzz world, so nothing there can change it. */
struct fz_config {
    uint64_t limit;      /* stop issuing when seq reaches this */
    uint64_t trace_from; /* 0, or print every invocation from this seq on */
    seL4_IPCBuffer *ipc; /* the fuzz thread's IPC buffer */
    struct fz_victim victim[FZ_VICTIMS];
    uint8_t geom[FZ_NSLOTS]; /* enum fz_geom of each slot's cap as placed */
    uint16_t nodes[8];       /* slot ids of the invocable CNode caps */
    uint8_t n_nodes;
};
_Static_assert(sizeof(struct fz_config) <= 4096, "fz_config fits its page");
#define FZ_CONFIG ((const struct fz_config *)FZ_CONFIG_VADDR)

/*
 * The fuzz thread's state: written by it, read by the supervisor, which treats it as
 * untrusted (a thread of the fuzz world running wild may scribble on it).
 */
struct fz_shared {
    uint64_t rng[4];
    volatile uint64_t seq;       /* invocations issued */
    volatile uint64_t done;      /* invocations that returned */
    volatile uint64_t tcb_dirty; /* a TCB invocation was issued: maybe on itself */
    uint64_t quiet;              /* set by the supervisor: no tracing (the co-fuzzer) */
    uint16_t by_type[FZ_TYPES][FZ_MAX_PER_TYPE]; /* slot ids holding caps of each type */
    uint8_t n_by_type[FZ_TYPES];
    uint8_t type_cache[FZ_NSLOTS];
    uint64_t sys_count[8];    /* by syscall class, see fz_sys_class */
    uint64_t reply_label[12]; /* label of kernel replies to Call: seL4_Error, 11 = other */
    uint32_t calls[seL4_NumInvocationLabels], calls_ok[seL4_NumInvocationLabels]; /* by label */
    uint64_t abi_violations; /* syscalls that changed a register the ABI preserves */
    uint64_t stale_contexts; /* ... that came back with an older copy of our registers */
    struct fz_record ring[FZ_RING];
    struct fz_record violation; /* the first such syscall */
};
_Static_assert(sizeof(struct fz_shared) <= FZ_SHARED_PAGES * 4096, "fz_shared fits its pages");

/* A fuzz thread's own state, in its VSpace; fuzz thread k's, in the root VSpace. */
#define FZ_SHARED      ((struct fz_shared *)FZ_SHARED_VADDR)
#define FZ_STATE_OF(k) ((struct fz_shared *)(FZ_SHARED_VADDR + (k)*FZ_SHARED_STEP))

/* Syscall classes counted in sys_count. */
enum fz_sys_class {
    FZ_CLASS_CALL,
    FZ_CLASS_SEND,  /* Send, NBSend */
    FZ_CLASS_RECV,  /* Recv, NBRecv */
    FZ_CLASS_REPLY, /* Reply, ReplyRecv */
    FZ_CLASS_YIELD,
    FZ_CLASS_DEBUG, /* debug, accounting and SetTLSBase syscalls */
    FZ_CLASS_UNKNOWN,
    FZ_CLASS_COUNT,
};

/* --- Fuzz-world code (runs in the fuzz VSpace) ---------------------------------------------- */

/* The fuzz thread: issues invocations until seq reaches limit, then yields forever. */
void fz_fuzz_main(struct fz_shared *st) __attribute__((noreturn));
/* A victim thread's loop (rdi = its struct fz_victim, in fz_config). */
void fz_victim_main(const struct fz_victim *v) __attribute__((noreturn));

/* Fills r (and the IPC buffer) with the next random invocation; returns its class. */
enum fz_sys_class fz_generate(struct fz_shared *st, struct fz_regs *r, struct fz_record *rec);

/* Prints one record through the kernel's debug console, without TLS or globals. */
void fz_trace(const struct fz_record *rec, char tag);
/* Prints "fz= name=value". */
void fz_trace_word(const char *name, seL4_Word value);

/* xoshiro256**: the fuzz thread's generator (state in fz_shared, so restarts continue it). */
static inline uint64_t fz_rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static inline uint64_t fz_rand(uint64_t s[4])
{
    uint64_t result = fz_rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = fz_rotl(s[3], 45);
    return result;
}

/* Seeds the generator from one word (splitmix64, as xoshiro's authors recommend). */
static inline void fz_seed(uint64_t s[4], uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        s[i] = z ^ (z >> 31);
    }
}
