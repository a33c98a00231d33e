/*
 * Device grants. At planning time every device entry of the description is resolved and
 * claimed for good (PCI functions, their BAR memory and I/O ports and interrupt, I/O port
 * ranges, ISA interrupt lines), so a missing device or a resource asked for twice stops the
 * boot before anything starts. At each start the claimed resources are mapped and copied
 * into the process and listed in its init data; at teardown they are taken back (and the
 * PCI functions silenced) but stay claimed for a restart.
 */
#include "roottask.h"

#define NO_IRQ (~0ul)

static const char *entry_string(const struct sysdesc_device *d)
{
    static char s[48];
    sysdesc_device_string(d, s, sizeof(s));
    return s;
}

/* --- Planning ------------------------------------------------------------------------------- */

static int same_input(const struct irq_route *a, const struct irq_route *b)
{
    return a->ioapic == b->ioapic && a->pin == b->pin;
}

/* The process (p or another) with an entry for the IOAPIC input r, or 0. */
static struct process *input_holder(const struct irq_route *r, unsigned *entry)
{
    for (unsigned i = 0; i < nprocesses; i++) {
        struct process_devices *dv = &processes[i].devices;
        for (unsigned j = 0; j < dv->nirqs; j++) {
            if (dv->irqs[j].kind == UK_IRQ_IOAPIC && same_input(&dv->irqs[j].route, r)) {
                *entry = j;
                return &processes[i];
            }
        }
    }
    return 0;
}

static seL4_Word add_irq(struct process_devices *dv, seL4_CPtr handler, seL4_Word kind,
                         const struct irq_route *r, seL4_Word vector, seL4_Word pci_index,
                         int shared_line)
{
    dv->irqs[dv->nirqs].handler = handler;
    dv->irqs[dv->nirqs].kind = kind;
    dv->irqs[dv->nirqs].route = *r;
    dv->irqs[dv->nirqs].vector = vector;
    dv->irqs[dv->nirqs].pci_index = pci_index;
    dv->irqs[dv->nirqs].shared_line = shared_line;
    return dv->nirqs++;
}

/*
 * Claims an IOAPIC input for p; returns the index in p's irqs or NO_IRQ after printing why.
 * Devices of one process on one input share its entry. A PCI line another process has too
 * becomes a shared line (irqshare.c); an ISA line is never shared.
 */
static seL4_Word plan_ioapic_irq(struct process *p, const struct irq_route *r, seL4_Word pci_index,
                                 const struct sysdesc_device *d)
{
    struct process_devices *dv = &p->devices;
    unsigned entry = 0;
    struct process *holder = input_holder(r, &entry);
    if (holder == p) {
        return entry;
    }
    if (dv->nirqs == UK_MAX_IRQS) {
        desc_error(d->line, "%s: more than %d interrupts for '%s'", entry_string(d), UK_MAX_IRQS,
                   p->uk->name);
        return NO_IRQ;
    }
    if (r->ioapic == timer_route.ioapic && r->pin == timer_route.pin) {
        desc_error(d->line, "%s: its interrupt (IOAPIC input %lu) is the root task's timer",
                   entry_string(d), r->pin);
        return NO_IRQ;
    }
    if (holder) {
        struct process_devices *other = &holder->devices;
        if (pci_index == NO_IRQ || other->irqs[entry].pci_index == NO_IRQ) {
            desc_error(d->line,
                       "%s: its interrupt (IOAPIC %lu input %lu) is already granted to '%s' "
                       "(ISA lines are not shared)",
                       entry_string(d), r->ioapic, r->pin, holder->uk->name);
            return NO_IRQ;
        }
        int line = irqshare_line(other->irqs[entry].handler);
        if (line < 0) {
            desc_error(d->line, "%s: too many shared interrupt lines", entry_string(d));
            return NO_IRQ;
        }
        other->irqs[entry].shared_line = line;
        irqshare_add((unsigned)line, holder);
        irqshare_add((unsigned)line, p);
        return add_irq(dv, other->irqs[entry].handler, UK_IRQ_IOAPIC, r, other->irqs[entry].vector,
                       pci_index, line);
    }
    seL4_Word vector;
    seL4_CPtr handler = irq_claim_ioapic(r, &vector);
    if (!handler) {
        desc_error(d->line, "%s: cannot get its interrupt", entry_string(d));
        return NO_IRQ;
    }
    return add_irq(dv, handler, UK_IRQ_IOAPIC, r, vector, pci_index, -1);
}

