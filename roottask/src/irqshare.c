/*
 * Interrupt lines shared by devices of different unikernels. PCI INTx lines are wired-OR
 * and level-triggered, and on QEMU's PC machine slots 3 and 4 (the first two NICs) share
 * IOAPIC input 11. The kernel binds an input to one notification, so a line with devices
 * of several unikernels is taken by the root task: each interrupt is passed to every
 * unikernel on the line (each with its own badge bit, as for an interrupt of its own), and
 * the line is unmasked only when all of them have acknowledged it.
 *
 * Such a unikernel's uk_init.irqs[i].handler is a stand-in for an IRQHandler cap: an endpoint
 * cap to the root task, badged for (line, process), on which seL4_IRQHandler_Ack arrives as a
 * message labelled IRQAckIRQ. So unikernels use the same call for both kinds.
 */
#include "roottask.h"

#define MAX_SHARED_LINES 15

struct sharer {
    struct process *p;
    seL4_CPtr signal; /* the process's notification, badged with its bit; 0 if not running */
    int pending;      /* signalled and not acknowledged yet */
};

struct shared_line {
    seL4_CPtr handler;
    unsigned nsharers;
    struct sharer sharers[SYSDESC_MAX_UNIKERNELS];
};

static struct shared_line lines[MAX_SHARED_LINES];
static unsigned nlines;

int irqshare_line(seL4_CPtr handler)
{
    for (unsigned i = 0; i < nlines; i++) {
        if (lines[i].handler == handler) {
            return (int)i;
        }
    }
    seL4_CPtr badged = slot_alloc();
    if (nlines == MAX_SHARED_LINES || !badged) {
        return -1;
    }
    /* The owner that claimed the line never started, so the handler is not bound yet. */
    if (irq_bind(handler, service_notification(), BADGE_SHARED_IRQ(nlines), badged) < 0) {
        return -1;
    }
    lines[nlines].handler = handler;
    return (int)nlines++;
}

static struct sharer *sharer_of(unsigned line, const struct process *p)
{
    struct shared_line *l = &lines[line];
    for (unsigned i = 0; i < l->nsharers; i++) {
        if (l->sharers[i].p == p) {
            return &l->sharers[i];
        }
    }
    return 0;
}

void irqshare_add(unsigned line, struct process *p)
{
    struct shared_line *l = &lines[line];
    if (!sharer_of(line, p)) {
        l->sharers[l->nsharers++] = (struct sharer){p, 0, 0};
    }
}

seL4_Word irqshare_grant(unsigned line, struct process *p, seL4_Word bit)
{
    struct sharer *s = sharer_of(line, p);
    seL4_CPtr signal = slot_range_take(&p->slots);
    if (!s || !signal || cspace_mint(signal, p->notification, seL4_CanWrite, 1ul << bit)) {
        return 0;
    }
    s->signal = signal;
    s->pending = 0;
    seL4_CapRights_t call = seL4_CapRights_new(1, 0, 0, 1); /* write + grant-reply */
    return process_grant_badged(p, service_endpoint, call,
                                BADGE_IRQ_ACK | (seL4_Word)line << 16 | p->index);
}

static void unmask_when_done(struct shared_line *l)
{
    for (unsigned i = 0; i < l->nsharers; i++) {
        if (l->sharers[i].pending) {
            return;
        }
    }
    seL4_IRQHandler_Ack(l->handler);
}

void irqshare_fire(seL4_Word bits)
{
    for (unsigned i = 0; i < nlines; i++) {
        if (!(bits & BADGE_SHARED_IRQ(i))) {
            continue;
        }
        struct shared_line *l = &lines[i];
        for (unsigned j = 0; j < l->nsharers; j++) {
            struct sharer *s = &l->sharers[j];
            if (s->signal && s->p->state == PROC_RUNNING) {
                s->pending = 1;
                seL4_Signal(s->signal);
            }
        }
        unmask_when_done(l);
    }
}

seL4_Word irqshare_ack(seL4_Word badge, seL4_Word label)
{
    seL4_Word line = (badge >> 16) & 0xff, index = badge & BADGE_INDEX_MASK;
    if (label != seL4_IRQAckIRQ) {
        return seL4_IllegalOperation; /* the stand-in only acknowledges */
    }
    if (line >= nlines || index >= nprocesses) {
        return seL4_InvalidCapability;
    }
    struct sharer *s = sharer_of((unsigned)line, &processes[index]);
    if (s && s->pending) {
        s->pending = 0;
        unmask_when_done(&lines[line]);
    }
    return seL4_NoError;
}

void irqshare_leave(struct process *p)
{
    for (unsigned i = 0; i < nlines; i++) {
        struct sharer *s = sharer_of(i, p);
        if (s) {
            int was_pending = s->pending;
            s->pending = 0;
            s->signal = 0; /* deleted with the process's objects */
            if (was_pending) {
                unmask_when_done(&lines[i]);
            }
        }
    }
}
