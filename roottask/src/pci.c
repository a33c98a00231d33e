/*
 * PCI: configuration space through the root task's ports 0xCF8-0xCFF (no unikernel ever
 * gets them), enumeration, BAR sizing, MSI programming, and the mediated configuration
 * access unikernels use for the devices they were granted.
 */
#include "roottask.h"

#define CONFIG_ADDRESS 0xcf8
#define CONFIG_DATA    0xcfc
#define CONFIG_LAST    0xcff
#define CONFIG_ENABLE  0x80000000u
#define CONFIG_SPACE   256

#define REG_VENDOR    0x00
#define REG_COMMAND   0x04
#define REG_STATUS    0x06
#define REG_CLASS_REV 0x08
#define REG_HEADER    0x0e
#define REG_BAR0      0x10
#define REG_SECONDARY 0x19 /* bridges: secondary bus number */
#define REG_ROM       0x30
#define REG_CAPS      0x34
#define REG_IRQ_LINE  0x3c
#define REG_IRQ_PIN   0x3d

#define COMMAND_IO          0x0001
#define COMMAND_MEMORY      0x0002
#define COMMAND_MASTER      0x0004
#define COMMAND_INTX_OFF    0x0400
#define STATUS_CAPS         0x0010
#define HEADER_MULTI        0x80
#define HEADER_TYPE_MASK    0x7f
#define HEADER_BRIDGE       1
#define BAR_IO              0x1
#define BAR_MEM_64          0x4
#define BAR_PREFETCH        0x8
#define CAP_MSI             0x05
#define CAP_MSIX            0x11
#define MSI_CONTROL         2
#define MSI_ADDRESS         4
#define MSI_ENABLE          0x0001
#define MSI_MULTIPLE_MASK   0x0070
#define MSI_64BIT           0x0080
#define MSIX_ENABLE         0x8000
#define MSI_TARGET_ADDRESS  0xfee00000u /* local APIC 0, physical destination */
#define IRQ_CPU_VECTOR_BASE 0x30

static seL4_CPtr config_ports;
struct pci_device pci_devices[PCI_MAX_DEVICES];
unsigned pci_ndevices;

/* --- Configuration space --------------------------------------------------------------------- */

static void select_register(unsigned bus, unsigned dev, unsigned fn, unsigned off)
{
    ioport_out(config_ports, CONFIG_ADDRESS, 4,
               CONFIG_ENABLE | bus << 16 | dev << 11 | fn << 8 | (off & 0xfc));
}

static uint32_t config_read(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width)
{
    select_register(bus, dev, fn, off);
    return ioport_in(config_ports, CONFIG_DATA + (off & 3), width);
}

static void config_write(unsigned bus, unsigned dev, unsigned fn, unsigned off, unsigned width,
                         uint32_t value)
{
    select_register(bus, dev, fn, off);
    ioport_out(config_ports, CONFIG_DATA + (off & 3), width, value);
}

uint32_t pci_read(const struct pci_device *d, unsigned off, unsigned width)
{
    return config_read(d->bus, d->dev, d->fn, off, width);
}

void pci_write(const struct pci_device *d, unsigned off, unsigned width, uint32_t value)
{
    config_write(d->bus, d->dev, d->fn, off, width, value);
}

/* --- Enumeration ----------------------------------------------------------------------------- */

/* Sizes the BARs of a type-0 header with decoding off, so no sizing value is ever live. */
static void size_bars(struct pci_device *d)
{
    uint16_t command = (uint16_t)pci_read(d, REG_COMMAND, 2);
    pci_write(d, REG_COMMAND, 2, command & ~(COMMAND_IO | COMMAND_MEMORY));
    for (unsigned i = 0; i < PCI_BARS; i++) {
        unsigned reg = REG_BAR0 + 4 * i;
        uint32_t orig = pci_read(d, reg, 4);
        d->bar_reg[i] = orig;
        pci_write(d, reg, 4, 0xffffffff);
        uint32_t mask = pci_read(d, reg, 4);
        pci_write(d, reg, 4, orig);
        struct pci_bar *b = &d->bars[i];
        if (mask == 0 || mask == 0xffffffff) {
            continue;
        }
        if (orig & BAR_IO) {
            b->is_io = 1;
            b->base = orig & ~3u;
            b->size = (~(mask & ~3u) + 1) & 0xffff;
            continue;
        }
        uint64_t base = orig & ~0xfu, size_mask = mask & ~0xfu;
        if ((orig & 0x6) == BAR_MEM_64 && i + 1 < PCI_BARS) {
            uint32_t orig_hi = pci_read(d, reg + 4, 4);
            d->bar_reg[i + 1] = orig_hi;
            pci_write(d, reg + 4, 4, 0xffffffff);
            uint32_t mask_hi = pci_read(d, reg + 4, 4);
            pci_write(d, reg + 4, 4, orig_hi);
            base |= (uint64_t)orig_hi << 32;
            size_mask |= (uint64_t)mask_hi << 32;
            b->is_64bit = 1;
        } else {
            size_mask |= 0xffffffff00000000ull;
        }
        b->base = base;
        b->size = ~size_mask + 1;
        b->prefetchable = (orig & BAR_PREFETCH) != 0;
        if (b->is_64bit) {
            i++; /* the upper half is part of this BAR */
        }
    }
    pci_write(d, REG_COMMAND, 2, command);
}

