/*
 * Scheduler: fixed priorities 0..255, round robin within a priority, and scheduling domains
 * (object/domain.c): only threads of the current domain run. Runnable threads other than
 * the current one sit in per-domain, per-priority queues; a bitmap per domain finds the
 * highest non-empty queue. Decisions are deferred: operations record a scheduler action
 * (resume the current thread, switch to a given thread, or choose anew) and sched_schedule()
 * carries it out just before the kernel returns to user level.
 */
#include <kernel.h>
#include <arch.h>
#include <printk.h>

#define ACTION_RESUME_CURRENT ((tcb_t *)0)
#define ACTION_CHOOSE_NEW     ((tcb_t *)1)

tcb_t *current_thread;
tcb_t *idle_thread;
tcb_t *scheduler_action;

struct ready_queue {
    tcb_t *head, *tail;
};
static struct ready_queue ready_queues[CONFIG_NUM_DOMAINS][CONFIG_NUM_PRIORITIES];
uint64_t ready_bitmap[CONFIG_NUM_DOMAINS][CONFIG_NUM_PRIORITIES / 64];
static tcb_t idle_tcb ALIGNED(BIT(seL4_TCBBits));

void sched_init(void)
{
    idle_thread = &idle_tcb;
    idle_tcb.state = ThreadState_IdleThreadState;
    memcpy(idle_tcb.name, "idle_thread", 12);
    current_thread = idle_thread;
    scheduler_action = ACTION_CHOOSE_NEW;
    domain_init();
}

static void queue_insert(tcb_t *t, bool at_head)
{
    if (t->sched_queued) {
        return;
    }
    word_t p = t->priority;
    struct ready_queue *q = &ready_queues[t->domain][p];
    if (!q->head) {
        t->sched_next = t->sched_prev = 0;
        q->head = q->tail = t;
        ready_bitmap[t->domain][p / 64] |= BIT(p % 64);
    } else if (at_head) {
        t->sched_prev = 0;
        t->sched_next = q->head;
        q->head->sched_prev = t;
        q->head = t;
    } else {
        t->sched_next = 0;
        t->sched_prev = q->tail;
        q->tail->sched_next = t;
        q->tail = t;
    }
    t->sched_queued = true;
}

/* Head of the queue: a thread that was interrupted keeps its turn. */
void sched_enqueue_head(tcb_t *t)
{
    queue_insert(t, true);
}

/* Tail of the queue: a thread that used up its turn. */
void sched_enqueue(tcb_t *t)
{
    queue_insert(t, false);
}

void sched_dequeue(tcb_t *t)
{
    if (!t->sched_queued) {
        return;
    }
    word_t p = t->priority;
    struct ready_queue *q = &ready_queues[t->domain][p];
    if (t->sched_prev) {
        t->sched_prev->sched_next = t->sched_next;
    } else {
        q->head = t->sched_next;
    }
    if (t->sched_next) {
        t->sched_next->sched_prev = t->sched_prev;
    } else {
        q->tail = t->sched_prev;
    }
    if (!q->head) {
        ready_bitmap[t->domain][p / 64] &= ~BIT(p % 64);
    }
    t->sched_next = t->sched_prev = 0;
    t->sched_queued = false;
}

bool thread_is_runnable(const tcb_t *t)
{
    return t->state == ThreadState_Running || t->state == ThreadState_Restart;
}

void sched_reschedule_required(void)
{
    if (scheduler_action != ACTION_RESUME_CURRENT && scheduler_action != ACTION_CHOOSE_NEW) {
        sched_enqueue_head(scheduler_action);
    }
    scheduler_action = ACTION_CHOOSE_NEW;
}

void thread_set_state(tcb_t *t, enum thread_state s)
{
    t->state = s;
    if (t == current_thread && scheduler_action == ACTION_RESUME_CURRENT &&
        !thread_is_runnable(t)) {
        sched_reschedule_required();
    }
}

void sched_possible_switch_to(tcb_t *t)
{
    if (t->domain != current_domain) {
        sched_enqueue_head(t); /* it runs in its domain's time */
    } else if (scheduler_action != ACTION_RESUME_CURRENT) {
        sched_reschedule_required();
        sched_enqueue_head(t);
    } else {
        scheduler_action = t;
    }
}

static void switch_to_thread(tcb_t *t)
{
    sched_dequeue(t);
    accounting_switch(current_thread, t);
    current_thread = t;
}

/* The current domain's most important thread, or idle; the next domain's if its time is up. */
static void choose_new_thread(void)
{
    if (domain_expired()) {
        domain_next();
    }
    int p = sched_highest_ready_priority();
    if (p < 0) {
        accounting_switch(current_thread, idle_thread);
        current_thread = idle_thread;
        return;
    }
    switch_to_thread(ready_queues[current_domain][p].head);
}

void sched_schedule(void)
{
    if (scheduler_action == ACTION_RESUME_CURRENT) {
        return;
    }
    tcb_t *cur = current_thread;
    bool was_runnable = thread_is_runnable(cur);
    if (was_runnable) {
        sched_enqueue_head(cur);
    }
    if (scheduler_action == ACTION_CHOOSE_NEW) {
        choose_new_thread();
    } else {
        tcb_t *candidate = scheduler_action;
        bool fastfail = cur == idle_thread || candidate->priority < cur->priority;
        if (fastfail && (int)candidate->priority < sched_highest_ready_priority()) {
            sched_enqueue_head(candidate);
            choose_new_thread();
        } else if (was_runnable && candidate->priority == cur->priority) {
            /* Same priority: the current thread (queued at the head) keeps running. */
            sched_enqueue(candidate);
            choose_new_thread();
        } else {
            switch_to_thread(candidate);
        }
    }
    scheduler_action = ACTION_RESUME_CURRENT;
}

void sched_yield(void)
{
    sched_dequeue(current_thread);
    sched_enqueue(current_thread);
    sched_reschedule_required();
}

void sched_timer_tick(void)
{
    tcb_t *cur = current_thread;
    if (cur != idle_thread && thread_is_runnable(cur)) {
        if (cur->time_slice > 1) {
            cur->time_slice--;
        } else {
            cur->time_slice = CONFIG_TIME_SLICE;
            sched_enqueue(cur);
            sched_reschedule_required();
        }
    }
    /* The domain's time runs out whether it used it or idled. */
    if (domain_tick()) {
        sched_reschedule_required();
    }
}

void sched_set_priority(tcb_t *t, word_t prio)
{
    sched_dequeue(t);
    t->priority = prio;
    if (thread_is_runnable(t)) {
        if (t == current_thread) {
            sched_reschedule_required();
        } else {
            sched_possible_switch_to(t);
        }
    }
}

void sched_set_domain(tcb_t *t, word_t domain)
{
    if (domain != current_domain) {
        fpu_release(t); /* its FPU registers are not left behind in another domain's time */
    }
    sched_dequeue(t);
    t->domain = domain;
    if (thread_is_runnable(t)) {
        sched_enqueue_head(t);
    }
    if (t == current_thread) {
        sched_reschedule_required();
    }
}
