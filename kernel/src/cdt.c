/*
 * The capability derivation tree.
 *
 * Every slot is linked into one list in preorder of the tree: a cap's descendants follow
 * it directly. Whether slot B (after A) is A's child is decided by is_mdb_parent_of():
 * A must be revocable, cover the same region, and, for badged endpoint/notification caps,
 * carry the same badge with B not being the first of a new badge. This makes Revoke exact
 * (delete following slots while they are children) and lets Delete tell whether a cap is
 * the last one to its object (is_final_capability: neighbours refer to the same object).
 *
 * Deleting the last cap to a CNode or TCB must empty the slots inside it, which can hold
 * the last caps to further CNodes, and so on, possibly in cycles. Instead of recursing,
 * the dying object's cap is replaced by a zombie that counts the slots still to empty;
 * deletion walks down the chain of zombies to the deepest slot that has work, does one
 * step, and starts again from the top. An object has only one zombie, so a chain can only
 * loop back to its top slot; that slot is skipped and emptied last.
 */
#include <kernel.h>
#include <printk.h>

static cte_t *mdb_prev(const cte_t *slot)
{
    return slot->mdb.prev;
}

static bool is_physical_cap(cap_t cap)
{
    switch (cap_get_type(cap)) {
    case cap_untyped:
    case cap_endpoint:
    case cap_notification:
    case cap_cnode:
    case cap_thread:
    case cap_zombie:
    case cap_frame:
    case cap_page_table:
    case cap_page_directory:
    case cap_pdpt:
    case cap_pml4:
    case cap_asid_pool:
        return true;
    default:
        return false;
    }
}

/* Physical address of the memory a physical cap covers. */
static paddr_t cap_region_base(cap_t cap)
{
    switch (cap_get_type(cap)) {
    case cap_untyped:
        return cap.untyped.paddr;
    case cap_frame:
        return cap.frame.paddr;
    default:
        return paddr_from_ptr(cap_object_ptr(cap));
    }
}

bool same_region_as(cap_t a, cap_t b)
{
    enum cap_type tb = cap_get_type(b);
    switch (cap_get_type(a)) {
    case cap_untyped: {
        if (!is_physical_cap(b)) {
            return false;
        }
        paddr_t a_base = cap_region_base(a), b_base = cap_region_base(b);
        paddr_t a_top = a_base + MASK(a.untyped.size_bits);
        paddr_t b_top = b_base + MASK(cap_object_size_bits(b));
        return a_base <= b_base && b_top <= a_top && b_base <= b_top;
    }
    case cap_frame: {
        if (tb != cap_frame) {
            return false;
        }
        paddr_t a_base = a.frame.paddr, b_base = b.frame.paddr;
        paddr_t a_top = a_base + MASK(cap_object_size_bits(a));
        paddr_t b_top = b_base + MASK(cap_object_size_bits(b));
        return a_base <= b_base && a_top >= b_top && b_base <= b_top;
    }
    case cap_endpoint:
    case cap_notification:
    case cap_thread:
    case cap_reply:
    case cap_page_table:
    case cap_page_directory:
    case cap_pdpt:
    case cap_pml4:
    case cap_asid_pool:
        return tb == cap_get_type(a) && cap_object_ptr(a) == cap_object_ptr(b);
    case cap_cnode:
        return tb == cap_cnode && cap_cnode_ptr(a) == cap_cnode_ptr(b) &&
               a.cnode.radix == b.cnode.radix;
    case cap_irq_control:
        return tb == cap_irq_control || tb == cap_irq_handler;
    case cap_irq_handler:
        return tb == cap_irq_handler && a.irq_handler.irq == b.irq_handler.irq;
    case cap_io_port_control:
        return tb == cap_io_port_control || tb == cap_io_port;
    case cap_io_port:
        return tb == cap_io_port && a.io_port.first == b.io_port.first &&
               a.io_port.last == b.io_port.last;
    case cap_domain:
    case cap_asid_control:
        return tb == cap_get_type(a);
    case cap_null:
    case cap_zombie:
        return false;
    }
    return false;
}

bool same_object_as(cap_t a, cap_t b)
{
    enum cap_type ta = cap_get_type(a), tb = cap_get_type(b);
    if (ta == cap_untyped) {
        return false;
    }
    if ((ta == cap_irq_control && tb == cap_irq_handler) ||
        (ta == cap_io_port_control && tb == cap_io_port)) {
        return false;
    }
    if (ta == cap_frame && tb == cap_frame) {
        return a.frame.paddr == b.frame.paddr && a.frame.size == b.frame.size &&
               a.frame.is_device == b.frame.is_device;
    }
    return same_region_as(a, b);
}

