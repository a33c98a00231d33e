/*
 * The supervisor (see supervisor.h and README.md).
 *
 * The root thread, at FZ_SUPERVISOR_PRIO, waits on the fuzz world's fault endpoint, to which
 * its notification is bound. Four things wake it:
 *   - a message with the fuzz thread's badge: a fault of the fuzz thread (or a message it
 *     sent us, which looks the same). An UnknownSyscall fault at the fuzz thread's syscall
 *     instruction is answered by replying, which resumes it after the syscall; anything
 *     else by restarting it at its entry point.
 *   - the same from the co-fuzzer, handled the same way (without escalation).
 *   - a message with a victim's badge: counted; the victim is restarted now and then.
 *   - the watchdog's signal. The watchdog runs at the fuzz world's priority, which nothing
 *     there can exceed (every TCB's MCP is FZ_PRIO), so it always gets its turn. It yields
 *     and watches the fuzz thread's counters; three yields without progress mean the fuzz
 *     thread is blocked (in a Recv nobody will answer, a Call nobody takes), suspended,
 *     faulted without a usable handler, spinning, or at a priority too low to run. The
 *     supervisor restarts it.
 * Restarts that are not followed by a completed invocation escalate: a full restart (TCB
 * settings and fault endpoint cap restored), then a rebuild of the whole world, and if even
 * fresh worlds make no progress the kernel is declared hung.
 */
#include <rt_thread.h>
#include "supervisor.h"
#include "world.h"

#define FZ_WAKE_BADGE       (1ul << 40)
#define FZ_PROGRESS_EVERY   200000
#define FULL_RESTART_AFTER  3 /* restarts in a row without a completed invocation */
#define REBUILD_AFTER       8
#define HANG_AFTER_REBUILDS 3
#define WATCHDOG_IPC_VADDR  (FZ_SHARED_VADDR + FZ_FUZZERS * FZ_SHARED_STEP)
#define VICTIM_RESTART_GAP  100
#define MAX_PLAUSIBLE_STEP  50000000

enum reason { R_STALL, R_CAP_FAULT, R_VM_FAULT, R_EXCEPTION, R_MESSAGE, R_COUNT };
static const char *const reason_names[R_COUNT] = {"blocked or stopped", "cap faults", "VM faults",
                                                  "user exceptions", "other messages"};

static struct {
    struct rt_alloc persist;
    struct fz_world world;
    seL4_CPtr ep, ntfn, wake;
    struct rt_thread watchdog;
    /* Escalation state. */
    uint64_t done_at_restart;
    unsigned unproductive, forced_in_a_row, restarts;
    uint64_t next_rebuild, next_progress, last_seq, repairs;
    /* Statistics. */
    uint64_t by_reason[R_COUNT], unknown_resumed, full_restarts, rebuilds, forced_rebuilds;
    uint64_t victim_msgs, victim_restarts, victim_restarted_at[FZ_VICTIMS], tsc_start;
    uint64_t co_restarts, co_unknown_resumed, co_done_at_restart;
    unsigned co_unproductive;
} sup;

/* Progress token the watchdog last signalled about. */
static volatile uint64_t watchdog_token;
static char watchdog_stack[8192] __attribute__((aligned(16)));
static char watchdog_tls[512] __attribute__((aligned(64)));

static void watchdog(void *arg)
{
    (void)arg;
    struct fz_shared *st = FZ_SHARED;
    uint64_t last = ~0ull;
    unsigned same = 0;
    for (;;) {
        seL4_Yield();
        uint64_t token = st->seq + st->done;
        if (token != last) {
            last = token;
            same = 0;
            continue;
        }
        if (++same >= 3) {
            watchdog_token = token;
            same = 0;
            seL4_Signal(sup.wake);
        }
    }
}

static void report_failure(const char *what)
{
    struct fz_shared *st = FZ_SHARED;
    printf("fuzz: FAILED: %s\n", what);
    printf("fuzz: the last invocations (seed 0x%lx):\n", fuzz_cfg_seed);
    uint64_t first = st->seq > FZ_RING ? st->seq - FZ_RING : 0;
    for (uint64_t i = first; i < st->seq; i++) {
        const struct fz_record *rec = &st->ring[i % FZ_RING];
        fz_trace(rec, '>');
        if (i + 1 < st->seq || st->done == st->seq) {
            fz_trace(rec, '<');
        }
    }
}

