/*
 * PCI: the devices granted in uk_init.pci[]. Configuration space goes through the root
 * task (it owns ports 0xCF8/0xCFC, so two unikernels cannot interleave an address write
 * and a data access); memory BARs were mapped by the root task before we started.
 */
#include "internal.h"

int pf_pci_lookup(unsigned bus, unsigned dev, unsigned fn)
{
    for (seL4_Word i = 0; i < pf_uk->n_pci && i < UK_MAX_PCI; i++) {
        const struct uk_pci_device *d = &pf_uk->pci[i];
        if (d->bus == bus && d->dev == dev && d->fn == fn) {
            return (int)i;
        }
    }
    return -1;
}

static bool valid_access(unsigned index, unsigned offset, unsigned width)
{
    return index < pf_uk->n_pci && (width == 1 || width == 2 || width == 4) &&
           offset % width == 0 && offset + width <= 4096;
}

int pf_pci_conf_read(unsigned index, unsigned offset, unsigned width, uint32_t *value)
{
    *value = 0xffffffffu >> (32 - 8 * (width <= 4 ? width : 4));
    if (!valid_access(index, offset, width)) {
        return EINVAL;
    }
    seL4_Word in[3] = {index, offset, width}, out;
    seL4_Word err = pf_svc_call(UK_SVC_PCI_CONF_READ, in, 3, &out, 1);
    if (err) {
        return (int)err;
    }
    *value = (uint32_t)out;
    return 0;
}

int pf_pci_conf_write(unsigned index, unsigned offset, unsigned width, uint32_t value)
{
    if (!valid_access(index, offset, width)) {
        return EINVAL;
    }
    seL4_Word in[4] = {index, offset, width, value};
    return (int)pf_svc_call(UK_SVC_PCI_CONF_WRITE, in, 4, 0, 0);
}

void *pf_pci_map(uintptr_t paddr, size_t size)
{
    for (seL4_Word i = 0; i < pf_uk->n_pci && i < UK_MAX_PCI; i++) {
        for (unsigned b = 0; b < UK_PCI_BARS; b++) {
            const struct uk_pci_bar *bar = &pf_uk->pci[i].bars[b];
            if (bar->is_io || !bar->vaddr || !bar->size) {
                continue;
            }
            if (paddr >= bar->base && paddr - bar->base < bar->size &&
                size <= bar->size - (paddr - bar->base)) {
                return (void *)(bar->vaddr + (paddr - bar->base));
            }
        }
    }
    /* Not a BAR: perhaps another granted device frame. */
    for (seL4_Word i = 0; i < pf_uk->n_device_frames; i++) {
        const struct uk_device_frame *f = &pf_uk->device_frames[i];
        if (paddr >= f->paddr && paddr - f->paddr < PF_PAGE_SIZE &&
            size <= PF_PAGE_SIZE - (paddr - f->paddr)) {
            return (void *)(f->vaddr + (paddr - f->paddr));
        }
    }
    return 0;
}