static int plan_ports(struct process *p, seL4_Word first, seL4_Word last,
                      const struct sysdesc_device *d)
{
    struct process_devices *dv = &p->devices;
    const char *user = sysdesc_reserved_ports((unsigned)first, (unsigned)last);
    if (user) {
        return desc_error(d->line, "%s: I/O ports 0x%lx-0x%lx are reserved for %s", entry_string(d),
                          first, last, user);
    }
    if (dv->nports == UK_MAX_IOPORTS) {
        return desc_error(d->line, "%s: more than %d I/O port ranges for '%s'", entry_string(d),
                          UK_MAX_IOPORTS, p->uk->name);
    }
    seL4_CPtr cap = slot_alloc();
    seL4_Error err = seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, last, CSPACE_ROOT,
                                                  cap, seL4_WordBits);
    if (err) {
        return desc_error(d->line, "%s: I/O ports 0x%lx-0x%lx are already granted (error %d)",
                          entry_string(d), first, last, err);
    }
    dv->ports[dv->nports].cap = cap;
    dv->ports[dv->nports].first = (uint16_t)first;
    dv->ports[dv->nports].last = (uint16_t)last;
    dv->nports++;
    return 0;
}

static int plan_region(struct process *p, const struct pci_device *pd, unsigned bar,
                       const struct sysdesc_device *d)
{
    struct process_devices *dv = &p->devices;
    const struct pci_bar *b = &pd->bars[bar];
    /* BARs are naturally aligned powers of two; a small one takes its whole page. */
    seL4_Word bits = PAGE_BITS;
    while ((1ul << bits) < b->size) {
        bits++;
    }
    seL4_Word paddr = b->base & ~((1ul << bits) - 1), frames = 1ul << (bits - PAGE_BITS);
    if (dv->nregions == ARRAY_SIZE(dv->regions) || dv->frames + frames > UK_MAX_DEVFRAMES) {
        return desc_error(d->line,
                          "%s: BAR %u (%lu KiB) exceeds the %d device frames a "
                          "unikernel can have",
                          entry_string(d), bar, (seL4_Word)(b->size >> 10), UK_MAX_DEVFRAMES);
    }
    const char *problem;
    seL4_CPtr piece = devmem_claim(paddr, bits, &problem);
    if (!piece) {
        return desc_error(d->line, "%s: BAR %u at 0x%lx: %s", entry_string(d), bar, paddr, problem);
    }
    struct device_region *r = &dv->regions[dv->nregions++];
    r->piece = piece;
    r->paddr = paddr;
    r->size_bits = bits;
    r->vaddr = UK_DEVICE_VADDR + dv->frames * PAGE_SIZE;
    dv->frames += frames;
    return 0;
}

/* Claims the device's interrupt: MSI if it has the capability, else its INTx line. */
static int plan_pci_irq(struct process *p, struct pci_device *pd, seL4_Word index,
                        const struct sysdesc_device *d, seL4_Word *irq)
{
    struct process_devices *dv = &p->devices;
    *irq = NO_IRQ;
    if (pd->msi_cap) {
        seL4_Word vector;
        seL4_CPtr handler =
            dv->nirqs < UK_MAX_IRQS ? irq_claim_msi(pd->bus, pd->dev, pd->fn, &vector) : 0;
        if (!handler) {
            return desc_error(d->line, "%s: cannot get an MSI", entry_string(d));
        }
        pd->msi_vector_set = 1;
        pd->msi_vector = vector;
        *irq = add_irq(dv, handler, UK_IRQ_MSI, &(struct irq_route){0}, vector, index, -1);
        return 0;
    }
    if (!pd->irq_pin) {
        return 0; /* a device without interrupts */
    }
    struct irq_route r;
    irq_route_pci(pd->irq_line, &r);
    *irq = plan_ioapic_irq(p, &r, index, d);
    return *irq == NO_IRQ ? -1 : 0;
}

