/*
 * PCI hypercalls against the devices QEMU was started with (a virtio-net and an e1000 NIC,
 * both granted to this unikernel by its system description): enumeration, BAR mapping,
 * a real interrupt from the e1000, and DMA memory.
 */
#include "suite.h"
#include "tests.h"

#define E1000_ICR 0x00c0 /* interrupt cause, read to clear */
#define E1000_ICS 0x00c8 /* interrupt cause set */
#define E1000_IMS 0x00d0 /* interrupt mask set */
#define E1000_IMC 0x00d8 /* interrupt mask clear */
#define E1000_LSC 0x4    /* link status change */

struct found {
    unsigned bus, dev, fn;
    bool present;
};

/* Scans bus 0 the way the rump kernel's PCI bus code does. */
static struct found find_device(uint16_t vendor, uint16_t device, unsigned *visible)
{
    struct found f = {0};
    *visible = 0;
    for (unsigned dev = 0; dev < 32; dev++) {
        for (unsigned fn = 0; fn < 8; fn++) {
            unsigned int id = 0;
            rumpcomp_pci_confread(0, dev, fn, 0, &id);
            if ((id & 0xffff) == 0xffff) {
                continue;
            }
            (*visible)++;
            if ((id & 0xffff) == vendor && id >> 16 == device && !f.present) {
                f = (struct found){0, dev, fn, true};
            }
        }
    }
    return f;
}

void test_pci_enumerate(struct tc *tc)
{
    unsigned visible;
    struct found virtio = find_device(0x1af4, 0x1000, &visible);
    struct found e1000 = find_device(0x8086, 0x100e, &visible);
    CHECK(tc, virtio.present, "virtio-net 1af4:1000 not found");
    CHECK(tc, e1000.present, "e1000 8086:100e not found");
    /* Only what the system description granted is visible (the host bridge is not). */
    CHECK_EQ(tc, visible, pf_init()->n_pci);
    unsigned int class_rev = 0;
    rumpcomp_pci_confread(e1000.bus, e1000.dev, e1000.fn, 8, &class_rev);
    CHECK_EQ(tc, class_rev >> 24, 0x02); /* network controller */
    unsigned int none = 0;
    CHECK(tc, rumpcomp_pci_confread(0, 0, 0, 0, &none) != 0 && none == 0xffffffffu,
          "the host bridge (not granted) is visible: 0x%x", none);
    CHECK(tc, rumpcomp_pci_confwrite(0, 0, 0, 4, 0) != 0, "write to an ungranted device accepted");
}

void test_pci_map_bars(struct tc *tc)
{
    const struct uk_init *init = pf_init();
    unsigned mapped = 0;
    for (seL4_Word i = 0; i < init->n_pci; i++) {
        const struct uk_pci_device *d = &init->pci[i];
        for (unsigned b = 0; b < UK_PCI_BARS; b++) {
            const struct uk_pci_bar *bar = &d->bars[b];
            if (bar->is_io || !bar->size || !bar->vaddr) {
                continue;
            }
            void *va = rumpcomp_pci_map(bar->base, bar->size);
            CHECK(tc, va == (void *)bar->vaddr, "%04x:%04x BAR%u 0x%lx: mapped at %p, not 0x%lx",
                  d->vendor, d->device, b, bar->base, va, bar->vaddr);
            CHECK(tc, rumpcomp_pci_virt_to_mach((char *)va + 16) == bar->base + 16,
                  "virt_to_mach of a BAR address");
            mapped++;
        }
    }
    CHECK(tc, mapped >= 2, "only %u memory BARs mapped", mapped);
    CHECK(tc, rumpcomp_pci_map(0x1000, 16) == 0, "unrelated physical memory was mapped");
}

static uint32_t in32(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "d"(port));
    return v;
}

static uint16_t in16(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "d"(port));
    return v;
}

static uint8_t in8(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "d"(port));
    return v;
}

static void out16(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "d"(port));
}

static void out8(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "d"(port));
}

/*
 * IN/OUT instructions on a granted I/O BAR (the virtio NIC's legacy registers), as a rump
 * kernel's bus_space code executes them once rumpcomp_pci_iospace_init() succeeded.
 */
