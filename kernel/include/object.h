/*
 * Kernel objects as they sit in memory: capability slots (with their derivation-tree
 * links), endpoints, notifications and thread control blocks.
 */
#pragma once

#include <types.h>
#include <config.h>
#include <cap.h>

/*
 * Derivation tree: all slots form one doubly linked list in preorder of the capability
 * derivation tree; a slot's children follow it directly. Whether a following slot is a
 * child is computed from the two caps and the flags (see cdt.c).
 */
typedef struct mdb_node {
    struct cte *prev;
    uint64_t next : 48, revocable : 1, first_badged : 1, : 14;
} mdb_node_t;

typedef struct cte {
    cap_t cap;
    mdb_node_t mdb;
} cte_t;

_Static_assert(sizeof(cte_t) == BIT(seL4_SlotBits), "a slot is 32 bytes");

static inline cte_t *mdb_next(const cte_t *slot)
{
    return (cte_t *)sign_extend48(slot->mdb.next);
}

static inline void mdb_set_next(cte_t *slot, cte_t *next)
{
    slot->mdb.next = (uint64_t)next & MASK(48);
}

/* Puts dest (not in the list) directly after src, with the given flags. */
static inline void mdb_link_after(cte_t *src, cte_t *dest, bool revocable, bool first_badged)
{
    mdb_node_t node = src->mdb; /* its next becomes dest's */
    node.prev = src;
    node.revocable = revocable;
    node.first_badged = first_badged;
    dest->mdb = node;
    mdb_set_next(src, dest);
    if (node.next) {
        mdb_next(dest)->mdb.prev = dest;
    }
}

/* Takes slot out of the list (its flags cleared); the cap stays for the caller to clear. */
static inline void mdb_unlink(cte_t *slot)
{
    cte_t *prev = slot->mdb.prev;
    uint64_t next_bits = slot->mdb.next;
    if (prev) {
        prev->mdb.next = next_bits;
    }
    if (next_bits) {
        cte_t *next = mdb_next(slot);
        next->mdb.prev = prev;
        /* The child of a badged cap stays the first of its badge. */
        next->mdb.first_badged = next->mdb.first_badged || slot->mdb.first_badged;
    }
    slot->mdb = (mdb_node_t){0};
}

/* --- Endpoints ------------------------------------------------------------------------------- */

/*
 * An endpoint is a queue of threads all waiting the same way: either all blocked on send or
 * all blocked on receive (read from the head's thread state). Empty queue = idle.
 */
typedef struct endpoint {
    struct tcb *head;
    struct tcb *tail;
} endpoint_t;

_Static_assert(sizeof(endpoint_t) == BIT(seL4_EndpointBits), "endpoint size");

/* --- Notifications -------------------------------------------------------------------- */

typedef struct notification {
    struct tcb *head; /* threads waiting (only while nothing is pending) */
    struct tcb *tail;
    word_t pending; /* OR of the badges signalled since the last wait */
    uint64_t bound_tcb : 48, active : 1, : 15;
} notification_t;

_Static_assert(sizeof(notification_t) == BIT(seL4_NotificationBits), "notification size");

static inline struct tcb *ntfn_bound_tcb(const notification_t *n)
{
    return (struct tcb *)sign_extend48(n->bound_tcb);
}

static inline void ntfn_set_bound_tcb(notification_t *n, struct tcb *t)
{
    n->bound_tcb = (uint64_t)t & MASK(48);
}

/* --- Threads -------------------------------------------------------------------------- */

enum thread_state {
    ThreadState_Inactive = 0,
    ThreadState_Running,
    ThreadState_Restart,
    ThreadState_BlockedOnReceive,
    ThreadState_BlockedOnSend,
    ThreadState_BlockedOnReply,
    ThreadState_BlockedOnNotification,
    ThreadState_IdleThreadState,
};

/* Capability slots inside every TCB (they take part in the derivation tree). */
enum tcb_slot {
    TCB_CTABLE = 0,
    TCB_VTABLE,
    TCB_REPLY,  /* master reply cap: callers' reply caps derive from it */
    TCB_CALLER, /* reply cap to the thread that called us, if any */
    TCB_BUFFER, /* frame holding the IPC buffer */
    TCB_NUM_SLOTS,
};

/*
 * Saved user registers. The tail (error..ss) is the CPU's interrupt frame: the TSS stack
 * pointer of the running thread points just past `ss`, so an interrupt or exception from
 * user mode pushes straight into this structure. The syscall entry builds the same frame.
 */