static int world_failed(const char *during)
{
    char what[160];
    snprintf(what, sizeof(what), "%s: %s failed with error %d on fresh objects", during,
             sup.world.failed, (int)sup.world.error);
    report_failure(what);
    return -1;
}

static int rebuild(void)
{
    sup.rebuilds++;
    sup.co_unproductive = 0;
    sup.done_at_restart = FZ_SHARED->done;
    sup.unproductive = 0;
    return fz_world_build(&sup.world) ? world_failed("rebuilding the world") : 0;
}

/*
 * The co-fuzzer needs starting again: fully when it may have changed its own TCB or keeps
 * failing at once. When even that does not help (its VSpace or CSpace is wrecked), it is
 * left stopped until the next world: its progress is not what the run is measured by.
 */
static int co_restart(void)
{
    const struct fz_shared *co = FZ_STATE_OF(1);
    if (co->done != sup.co_done_at_restart) {
        sup.co_unproductive = 0;
    } else if (++sup.co_unproductive >= REBUILD_AFTER) {
        return 0;
    }
    sup.co_done_at_restart = co->done;
    sup.co_restarts++;
    int full =
        co->tcb_dirty || sup.co_unproductive >= FULL_RESTART_AFTER || sup.co_restarts % 16 == 0;
    return fz_world_restart(&sup.world, 1, full) ? world_failed("restarting the co-fuzzer") : 0;
}

/* The fuzz thread needs starting again: how thoroughly depends on how it has been going. */
static int restart(enum reason why)
{
    struct fz_shared *st = FZ_SHARED;
    sup.by_reason[why]++;
    if (st->done == sup.done_at_restart) {
        sup.unproductive++;
    } else {
        sup.unproductive = 0;
        sup.forced_in_a_row = 0;
    }
    sup.done_at_restart = st->done;
    if (sup.unproductive >= REBUILD_AFTER) {
        if (++sup.forced_in_a_row >= HANG_AFTER_REBUILDS) {
            report_failure("hang: fresh worlds make no progress (no invocation returns)");
            return -1;
        }
        sup.forced_rebuilds++;
        return rebuild();
    }
    int full = st->tcb_dirty || sup.unproductive >= FULL_RESTART_AFTER || ++sup.restarts % 16 == 0;
    sup.full_restarts += full;
    if (fuzz_cfg_trace_from && st->seq >= fuzz_cfg_trace_from) {
        printf("fz! #%lu restart (%s%s)\n", st->seq - 1, reason_names[why], full ? ", full" : "");
    }
    if (fz_world_restart(&sup.world, 0, full)) {
        return world_failed("restarting the fuzz thread");
    }
    /* Stalled: the co-fuzzer is most likely stuck too (its own progress is not watched). */
    return why == R_STALL ? co_restart() : 0;
}

/*
 * A message with victim i's badge: most likely its fault, after the fuzz thread rewrote its
 * registers or its CSpace. Start it again so that the fuzz thread keeps having partners,
 * but not more often than every VICTIM_RESTART_GAP invocations (a victim whose VSpace or
 * CSpace is wrecked faults at once).
 */
static int victim_message(unsigned i)
{
    uint64_t seq = FZ_SHARED->seq;
    sup.victim_msgs++;
    if (seq - sup.victim_restarted_at[i] < VICTIM_RESTART_GAP) {
        return 0;
    }
    sup.victim_restarted_at[i] = seq;
    sup.victim_restarts++;
    return fz_world_restart_victim(&sup.world, i) ? world_failed("restarting a victim") : 0;
}

/*
 * An UnknownSyscall fault at a fuzz thread's syscall instruction: reply so that it resumes
 * after the instruction with every register as it was. 1 if that is what the message was.
 */
static int resume_unknown_syscall(seL4_MessageInfo_t info)
{
    seL4_Word insn = (seL4_Word)fz_syscall_insn;
    if (seL4_MessageInfo_get_label(info) != seL4_Fault_UnknownSyscall ||
        seL4_MessageInfo_get_length(info) != seL4_UnknownSyscall_Length ||
        seL4_GetMR(seL4_UnknownSyscall_FaultIP) != insn) {
        return 0;
    }
    seL4_SetMR(seL4_UnknownSyscall_FaultIP, insn + 2);
    seL4_Reply(seL4_MessageInfo_new(0, 0, 0, seL4_UnknownSyscall_FaultIP + 1));
    return 1;
}