static unsigned find_capability(const struct pci_device *d, unsigned id)
{
    if (!(pci_read(d, REG_STATUS, 2) & STATUS_CAPS)) {
        return 0;
    }
    unsigned at = pci_read(d, REG_CAPS, 1) & 0xfc;
    for (unsigned hops = 0; at >= 0x40 && hops < 48; hops++) {
        if (pci_read(d, at, 1) == id) {
            return at;
        }
        at = pci_read(d, at + 1, 1) & 0xfc;
    }
    return 0;
}

static void scan_bus(unsigned bus, unsigned depth);

static void add_function(unsigned bus, unsigned dev, unsigned fn)
{
    uint32_t id = config_read(bus, dev, fn, REG_VENDOR, 4);
    if ((id & 0xffff) == 0xffff || pci_ndevices == PCI_MAX_DEVICES) {
        return;
    }
    struct pci_device *d = &pci_devices[pci_ndevices++];
    memset(d, 0, sizeof(*d));
    d->bus = (uint8_t)bus;
    d->dev = (uint8_t)dev;
    d->fn = (uint8_t)fn;
    d->vendor = id & 0xffff;
    d->device = id >> 16;
    d->class_rev = pci_read(d, REG_CLASS_REV, 4);
    d->header_type = pci_read(d, REG_HEADER, 1) & HEADER_TYPE_MASK;
    d->owner = -1;
    if (d->header_type == 0) {
        d->irq_line = (uint8_t)pci_read(d, REG_IRQ_LINE, 1);
        d->irq_pin = (uint8_t)pci_read(d, REG_IRQ_PIN, 1);
        d->msi_cap = find_capability(d, CAP_MSI);
        d->msix_cap = find_capability(d, CAP_MSIX);
        size_bars(d);
    }
}

static void scan_bus(unsigned bus, unsigned depth)
{
    for (unsigned dev = 0; dev < 32; dev++) {
        if ((config_read(bus, dev, 0, REG_VENDOR, 2) & 0xffff) == 0xffff) {
            continue;
        }
        unsigned functions = config_read(bus, dev, 0, REG_HEADER, 1) & HEADER_MULTI ? 8 : 1;
        for (unsigned fn = 0; fn < functions; fn++) {
            unsigned before = pci_ndevices;
            add_function(bus, dev, fn);
            if (pci_ndevices > before && pci_devices[before].header_type == HEADER_BRIDGE &&
                depth < 8) {
                unsigned secondary = config_read(bus, dev, fn, REG_SECONDARY, 1);
                if (secondary > bus) {
                    scan_bus(secondary, depth + 1);
                }
            }
        }
    }
}

void pci_init(void)
{
    config_ports = ioport_issue(CONFIG_ADDRESS, CONFIG_LAST);
    scan_bus(0, 0);
}

const char *pci_name(const struct pci_device *d)
{
    static char name[40];
    snprintf(name, sizeof(name), "%04x:%04x at %02x:%02x.%x", d->vendor, d->device, d->bus, d->dev,
             d->fn);
    return name;
}

struct pci_device *pci_find(const struct sysdesc_device *want)
{
    for (unsigned i = 0; i < pci_ndevices; i++) {
        struct pci_device *d = &pci_devices[i];
        if (want->kind == SYSDESC_PCI_ID && d->vendor == want->u.id.vendor &&
            d->device == want->u.id.device) {
            return d;
        }
        if (want->kind == SYSDESC_PCI_ADDR && d->bus == want->u.addr.bus &&
            d->dev == want->u.addr.dev && d->fn == want->u.addr.fn) {
            return d;
        }
    }
    return 0;
}

/* --- Switching a granted device on and off --------------------------------------------------- */

