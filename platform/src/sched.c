/*
 * The scheduler: cooperative user-level threads on the process's single TCB.
 *
 * A thread runs until it blocks (pf_block), yields or exits; then schedule() picks the
 * first thread of the highest non-empty priority queue. Before picking it turns the
 * outside world into wakeups: expired timeouts (TSC compared against a sorted list) and
 * bits on the TCB's notification (IRQs, the shared timer and channels). While threads are runnable
 * the notification is only polled every POLL_INTERVAL_NS so a busy system does not pay a
 * system call per switch; when nothing is runnable the TCB programs the root task's timer
 * for the earliest timeout and blocks on the notification (seL4_Wait) -- on the stack of
 * whichever thread called schedule(), so idling costs no extra switch.
 *
 * Switching threads means switching stacks (switch.S) and loading the next thread's TLS
 * base with the SetTLSBase system call; platform/README.md has the measured costs.
 */
#include "internal.h"

#define POLL_INTERVAL_NS 100000ull
#define STACK_MIN        (16 * 1024)
#define STACK_CANARY     0x57ac4ca1a2e5c0deull
#define MXCSR_DEFAULT    0x1f80ull
#define FPUCW_DEFAULT    0x037full

enum thread_state { T_RUNNING, T_RUNNABLE, T_BLOCKED, T_EXITED };

struct pf_thread {
    uintptr_t sp;                    /* saved stack pointer while switched out */
    uintptr_t tp;                    /* TLS thread pointer (FS base) */
    struct pf_thread *next, *prev;   /* on a run queue or a wait queue */
    struct pf_waitq *queue;          /* which one (0 if none) */
    struct pf_thread *tnext, *tprev; /* on the timeout list when deadline != 0 */
    uint64_t deadline;               /* absolute TSC */
    struct pf_thread *all_next;      /* every thread, for dumps */
    int state, prio, flags, wake_result;
    void *(*fn)(void *);
    void *arg, *result;
    struct pf_waitq joiners;
    void *stack; /* 0 for the initial context */
    size_t stack_size;
    bool own_stack;  /* stack (and the TLS area after this struct) are the platform's */
    void *user_data; /* pf_thread_set_data */
    char name[32];
};

static struct pf_thread boot_thread = {.name = "boot", .prio = PF_PRIO_NORMAL};
struct pf_thread *pf_current_thread = &boot_thread;
static struct pf_thread *all_threads = &boot_thread;
static struct pf_thread *zombies;  /* exited, not joinable: freed by the next thread to run */
static struct pf_thread *timeouts; /* sorted by deadline */
static struct pf_waitq runq[PF_PRIO_COUNT];
static struct pf_sched_stats stats = {.threads = 1};
static uint64_t last_poll, poll_ticks;
static bool timer_armed;
static uint64_t timer_deadline;

/* --- Queues ---------------------------------------------------------------------------------- */

static void q_append(struct pf_waitq *q, struct pf_thread *t)
{
    t->next = 0;
    t->prev = q->tail;
    if (q->tail) {
        q->tail->next = t;
    } else {
        q->head = t;
    }
    q->tail = t;
    t->queue = q;
}

static void q_remove(struct pf_thread *t)
{
    struct pf_waitq *q = t->queue;
    if (!q) {
        return;
    }
    if (t->prev) {
        t->prev->next = t->next;
    } else {
        q->head = t->next;
    }
    if (t->next) {
        t->next->prev = t->prev;
    } else {
        q->tail = t->prev;
    }
    t->next = t->prev = 0;
    t->queue = 0;
}

static void timeout_add(struct pf_thread *t, uint64_t deadline)
{
    t->deadline = deadline ? deadline : 1; /* 0 means "not on the list" */
    struct pf_thread **link = &timeouts, *before = 0;
    while (*link && (*link)->deadline <= t->deadline) {
        before = *link;
        link = &(*link)->tnext;
    }
    t->tnext = *link;
    t->tprev = before;
    if (*link) {
        (*link)->tprev = t;
    }
    *link = t;
}

static void timeout_remove(struct pf_thread *t)
{
    if (!t->deadline) {
        return;
    }
    if (t->tprev) {
        t->tprev->tnext = t->tnext;
    } else {
        timeouts = t->tnext;
    }
    if (t->tnext) {
        t->tnext->tprev = t->tprev;
    }
    t->deadline = 0;
    t->tnext = t->tprev = 0;
}

static void make_runnable(struct pf_thread *t, int result)
{
    q_remove(t);
    timeout_remove(t);
    t->wake_result = result;
    t->state = T_RUNNABLE;
    q_append(&runq[t->prio], t);
}

/* --- Events from outside --------------------------------------------------------------------- */

static void expire_timeouts(uint64_t now)
{
    while (timeouts && timeouts->deadline <= now) {
        make_runnable(timeouts, ETIMEDOUT);
    }
}

static void deliver(seL4_Word bits)
{
    if (bits & (1ul << UK_NOTIFY_TIMER)) {
        timer_armed = false;
    }
    if (bits & pf_intr_mask()) {
        pf_intr_deliver(bits & pf_intr_mask());
    }
    if (bits & pf_channel_mask()) {
        pf_channel_deliver(bits & pf_channel_mask());
    }
}

