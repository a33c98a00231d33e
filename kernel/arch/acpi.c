/*
 * Just enough ACPI: find the RSDP (kept for the root task's bootinfo) and read the MADT
 * for the IOAPICs. Tables are read through the physical memory window.
 */
#include <arch.h>
#include <printk.h>

struct PACKED rsdp {
    char signature[8];
    uint8_t checksum;
    char oem_id[6];
    uint8_t revision;
    uint32_t rsdt_address;
    uint32_t length;
    uint64_t xsdt_address;
    uint8_t extended_checksum;
    uint8_t reserved[3];
};

struct PACKED sdt_header {
    char signature[4];
    uint32_t length;
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
};

static struct rsdp rsdp_copy;
static bool have_rsdp;

static bool checksum_ok(const void *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += ((const uint8_t *)p)[i];
    }
    return sum == 0;
}

static const struct rsdp *find_rsdp(paddr_t start, paddr_t end)
{
    for (paddr_t p = start; p + 20 <= end; p += 16) {
        const struct rsdp *r = ptr_from_paddr(p);
        if (memcmp(r->signature, "RSD PTR ", 8) == 0 && checksum_ok(r, 20)) {
            return r;
        }
    }
    return 0;
}

static void parse_madt(const struct sdt_header *madt)
{
    const uint8_t *p = (const uint8_t *)madt + sizeof(*madt) + 8;
    const uint8_t *end = (const uint8_t *)madt + madt->length;
    while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
        if (p[0] == 1 && p[1] >= 12) { /* I/O APIC */
            uint32_t addr, gsi;
            memcpy(&addr, p + 4, 4);
            memcpy(&gsi, p + 8, 4);
            ioapic_add(addr, gsi);
        }
        p += p[1];
    }
}

bool acpi_init(void)
{
    const struct rsdp *r = find_rsdp(0xe0000, 0x100000);
    if (!r) {
        uint16_t ebda_segment = *(const uint16_t *)ptr_from_paddr(0x40e);
        paddr_t ebda = (paddr_t)ebda_segment << 4;
        r = ebda ? find_rsdp(ebda, ebda + 1024) : 0;
    }
    if (!r) {
        kprintf("ACPI: no RSDP found\n");
        return false;
    }
    memcpy(&rsdp_copy, r, r->revision >= 2 ? sizeof(rsdp_copy) : 20);
    have_rsdp = true;

    const struct sdt_header *rsdt = ptr_from_paddr(r->rsdt_address);
    if (memcmp(rsdt->signature, "RSDT", 4) != 0) {
        kprintf("ACPI: bad RSDT\n");
        return true;
    }
    unsigned entries = (rsdt->length - sizeof(*rsdt)) / 4;
    const uint32_t *table = (const uint32_t *)(rsdt + 1);
    for (unsigned i = 0; i < entries; i++) {
        uint32_t addr;
        memcpy(&addr, &table[i], 4);
        const struct sdt_header *h = ptr_from_paddr(addr);
        if (memcmp(h->signature, "APIC", 4) == 0) {
            parse_madt(h);
        }
    }
    return true;
}

const void *acpi_rsdp_copy(void)
{
    return have_rsdp ? &rsdp_copy : 0;
}
