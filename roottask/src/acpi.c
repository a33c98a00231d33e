/*
 * The one ACPI table the root task needs: the MADT ("APIC"), for the IOAPICs (the kernel
 * numbers them in MADT order) and the interrupt source overrides that say on which IOAPIC
 * input an ISA line arrives and how it is triggered (QEMU: IRQ 0 on input 2; PCI lines
 * level-triggered). Found through the RSDP copy in bootinfo and the RSDT/XSDT; the tables
 * are read through device memory.
 */
#include "roottask.h"

#define MAX_IOAPICS   8
#define MAX_OVERRIDES 16
#define MADT_IOAPIC   1
#define MADT_OVERRIDE 2
#define POLARITY_MASK 0x3
#define POLARITY_HIGH 0x1
#define POLARITY_LOW  0x3
#define TRIGGER_SHIFT 2
#define TRIGGER_EDGE  0x1
#define TRIGGER_LEVEL 0x3

struct __attribute__((packed)) sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_revision, creator, creator_revision;
};

static struct {
    unsigned n;
    uint32_t gsi_base[MAX_IOAPICS];
} ioapics;

static struct {
    unsigned n;
    struct {
        uint8_t source;
        uint32_t gsi;
        uint16_t flags;
    } o[MAX_OVERRIDES];
} overrides;

static int found_madt;

static void parse_madt(const uint8_t *t, uint32_t length)
{
    for (uint32_t at = sizeof(struct sdt_header) + 8; at + 2 <= length && t[at + 1] >= 2;
         at += t[at + 1]) {
        uint8_t type = t[at], len = t[at + 1];
        if (at + len > length) {
            break;
        }
        if (type == MADT_IOAPIC && len >= 12 && ioapics.n < MAX_IOAPICS) {
            memcpy(&ioapics.gsi_base[ioapics.n++], t + at + 8, 4);
        } else if (type == MADT_OVERRIDE && len >= 10 && overrides.n < MAX_OVERRIDES) {
            overrides.o[overrides.n].source = t[at + 3];
            memcpy(&overrides.o[overrides.n].gsi, t + at + 4, 4);
            memcpy(&overrides.o[overrides.n].flags, t + at + 8, 2);
            overrides.n++;
        }
    }
    found_madt = 1;
}

static void scan_tables(seL4_Word sdt, unsigned entry_size)
{
    static uint8_t table[8192];
    struct sdt_header h;
    if (devmem_read(sdt, &h, sizeof(h)) < 0 || h.length < sizeof(h) || h.length > 65536) {
        return;
    }
    for (uint32_t at = sizeof(h); at + entry_size <= h.length; at += entry_size) {
        uint64_t entry = 0;
        struct sdt_header th;
        if (devmem_read(sdt + at, &entry, entry_size) < 0 ||
            devmem_read(entry, &th, sizeof(th)) < 0) {
            continue;
        }
        if (!memcmp(th.signature, "APIC", 4) && th.length <= sizeof(table) &&
            devmem_read(entry, table, th.length) == 0) {
            parse_madt(table, th.length);
            return;
        }
    }
}

void acpi_init(const seL4_BootInfo *bi)
{
    const seL4_BootInfoHeader *h = seL4_BootInfo_FindChunk(bi, SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP);
    seL4_X86_RSDP_t rsdp;
    if (h && h->len >= sizeof(*h) + sizeof(rsdp)) {
        memcpy(&rsdp, h + 1, sizeof(rsdp));
        if (rsdp.revision >= 2 && rsdp.xsdt_address) {
            scan_tables(rsdp.xsdt_address, 8);
        } else {
            scan_tables(rsdp.rsdt_address, 4);
        }
    }
    if (!found_madt) {
        say("no ACPI MADT: assuming one IOAPIC and the usual PC interrupt wiring");
    }
}

int acpi_isa_override(unsigned isa_irq, struct irq_route *r)
{
    seL4_Word gsi = isa_irq;
    if (!found_madt && isa_irq == 0) {
        gsi = 2; /* the PIT: wired to IOAPIC input 2 on every PC chipset */
    }
    for (unsigned i = 0; i < overrides.n; i++) {
        if (overrides.o[i].source != isa_irq) {
            continue;
        }
        uint16_t f = overrides.o[i].flags;
        gsi = overrides.o[i].gsi;
        if ((f & POLARITY_MASK) == POLARITY_HIGH || (f & POLARITY_MASK) == POLARITY_LOW) {
            r->polarity = (f & POLARITY_MASK) == POLARITY_LOW;
        }
        f >>= TRIGGER_SHIFT;
        if ((f & POLARITY_MASK) == TRIGGER_EDGE || (f & POLARITY_MASK) == TRIGGER_LEVEL) {
            r->level = (f & POLARITY_MASK) == TRIGGER_LEVEL;
        }
    }
    /* The IOAPIC whose range starts closest below the GSI takes it. */
    r->ioapic = 0;
    r->pin = gsi;
    for (unsigned i = 0; i < ioapics.n; i++) {
        if (ioapics.gsi_base[i] <= gsi && gsi - ioapics.gsi_base[i] <= r->pin) {
            r->ioapic = i;
            r->pin = gsi - ioapics.gsi_base[i];
        }
    }
    return 0;
}