/* A message with the fuzz thread's badge. */
static int fuzz_message(seL4_MessageInfo_t info)
{
    seL4_Word label = seL4_MessageInfo_get_label(info);
    seL4_Word insn = (seL4_Word)fz_syscall_insn;
    if (resume_unknown_syscall(info)) {
        sup.unknown_resumed++;
        if (fuzz_cfg_trace_from && FZ_SHARED->seq >= fuzz_cfg_trace_from) {
            printf("fz! resumed after the unknown syscall\n");
        }
        return 0;
    }
    if (label == seL4_Fault_CapFault && seL4_GetMR(seL4_CapFault_IP) == insn) {
        return restart(R_CAP_FAULT);
    }
    if (label == seL4_Fault_VMFault) {
        return restart(R_VM_FAULT);
    }
    if (label == seL4_Fault_UserException) {
        return restart(R_EXCEPTION);
    }
    return restart(R_MESSAGE);
}

static void print_stats(void)
{
    struct fz_shared *st = FZ_SHARED;
    static const char *const errors[] = {
        "NoError",     "InvalidArgument", "InvalidCapability", "IllegalOperation",
        "RangeError",  "AlignmentError",  "FailedLookup",      "TruncatedMessage",
        "DeleteFirst", "RevokeFirst",     "NotEnoughMemory",   "other"};
    uint32_t mhz = seL4_BootInfo_TSCFrequencyMHz(runtime_bootinfo());
    uint64_t ms = (runtime_rdtsc() - sup.tsc_start) / ((mhz ? mhz : 1000) * 1000ull);
    printf("fuzz: %lu invocations in %lu ms (%lu/s), %lu returned, %lu worlds\n", st->seq, ms,
           ms ? st->seq * 1000 / ms : 0, st->done, sup.rebuilds);
    printf("fuzz: syscalls: call %lu, send %lu, recv %lu, reply %lu, yield %lu, debug %lu, "
           "unknown %lu\n",
           st->sys_count[FZ_CLASS_CALL], st->sys_count[FZ_CLASS_SEND], st->sys_count[FZ_CLASS_RECV],
           st->sys_count[FZ_CLASS_REPLY], st->sys_count[FZ_CLASS_YIELD],
           st->sys_count[FZ_CLASS_DEBUG], st->sys_count[FZ_CLASS_UNKNOWN]);
    printf("fuzz: replies to Call:");
    for (unsigned i = 0; i < ARRAY_SIZE(errors); i++) {
        printf(" %s %lu%s", errors[i], st->reply_label[i], i + 1 < ARRAY_SIZE(errors) ? "," : "\n");
    }
    printf("fuzz: successful/all Calls by invocation label:");
    for (unsigned i = 1; i < seL4_NumInvocationLabels; i++) {
        printf(" %u:%u/%u", i, st->calls_ok[i], st->calls[i]);
    }
    printf("\n");
    printf("fuzz: restarts:");
    for (unsigned i = 0; i < R_COUNT; i++) {
        printf(" %s %lu,", reason_names[i], sup.by_reason[i]);
    }
    printf(" full %lu; unknown syscalls resumed %lu; forced rebuilds %lu; victim messages %lu "
           "(%lu restarts); returns into older register copies %lu; repairs of the count %lu\n",
           sup.full_restarts, sup.unknown_resumed, sup.forced_rebuilds, sup.victim_msgs,
           sup.victim_restarts, st->stale_contexts, sup.repairs);
    const struct fz_shared *co = FZ_STATE_OF(1);
    printf("fuzz: co-fuzzer (in the victims' VSpace): %lu invocations, %lu returned, %lu "
           "restarts, %lu unknown syscalls resumed\n",
           co->seq, co->done, sup.co_restarts, sup.co_unknown_resumed);
}

/*
 * The invocation count lives in the fuzz world's writable state. Nothing there should
 * write it but the fuzz thread, yet a thread running wild in its VSpace can: a count that
 * goes backwards or leaps is put back to the last one seen (and counted).
 */
