/*
 * rt_alloc: kernel objects and CNode slots for a root task, carved from bootinfo untypeds.
 *
 * An allocator owns a set of untyped caps and a contiguous range of slots in one CNode
 * (normally the root CNode, addressed with depth 64). Objects are created by retyping one
 * object at a time straight out of an owned untyped, so the kernel does the placement
 * (aligned bump allocation from the untyped's watermark). rt_alloc_reset() returns
 * everything at once: it revokes every untyped it retyped from (destroying all objects and
 * every cap derived from them, wherever those caps live) and deletes whatever is still in
 * the slots it handed out. Several allocators can coexist if their untypeds and slot ranges
 * are disjoint, for example one that lives for the whole program and one that is reset
 * after each unit of work.
 *
 * rt_map_frame() maps a frame into a VSpace, creating (from the allocator) whichever paging
 * structures are missing on the way (rt_vspace.h).
 */
#pragma once

#include <runtime.h>

#define RT_ALLOC_MAX_UNTYPEDS seL4_MaxNumBootinfoUntypedCaps

struct rt_untyped {
    seL4_CPtr cap;
    seL4_Word paddr;
    seL4_Word next; /* estimated offset of the first free byte (0 after a reset) */
    uint8_t size_bits;
    uint8_t device;
    uint8_t used; /* retyped from since the last reset */
};

struct rt_alloc {
    seL4_CPtr cnode;      /* CNode that receives the new caps (slots are cptrs, depth 64) */
    seL4_Word slot_first; /* slots handed out: [slot_first, slot_next) */
    seL4_Word slot_next;
    seL4_Word slot_end;
    struct rt_untyped ut[RT_ALLOC_MAX_UNTYPEDS]; /* sorted by size, smallest first */
    unsigned n_ut;
};

void rt_alloc_init(struct rt_alloc *a, seL4_CPtr cnode, seL4_Word slot_first, seL4_Word slot_end);

/* Gives an untyped to the allocator. Returns 0, or -1 if the table is full. */
int rt_alloc_add_untyped(struct rt_alloc *a, seL4_CPtr cap, seL4_Word paddr, unsigned size_bits,
                         int device);

/* A fresh empty slot (a cptr in a->cnode), or 0 if the range is used up. */
seL4_CPtr rt_alloc_slot(struct rt_alloc *a);

/* Slots handed out so far and still free. */
static inline seL4_Word rt_alloc_slots_free(const struct rt_alloc *a)
{
    return a->slot_end - a->slot_next;
}

/*
 * Creates one object in a fresh slot: *cap receives its cptr. Tries the owned RAM untypeds
 * smallest first (device untypeds only if device != 0, and then only those). Returns the
 * kernel's error for the last attempt, or seL4_NotEnoughMemory if nothing fitted.
 */
seL4_Error rt_alloc_object(struct rt_alloc *a, seL4_Word type, seL4_Word size_bits, seL4_CPtr *cap);
/* As rt_alloc_object; *paddr receives the object's physical address by the kernel's
 * placement rule (the untyped's next free byte aligned up to the object's size). */
seL4_Error rt_alloc_object_paddr(struct rt_alloc *a, seL4_Word type, seL4_Word size_bits,
                                 seL4_CPtr *cap, seL4_Word *paddr);
seL4_Error rt_alloc_device_object(struct rt_alloc *a, seL4_Word type, seL4_Word size_bits,
                                  seL4_CPtr *cap, seL4_Word *paddr);

/* Revokes every untyped used since the last reset and empties every slot handed out. */
void rt_alloc_reset(struct rt_alloc *a);

/*
 * Maps `frame` at `vaddr` in `vspace` (a PML4). When the kernel reports a missing paging
 * structure, one is allocated from `a`, mapped, and the mapping retried. Returns the
 * kernel's error for the frame mapping (or for the structure that could not be made).
 */
seL4_Error rt_map_frame(struct rt_alloc *a, seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                        seL4_CapRights_t rights, seL4_Word attr);
