/*
 * The interfaces between the kernel's parts, one section per source file (in the order a
 * system call meets them), so a declaration leads to its file. The x86_64 machine layer
 * (arch/) is in arch.h, boot in boot.h, object layouts in object.h and cap.h.
 */
#pragma once

#include <types.h>
#include <config.h>
#include <cap.h>
#include <object.h>

/* --- src/syscall.c: system call entry and invocation dispatch ------------------------- */

void c_handle_syscall(void) NORETURN;
exception_t decode_invocation(word_t label, word_t length, word_t cptr, cte_t *slot, cap_t cap,
                              bool block, bool call, word_t *buffer);

/* --- src/fastpath.c: Call and ReplyRecv without the general path ---------------------- */

/* Each returns only if the general path must handle the call. */
void fastpath_call(tcb_t *t);
void fastpath_reply_recv(tcb_t *t);

/* --- src/debug.c: the debug system calls (debug configuration only) ------------------- */

#ifdef CONFIG_DEBUG_BUILD
bool debug_syscall(long number); /* false: not a debug call */
void debug_thread_add(tcb_t *t);
void debug_thread_remove(tcb_t *t);
extern tcb_t *debug_threads; /* every live thread, for DumpScheduler and accounting */
#else
static inline bool debug_syscall(long number)
{
    (void)number;
    return false;
}
static inline void debug_thread_add(tcb_t *t)
{
    (void)t;
}
static inline void debug_thread_remove(tcb_t *t)
{
    (void)t;
}
#endif

/* --- src/accounting.c: cycle accounting (debug configuration only) -------------------- */

#ifdef CONFIG_BENCHMARK_TRACK_UTILISATION
bool accounting_syscall(long number); /* false: not an accounting call */
void accounting_kernel_entry(void);
void accounting_switch(tcb_t *from, tcb_t *to);
void accounting_kernel_exit(void);
void accounting_switch_and_exit(tcb_t *from, tcb_t *to); /* both, at one moment */
void accounting_reset_all(void);
void accounting_forget(tcb_t *t); /* t is being destroyed */
#else
static inline bool accounting_syscall(long number)
{
    (void)number;
    return false;
}
static inline void accounting_kernel_entry(void)
{
}
static inline void accounting_switch(tcb_t *from, tcb_t *to)
{
    (void)from;
    (void)to;
}
static inline void accounting_kernel_exit(void)
{
}
static inline void accounting_switch_and_exit(tcb_t *from, tcb_t *to)
{
    (void)from;
    (void)to;
}
static inline void accounting_reset_all(void)
{
}
static inline void accounting_forget(tcb_t *t)
{
    (void)t;
}
#endif

/* --- src/errors.c: the error reported to the invoking thread -------------------------- */

typedef struct syscall_error {
    word_t type; /* seL4_Error */
    word_t invalid_argument_number;
    word_t invalid_cap_number;
    word_t range_min, range_max;
    word_t memory_left;
    bool failed_lookup_was_source;
} syscall_error_t;

extern syscall_error_t current_syscall_error;
extern lookup_fault_t current_lookup_fault;
extern fault_t current_fault;

/*
 * Each sets current_syscall_error and returns EXCEPTION_SYSCALL_ERROR. `why` says in words
 * why the invocation is refused (printed by a KERNEL_VERBOSE=1 build).
 */
exception_t error_invalid_argument(word_t argument, const char *why);
exception_t error_invalid_capability(word_t cap_index, const char *why);
exception_t error_illegal_operation(const char *why);
exception_t error_range(word_t min, word_t max, const char *why);
/* AlignmentError, TruncatedMessage, DeleteFirst, RevokeFirst: no details. */
exception_t error_simple(word_t type, const char *why);
exception_t error_not_enough_memory(word_t left, const char *why);
/* Details in current_lookup_fault. */
exception_t error_failed_lookup(bool was_source, const char *why);

/* --- src/cspace.c: capability lookup --------------------------------------------------- */

typedef struct lookup_result {
    exception_t status; /* EXCEPTION_NONE or EXCEPTION_LOOKUP_FAULT (current_lookup_fault) */
    cte_t *slot;
    word_t bits_remaining;
} lookup_result_t;