static void __attribute__((noreturn)) deadlock(void)
{
    printf("platform: deadlock: every thread is blocked, with no timeout pending and no "
           "interrupt handler that could wake one\n");
    pf_sched_dump();
    pf_exit(255);
}

/* Nothing is runnable: sleep on the notification until a timeout or an interrupt. */
static void idle(void)
{
    uint64_t deadline = timeouts ? timeouts->deadline : 0;
    if (deadline && (!timer_armed || deadline < timer_deadline)) {
        seL4_Word word = deadline;
        pf_svc_call(UK_SVC_TIMER_SET, &word, 1, 0, 0);
        timer_armed = true;
        timer_deadline = deadline;
        stats.timer_sets++;
    }
    if (!deadline && !timer_armed && !pf_intr_armed() && !pf_channel_mask()) {
        deadlock();
    }
    pf_console_flush();
    seL4_Word bits;
    uint64_t before = runtime_rdtsc();
    seL4_Wait(UK_SLOT_NOTIFICATION, &bits);
    stats.idle_waits++;
    last_poll = runtime_rdtsc();
    stats.idle_ns += pf_tsc_to_ns(last_poll - before);
    deliver(bits);
}

/* --- Switching ------------------------------------------------------------------------------- */

static void free_thread(struct pf_thread *t)
{
    for (struct pf_thread **link = &all_threads; *link; link = &(*link)->all_next) {
        if (*link == t) {
            *link = t->all_next;
            break;
        }
    }
    stats.threads--;
    if (t->own_stack) {
        pf_page_free(t->stack);
    }
    pf_free(t);
}

static void reap(void)
{
    while (zombies) {
        struct pf_thread *t = zombies;
        zombies = t->next;
        free_thread(t);
    }
}

static struct pf_thread *pick(void)
{
    for (int p = PF_PRIO_COUNT - 1; p >= 0; p--) {
        struct pf_thread *t = runq[p].head;
        if (t) {
            q_remove(t);
            return t;
        }
    }
    return 0;
}

/* Called by the current thread after it has put itself wherever it belongs. */
static void schedule(void)
{
    struct pf_thread *prev = pf_current_thread, *next;
    if (prev->stack && *(uint64_t *)prev->stack != STACK_CANARY) {
        pf_panic("stack overflow in thread \"%s\"", prev->name);
    }
    for (;;) {
        uint64_t now = runtime_rdtsc();
        expire_timeouts(now);
        if (now - last_poll >= poll_ticks) {
            seL4_Word bits;
            seL4_Poll(UK_SLOT_NOTIFICATION, &bits);
            stats.polls++;
            last_poll = now;
            deliver(bits);
        }
        next = pick();
        if (next) {
            break;
        }
        idle();
    }
    next->state = T_RUNNING;
    if (next != prev) {
        if (pf_hooks.thread_switch) {
            pf_hooks.thread_switch(prev, next);
        }
        pf_current_thread = next;
        stats.switches++;
        pf_tls_load(next->tp);
        pf_ctx_switch(&prev->sp, next->sp);
        /* Running as prev again. */
    }
    reap();
}

/* --- Blocking -------------------------------------------------------------------------------- */

int pf_block(struct pf_waitq *q, uint64_t deadline)
{
    struct pf_thread *t = pf_current_thread;
    t->state = T_BLOCKED;
    t->wake_result = 0;
    if (q) {
        q_append(q, t);
    }
    if (deadline) {
        timeout_add(t, pf_mono_to_tsc(deadline));
    }
    schedule();
    return t->wake_result;
}

bool pf_wake_one(struct pf_waitq *q)
{
    if (!q->head) {
        return false;
    }
    make_runnable(q->head, 0);
    return true;
}

void pf_wake_all(struct pf_waitq *q)
{
    while (q->head) {
        make_runnable(q->head, 0);
    }
}

void pf_yield(void)
{
    make_runnable(pf_current_thread, 0);
    schedule();
}

void pf_sleep_until(uint64_t deadline)
{
    while (pf_clock_monotonic() < deadline) {
        pf_block(0, deadline);
    }
}

void pf_sleep_ns(uint64_t ns)
{
    if (!ns) {
        pf_yield();
        return;
    }
    pf_sleep_until(pf_clock_monotonic() + ns);
}

/* --- Threads --------------------------------------------------------------------------------- */

static void __attribute__((noreturn)) thread_start(struct pf_thread *t)
{
    reap();
    pf_thread_exit(t->fn(t->arg));
}