typedef struct user_context {
    word_t r15, r14, r13, r12, r11, r10, r9, r8;
    word_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    word_t vector;                   /* how it last entered: VECTOR_SYSCALL or the CPU vector */
    word_t error;                    /* CPU error code */
    word_t rip, cs, rflags, rsp, ss; /* rip: where the thread resumes ("NextIP") */
    word_t fs_base, gs_base;
    word_t fault_ip; /* the instruction that entered the kernel; restart point */
} user_context_t;

#define VECTOR_SYSCALL 0x100 /* vector value recorded for syscall entries */

/* A fault waiting to be delivered to a thread's handler (label = seL4_Fault_*). */
typedef struct fault {
    word_t type;
    word_t w[3];
} fault_t;

/* Why a CSpace lookup failed (seL4_LookupFailureType and its details). */
typedef struct lookup_fault {
    word_t type;
    word_t bits_left;
    word_t depth_bits_found; /* DepthMismatch: bits found; GuardMismatch: guard found */
    word_t guard_bits_found; /* GuardMismatch: guard size found */
} lookup_fault_t;

/* Per-thread cycle accounting (upstream's utilisation tracking interface). */
typedef struct thread_accounting {
    uint64_t utilisation;
    uint64_t schedules;
    uint64_t kernel_cycles;
    uint64_t kernel_entries;
    uint64_t schedule_start;
} thread_accounting_t;

#define TCB_NAME_LEN 48

typedef struct tcb {
    cte_t slots[TCB_NUM_SLOTS];
    user_context_t ctx;

    enum thread_state state;
    /* Blocking details (endpoint or notification it waits on, and how). */
    void *blocking_object;
    word_t blocking_badge;
    bool blocking_can_grant;
    bool blocking_can_grant_reply;
    bool blocking_is_call;
    /* Set when the thread is blocked on reply and the reply may carry caps. */
    bool reply_can_grant;

    word_t fault_handler; /* cptr of the fault endpoint in the thread's own CSpace */
    word_t ipc_buffer;    /* user address of the IPC buffer */
    fault_t fault;
    lookup_fault_t lookup_fault;

    word_t priority;
    word_t mcp;
    word_t domain;
    word_t time_slice;
    word_t flags; /* seL4_TCBFlag_* */

    bool sched_queued;
    struct tcb *sched_next, *sched_prev;
    struct tcb *ep_next, *ep_prev;
    notification_t *bound_notification;

    thread_accounting_t accounting;
    struct tcb *debug_next, *debug_prev; /* all live threads, for DumpScheduler */
    char name[TCB_NAME_LEN];

    uint8_t fpu_state[512] ALIGNED(16);
} tcb_t;

_Static_assert(sizeof(tcb_t) <= BIT(seL4_TCBBits), "TCB fits its object");
/* entry.S reads these by offset (CTX_*). */
_Static_assert(offsetof(user_context_t, r15) == 0 && offsetof(user_context_t, r12) == 24 &&
                   offsetof(user_context_t, r10) == 40 && offsetof(user_context_t, rbp) == 64 &&
                   offsetof(user_context_t, rdi) == 72 && offsetof(user_context_t, rax) == 112 &&
                   offsetof(user_context_t, rip) == 136 &&
                   offsetof(user_context_t, rflags) == 152 && offsetof(user_context_t, rsp) == 160,
               "user_context_t layout as entry.S expects");
_Static_assert((offsetof(tcb_t, ctx) + offsetof(user_context_t, fs_base)) % 16 == 0,
               "the CPU's interrupt frame must end on a 16-byte boundary");

static inline tcb_t *tcb_of_slot(cte_t *slot, enum tcb_slot which)
{
    return (tcb_t *)((char *)(slot - which) - offsetof(tcb_t, slots));
}

static inline cte_t *tcb_slot(tcb_t *tcb, enum tcb_slot which)
{
    return &tcb->slots[which];
}

/* --- ASID pools ------------------------------------------------------------------------ */

/* A pool of 512 ASIDs: the VSpace root (PML4) assigned to each, or 0. */
typedef struct asid_pool {
    uint64_t *vspaces[BIT(seL4_ASIDPoolIndexBits)];
} asid_pool_t;

_Static_assert(sizeof(asid_pool_t) == BIT(seL4_ASIDPoolBits), "an ASID pool is one page");

/* --- Address conversion --------------------------------------------------------------- */

static inline void *ptr_from_paddr(paddr_t p)
{
    return (void *)(p + PPTR_BASE);
}

static inline paddr_t paddr_from_ptr(const void *p)
{
    return (paddr_t)p - PPTR_BASE;
}