lookup_result_t resolve_address_bits(cap_t root, word_t cptr, word_t depth);
/* A cap by cptr in t's CSpace, looked up to depth 64. */
lookup_result_t lookup_slot(tcb_t *t, word_t cptr);
/*
 * A slot named by a CNode invocation (root CNode cap, index, depth): the lookup must use up
 * exactly `depth` bits. Fails with EXCEPTION_SYSCALL_ERROR (FailedLookup or RangeError).
 */
lookup_result_t lookup_slot_for_cnode_op(bool is_source, cap_t root, word_t index, word_t depth);
/* The slot a thread's IPC-buffer receive path names. */
cte_t *lookup_receive_slot(tcb_t *t);

/* --- src/cdt.c: the capability derivation tree ----------------------------------------- */

void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest); /* dest becomes a child/sibling */
void cte_insert_new_object(cte_t *parent, cte_t *dest, cap_t cap); /* child of an untyped */
void cte_move(cap_t new_cap, cte_t *src, cte_t *dest);
void cte_swap(cap_t cap1, cte_t *slot1, cap_t cap2, cte_t *slot2);
exception_t cte_delete(cte_t *slot); /* removes the cap, destroying the object if final */
void cte_delete_one(cte_t *slot);    /* for caps that never need recursive teardown */
exception_t cte_revoke(cte_t *slot);
exception_t ensure_no_children(cte_t *slot);
exception_t ensure_empty_slot(cte_t *slot);
bool slot_has_children(cte_t *slot);
bool is_final_capability(cte_t *slot);
bool is_mdb_parent_of(cte_t *parent, cte_t *child);
bool same_region_as(cap_t a, cap_t b);
bool same_object_as(cap_t a, cap_t b);

/*
 * Reply caps come and go with every Call and reply (the fast path included), so they skip
 * the general checks: a reply cap is never revocable (inserted, it is a plain child of the
 * master reply cap, as cte_insert would make it) and deleting it finalises nothing
 * (finalise_cap has no case for it).
 */
static inline void cte_insert_reply(cap_t reply, cte_t *master, cte_t *dest)
{
    dest->cap = reply;
    mdb_link_after(master, dest, false, false);
}

static inline void cte_delete_reply(cte_t *slot)
{
    mdb_unlink(slot);
    slot->cap = cap_null_new();
}

typedef struct derive_result {
    exception_t status;
    cap_t cap;
} derive_result_t;
derive_result_t derive_cap(cte_t *slot, cap_t cap);
cap_t update_cap_data(bool preserve, word_t data, cap_t cap);

/* --- src/ipc.c: endpoints, message registers, replies ---------------------------------- */

void send_ipc(bool blocking, bool do_call, word_t badge, bool can_grant, bool can_grant_reply,
              tcb_t *sender, endpoint_t *ep);
void receive_ipc(tcb_t *receiver, cap_t ep_cap, bool blocking);
void do_reply_transfer(tcb_t *sender, tcb_t *receiver, cte_t *reply_slot, bool grant);
void cancel_ipc(tcb_t *t);
/* At the tail of the endpoint's queue. Inline: the fast path's ReplyRecv queues every time. */
static inline void ep_enqueue(endpoint_t *ep, tcb_t *t)
{
    t->ep_next = 0;
    t->ep_prev = ep->tail;
    if (ep->tail) {
        ep->tail->ep_next = t;
    } else {
        ep->head = t;
    }
    ep->tail = t;
}
void ep_dequeue(endpoint_t *ep, tcb_t *t);
void cancel_all_ipc(endpoint_t *ep);
void cancel_badged_sends(endpoint_t *ep, word_t badge);
void setup_caller_cap(tcb_t *sender, tcb_t *receiver, bool can_grant);
void delete_caller_cap(tcb_t *receiver);