/* A thread on `stack` that starts in fn(arg) with thread pointer `tp`, made runnable. */
static void thread_init(struct pf_thread *t, const char *name, void *(*fn)(void *), void *arg,
                        void *stack, size_t stack_size, uintptr_t tp, int prio, int flags)
{
    strlcpy(t->name, name ? name : "?", sizeof(t->name));
    t->fn = fn;
    t->arg = arg;
    t->flags = flags;
    t->prio = prio < 0 ? 0 : prio >= PF_PRIO_COUNT ? PF_PRIO_COUNT - 1 : prio;
    t->stack = stack;
    t->stack_size = stack_size;
    t->tp = tp;
    *(uint64_t *)stack = STACK_CANARY;

    /* A frame pf_ctx_switch can "return" from into pf_ctx_trampoline(thread_start, t). */
    uintptr_t *frame = (uintptr_t *)(((uintptr_t)stack + stack_size) & ~(uintptr_t)15) - 8;
    frame[0] = FPUCW_DEFAULT << 32 | MXCSR_DEFAULT;
    frame[1] = 0;                            /* r15 */
    frame[2] = 0;                            /* r14 */
    frame[3] = (uintptr_t)thread_start;      /* r13 */
    frame[4] = (uintptr_t)t;                 /* r12 */
    frame[5] = 0;                            /* rbx */
    frame[6] = 0;                            /* rbp */
    frame[7] = (uintptr_t)pf_ctx_trampoline; /* return address */
    t->sp = (uintptr_t)frame;

    t->all_next = all_threads;
    all_threads = t;
    stats.threads++;
    make_runnable(t, 0);
}

struct pf_thread *pf_thread_create(const char *name, void *(*fn)(void *), void *arg,
                                   size_t stack_size, int prio, int flags, int *error)
{
    size_t header = pf_round_up(sizeof(struct pf_thread), 64);
    struct pf_thread *t = pf_malloc(header + pf_round_up(pf_tls_area_size(), 64), 64);
    stack_size = pf_round_up(stack_size < STACK_MIN ? STACK_MIN : stack_size, PF_PAGE_SIZE);
    void *stack = pf_page_alloc(stack_size, 0);
    if (!t || !stack) {
        pf_free(t);
        if (stack) {
            pf_page_free(stack);
        }
        *error = ENOMEM;
        return 0;
    }
    memset(t, 0, sizeof(*t));
    t->own_stack = true;
    thread_init(t, name, fn, arg, stack, stack_size, pf_tls_init((char *)t + header), prio, flags);
    return t;
}

struct pf_thread *pf_thread_create_on(const char *name, void *(*fn)(void *), void *arg, void *stack,
                                      size_t stack_size, uintptr_t tp, int flags, int *error)
{
    struct pf_thread *t = stack_size >= STACK_MIN ? pf_malloc(sizeof(*t), 0) : 0;
    if (!t) {
        *error = stack_size >= STACK_MIN ? ENOMEM : EINVAL;
        return 0;
    }
    memset(t, 0, sizeof(*t));
    thread_init(t, name, fn, arg, stack, stack_size, tp, PF_PRIO_NORMAL, flags);
    return t;
}

void pf_thread_exit(void *result)
{
    struct pf_thread *t = pf_current_thread;
    if (t == &boot_thread) {
        pf_panic("the initial context cannot exit");
    }
    t->result = result;
    t->state = T_EXITED;
    if (t->flags & PF_THREAD_JOINABLE) {
        pf_wake_all(&t->joiners);
    } else {
        t->next = zombies;
        zombies = t;
    }
    schedule();
    pf_panic("exited thread \"%s\" ran again", t->name);
}

int pf_thread_join(struct pf_thread *t, void **result)
{
    if (!(t->flags & PF_THREAD_JOINABLE)) {
        return EINVAL;
    }
    if (t == pf_current_thread) {
        return EDEADLK;
    }
    while (t->state != T_EXITED) {
        pf_block(&t->joiners, 0);
    }
    if (result) {
        *result = t->result;
    }
    free_thread(t);
    return 0;
}

const char *pf_thread_name(const struct pf_thread *t)
{
    return t->name;
}

void pf_thread_stack(const struct pf_thread *t, void **base, size_t *size)
{
    *base = t->stack;
    *size = t->stack_size;
}

void pf_thread_set_data(struct pf_thread *t, void *data)
{
    t->user_data = data;
}

void *pf_thread_data(const struct pf_thread *t)
{
    return t->user_data;
}

/* --- Set-up and diagnostics ------------------------------------------------------------------ */

void pf_sched_init(void)
{
    uintptr_t tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    boot_thread.tp = tp;
    boot_thread.state = T_RUNNING;
    poll_ticks = pf_ns_to_tsc(POLL_INTERVAL_NS);
}

void pf_sched_stats(struct pf_sched_stats *s)
{
    *s = stats;
}

void pf_sched_dump(void)
{
    static const char *const names[] = {"running", "runnable", "blocked", "exited"};
    printf("threads:\n");
    uint64_t now = runtime_rdtsc();
    for (struct pf_thread *t = all_threads; t; t = t->all_next) {
        printf("  %-16s %-8s prio %d", t->name, names[t->state], t->prio);
        if (t->deadline) {
            printf(", timeout in %lu us",
                   t->deadline > now ? pf_tsc_to_ns(t->deadline - now) / 1000 : 0);
        }
        printf("\n");
    }
}