static word_t cap_badge(cap_t cap)
{
    return cap_get_type(cap) == cap_endpoint ? cap.endpoint.badge : cap.notification.badge;
}

bool is_mdb_parent_of(cte_t *parent, cte_t *child)
{
    if (!parent->mdb.revocable || !same_region_as(parent->cap, child->cap)) {
        return false;
    }
    switch (cap_get_type(parent->cap)) {
    case cap_endpoint:
    case cap_notification: {
        word_t badge = cap_badge(parent->cap);
        if (badge == 0) {
            return true;
        }
        return badge == cap_badge(child->cap) && !child->mdb.first_badged;
    }
    default:
        return true;
    }
}

static bool is_cap_revocable(cap_t derived, cap_t src)
{
    switch (cap_get_type(derived)) {
    case cap_endpoint:
    case cap_notification:
        return cap_badge(derived) != cap_badge(src);
    case cap_irq_handler:
        return cap_get_type(src) == cap_irq_control;
    case cap_io_port:
        return cap_get_type(src) == cap_io_port_control;
    case cap_untyped:
        return true;
    default:
        return false;
    }
}

bool slot_has_children(cte_t *slot)
{
    cte_t *next = mdb_next(slot);
    return next && is_mdb_parent_of(slot, next);
}

exception_t ensure_no_children(cte_t *slot)
{
    return slot_has_children(slot)
               ? error_simple(seL4_RevokeFirst, "the cap has children (revoke it first)")
               : EXCEPTION_NONE;
}

exception_t ensure_empty_slot(cte_t *slot)
{
    return cap_is_null(slot->cap) ? EXCEPTION_NONE
                                  : error_simple(seL4_DeleteFirst, "the target slot is not empty");
}

bool is_final_capability(cte_t *slot)
{
    cte_t *prev = mdb_prev(slot), *next = mdb_next(slot);
    if (prev && same_object_as(prev->cap, slot->cap)) {
        return false;
    }
    return !(next && same_object_as(slot->cap, next->cap));
}

void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest)
{
    kassert(cap_is_null(dest->cap));
    bool revocable = is_cap_revocable(new_cap, src->cap);
    /* Two caps to the same untyped must not both allocate: the original gives up its space. */
    if (cap_get_type(src->cap) == cap_untyped && cap_get_type(new_cap) == cap_untyped &&
        src->cap.untyped.paddr == new_cap.untyped.paddr &&
        src->cap.untyped.size_bits == new_cap.untyped.size_bits) {
        src->cap.untyped.free_index = BIT(src->cap.untyped.size_bits - seL4_MinUntypedBits);
    }
    dest->cap = new_cap;
    mdb_link_after(src, dest, revocable, revocable);
}

void cte_insert_new_object(cte_t *parent, cte_t *dest, cap_t cap)
{
    kassert(cap_is_null(dest->cap));
    dest->cap = cap;
    mdb_link_after(parent, dest, true, true);
}

void cte_move(cap_t new_cap, cte_t *src, cte_t *dest)
{
    kassert(cap_is_null(dest->cap));
    mdb_node_t mdb = src->mdb;
    dest->cap = new_cap;
    dest->mdb = mdb;
    src->cap = cap_null_new();
    memset(&src->mdb, 0, sizeof(src->mdb));
    if (mdb.prev) {
        mdb_set_next(mdb.prev, dest);
    }
    cte_t *next = (cte_t *)sign_extend48(mdb.next);
    if (next) {
        next->mdb.prev = dest;
    }
}

/* The order of the link updates matters when the two slots are neighbours. */
void cte_swap(cap_t cap1, cte_t *slot1, cap_t cap2, cte_t *slot2)
{
    slot1->cap = cap2;
    slot2->cap = cap1;
    mdb_node_t mdb1 = slot1->mdb;
    if (mdb1.prev) {
        mdb_set_next(mdb1.prev, slot2);
    }
    cte_t *next1 = (cte_t *)sign_extend48(mdb1.next);
    if (next1) {
        next1->mdb.prev = slot2;
    }
    mdb_node_t mdb2 = slot2->mdb;
    slot1->mdb = mdb2;
    slot2->mdb = mdb1;
    if (mdb2.prev) {
        mdb_set_next(mdb2.prev, slot1);
    }
    cte_t *next2 = (cte_t *)sign_extend48(mdb2.next);
    if (next2) {
        next2->mdb.prev = slot1;
    }
}

