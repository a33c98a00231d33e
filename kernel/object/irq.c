/*
 * Interrupts delivered to user level. User IRQ index i (0..107) is kernel IRQ 16 + i and
 * fires CPU vector 0x30 + i. IRQControl hands out a handler cap per IRQ, routed either from
 * an IOAPIC pin or from a PCI device's MSI; the handler cap binds a notification, which the
 * kernel signals when the interrupt fires. An IOAPIC line is then masked until the handler
 * acknowledges it (MSIs cannot be masked).
 */
#include <kernel.h>
#include <arch.h>
#include <printk.h>

#define IRQ_USER_BASE 16 /* kernel IRQ number of user index 0 */
#define NUM_IRQS      (IRQ_USER_BASE + NUM_USER_IRQS)
#define PCI_BUS_MAX   255
#define PCI_DEV_MAX   31
#define PCI_FUNC_MAX  7

enum irq_kind {
    IRQ_INACTIVE = 0,
    IRQ_IOAPIC,
    IRQ_MSI,
};

static struct irq_state {
    enum irq_kind kind;
    uint8_t ioapic, pin;
    bool masked;
} irqs[NUM_IRQS];

/* The notification cap each IRQ signals (kernel-held copies, part of the derivation tree). */
static cte_t irq_notification_slots[NUM_IRQS];

static void irq_set_masked(word_t irq, bool masked)
{
    struct irq_state *s = &irqs[irq];
    if (s->kind == IRQ_IOAPIC) {
        ioapic_mask(s->ioapic, s->pin, masked);
        s->masked = masked;
    }
}

void irq_handle(word_t irq)
{
    if (irq < IRQ_USER_BASE || irq >= NUM_IRQS || irqs[irq].kind == IRQ_INACTIVE) {
        lapic_eoi();
        return;
    }
    cap_t cap = irq_notification_slots[irq].cap;
    if (cap_get_type(cap) == cap_notification && cap.notification.can_send) {
        send_signal(cap_notification_ptr(cap), cap.notification.badge);
    }
    irq_set_masked(irq, true);
    lapic_eoi();
}

void irq_handler_deleting(word_t irq)
{
    cte_delete_one(&irq_notification_slots[irq]);
}

void irq_handler_deleted(word_t irq)
{
    irq_set_masked(irq, true);
    irqs[irq].kind = IRQ_INACTIVE;
}

static exception_t issue_target_slot(word_t index, word_t depth, cte_t **dest)
{
    cap_t root = current_extra_caps.slots[0]->cap;
    lookup_result_t r = lookup_slot_for_cnode_op(false, root, index, depth);
    if (r.status != EXCEPTION_NONE) {
        return r.status;
    }
    *dest = r.slot;
    return ensure_empty_slot(r.slot);
}

static exception_t check_ioapic_route(word_t ioapic, word_t pin, word_t level, word_t polarity)
{
    if (ioapic_count() == 0) {
        return error_illegal_operation("this machine has no IOAPIC");
    }
    if (ioapic >= (word_t)ioapic_count()) {
        return error_range(0, ioapic_count() - 1, "no such IOAPIC");
    }
    if (pin >= (word_t)ioapic_pins(ioapic)) {
        return error_range(0, ioapic_pins(ioapic) - 1, "no such pin on this IOAPIC");
    }
    if (level > 1 || polarity > 1) {
        return error_range(0, 1, "level and polarity are 0 or 1");
    }
    return EXCEPTION_NONE;
}

static exception_t check_msi_source(word_t bus, word_t dev, word_t func)
{
    if (bus > PCI_BUS_MAX) {
        return error_range(0, PCI_BUS_MAX, "no such PCI bus");
    }
    if (dev > PCI_DEV_MAX) {
        return error_range(0, PCI_DEV_MAX, "no such PCI device number");
    }
    if (func > PCI_FUNC_MAX) {
        return error_range(0, PCI_FUNC_MAX, "no such PCI function number");
    }
    return EXCEPTION_NONE;
}