void test_pci_port_io(struct tc *tc)
{
    const struct uk_init *init = pf_init();
    uint16_t base = 0;
    for (seL4_Word i = 0; i < init->n_pci && !base; i++) {
        if (init->pci[i].vendor == 0x1af4 && init->pci[i].bars[0].is_io) {
            base = (uint16_t)init->pci[i].bars[0].base;
        }
    }
    CHECK(tc, base != 0, "the virtio NIC has no I/O BAR");
    CHECK_EQ(tc, rumpcomp_pci_iospace_init(), 0);
    if (!base || tc->failed) {
        return;
    }
    uint32_t features = 0;
    CHECK_EQ(tc, pf_ioport_in(base, 4, &features), 0);
    CHECK(tc, in32(base) == features, "inl gave 0x%x, the IOPort capability 0x%x", in32(base),
          features);
    /* Queue select (16 bits) and device status (8 bits) read back what was written. */
    out16((uint16_t)(base + 14), 1);
    CHECK_EQ(tc, in16((uint16_t)(base + 14)), 1);
    out8((uint16_t)(base + 18), 1); /* ACKNOWLEDGE */
    CHECK_EQ(tc, in8((uint16_t)(base + 18)), 1);
    out8((uint16_t)(base + 18), 0); /* reset */
    CHECK_EQ(tc, in8((uint16_t)(base + 18)), 0);
    /* The upper bits of RAX survive an 8-bit IN. */
    uint64_t rax = 0x1122334455667700ull;
    __asm__ volatile("inb %1, %%al" : "+a"(rax) : "d"((uint16_t)(base + 18)));
    CHECK(tc, rax == 0x1122334455667700ull, "RAX after inb: 0x%lx", (unsigned long)rax);
    CHECK_EQ(tc, pf_ioport_in(0x80, 1, &features), EPERM); /* not granted */
}

struct e1000_intr {
    volatile uint32_t *regs;
    int calls;
    uint32_t causes;
    bool had_cpu, had_lwp;
};

static int e1000_handler(void *arg)
{
    struct e1000_intr *s = arg;
    uint32_t icr = s->regs[E1000_ICR / 4];
    s->calls++;
    s->causes |= icr;
    s->had_cpu = hyp_cpu_held();
    s->had_lwp = rumpuser_curlwp() != 0;
    return icr != 0;
}

static bool wait_calls(struct e1000_intr *s, int calls)
{
    for (int i = 0; i < 300 && s->calls < calls; i++) {
        rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 10 * 1000 * 1000);
    }
    return s->calls >= calls;
}

void test_pci_interrupt(struct tc *tc)
{
    unsigned visible;
    struct found e = find_device(0x8086, 0x100e, &visible);
    if (!e.present) {
        CHECK(tc, false, "no e1000 to interrupt");
        return;
    }
    unsigned int bar0 = 0, csr = 0, line = 0;
    rumpcomp_pci_confread(e.bus, e.dev, e.fn, 0x10, &bar0);
    rumpcomp_pci_confread(e.bus, e.dev, e.fn, 0x04, &csr);
    rumpcomp_pci_confread(e.bus, e.dev, e.fn, 0x3c, &line);
    /* Memory decoding and bus mastering on, INTx not disabled. */
    rumpcomp_pci_confwrite(e.bus, e.dev, e.fn, 0x04, ((csr & 0xffff) | 0x6) & ~0x400u);
    struct e1000_intr s = {.regs = rumpcomp_pci_map(bar0 & ~0xfu, 0x20000)};
    CHECK(tc, s.regs != 0, "e1000 registers not mapped");
    if (!s.regs) {
        return;
    }
    CHECK_EQ(tc, rumpcomp_pci_irq_map(e.bus, e.dev, e.fn, (int)(line & 0xff), 77), 0);
    CHECK(tc, rumpcomp_pci_irq_establish(77, e1000_handler, &s) != 0, "irq_establish failed");
    CHECK(tc, rumpcomp_pci_irq_establish(78, e1000_handler, &s) == 0, "unknown cookie accepted");
    s.regs[E1000_IMC / 4] = 0xffffffffu;
    (void)s.regs[E1000_ICR / 4];
    s.regs[E1000_IMS / 4] = E1000_LSC;
    for (int round = 1; round <= 3; round++) {
        s.regs[E1000_ICS / 4] = E1000_LSC;
        CHECK(tc, wait_calls(&s, round), "interrupt %d not delivered within 3 s", round);
    }
    s.regs[E1000_IMC / 4] = 0xffffffffu;
    CHECK(tc, s.causes & E1000_LSC, "handler did not see the cause it raised (0x%x)", s.causes);
    CHECK(tc, s.had_cpu, "handler ran without the virtual CPU");
    CHECK(tc, s.had_lwp, "handler ran without an lwp");
    unsigned irq = (unsigned)pf_init()->pci[pf_pci_lookup(e.bus, e.dev, e.fn)].irq_index;
    CHECK(tc, pf_irq_count(irq) >= 3, "IRQ %u delivered %lu times", irq,
          (unsigned long)pf_irq_count(irq));
}

