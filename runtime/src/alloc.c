/*
 * Object and slot allocation for root tasks (see rt_alloc.h).
 */
#include <rt_alloc.h>
#include <rt_vspace.h>

void rt_alloc_init(struct rt_alloc *a, seL4_CPtr cnode, seL4_Word slot_first, seL4_Word slot_end)
{
    memset(a, 0, sizeof(*a));
    a->cnode = cnode;
    a->slot_first = slot_first;
    a->slot_next = slot_first;
    a->slot_end = slot_end;
}

int rt_alloc_add_untyped(struct rt_alloc *a, seL4_CPtr cap, seL4_Word paddr, unsigned size_bits,
                         int device)
{
    if (a->n_ut >= RT_ALLOC_MAX_UNTYPEDS) {
        return -1;
    }
    /* Insertion sort: smallest first, so small objects do not eat into large blocks. */
    unsigned i = a->n_ut++;
    while (i > 0 && a->ut[i - 1].size_bits > size_bits) {
        a->ut[i] = a->ut[i - 1];
        i--;
    }
    a->ut[i] = (struct rt_untyped){.cap = cap,
                                   .paddr = paddr,
                                   .next = 0,
                                   .size_bits = (uint8_t)size_bits,
                                   .device = device ? 1 : 0,
                                   .used = 0};
    return 0;
}

seL4_CPtr rt_alloc_slot(struct rt_alloc *a)
{
    if (a->slot_next >= a->slot_end) {
        return 0;
    }
    return a->slot_next++;
}

static seL4_Error alloc_from(struct rt_alloc *a, int device, seL4_Word type, seL4_Word size_bits,
                             seL4_CPtr *cap, seL4_Word *paddr)
{
    unsigned bits = (unsigned)seL4_ObjectSizeBits(type, size_bits);
    seL4_CPtr slot = rt_alloc_slot(a);
    if (!slot) {
        return seL4_RangeError;
    }
    seL4_Error err = seL4_NotEnoughMemory;
    for (unsigned i = 0; i < a->n_ut; i++) {
        struct rt_untyped *u = &a->ut[i];
        if (u->device != (device ? 1 : 0) || u->size_bits < bits) {
            continue;
        }
        /* Skip blocks that cannot fit by our estimate (same placement rule as upstream). */
        seL4_Word size = 1ul << bits;
        seL4_Word at = (u->paddr + u->next + size - 1) & ~(size - 1);
        if (at + size > u->paddr + (1ul << u->size_bits)) {
            continue;
        }
        err = seL4_Untyped_Retype(u->cap, type, size_bits, a->cnode, 0, 0, slot, 1);
        if (err == seL4_NoError) {
            u->used = 1;
            u->next = at + size - u->paddr;
            *cap = slot;
            if (paddr) {
                *paddr = at;
            }
            return seL4_NoError;
        }
        if (err != seL4_NotEnoughMemory) {
            break;
        }
        /* Our estimate was off: never try this block again before a reset. */
        u->used = 1;
        u->next = 1ul << u->size_bits;
    }
    /* Give the slot back if it is still the last one handed out. */
    if (a->slot_next == slot + 1) {
        a->slot_next = slot;
    }
    return err;
}

seL4_Error rt_alloc_object(struct rt_alloc *a, seL4_Word type, seL4_Word size_bits, seL4_CPtr *cap)
{
    return alloc_from(a, 0, type, size_bits, cap, 0);
}

seL4_Error rt_alloc_object_paddr(struct rt_alloc *a, seL4_Word type, seL4_Word size_bits,
                                 seL4_CPtr *cap, seL4_Word *paddr)
{
    return alloc_from(a, 0, type, size_bits, cap, paddr);
}

seL4_Error rt_alloc_device_object(struct rt_alloc *a, seL4_Word type, seL4_Word size_bits,
                                  seL4_CPtr *cap, seL4_Word *paddr)
{
    return alloc_from(a, 1, type, size_bits, cap, paddr);
}

void rt_alloc_reset(struct rt_alloc *a)
{
    for (unsigned i = 0; i < a->n_ut; i++) {
        struct rt_untyped *u = &a->ut[i];
        if (u->used) {
            seL4_CNode_Revoke(a->cnode, u->cap, seL4_WordBits);
            u->used = 0;
            u->next = 0;
        }
    }
    for (seL4_Word s = a->slot_first; s < a->slot_next; s++) {
        seL4_CNode_Delete(a->cnode, s, seL4_WordBits);
    }
    a->slot_next = a->slot_first;
}

static seL4_Error table_from(void *a, seL4_Word type, seL4_CPtr *cap)
{
    return rt_alloc_object(a, type, 0, cap);
}

seL4_Error rt_map_frame(struct rt_alloc *a, seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                        seL4_CapRights_t rights, seL4_Word attr)
{
    return rt_map_frame_with(vspace, frame, vaddr, rights, attr, table_from, a);
}