static int plan_pci(struct process *p, const struct sysdesc_device *d)
{
    struct process_devices *dv = &p->devices;
    struct pci_device *pd = pci_find(d);
    if (!pd) {
        return desc_error(d->line, "%s: no such device", entry_string(d));
    }
    if (pd->owner >= 0) {
        return desc_error(d->line, "%s: device %s is already granted to '%s' on line %u",
                          entry_string(d), pci_name(pd), processes[pd->owner].uk->name,
                          pd->owner_line);
    }
    if (pd->header_type != 0) {
        return desc_error(d->line, "%s: %s is a bridge, not a device", entry_string(d),
                          pci_name(pd));
    }
    if (dv->npci == UK_MAX_PCI) {
        return desc_error(d->line, "%s: more than %d PCI devices for '%s'", entry_string(d),
                          UK_MAX_PCI, p->uk->name);
    }
    seL4_Word index = dv->npci++;
    dv->pci[index] = pd;
    pd->owner = (int)p->index;
    pd->owner_line = d->line;
    for (unsigned i = 0; i < PCI_BARS; i++) {
        const struct pci_bar *b = &pd->bars[i];
        if (!b->size || !b->base) {
            continue;
        }
        int r =
            b->is_io ? plan_ports(p, b->base, b->base + b->size - 1, d) : plan_region(p, pd, i, d);
        if (r < 0) {
            return -1;
        }
    }
    return plan_pci_irq(p, pd, index, d, &dv->pci_irq[index]);
}

int devices_plan(struct process *p)
{
    for (unsigned i = 0; i < p->uk->ndevices; i++) {
        const struct sysdesc_device *d = &p->uk->devices[i];
        struct irq_route r;
        int ok = 0;
        switch (d->kind) {
        case SYSDESC_PCI_ID:
        case SYSDESC_PCI_ADDR:
            ok = plan_pci(p, d);
            break;
        case SYSDESC_IOPORTS:
            ok = plan_ports(p, d->u.ports.first, d->u.ports.last, d);
            break;
        case SYSDESC_IRQ:
            irq_route_isa(d->u.irq, &r);
            ok = plan_ioapic_irq(p, &r, NO_IRQ, d) == NO_IRQ ? -1 : 0;
            break;
        }
        if (ok < 0) {
            return -1;
        }
    }
    return 0;
}

seL4_Word devices_frame_count(const struct process *p)
{
    return p->devices.frames;
}

/* --- Granting, at every start ------------------------------------------------------------ */

static int grant_region(struct process *p, const struct device_region *r, struct uk_init *ui)
{
    for (seL4_Word off = 0; off < (1ul << r->size_bits); off += PAGE_SIZE) {
        seL4_CPtr frame = slot_range_take(&p->slots);
        if (!frame || cspace_retype(r->piece, seL4_X86_4K, 0, frame, 1) ||
            vspace_map(&p->vspace, frame, r->vaddr + off, seL4_ReadWrite, seL4_X86_Uncacheable) <
                0) {
            say("%s: cannot map device memory at 0x%lx", p->uk->name, r->paddr + off);
            return -1;
        }
        seL4_Word slot = process_grant(p, frame, seL4_AllRights);
        if (!slot) {
            return -1;
        }
        ui->device_frames[ui->n_device_frames++] =
            (struct uk_device_frame){slot, r->paddr + off, r->vaddr + off};
    }
    return 0;
}

