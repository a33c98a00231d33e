/*
 * IOAPICs: route a pin to a vector, mask and unmask. Every pin starts masked; a pin is
 * unmasked only when user level binds a handler and acknowledges it.
 */
#include <arch.h>
#include <printk.h>

#define IOREGSEL      0x00
#define IOWIN         0x10
#define IOAPIC_VER    0x01
#define IOREDTBL(pin) (0x10 + 2 * (pin))
#define RTE_MASKED    BIT(16)
#define RTE_LEVEL     BIT(15)
#define RTE_LOW       BIT(13)

struct ioapic {
    volatile uint32_t *regs;
    paddr_t paddr;
    uint32_t gsi_base;
    int pins;
};

static struct ioapic ioapics[MAX_IOAPICS];
static int n_ioapics;

static uint32_t ioapic_read(struct ioapic *io, uint32_t reg)
{
    io->regs[IOREGSEL / 4] = reg;
    return io->regs[IOWIN / 4];
}

static void ioapic_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
    io->regs[IOREGSEL / 4] = reg;
    io->regs[IOWIN / 4] = v;
}

void ioapic_add(paddr_t paddr, uint32_t gsi_base)
{
    if (n_ioapics == MAX_IOAPICS) {
        kprintf("warning: ignoring IOAPIC at %lx (at most %d)\n", paddr, MAX_IOAPICS);
        return;
    }
    ioapics[n_ioapics].paddr = paddr;
    ioapics[n_ioapics].gsi_base = gsi_base;
    n_ioapics++;
}

void ioapic_init(void)
{
    if (n_ioapics == 0) {
        ioapic_add(0xfec00000, 0); /* no MADT: the standard PC location */
    }
    for (int i = 0; i < n_ioapics; i++) {
        struct ioapic *io = &ioapics[i];
        io->regs = kvspace_map_device(io->paddr);
        io->pins = ((ioapic_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
        for (int pin = 0; pin < io->pins; pin++) {
            ioapic_write(io, IOREDTBL(pin) + 1, 0);
            ioapic_write(io, IOREDTBL(pin), RTE_MASKED);
        }
        kinfo("IOAPIC %d at %lx: %d pins from GSI %u\n", i, io->paddr, io->pins, io->gsi_base);
    }
}

int ioapic_count(void)
{
    return n_ioapics;
}

int ioapic_pins(int ioapic)
{
    return ioapics[ioapic].pins;
}

void ioapic_route(int ioapic, int pin, int vector, bool level, bool active_low)
{
    struct ioapic *io = &ioapics[ioapic];
    uint32_t rte = RTE_MASKED | (uint32_t)vector;
    if (level) {
        rte |= RTE_LEVEL;
    }
    if (active_low) {
        rte |= RTE_LOW;
    }
    ioapic_write(io, IOREDTBL(pin) + 1, 0); /* destination: APIC 0 */
    ioapic_write(io, IOREDTBL(pin), rte);
}

void ioapic_mask(int ioapic, int pin, bool masked)
{
    struct ioapic *io = &ioapics[ioapic];
    uint32_t rte = ioapic_read(io, IOREDTBL(pin));
    rte = masked ? (rte | RTE_MASKED) : (rte & ~RTE_MASKED);
    ioapic_write(io, IOREDTBL(pin), rte);
}