void test_dma_memory(struct tc *tc)
{
    static const size_t sizes[] = {4096, 12288, 65536, 1 << 20, 3 << 20};
    static const size_t aligns[] = {4096, 65536, 2 << 20};
    for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
        for (unsigned a = 0; a < ARRAY_SIZE(aligns); a++) {
            unsigned long pa = 0, va = 0;
            int err = rumpcomp_pci_dmalloc(sizes[i], aligns[a], &pa, &va);
            CHECK(tc, err == 0, "dmalloc(%lu, %lu): %d", sizes[i], aligns[a], err);
            if (err) {
                continue;
            }
            CHECK(tc, (pa & (aligns[a] - 1)) == 0, "physical 0x%lx not aligned to 0x%lx", pa,
                  aligns[a]);
            for (size_t off = 0; off < sizes[i]; off += PF_PAGE_SIZE) {
                unsigned long m = rumpcomp_pci_virt_to_mach((void *)(va + off));
                CHECK(tc, m == pa + off, "%lu-byte DMA block not contiguous at +0x%lx", sizes[i],
                      off);
                if (m != pa + off) {
                    break;
                }
            }
            memset((void *)va, 0xa5, sizes[i]);
            struct rumpcomp_pci_dmaseg seg = {pa, sizes[i], va};
            void *mapped = 0;
            CHECK_EQ(tc, rumpcomp_pci_dmamem_map(&seg, 1, sizes[i], &mapped), 0);
            CHECK(tc, mapped == (void *)va, "dmamem_map moved the segment");
            rumpcomp_pci_dmafree(va, sizes[i]);
        }
    }
    /* Two separate allocations cannot be mapped as one unless they are adjacent. */
    unsigned long pa1, va1, pa2, va2;
    rumpcomp_pci_dmalloc(4096, 4096, &pa1, &va1);
    rumpcomp_pci_dmalloc(4096, 1 << 20, &pa2, &va2);
    struct rumpcomp_pci_dmaseg segs[2] = {{pa1, 4096, va1}, {pa2, 4096, va2}};
    void *mapped;
    int err = rumpcomp_pci_dmamem_map(segs, 2, 8192, &mapped);
    CHECK(tc, err == (va2 == va1 + 4096 ? 0 : EOPNOTSUPP), "two-segment map: %d", err);
    rumpcomp_pci_dmafree(va1, 4096);
    rumpcomp_pci_dmafree(va2, 4096);
}

void test_virt_to_mach(struct tc *tc)
{
    void *p = 0;
    CHECK_EQ(tc, rumpuser_malloc(100000, 0, &p), 0);
    for (size_t off = 0; off < 100000; off += 4096) {
        uintptr_t va = (uintptr_t)p + off;
        unsigned long m = rumpcomp_pci_virt_to_mach((void *)va);
        CHECK(tc, m != 0 && (m & 0xfff) == (va & 0xfff), "virt_to_mach(0x%lx) = 0x%lx", va, m);
    }
    rumpuser_free(p, 100000);
    CHECK(tc, rumpcomp_pci_virt_to_mach((void *)0x10) == 0, "address 0x10 has a machine address");
}
