/*
 * Interrupts: user IRQ vectors (0..107; the CPU vector is 0x30 + it), IOAPIC inputs for ISA
 * lines and PCI INTx, MSI for PCI devices that have it. Each handler cap is bound to a
 * notification through a badged copy, so one notification serves several interrupts.
 */
#include "roottask.h"

#define USER_VECTORS 108

static seL4_Word next_vector;

int irq_route_isa(unsigned isa_irq, struct irq_route *r)
{
    /* ISA lines are edge-triggered and active-high unless the MADT overrides them. */
    struct irq_route isa = {0, isa_irq, 0, 0};
    *r = isa;
    return acpi_isa_override(isa_irq, r);
}

int irq_route_pci(unsigned line, struct irq_route *r)
{
    /* PCI INTx is level-triggered and active-low unless the MADT says otherwise. */
    struct irq_route pci = {0, line, 1, 1};
    *r = pci;
    return acpi_isa_override(line, r);
}

static seL4_CPtr new_handler(seL4_Word *vector)
{
    if (next_vector == USER_VECTORS) {
        say("out of interrupt vectors");
        return 0;
    }
    *vector = next_vector++;
    return slot_alloc();
}

seL4_CPtr irq_claim_ioapic(const struct irq_route *r, seL4_Word *vector)
{
    seL4_CPtr handler = new_handler(vector);
    if (!handler) {
        return 0;
    }
    seL4_Error err =
        seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, CSPACE_ROOT, handler, seL4_WordBits,
                                  r->ioapic, r->pin, r->level, r->polarity, *vector);
    if (err) {
        say("cannot get IOAPIC %lu pin %lu: error %d", r->ioapic, r->pin, err);
        return 0;
    }
    return handler;
}

seL4_CPtr irq_claim_msi(unsigned bus, unsigned dev, unsigned fn, seL4_Word *vector)
{
    seL4_CPtr handler = new_handler(vector);
    if (!handler) {
        return 0;
    }
    seL4_Error err = seL4_IRQControl_GetMSI(seL4_CapIRQControl, CSPACE_ROOT, handler, seL4_WordBits,
                                            bus, dev, fn, 0, *vector);
    if (err) {
        say("cannot get an MSI for %02x:%02x.%x: error %d", bus, dev, fn, err);
        return 0;
    }
    return handler;
}

int irq_bind(seL4_CPtr handler, seL4_CPtr notification, seL4_Word badge, seL4_CPtr badged)
{
    seL4_Error err = cspace_mint(badged, notification, seL4_CanWrite, badge);
    if (!err) {
        err = seL4_IRQHandler_SetNotification(handler, badged);
    }
    if (!err) {
        /* A line left masked by an earlier owner would never fire again. */
        err = seL4_IRQHandler_Ack(handler);
    }
    if (err) {
        say("cannot bind an interrupt: error %d", err);
        return -1;
    }
    return 0;
}

seL4_CPtr irq_claim_isa(unsigned isa_irq, seL4_CPtr notification, seL4_Word badge,
                        struct irq_route *route)
{
    seL4_Word vector;
    seL4_CPtr handler, badged = slot_alloc();
    if (irq_route_isa(isa_irq, route) < 0 || !(handler = irq_claim_ioapic(route, &vector)) ||
        irq_bind(handler, notification, badge, badged) < 0) {
        return 0;
    }
    return handler;
}