static uint64_t checked_seq(void)
{
    struct fz_shared *st = FZ_SHARED;
    uint64_t seq = st->seq;
    if (seq < sup.last_seq || seq - sup.last_seq > MAX_PLAUSIBLE_STEP) {
        sup.repairs++;
        st->seq = seq = sup.last_seq;
    }
    return sup.last_seq = seq;
}

/* A recorded ABI violation must be self-consistent; anything else is a scribble. */
static int violation_is_real(const struct fz_record *rec)
{
    seL4_Word bits = 0;
    for (int i = 0; i < 5; i++) {
        bits |= (seL4_Word)(rec->preserved[i] != rec->canary + (seL4_Word)i) << i;
    }
    return rec->clobbered && bits == rec->clobbered && rec->canary == (rec->seq + 1) * CANARY_STEP;
}

/* Fuzz thread k's syscalls that broke register preservation (reported), or 0. */
static uint64_t abi_violations(unsigned k)
{
    const struct fz_shared *st = FZ_STATE_OF(k);
    if (!st->abi_violations || !violation_is_real(&st->violation)) {
        return 0;
    }
    printf("fuzz: FAILED: %lu syscalls of %s changed registers the kernel must preserve "
           "(RAX, RBP, R12-R14 = bits 0-4 of 'clobbered'); the first:\n",
           st->abi_violations, k ? "the co-fuzzer" : "the fuzz thread");
    fz_trace(&st->violation, '>');
    fz_trace(&st->violation, '<');
    return st->abi_violations;
}

void fz_supervisor_run(uint64_t limit, struct fz_outcome *out)
{
    struct fz_shared *st = FZ_SHARED;
    struct fz_config *cfg = (struct fz_config *)FZ_CONFIG_VADDR;
    out->kernel_faults = 0;
    cfg->limit = limit;
    cfg->trace_from = fuzz_cfg_trace_from;
    fz_seed(st->rng, fuzz_cfg_seed);
    fz_seed(FZ_STATE_OF(1)->rng, fuzz_cfg_seed ^ 0x636f2d66757a7aull); /* "co-fuzz" */
    sup.tsc_start = runtime_rdtsc();
    sup.next_rebuild = fuzz_cfg_world_life;
    sup.next_progress = FZ_PROGRESS_EVERY;
    int failed = rebuild();
    while (!failed) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(sup.ep, &badge);
        if (fuzz_cfg_trace_from && st->seq >= fuzz_cfg_trace_from) {
            printf("fz! #%lu got badge 0x%lx info 0x%lx mr 0x%lx 0x%lx\n", st->seq - 1, badge,
                   info.words[0], seL4_GetMR(0), seL4_GetMR(1));
        }
        if (checked_seq() >= limit) {
            break; /* the fuzz thread is done and idles (or was stopped by a fault) */
        }
        if (badge == FZ_FAULT_BADGE(0)) {
            failed = fuzz_message(info);
        } else if (badge == FZ_FAULT_BADGE(1)) {
            if (resume_unknown_syscall(info)) {
                sup.co_unknown_resumed++;
            } else {
                failed = co_restart();
            }
        } else if (badge - FZ_VICTIM_FAULT_BADGE(0) < FZ_VICTIMS) {
            failed = victim_message(badge - FZ_VICTIM_FAULT_BADGE(0));
        } else if ((badge & FZ_WAKE_BADGE) && watchdog_token == st->seq + st->done) {
            failed = restart(R_STALL);
        }
        if (!failed && st->seq >= sup.next_rebuild) {
            sup.next_rebuild = st->seq + fuzz_cfg_world_life;
            failed = rebuild();
        }
        if (st->seq >= sup.next_progress) {
            sup.next_progress += FZ_PROGRESS_EVERY;
            printf("fuzz: %lu invocations\n", st->seq);
        }
    }
    fz_world_stop(&sup.world);
    print_stats();
    out->invocations = checked_seq();
    out->kernel_faults = (failed ? 1 : 0) + abi_violations(0) + abi_violations(1);
}

