/*
 * The root task's CSpace. Upstream gives the root task one CNode of 2^12 slots, most of
 * which hold bootinfo caps (untypeds, image frames), and a system of several unikernels
 * needs tens of thousands of caps (every frame of every image stays referenced by a cap).
 *
 * So at start-up the root task switches to a two-level CSpace:
 *   top CNode, 2^TOP_BITS slots, no guard: the top 4 bits of a cptr pick an entry;
 *   entry 0: the boot CNode (guard 48): cptrs below 2^12 mean what the bootinfo says;
 *   entry 1: a new CNode of 2^BIG_BITS slots (guard 44): cptrs BIG_BASE + i.
 * Nothing moves, so every bootinfo slot number (and the runtime's own slots) stays valid.
 */
#include "roottask.h"

#define TOP_BITS  4
#define BIG_BITS  16
#define BOOT_BITS 12
#define BIG_BASE  (1ul << (seL4_WordBits - TOP_BITS))

seL4_CPtr CSPACE_ROOT;      /* the top CNode's cap, in a boot CNode slot */
static seL4_CPtr big_cnode; /* the big CNode's cap (no guard), in a boot CNode slot */
static seL4_Word big_next = 1;

void cspace_init(const seL4_BootInfo *bi)
{
    /* The runtime keeps the last two empty slots for itself (exit, console). */
    if (bi->empty.end - bi->empty.start < 4) {
        fatal("no free slots in the boot CNode");
    }
    seL4_CPtr top = bi->empty.start, big = bi->empty.start + 1;
    if (alloc_object(seL4_CapTableObject, TOP_BITS, top) < 0 ||
        alloc_object(seL4_CapTableObject, BIG_BITS, big) < 0) {
        fatal("cannot allocate the root task's CNodes");
    }
    seL4_Error err = seL4_CNode_Mint(
        top, 0, TOP_BITS, seL4_CapInitThreadCNode, seL4_CapInitThreadCNode, seL4_WordBits,
        seL4_AllRights, seL4_CNode_CapData_new(0, seL4_WordBits - TOP_BITS - BOOT_BITS).words[0]);
    if (!err) {
        err = seL4_CNode_Mint(
            top, 1, TOP_BITS, seL4_CapInitThreadCNode, big, seL4_WordBits, seL4_AllRights,
            seL4_CNode_CapData_new(0, seL4_WordBits - TOP_BITS - BIG_BITS).words[0]);
    }
    if (!err) {
        err = seL4_TCB_SetSpace(seL4_CapInitThreadTCB, 0, top, 0, seL4_CapInitThreadVSpace, 0);
    }
    if (err) {
        fatal("cannot switch to the two-level CSpace (error %d)", err);
    }
    CSPACE_ROOT = top;
    big_cnode = big;
}

seL4_CPtr slot_alloc(void)
{
    if (big_next == (1ul << BIG_BITS)) {
        return 0;
    }
    return BIG_BASE + big_next++;
}

int slot_range_reserve(struct slot_range *r, seL4_Word count)
{
    if (count > (1ul << BIG_BITS) - big_next) {
        return -1;
    }
    r->base = BIG_BASE + big_next;
    r->count = count;
    r->used = 0;
    big_next += count;
    return 0;
}

seL4_CPtr slot_range_take(struct slot_range *r)
{
    return r->used < r->count ? r->base + r->used++ : 0;
}

seL4_Error cspace_retype(seL4_CPtr untyped, seL4_Word type, seL4_Word size_bits, seL4_CPtr dest,
                         seL4_Word count)
{
    /* Depth 0 names the root argument itself as the destination CNode. */
    if (dest >= BIG_BASE) {
        return seL4_Untyped_Retype(untyped, type, size_bits, big_cnode, 0, 0, dest - BIG_BASE,
                                   count);
    }
    return seL4_Untyped_Retype(untyped, type, size_bits, seL4_CapInitThreadCNode, 0, 0, dest,
                               count);
}

seL4_Error cspace_copy(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights)
{
    return seL4_CNode_Copy(CSPACE_ROOT, dest, seL4_WordBits, CSPACE_ROOT, src, seL4_WordBits,
                           rights);
}

seL4_Error cspace_mint(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    return seL4_CNode_Mint(CSPACE_ROOT, dest, seL4_WordBits, CSPACE_ROOT, src, seL4_WordBits,
                           rights, badge);
}

seL4_Error cspace_delete(seL4_CPtr slot)
{
    return seL4_CNode_Delete(CSPACE_ROOT, slot, seL4_WordBits);
}

seL4_Error cspace_revoke(seL4_CPtr slot)
{
    return seL4_CNode_Revoke(CSPACE_ROOT, slot, seL4_WordBits);
}
