/*
 * Kernel-wide state and the interfaces between the kernel's parts: capability space,
 * derivation tree, objects, scheduler, IPC and faults.
 */
#pragma once

#include <types.h>
#include <config.h>
#include <cap.h>
#include <object.h>

/* --- Errors reported to the invoking thread --------------------------------------------------- */

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

/* Helpers that set current_syscall_error and return EXCEPTION_SYSCALL_ERROR. */
exception_t error_invalid_argument(word_t argument);
exception_t error_invalid_capability(word_t cap_index);
exception_t error_illegal_operation(void);
exception_t error_range(word_t min, word_t max);
exception_t error_simple(word_t type); /* AlignmentError, TruncatedMessage, DeleteFirst, ... */
exception_t error_not_enough_memory(word_t left);
exception_t error_failed_lookup(bool was_source); /* details in current_lookup_fault */

/* --- Scheduler ---------------------------------------------------------------------------------
 */

extern tcb_t *current_thread;
extern tcb_t *idle_thread;      /* a marker TCB: running it means the kernel's idle loop */
extern tcb_t *scheduler_action; /* thread to switch to before returning, or 0 */

void sched_init(void);
void sched_enqueue(tcb_t *t); /* at the tail of its priority's queue */
void sched_enqueue_head(tcb_t *t);
void sched_dequeue(tcb_t *t);
bool sched_is_queued(const tcb_t *t);
void sched_schedule(void);               /* pick the next thread to run */
void sched_possible_switch_to(tcb_t *t); /* t became runnable: run it now if it should */
void sched_reschedule_required(void);
void sched_yield(void);
void sched_timer_tick(void);
void sched_set_priority(tcb_t *t, word_t prio);
int sched_highest_ready_priority(void); /* -1 when no thread is ready */
void sched_dump(void);

/* Thread state transitions that keep the run queues consistent. */
void thread_set_state(tcb_t *t, enum thread_state s);
bool thread_is_runnable(const tcb_t *t);
bool thread_is_blocked(const tcb_t *t);
void thread_restart(tcb_t *t);
void thread_suspend(tcb_t *t);
void thread_activate(tcb_t *t); /* on return to user: finish a Restart state */
void thread_init(tcb_t *t);     /* fresh TCB object */
void thread_destroy(tcb_t *t);  /* before its memory goes away */

/* --- Capability space ----------------------------------------------------------------------------
 */

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

/* --- Derivation tree
 * ------------------------------------------------------------------------------ */

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

typedef struct derive_result {
    exception_t status;
    cap_t cap;
} derive_result_t;
derive_result_t derive_cap(cte_t *slot, cap_t cap);
cap_t update_cap_data(bool preserve, word_t data, cap_t cap);

/* --- Objects
 * -------------------------------------------------------------------------------------- */

bool object_type_is_frame(word_t type);
cap_t object_create(word_t type, void *region, paddr_t paddr, word_t user_size_bits, bool device);

/* Called when the last cap to an object goes: returns what remains to tear down (zombie). */
typedef struct finalise_result {
    cap_t remainder;
    cap_t cleanup; /* an IRQ handler / IO port range to release after the slot empties */
} finalise_result_t;
finalise_result_t finalise_cap(cap_t cap, bool final);
void post_cap_deletion(cap_t cleanup);

/* --- IPC
 * --------------------------------------------------------------------------------------------- */

void send_ipc(bool blocking, bool do_call, word_t badge, bool can_grant, bool can_grant_reply,
              tcb_t *sender, endpoint_t *ep);
void receive_ipc(tcb_t *receiver, cap_t ep_cap, bool blocking);
void do_reply_transfer(tcb_t *sender, tcb_t *receiver, cte_t *reply_slot, bool grant);
void cancel_ipc(tcb_t *t);
void ep_enqueue(endpoint_t *ep, tcb_t *t);
void ep_dequeue(endpoint_t *ep, tcb_t *t);
/* Call / ReplyRecv done without the general path when possible (does not return then). */
bool fastpath_try(long number);
void cancel_all_ipc(endpoint_t *ep);
void cancel_badged_sends(endpoint_t *ep, word_t badge);
void setup_caller_cap(tcb_t *sender, tcb_t *receiver, bool can_grant);
void delete_caller_cap(tcb_t *receiver);

void send_signal(notification_t *n, word_t badge);
void receive_signal(tcb_t *t, cap_t ntfn_cap, bool blocking);
void cancel_signal(tcb_t *t, notification_t *n);
void cancel_all_signals(notification_t *n);
void bind_notification(tcb_t *t, notification_t *n);
void unbind_notification(tcb_t *t);
void unbind_maybe_notification(notification_t *n);