static void describe_pci(const struct process *p, unsigned i, struct uk_pci_device *out)
{
    const struct pci_device *pd = p->devices.pci[i];
    out->bus = pd->bus;
    out->dev = pd->dev;
    out->fn = pd->fn;
    out->vendor = pd->vendor;
    out->device = pd->device;
    out->class_rev = pd->class_rev;
    out->irq_index = p->devices.pci_irq[i];
    out->msi_capable = pd->msi_cap != 0;
    for (unsigned b = 0; b < PCI_BARS; b++) {
        const struct pci_bar *bar = &pd->bars[b];
        out->bars[b] = (struct uk_pci_bar){bar->base,
                                           bar->size,
                                           (seL4_Word)bar->is_io,
                                           (seL4_Word)bar->is_64bit,
                                           (seL4_Word)bar->prefetchable,
                                           0};
        for (unsigned r = 0; r < p->devices.nregions && bar->size && !bar->is_io; r++) {
            const struct device_region *reg = &p->devices.regions[r];
            if (bar->base >= reg->paddr && bar->base < reg->paddr + (1ul << reg->size_bits)) {
                out->bars[b].vaddr = reg->vaddr + (bar->base - reg->paddr);
            }
        }
    }
}

int devices_grant(struct process *p, struct uk_init *ui)
{
    struct process_devices *dv = &p->devices;
    for (unsigned i = 0; i < dv->nregions; i++) {
        if (grant_region(p, &dv->regions[i], ui) < 0) {
            return -1;
        }
    }
    for (unsigned i = 0; i < dv->nports; i++) {
        seL4_Word slot = process_grant(p, dv->ports[i].cap, seL4_AllRights);
        if (!slot) {
            return -1;
        }
        ui->ioports[ui->n_ioports++] =
            (struct uk_ioport){slot, dv->ports[i].first, dv->ports[i].last};
    }
    for (unsigned i = 0; i < dv->nirqs; i++) {
        seL4_Word bit = i + 1; /* bit 0 is UK_NOTIFY_TIMER */
        seL4_Word slot;
        if (dv->irqs[i].shared_line >= 0) {
            slot = irqshare_grant((unsigned)dv->irqs[i].shared_line, p, bit);
        } else {
            seL4_CPtr badged = slot_range_take(&p->slots);
            slot = badged && irq_bind(dv->irqs[i].handler, p->notification, 1ul << bit, badged) == 0
                       ? process_grant(p, dv->irqs[i].handler, seL4_AllRights)
                       : 0;
        }
        if (!slot) {
            say("%s: cannot grant its interrupt %u", p->uk->name, i);
            return -1;
        }
        ui->irqs[ui->n_irqs++] = (struct uk_irq){slot,
                                                 bit,
                                                 dv->irqs[i].kind,
                                                 dv->irqs[i].route.pin,
                                                 dv->irqs[i].vector,
                                                 dv->irqs[i].pci_index};
    }
    for (unsigned i = 0; i < dv->npci; i++) {
        pci_enable(dv->pci[i]);
        describe_pci(p, i, &ui->pci[ui->n_pci++]);
    }
    return 0;
}

void devices_teardown(struct process *p)
{
    struct process_devices *dv = &p->devices;
    for (unsigned i = 0; i < dv->npci; i++) {
        pci_disable(dv->pci[i]);
    }
    for (unsigned i = 0; i < dv->nregions; i++) {
        devmem_revoke(dv->regions[i].piece);
    }
    for (unsigned i = 0; i < dv->nports; i++) {
        cspace_revoke(dv->ports[i].cap);
    }
    for (unsigned i = 0; i < dv->nirqs; i++) {
        if (dv->irqs[i].shared_line < 0) {
            cspace_revoke(dv->irqs[i].handler);
            seL4_IRQHandler_Clear(dv->irqs[i].handler);
        }
    }
    irqshare_leave(p);
}