/* The one device untyped the fuzz world gets a piece of: the highest one above 4 GiB. */
static int pick_device_untyped(const seL4_BootInfo *bi)
{
    int best = -1;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice && d->paddr >= (1ul << 32) && d->sizeBits >= 16 &&
            (best < 0 || d->paddr > bi->untypedList[best].paddr)) {
            best = (int)i;
        }
    }
    return best;
}

/* Persistent objects take the smallest RAM untyped that holds them; the arena the rest. */
static void split_untypeds(const seL4_BootInfo *bi, seL4_Word slot_split)
{
    rt_alloc_init(&sup.persist, seL4_CapInitThreadCNode, bi->empty.start, slot_split);
    rt_alloc_init(&sup.world.arena, seL4_CapInitThreadCNode, slot_split, bi->empty.end - 1);
    int persist = -1, device = pick_device_untyped(bi);
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && d->sizeBits >= 17 &&
            (persist < 0 || d->sizeBits < bi->untypedList[persist].sizeBits)) {
            persist = (int)i;
        }
    }
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if ((int)i == persist) {
            rt_alloc_add_untyped(&sup.persist, bi->untyped.start + i, d->paddr, d->sizeBits, 0);
        } else if (!d->isDevice || (int)i == device) {
            rt_alloc_add_untyped(&sup.world.arena, bi->untyped.start + i, d->paddr, d->sizeBits,
                                 d->isDevice);
        }
    }
}

int fz_supervisor_init(void)
{
    const seL4_BootInfo *bi = runtime_bootinfo();
    split_untypeds(bi, bi->empty.start + 64);
    struct rt_alloc *p = &sup.persist;
    seL4_Error err = rt_alloc_object(p, seL4_EndpointObject, 0, &sup.ep);
    if (!err) {
        err = rt_alloc_object(p, seL4_NotificationObject, 0, &sup.ntfn);
    }
    if (!err) {
        sup.wake = rt_alloc_slot(p);
        err = seL4_CNode_Mint(p->cnode, sup.wake, seL4_WordBits, p->cnode, sup.ntfn, seL4_WordBits,
                              seL4_AllRights, FZ_WAKE_BADGE);
    }
    if (!err) {
        err = seL4_TCB_BindNotification(seL4_CapInitThreadTCB, sup.ntfn);
    }
    for (unsigned k = 0; k < FZ_FUZZERS; k++) {
        for (unsigned i = 0; i < FZ_SHARED_PAGES && !err; i++) {
            err = rt_alloc_object(p, seL4_X86_4K, 0, &sup.world.shared[k][i]);
            if (!err) {
                err = rt_map_frame(p, seL4_CapInitThreadVSpace, sup.world.shared[k][i],
                                   (seL4_Word)FZ_STATE_OF(k) + i * 4096ul, seL4_ReadWrite, 0);
            }
        }
    }
    if (!err) {
        err = rt_alloc_object(p, seL4_X86_4K, 0, &sup.world.config);
    }
    if (!err) {
        err = rt_map_frame(p, seL4_CapInitThreadVSpace, sup.world.config, FZ_CONFIG_VADDR,
                           seL4_ReadWrite, 0);
    }
    sup.world.fault_ep = sup.ep;
    if (!err) {
        err =
            seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, FZ_SUPERVISOR_PRIO);
    }
    if (!err) {
        struct rt_thread_config cfg = {.prio = FZ_PRIO,
                                       .mcp = FZ_PRIO,
                                       .ipc_vaddr = WATCHDOG_IPC_VADDR,
                                       .stack = watchdog_stack,
                                       .stack_size = sizeof(watchdog_stack),
                                       .tls_area = watchdog_tls};
        err = rt_thread_new(p, &sup.watchdog, &cfg);
    }
    if (!err) {
        err = rt_thread_start(&sup.watchdog, watchdog, 0);
    }
    if (err) {
        printf("fuzz: FAILED: setting up the supervisor: error %d\n", (int)err);
        return -1;
    }
    return 0;
}

void fz_supervisor_teardown(void)
{
    fz_world_destroy(&sup.world);
    rt_alloc_reset(&sup.persist); /* the watchdog, endpoint, notification, shared frames */
    seL4_TCB_UnbindNotification(seL4_CapInitThreadTCB);
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, seL4_MaxPrio);
}