exception_t decode_irq_control_invocation(word_t label, word_t length, cte_t *control,
                                          word_t *buffer)
{
    tcb_t *t = current_thread;
    if (label == seL4_IRQIssueIRQHandler) {
        /* Legacy PIC numbering does not exist with IOAPICs: use GetIOAPIC or GetMSI. */
        if (length < 3 || current_extra_caps.count < 1) {
            return error_simple(seL4_TruncatedMessage,
                                "IssueIRQHandler needs irq, index, depth and the CNode");
        }
        return error_illegal_operation("IssueIRQHandler (PIC numbering) is not available "
                                       "with IOAPICs: use GetIOAPIC or GetMSI");
    }
    if (label != seL4_X86IRQIssueIRQHandlerIOAPIC && label != seL4_X86IRQIssueIRQHandlerMSI) {
        return error_illegal_operation("not an IRQControl invocation");
    }
    if (length < 7 || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage, "needs 7 words and the destination CNode");
    }
    word_t index = get_mr(t, buffer, 0), depth = get_mr(t, buffer, 1);
    word_t user_irq = get_mr(t, buffer, 6);
    if (user_irq > IRQ_USER_MAX) {
        return error_range(0, IRQ_USER_MAX, "no such IRQ (vector)");
    }
    word_t irq = IRQ_USER_BASE + user_irq;
    if (irqs[irq].kind != IRQ_INACTIVE) {
        return error_simple(seL4_RevokeFirst, "this IRQ already has a handler cap");
    }
    cte_t *dest;
    if (issue_target_slot(index, depth, &dest) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    word_t a = get_mr(t, buffer, 2), b = get_mr(t, buffer, 3), c = get_mr(t, buffer, 4),
           d = get_mr(t, buffer, 5);
    struct irq_state *s = &irqs[irq];
    if (label == seL4_X86IRQIssueIRQHandlerIOAPIC) {
        if (check_ioapic_route(a, b, c, d) != EXCEPTION_NONE) {
            return EXCEPTION_SYSCALL_ERROR;
        }
        thread_set_state(t, ThreadState_Restart);
        ioapic_route(a, b, VECTOR_IRQ_BASE + user_irq, c, d);
        s->kind = IRQ_IOAPIC;
        s->ioapic = a;
        s->pin = b;
    } else {
        if (check_msi_source(a, b, c) != EXCEPTION_NONE) {
            return EXCEPTION_SYSCALL_ERROR;
        }
        thread_set_state(t, ThreadState_Restart);
        s->kind = IRQ_MSI;
    }
    irq_set_masked(irq, false);
    cte_insert(cap_irq_handler_new(irq), control, dest);
    return EXCEPTION_NONE;
}

exception_t decode_irq_handler_invocation(word_t label, word_t irq)
{
    switch (label) {
    case seL4_IRQAckIRQ:
        thread_set_state(current_thread, ThreadState_Restart);
        irq_set_masked(irq, false);
        return EXCEPTION_NONE;
    case seL4_IRQSetIRQHandler: {
        if (current_extra_caps.count < 1) {
            return error_simple(seL4_TruncatedMessage, "SetNotification needs the notification");
        }
        cte_t *src = current_extra_caps.slots[0];
        if (cap_get_type(src->cap) != cap_notification || !src->cap.notification.can_send) {
            return error_invalid_capability(0, "needs a notification cap with Write");
        }
        thread_set_state(current_thread, ThreadState_Restart);
        cte_delete_one(&irq_notification_slots[irq]);
        cte_insert(src->cap, src, &irq_notification_slots[irq]);
        return EXCEPTION_NONE;
    }
    case seL4_IRQClearIRQHandler:
        thread_set_state(current_thread, ThreadState_Restart);
        cte_delete_one(&irq_notification_slots[irq]);
        return EXCEPTION_NONE;
    default:
        return error_illegal_operation("not an IRQHandler invocation");
    }
}