/* Message registers: MR0..3 in registers, the rest in the IPC buffer (if the thread has one). */
word_t *lookup_ipc_buffer(tcb_t *t, bool is_receiver);
word_t get_mr(tcb_t *t, const word_t *buffer, word_t i);
void set_mr(tcb_t *t, word_t *buffer, word_t i, word_t v);
seL4_MessageInfo_t message_info_from_word(word_t w);
word_t set_mrs_syscall_error(tcb_t *t, word_t *buffer);
void reply_from_kernel_error(tcb_t *t);
void reply_from_kernel_success_empty(tcb_t *t);
void set_reply_message(tcb_t *t, word_t label, word_t length);

/* --- Faults
 * ---------------------------------------------------------------------------------------- */

void handle_fault(tcb_t *t); /* deliver current_fault to t's handler, or suspend t */
word_t set_mrs_fault(tcb_t *sender, tcb_t *receiver, word_t *receive_buffer);
word_t set_mrs_lookup_failure(tcb_t *receiver, word_t *buffer, const lookup_fault_t *lf,
                              word_t offset);
bool handle_fault_reply(tcb_t *receiver, tcb_t *sender, word_t label, word_t length);

/* --- System calls and invocations
 * ------------------------------------------------------------------ */

void c_handle_syscall(void) NORETURN;
void c_handle_interrupt(void) NORETURN;
exception_t decode_invocation(word_t label, word_t length, word_t cptr, cte_t *slot, cap_t cap,
                              bool block, bool call, word_t *buffer);

/* Extra caps of the current invocation (looked up before decoding). */
typedef struct extra_caps {
    cte_t *slots[seL4_MsgMaxExtraCaps];
    word_t count;
} extra_caps_t;
extern extra_caps_t current_extra_caps;
/* Fills current_extra_caps from the sender's IPC buffer; a bad cptr is a cap fault. */
exception_t lookup_extra_caps(tcb_t *t, word_t *buffer, seL4_MessageInfo_t info);

exception_t decode_untyped_invocation(word_t label, word_t length, cte_t *slot, cap_t cap,
                                      word_t *buffer);
exception_t decode_cnode_invocation(word_t label, word_t length, cap_t cap, word_t *buffer);
exception_t decode_tcb_invocation(word_t label, word_t length, cap_t cap, cte_t *slot, bool call,
                                  word_t *buffer);
exception_t decode_irq_control_invocation(word_t label, word_t length, cte_t *slot, word_t *buffer);
exception_t decode_irq_handler_invocation(word_t label, word_t irq);
exception_t decode_domain_invocation(word_t label, word_t length, word_t *buffer);
exception_t decode_x86_mmu_invocation(word_t label, word_t length, cte_t *slot, cap_t cap,
                                      bool call, word_t *buffer);
exception_t decode_io_port_control_invocation(word_t label, word_t length, cte_t *slot,
                                              word_t *buffer);
exception_t decode_io_port_invocation(word_t label, word_t length, cap_t cap, bool call,
                                      word_t *buffer);

/* --- Interrupts
 * -------------------------------------------------------------------------------------- */

void irq_init(void);
void irq_handle(word_t irq); /* a user IRQ fired: signal its notification, mask the line */
void irq_handler_deleting(word_t irq); /* last handler cap going: drop its notification */
void irq_handler_deleted(word_t irq);  /* and gone: the line is inactive and masked */
void io_ports_init(void);
void io_port_range_free(word_t first, word_t last);

/* --- Virtual memory
 * ------------------------------------------------------------------------------------ */

void vspace_unmap_frame(cap_t cap);
void vspace_unmap_table(cap_t cap);
void vspace_delete_asid(word_t asid, uint64_t *pml4);
void vspace_delete_asid_pool(word_t asid_base, void *pool);
void vspace_switch_to_thread(tcb_t *t);
bool vspace_check_valid_ipc_buffer(vaddr_t va, cap_t cap);
bool vspace_is_valid_root(cap_t cap);
void vspace_handle_page_fault(tcb_t *t, word_t error_code);
word_t sanitise_register(word_t *reg, tcb_t *t, word_t v);
void fpu_release(tcb_t *t); /* save t's FPU registers if it owns them, and give them up */
word_t asid_alloc_initial_pool(void *pool_object, word_t asid_base);

/* --- Cycle accounting
 * ------------------------------------------------------------------------------------ */

void accounting_kernel_entry(void);
void accounting_switch(tcb_t *from, tcb_t *to);
void accounting_kernel_exit(void);
void accounting_reset_all(void);
void accounting_finalize(void);
void accounting_dump_thread(tcb_t *t, word_t *buffer);
void accounting_reset_thread(tcb_t *t);
void accounting_forget(tcb_t *t); /* t is being destroyed */

/* --- Debug list of threads
 * --------------------------------------------------------------------------- */

void debug_thread_add(tcb_t *t);
void debug_thread_remove(tcb_t *t);
extern tcb_t *debug_threads;
