/*
 * Device interrupts. The root task binds every granted IRQ handler to the TCB's
 * notification with a badge bit of its own (uk_init.irqs[i].badge_bit). The scheduler hands
 * the bits it receives to pf_intr_deliver(); the dispatch thread (created with the first
 * handler, at high priority) then runs the handlers of each pending IRQ in thread context --
 * a rump kernel's handlers take locks and schedule its virtual CPU -- and acknowledges the
 * IRQ afterwards, so a level-triggered line stays masked until its device was serviced.
 */
#include "internal.h"

struct handler {
    int (*fn)(void *);
    void *arg;
    struct handler *next;
};

static struct handler *handlers[UK_MAX_IRQS];
static uint64_t counts[UK_MAX_IRQS];
static seL4_Word pending;
static struct pf_waitq dispatch_wait = PF_WAITQ_INIT;
static struct pf_thread *dispatcher;

seL4_Word pf_intr_mask(void)
{
    static seL4_Word mask;
    static bool known;
    if (!known) {
        for (seL4_Word i = 0; i < pf_uk->n_irqs && i < UK_MAX_IRQS; i++) {
            mask |= 1ul << pf_uk->irqs[i].badge_bit;
        }
        mask &= ~(1ul << UK_NOTIFY_TIMER);
        known = true;
    }
    return mask;
}

bool pf_intr_armed(void)
{
    return dispatcher != 0;
}

void pf_intr_deliver(seL4_Word bits)
{
    pending |= bits;
    pf_wake_one(&dispatch_wait);
}

static void *dispatch_thread(void *arg)
{
    (void)arg;
    for (;;) {
        while (!pending) {
            pf_block(&dispatch_wait, 0);
        }
        seL4_Word bits = pending;
        pending = 0;
        for (seL4_Word i = 0; i < pf_uk->n_irqs && i < UK_MAX_IRQS; i++) {
            if (!(bits & (1ul << pf_uk->irqs[i].badge_bit))) {
                continue;
            }
            counts[i]++;
            for (struct handler *h = handlers[i]; h; h = h->next) {
                h->fn(h->arg);
            }
            seL4_IRQHandler_Ack(pf_uk->irqs[i].handler);
        }
    }
    return 0;
}

int pf_irq_register(unsigned irq, int (*fn)(void *), void *arg)
{
    if (irq >= pf_uk->n_irqs || irq >= UK_MAX_IRQS) {
        return EINVAL;
    }
    struct handler *h = pf_malloc(sizeof(*h), 0);
    if (!h) {
        return ENOMEM;
    }
    h->fn = fn;
    h->arg = arg;
    h->next = 0;
    /* Keep registration order: handlers of a shared line run oldest first. */
    struct handler **link = &handlers[irq];
    while (*link) {
        link = &(*link)->next;
    }
    *link = h;
    if (!dispatcher) {
        int err;
        dispatcher = pf_thread_create("irq-dispatch", dispatch_thread, 0, PF_STACK_DEFAULT,
                                      PF_PRIO_HIGH, 0, &err);
        if (!dispatcher) {
            return err;
        }
    }
    /* Unmask the line in case it fired (and stayed masked) before anyone listened. */
    seL4_IRQHandler_Ack(pf_uk->irqs[irq].handler);
    return 0;
}

uint64_t pf_irq_count(unsigned irq)
{
    return irq < UK_MAX_IRQS ? counts[irq] : 0;
}