/* Message registers: MR0..3 in registers, the rest in the IPC buffer (if the thread has one). */
word_t *lookup_ipc_buffer(tcb_t *t, bool is_receiver);
word_t get_mr(tcb_t *t, const word_t *buffer, word_t i);
void set_mr(tcb_t *t, word_t *buffer, word_t i, word_t v);
seL4_MessageInfo_t message_info_from_word(word_t w);
word_t set_mrs_syscall_error(tcb_t *t, word_t *buffer);
void reply_from_kernel_error(tcb_t *t);
void reply_from_kernel_success_empty(tcb_t *t);
void set_reply_message(tcb_t *t, word_t label, word_t length);

/* Extra caps of the current invocation (looked up before decoding). */
typedef struct extra_caps {
    cte_t *slots[seL4_MsgMaxExtraCaps];
    word_t count;
} extra_caps_t;
extern extra_caps_t current_extra_caps;
/* Fills current_extra_caps from the sender's IPC buffer; a bad cptr is a cap fault. */
exception_t lookup_extra_caps(tcb_t *t, word_t *buffer, seL4_MessageInfo_t info);

/* --- src/fault.c: fault messages and handlers ------------------------------------------ */

void handle_fault(tcb_t *t); /* deliver current_fault to t's handler, or suspend t */
word_t set_mrs_fault(tcb_t *sender, tcb_t *receiver, word_t *receive_buffer);
word_t set_mrs_lookup_failure(tcb_t *receiver, word_t *buffer, const lookup_fault_t *lf,
                              word_t offset);
bool handle_fault_reply(tcb_t *receiver, tcb_t *sender, word_t label, word_t length);
/* A user-supplied register value made safe to load (non-canonical addresses become 0). */
word_t sanitise_register(word_t *reg, tcb_t *t, word_t v);

/* --- src/sched.c: the scheduler ------------------------------------------------------- */

extern tcb_t *current_thread;
extern tcb_t *idle_thread;      /* a marker TCB: running it means the kernel's idle loop */
extern tcb_t *scheduler_action; /* thread to switch to before returning, or 0 */

void sched_init(void);
void sched_enqueue(tcb_t *t); /* at the tail of its domain's and priority's queue */
void sched_enqueue_head(tcb_t *t);
void sched_dequeue(tcb_t *t);
void sched_schedule(void);               /* pick the next thread to run */
void sched_possible_switch_to(tcb_t *t); /* t became runnable: run it now if it should */
void sched_reschedule_required(void);
void sched_yield(void);
void sched_timer_tick(void);
void sched_set_priority(tcb_t *t, word_t prio);
void sched_set_domain(tcb_t *t, word_t domain);
/* Per domain, one bit per priority that has ready threads. */
extern uint64_t ready_bitmap[CONFIG_NUM_DOMAINS][CONFIG_NUM_PRIORITIES / 64];
extern word_t current_domain;

/* In the current domain; -1 when none is ready. Inline: the fast path asks. */
static inline int sched_highest_ready_priority(void)
{
    const uint64_t *bitmap = ready_bitmap[current_domain];
    for (int w = CONFIG_NUM_PRIORITIES / 64 - 1; w >= 0; w--) {
        if (bitmap[w]) {
            return w * 64 + 63 - __builtin_clzl(bitmap[w]);
        }
    }
    return -1;
}

/* Thread state transitions that keep the run queues consistent. */
void thread_set_state(tcb_t *t, enum thread_state s);
bool thread_is_runnable(const tcb_t *t);

/* --- object/domain.c: the domain schedule and the domain cap --------------------------- */

extern word_t current_domain; /* only its threads run */
void domain_init(void);
bool domain_tick(void);    /* a kernel tick passed: true when the domain's time is up */
bool domain_expired(void); /* its time is up (a tick, or a new start index) */
void domain_next(void);    /* on to the next schedule entry */
exception_t decode_domain_invocation(word_t label, word_t length, word_t *buffer);

/* --- object/tcb.c: thread life cycle and TCB invocations ------------------------------- */

void thread_init(tcb_t *t); /* fresh TCB object */
void thread_restart(tcb_t *t);
void thread_suspend(tcb_t *t);
void thread_activate(tcb_t *t); /* on return to user: finish a Restart state */
void thread_destroy(tcb_t *t);  /* before its memory goes away */
exception_t decode_tcb_invocation(word_t label, word_t length, cap_t cap, cte_t *slot, bool call,
                                  word_t *buffer);