static void empty_slot(cte_t *slot, cap_t cleanup)
{
    if (cap_is_null(slot->cap)) {
        return;
    }
    mdb_unlink(slot);
    slot->cap = cap_null_new();
    post_cap_deletion(cleanup);
}

/*
 * One step of deleting the cap in `top`: walk down the zombie chain to the deepest slot
 * that still has work, and either empty one slot or turn one cap into a zombie.
 */
static void delete_step(cte_t *top)
{
    cte_t *cur = top;
    for (;;) {
        cap_t cap = cur->cap;
        if (cap_get_type(cap) == cap_zombie) {
            word_t remaining = cap.zombie.remaining;
            if (remaining == 0) {
                empty_slot(cur, cap_null_new());
                return;
            }
            cte_t *end = (cte_t *)cap.zombie.ptr + remaining - 1;
            /*
             * Skip empty slots, and the two slots a dying object may contain that must
             * stay until the end: the zombie's own slot, and `top` (objects that hold
             * each other's last caps form a cycle, which always runs through top).
             */
            if (end == cur || end == top || cap_is_null(end->cap)) {
                cur->cap.zombie.remaining = remaining - 1;
                return;
            }
            cur = end;
            continue;
        }
        finalise_result_t r = finalise_cap(cap, is_final_capability(cur));
        if (cap_is_null(r.remainder)) {
            empty_slot(cur, r.cleanup);
        } else {
            cur->cap = r.remainder;
        }
        return;
    }
}

exception_t cte_delete(cte_t *slot)
{
    while (!cap_is_null(slot->cap)) {
        delete_step(slot);
    }
    return EXCEPTION_NONE;
}

void cte_delete_one(cte_t *slot)
{
    if (cap_is_null(slot->cap)) {
        return;
    }
    if (cap_get_type(slot->cap) == cap_reply) {
        cte_delete_reply(slot);
        return;
    }
    finalise_result_t r = finalise_cap(slot->cap, is_final_capability(slot));
    kassert(cap_is_null(r.remainder));
    empty_slot(slot, r.cleanup);
}

exception_t cte_revoke(cte_t *slot)
{
    for (cte_t *next = mdb_next(slot); next && is_mdb_parent_of(slot, next);
         next = mdb_next(slot)) {
        cte_delete(next);
    }
    return EXCEPTION_NONE;
}

derive_result_t derive_cap(cte_t *slot, cap_t cap)
{
    derive_result_t r = {EXCEPTION_NONE, cap};
    switch (cap_get_type(cap)) {
    case cap_zombie:
    case cap_irq_control:
    case cap_reply:
    case cap_io_port_control:
        r.cap = cap_null_new();
        break;
    case cap_untyped:
        r.status = ensure_no_children(slot);
        if (r.status != EXCEPTION_NONE) {
            r.cap = cap_null_new();
        }
        break;
    case cap_page_table:
    case cap_page_directory:
    case cap_pdpt:
        if (!cap.table.is_mapped) {
            r.status = error_illegal_operation("deriving an unmapped paging structure's cap");
            r.cap = cap_null_new();
        }
        break;
    case cap_pml4:
        if (!cap.pml4.is_mapped) {
            r.status = error_illegal_operation("deriving a PML4 cap without an ASID");
            r.cap = cap_null_new();
        }
        break;
    case cap_frame:
        r.cap.frame.mapped_asid = 0;
        r.cap.frame.mapped_vpn = 0;
        break;
    default:
        break;
    }
    return r;
}

cap_t update_cap_data(bool preserve, word_t data, cap_t cap)
{
    switch (cap_get_type(cap)) {
    case cap_endpoint:
        if (!preserve && cap.endpoint.badge == 0) {
            cap.endpoint.badge = data;
            return cap;
        }
        return cap_null_new();
    case cap_notification:
        if (!preserve && cap.notification.badge == 0) {
            cap.notification.badge = data;
            return cap;
        }
        return cap_null_new();
    case cap_cnode: {
        seL4_Word guard_size = data & MASK(seL4_GuardSizeBits);
        if (guard_size + cap.cnode.radix > seL4_WordBits) {
            return cap_null_new();
        }
        cap.cnode.guard_size = guard_size;
        cap.cnode.guard = (data >> seL4_GuardSizeBits) & MASK(guard_size);
        return cap;
    }
    default:
        return cap;
    }
}
