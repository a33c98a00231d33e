/*
 * devices: checks what the root task granted from the description: PCI devices with their
 * BAR frames (read a register), I/O port ranges (read a port), interrupts (an Intel NIC is
 * made to raise one), mediated configuration access including the writes it must refuse.
 * Prints one line per check and exits with the number of failed checks.
 */
#include "guest.h"

#define E1000_STATUS   0x08
#define E1000_ICR      0xc0
#define E1000_ICS      0xc8
#define E1000_IMS      0xd0
#define E1000_IMC      0xd8
#define ICR_LSC        0x4
#define PCI_COMMAND    0x04
#define PCI_BAR0       0x10
#define COMMAND_MASTER 0x4

static int failures;

static void check(int ok, const char *what, unsigned long value)
{
    printf("%s: %s (0x%lx)\n", what, ok ? "ok" : "FAILED", value);
    failures += !ok;
}

static seL4_Word conf_read(seL4_Word index, seL4_Word off, seL4_Word width, seL4_Word *value)
{
    seL4_Word words[3] = {index, off, width};
    return guest_call(UK_SVC_PCI_CONF_READ, words, 3, value);
}

static seL4_Word conf_write(seL4_Word index, seL4_Word off, seL4_Word width, seL4_Word value)
{
    seL4_Word words[4] = {index, off, width, value};
    return guest_call(UK_SVC_PCI_CONF_WRITE, words, 4, 0);
}

static const struct uk_ioport *ports_for(seL4_Word port)
{
    for (seL4_Word i = 0; i < guest_init->n_ioports; i++) {
        if (port >= guest_init->ioports[i].first && port <= guest_init->ioports[i].last) {
            return &guest_init->ioports[i];
        }
    }
    return 0;
}

/* Makes an Intel NIC signal "link status change" and waits for the interrupt. */
static void intel_interrupt(unsigned index, volatile uint32_t *regs)
{
    const struct uk_init *ui = guest_init;
    const struct uk_irq *irq = &ui->irqs[ui->pci[index].irq_index];
    seL4_Word command;
    conf_read(index, PCI_COMMAND, 2, &command);
    /* MSI is a memory write by the device, so it needs bus mastering. */
    check(conf_write(index, PCI_COMMAND, 2, command | COMMAND_MASTER) == 0, "enable bus mastering",
          command);
    (void)regs[E1000_ICR / 4];
    regs[E1000_IMS / 4] = ICR_LSC;
    regs[E1000_ICS / 4] = ICR_LSC;
    seL4_Word bits = guest_wait(1ul << irq->badge_bit, runtime_rdtsc() + guest_ms(500));
    uint32_t cause = regs[E1000_ICR / 4]; /* reading clears it and drops the line */
    regs[E1000_IMC / 4] = ~0u;
    check((bits >> irq->badge_bit) & 1,
          irq->kind == UK_IRQ_MSI ? "msi interrupt delivered" : "ioapic interrupt delivered", bits);
    check(cause & ICR_LSC, "interrupt cause", cause);
    check(seL4_IRQHandler_Ack(irq->handler) == 0, "irq ack", irq->handler);
}

static void check_device(unsigned index)
{
    const struct uk_pci_device *d = &guest_init->pci[index];
    seL4_Word value;
    printf("pci[%u]: %04x:%04x at %02x:%02x.%x class 0x%06x irq_index %ld msi %lu\n", index,
           d->vendor, d->device, d->bus, d->dev, d->fn, d->class_rev >> 8, (long)d->irq_index,
           d->msi_capable);
    seL4_Word err = conf_read(index, 0, 4, &value);
    check(err == 0 && value == ((seL4_Word)d->device << 16 | d->vendor),
          "config read of the vendor and device id", value);
    volatile uint32_t *mmio = 0;
    for (unsigned b = 0; b < UK_PCI_BARS; b++) {
        const struct uk_pci_bar *bar = &d->bars[b];
        if (!bar->size) {
            continue;
        }
        printf("bar %u: %s 0x%lx size 0x%lx vaddr 0x%lx\n", b, bar->is_io ? "io" : "mem", bar->base,
               bar->size, bar->vaddr);
        if (bar->is_io) {
            const struct uk_ioport *p = ports_for(bar->base);
            seL4_X86_IOPort_In32_t r = p ? seL4_X86_IOPort_In32(p->cap, (uint16_t)bar->base)
                                         : (seL4_X86_IOPort_In32_t){-1, 0};
            check(p && r.error == 0, "in32 from the I/O BAR", r.result);
        } else if (!mmio) {
            mmio = (volatile uint32_t *)bar->vaddr;
            uint32_t v = mmio[E1000_STATUS / 4];
            check(bar->vaddr != 0, "read from the memory BAR", v);
        }
    }
    seL4_Word bar0;
    conf_read(index, PCI_BAR0, 4, &bar0);
    check(conf_write(index, PCI_BAR0, 4, 0x12345000) == UK_EPERM, "moving BAR 0 is refused", bar0);
    err = conf_write(index, PCI_BAR0, 4, 0xffffffff) | conf_read(index, PCI_BAR0, 4, &value);
    check(err == 0 && value != bar0, "BAR 0 sizing write", value);
    err = conf_write(index, PCI_BAR0, 4, bar0) | conf_read(index, PCI_BAR0, 4, &value);
    check(err == 0 && value == bar0, "BAR 0 restored", value);
    if (d->vendor == 0x8086 && mmio && d->irq_index != ~0ul) {
        intel_interrupt(index, mmio);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct uk_init *ui = guest_init;
    printf("devices: %lu pci, %lu frames, %lu port ranges, %lu irqs\n", ui->n_pci,
           ui->n_device_frames, ui->n_ioports, ui->n_irqs);
    for (seL4_Word i = 0; i < ui->n_irqs; i++) {
        printf("irq[%lu]: %s line %lu vector %lu bit %lu pci %ld\n", i,
               ui->irqs[i].kind == UK_IRQ_MSI ? "msi" : "ioapic", ui->irqs[i].line,
               ui->irqs[i].vector, ui->irqs[i].badge_bit, (long)ui->irqs[i].pci_index);
    }
    for (unsigned i = 0; i < ui->n_pci; i++) {
        check_device(i);
    }
    seL4_Word value;
    check(conf_read(ui->n_pci, 0, 4, &value) == UK_EPERM, "config read of a device not granted",
          ui->n_pci);
    check(conf_read(0, 0x100, 4, &value) == (ui->n_pci ? UK_EINVAL : UK_EPERM),
          "config read beyond the configuration space", 0x100);
    if (ui->n_pci) {
        /* Offsets whose end wraps around (offset + width overflows): refused, not BAR writes. */
        seL4_Word wraps[] = {0xfffffffffffffffcul, 0xfffffffcul, 0x8000000000000010ul};
        for (unsigned i = 0; i < sizeof(wraps) / sizeof(wraps[0]); i++) {
            seL4_Word bar0, after;
            conf_read(0, PCI_BAR0, 4, &bar0);
            seL4_Word err = conf_write(0, wraps[i], 4, 0x12345000);
            conf_read(0, PCI_BAR0, 4, &after);
            check(err == UK_EINVAL && after == bar0, "config write at a wrapping offset refused",
                  wraps[i]);
            check(conf_read(0, wraps[i], 4, &value) == UK_EINVAL,
                  "config read at a wrapping offset refused", wraps[i]);
        }
    }
    printf("devices: %d failure(s)\n", failures);
    return failures;
}
