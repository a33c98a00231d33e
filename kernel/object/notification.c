/*
 * Notifications: a word of badge bits that signals OR into, and a queue of waiters.
 * States: idle, waiting (threads queued, nothing pending) or active (signal pending).
 * A thread bound to a notification also receives its signals while blocked in Recv on an
 * endpoint.
 */
#include <kernel.h>

static void ntfn_append(notification_t *n, tcb_t *t)
{
    t->ep_next = 0;
    t->ep_prev = n->tail;
    if (n->tail) {
        n->tail->ep_next = t;
    } else {
        n->head = t;
    }
    n->tail = t;
}

static void ntfn_remove(notification_t *n, tcb_t *t)
{
    if (t->ep_prev) {
        t->ep_prev->ep_next = t->ep_next;
    } else {
        n->head = t->ep_next;
    }
    if (t->ep_next) {
        t->ep_next->ep_prev = t->ep_prev;
    } else {
        n->tail = t->ep_prev;
    }
    t->ep_next = t->ep_prev = 0;
}

static void wake_with_badge(tcb_t *t, word_t badge)
{
    thread_set_state(t, ThreadState_Running);
    t->ctx.rdi = badge;
    sched_possible_switch_to(t);
}

void send_signal(notification_t *n, word_t badge)
{
    if (n->head) {
        tcb_t *t = n->head;
        ntfn_remove(n, t);
        wake_with_badge(t, badge);
        return;
    }
    if (n->active) {
        n->pending |= badge;
        return;
    }
    tcb_t *bound = ntfn_bound_tcb(n);
    if (bound && bound->state == ThreadState_BlockedOnReceive) {
        cancel_ipc(bound);
        wake_with_badge(bound, badge);
        return;
    }
    n->active = 1;
    n->pending = badge;
}

void receive_signal(tcb_t *t, cap_t cap, bool blocking)
{
    notification_t *n = cap_notification_ptr(cap);
    if (n->active) {
        t->ctx.rdi = n->pending;
        n->pending = 0;
        n->active = 0;
        return;
    }
    if (!blocking) {
        t->ctx.rdi = 0;
        return;
    }
    t->blocking_object = n;
    thread_set_state(t, ThreadState_BlockedOnNotification);
    ntfn_append(n, t);
}

void cancel_signal(tcb_t *t, notification_t *n)
{
    ntfn_remove(n, t);
    thread_set_state(t, ThreadState_Inactive);
}

void cancel_all_signals(notification_t *n)
{
    tcb_t *t = n->head;
    if (!t) {
        return;
    }
    n->head = n->tail = 0;
    while (t) {
        tcb_t *next = t->ep_next;
        t->ep_next = t->ep_prev = 0;
        thread_set_state(t, ThreadState_Restart);
        sched_enqueue_head(t);
        t = next;
    }
    sched_reschedule_required();
}

void bind_notification(tcb_t *t, notification_t *n)
{
    ntfn_set_bound_tcb(n, t);
    t->bound_notification = n;
}

void unbind_notification(tcb_t *t)
{
    notification_t *n = t->bound_notification;
    if (n) {
        ntfn_set_bound_tcb(n, 0);
        t->bound_notification = 0;
    }
}

void unbind_maybe_notification(notification_t *n)
{
    tcb_t *t = ntfn_bound_tcb(n);
    if (t) {
        unbind_notification(t);
    }
}