/* --- object/notification.c: notifications ---------------------------------------------- */

void send_signal(notification_t *n, word_t badge);
void receive_signal(tcb_t *t, cap_t ntfn_cap, bool blocking);
void cancel_signal(tcb_t *t, notification_t *n);
void cancel_all_signals(notification_t *n);
void bind_notification(tcb_t *t, notification_t *n);
void unbind_notification(tcb_t *t);
void unbind_maybe_notification(notification_t *n);

/* --- object/objecttype.c: creating and finalising any object --------------------------- */

bool object_type_is_frame(word_t type);
cap_t object_create(word_t type, void *region, paddr_t paddr, word_t user_size_bits, bool device);

/* Called when the last cap to an object goes: returns what remains to tear down (zombie). */
typedef struct finalise_result {
    cap_t remainder;
    cap_t cleanup; /* an IRQ handler / IO port range to release after the slot empties */
} finalise_result_t;
finalise_result_t finalise_cap(cap_t cap, bool final);
void post_cap_deletion(cap_t cleanup);

/* --- object/untyped.c, object/cnode.c: their invocations ------------------------------- */

exception_t decode_untyped_invocation(word_t label, word_t length, cte_t *slot, cap_t cap,
                                      word_t *buffer);
exception_t decode_cnode_invocation(word_t label, word_t length, cap_t cap, word_t *buffer);

/* --- object/irq.c: interrupt lines ----------------------------------------------------- */

exception_t decode_irq_control_invocation(word_t label, word_t length, cte_t *slot, word_t *buffer);
exception_t decode_irq_handler_invocation(word_t label, word_t irq);
void irq_handle(word_t irq); /* a user IRQ fired: signal its notification, mask the line */
void irq_handler_deleting(word_t irq); /* last handler cap going: drop its notification */
void irq_handler_deleted(word_t irq);  /* and gone: the line is inactive and masked */

/* --- object/ioport.c: I/O ports -------------------------------------------------------- */

void io_ports_init(void);
void io_port_range_free(word_t first, word_t last);
exception_t decode_io_port_control_invocation(word_t label, word_t length, cte_t *slot,
                                              word_t *buffer);
exception_t decode_io_port_invocation(word_t label, word_t length, cap_t cap, bool call,
                                      word_t *buffer);

/* --- object/vspace.c: address spaces, ASIDs and their invocations ---------------------- */

exception_t decode_x86_mmu_invocation(word_t label, word_t length, cte_t *slot, cap_t cap,
                                      bool call, word_t *buffer);
void vspace_unmap_frame(cap_t cap);
void vspace_unmap_table(cap_t cap);
void vspace_delete_asid(word_t asid, uint64_t *pml4);
void vspace_delete_asid_pool(word_t asid_base, void *pool);
void vspace_switch_to_thread(tcb_t *t);
bool vspace_is_valid_root(cap_t cap);
extern asid_pool_t *asid_table[BIT(seL4_NumASIDPoolsBits)];

/*
 * The page tables t runs on: its VSpace root while the cap in its TCB is a PML4 still
 * assigned to the ASID the cap names, else 0 (never a root: RAM below 1 MiB is not handed
 * out). Inline: every switch between threads asks.
 */
static inline paddr_t vspace_root_paddr(const tcb_t *t)
{
    cap_t root = t->slots[TCB_VTABLE].cap;
    if (cap_get_type(root) != cap_pml4 || !root.pml4.is_mapped) {
        return 0;
    }
    asid_pool_t *pool = asid_table[root.pml4.asid >> seL4_ASIDPoolIndexBits];
    if (!pool ||
        pool->vspaces[root.pml4.asid & MASK(seL4_ASIDPoolIndexBits)] != (uint64_t *)root.pml4.ptr) {
        return 0;
    }
    return paddr_from_ptr((void *)root.pml4.ptr);
}
void vspace_handle_page_fault(tcb_t *t, word_t error_code);
word_t asid_alloc_initial_pool(void *pool_object, word_t asid_base);
