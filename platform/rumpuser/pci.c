/*
 * The rumpcomp_pci_* hypercalls of a rump kernel's PCI component, on the platform's PCI,
 * interrupt and DMA services. The rump kernel sees exactly the devices the system
 * description granted: configuration reads of any other bus/device/function return
 * all-ones, as for an empty slot, and writes to them are dropped.
 */
#include "hyp.h"

#define MAX_INTR_COOKIES 32

/* pci_intr_map() cookies, each naming the uk_init.irqs[] entry of a granted device. */
static struct {
    unsigned cookie;
    unsigned irq;
} intr_map[MAX_INTR_COOKIES];
static unsigned n_intr_map;

struct intr_handler {
    int (*fn)(void *);
    void *arg;
};

int rumpcomp_pci_confread(unsigned bus, unsigned dev, unsigned fun, int reg, unsigned int *value)
{
    int index = pf_pci_lookup(bus, dev, fun);
    if (index < 0) {
        *value = 0xffffffffu;
        return ENODEV;
    }
    uint32_t v;
    int err = pf_pci_conf_read((unsigned)index, (unsigned)reg, 4, &v);
    *value = v;
    return err;
}

int rumpcomp_pci_confwrite(unsigned bus, unsigned dev, unsigned fun, int reg, unsigned int value)
{
    int index = pf_pci_lookup(bus, dev, fun);
    if (index < 0) {
        return ENODEV;
    }
    return pf_pci_conf_write((unsigned)index, (unsigned)reg, 4, value);
}

void *rumpcomp_pci_map(unsigned long addr, unsigned long len)
{
    void *va = pf_pci_map(addr, len);
    if (!va && pfru_verbose) {
        printf("rumpuser: PCI memory 0x%lx+0x%lx is not mapped for this unikernel\n", addr, len);
    }
    return va;
}

/* The interrupt line from configuration space is ignored: the root task says which IRQ. */
int rumpcomp_pci_irq_map(unsigned bus, unsigned dev, unsigned fun, int intrline, unsigned cookie)
{
    (void)intrline;
    int index = pf_pci_lookup(bus, dev, fun);
    if (index < 0) {
        return ENODEV;
    }
    seL4_Word irq = pf_init()->pci[index].irq_index;
    if (irq >= pf_init()->n_irqs || n_intr_map == MAX_INTR_COOKIES) {
        return ENXIO;
    }
    intr_map[n_intr_map].cookie = cookie;
    intr_map[n_intr_map].irq = (unsigned)irq;
    n_intr_map++;
    return 0;
}

/*
 * Runs in the platform's interrupt dispatch thread. Driver handlers need a rump kernel
 * context: the first time, this thread gets an lwp of its own (otherwise the rump kernel
 * would make and free a temporary one on every interrupt); every time, it takes the
 * virtual CPU around the handler.
 */
static int run_handler(void *arg)
{
    static __thread bool has_lwp;
    struct intr_handler *h = arg;
    pfru_hyp.hyp_schedule();
    if (!has_lwp) {
        pfru_hyp.hyp_lwproc_newlwp(0);
        has_lwp = true;
    }
    int claimed = h->fn(h->arg);
    pfru_hyp.hyp_unschedule();
    return claimed;
}

void *rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *), void *arg)
{
    for (unsigned i = 0; i < n_intr_map; i++) {
        if (intr_map[i].cookie != cookie) {
            continue;
        }
        struct intr_handler *h = pf_malloc(sizeof(*h), 0);
        if (!h) {
            return 0;
        }
        h->fn = handler;
        h->arg = arg;
        if (pf_irq_register(intr_map[i].irq, run_handler, h) != 0) {
            pf_free(h);
            return 0;
        }
        return h;
    }
    return 0;
}

int rumpcomp_pci_dmalloc(size_t size, size_t align, unsigned long *pap, unsigned long *vap)
{
    uintptr_t pa;
    void *va = pf_dma_alloc(size, align, &pa);
    if (!va) {
        return ENOMEM;
    }
    *pap = pa;
    *vap = (unsigned long)va;
    return 0;
}

void rumpcomp_pci_dmafree(unsigned long vacookie, size_t size)
{
    (void)size;
    pf_dma_free((void *)vacookie);
}

/*
 * Segments from rumpcomp_pci_dmalloc are already mapped. Several segments can be given one
 * address only if they happen to be virtually adjacent; remapping is not supported.
 */
int rumpcomp_pci_dmamem_map(struct rumpcomp_pci_dmaseg *segs, size_t nseg, size_t totlen,
                            void **vap)
{
    (void)totlen;
    if (nseg == 0) {
        return EINVAL;
    }
    for (size_t i = 1; i < nseg; i++) {
        if (segs[i].ds_vacookie != segs[i - 1].ds_vacookie + segs[i - 1].ds_len) {
            return EOPNOTSUPP;
        }
    }
    *vap = (void *)segs[0].ds_vacookie;
    return 0;
}

unsigned long rumpcomp_pci_virt_to_mach(void *va)
{
    return pf_virt_to_phys(va);
}

/*
 * Port I/O: when this succeeds the PCI component lets drivers map I/O BARs and execute
 * IN/OUT on them directly. Those instructions fault on seL4, so they only work with the
 * platform's emulator running (it performs them with the granted IOPort capabilities).
 * Without granted ports no device of this unikernel has an I/O BAR and there is nothing
 * to emulate: that is success, not the "I/O space init error" NetBSD would report (and
 * count as a hardware detection error) on every boot of a rump kernel without devices.
 */
int rumpcomp_pci_iospace_init(void)
{
    if (pf_init()->n_ioports == 0) {
        return 0;
    }
    int error = pf_ioport_emulation();
    if (error && pfru_verbose) {
        printf("rumpuser: no port I/O for PCI devices (error %d)\n", error);
    }
    return error;
}