void pci_enable(struct pci_device *d)
{
    uint16_t command = (uint16_t)pci_read(d, REG_COMMAND, 2);
    for (unsigned i = 0; i < PCI_BARS; i++) {
        if (d->bars[i].size) {
            command |= d->bars[i].is_io ? COMMAND_IO : COMMAND_MEMORY;
        }
    }
    if (d->msi_vector_set) {
        unsigned c = d->msi_cap;
        uint16_t control = (uint16_t)pci_read(d, c + MSI_CONTROL, 2);
        unsigned data_reg = control & MSI_64BIT ? 0xc : 0x8;
        pci_write(d, c + MSI_ADDRESS, 4, MSI_TARGET_ADDRESS);
        if (control & MSI_64BIT) {
            pci_write(d, c + MSI_ADDRESS + 4, 4, 0);
        }
        pci_write(d, c + data_reg, 2, IRQ_CPU_VECTOR_BASE + d->msi_vector);
        pci_write(d, c + MSI_CONTROL, 2, (control & ~MSI_MULTIPLE_MASK) | MSI_ENABLE);
        command |= COMMAND_INTX_OFF;
    } else {
        command &= ~COMMAND_INTX_OFF; /* pci_disable turned it off when an earlier run ended */
    }
    pci_write(d, REG_COMMAND, 2, command);
}

void pci_disable(struct pci_device *d)
{
    /* No DMA, no decoding, no interrupts: the memory it may have used is about to be reused. */
    pci_write(d, REG_COMMAND, 2, COMMAND_INTX_OFF);
    if (d->msi_cap) {
        uint16_t control = (uint16_t)pci_read(d, d->msi_cap + MSI_CONTROL, 2);
        pci_write(d, d->msi_cap + MSI_CONTROL, 2, control & ~MSI_ENABLE);
    }
    if (d->msix_cap) {
        uint16_t control = (uint16_t)pci_read(d, d->msix_cap + MSI_CONTROL, 2);
        pci_write(d, d->msix_cap + MSI_CONTROL, 2, control & ~MSIX_ENABLE);
    }
}

/* --- Mediated access ------------------------------------------------------------------------- */

static int overlaps(unsigned off, unsigned width, unsigned start, unsigned end)
{
    return off < end && off + width > start;
}

/*
 * Whether a unikernel may write value to [off, off + width) of its own device. BARs (and the
 * expansion ROM BAR) take only all ones (sizing) or the value the root task found there;
 * the MSI address and data only the values the root task programmed; MSI-X stays off (its
 * table could aim interrupts anywhere).
 */
static int write_allowed(const struct pci_device *d, unsigned off, unsigned width, uint32_t value)
{
    if (overlaps(off, width, REG_BAR0, REG_BAR0 + 4 * PCI_BARS)) {
        unsigned i = (off - REG_BAR0) / 4;
        return width == 4 && (value == 0xffffffff || value == d->bar_reg[i]);
    }
    if (overlaps(off, width, REG_ROM, REG_ROM + 4)) {
        return width == 4 &&
               (value == 0xffffffff || value == 0xfffff800 || value == pci_read(d, REG_ROM, 4));
    }
    if (d->msi_cap && overlaps(off, width, d->msi_cap, d->msi_cap + 0x18)) {
        unsigned c = d->msi_cap;
        if (off == c + MSI_CONTROL && width == 2) {
            /* Enable or disable, with one vector: more would reach vectors not its own. */
            return !(value & MSI_MULTIPLE_MASK);
        }
        uint32_t current = pci_read(d, off, width);
        return value == current;
    }
    if (d->msix_cap && overlaps(off, width, d->msix_cap + MSI_CONTROL, d->msix_cap + 4)) {
        return off == d->msix_cap + MSI_CONTROL && width == 2 && !(value & MSIX_ENABLE);
    }
    return 1;
}

seL4_Word pci_service(struct process *p, int write, const seL4_Word *mr, seL4_Word len,
                      seL4_Word *value)
{
    if (len < (write ? 4u : 3u)) {
        return UK_EINVAL;
    }
    seL4_Word index = mr[0], off = mr[1], width = mr[2];
    if (index >= p->devices.npci) {
        return UK_EPERM;
    }
    /* off >= CONFIG_SPACE first: off + width could wrap around to a small number. */
    if ((width != 1 && width != 2 && width != 4) || off % width || off >= CONFIG_SPACE ||
        width > CONFIG_SPACE - off) {
        return UK_EINVAL;
    }
    struct pci_device *d = p->devices.pci[index];
    if (!write) {
        *value = pci_read(d, (unsigned)off, (unsigned)width);
        return 0;
    }
    uint32_t v = (uint32_t)mr[3];
    if (width < 4) {
        v &= (1u << (8 * width)) - 1;
    }
    if (!write_allowed(d, (unsigned)off, (unsigned)width, v)) {
        return UK_EPERM;
    }
    pci_write(d, (unsigned)off, (unsigned)width, v);
    return 0;
}
