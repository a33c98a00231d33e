/*
 * Capability address resolution: walking a guarded multi-level CSpace from a root CNode
 * cap, consuming guard and radix bits at each level.
 */
#include <kernel.h>

static exception_t lookup_fault(word_t type, word_t bits_left, word_t found, word_t bits_found)
{
    current_lookup_fault.type = type;
    current_lookup_fault.bits_left = bits_left;
    current_lookup_fault.depth_bits_found = found;
    current_lookup_fault.guard_bits_found = bits_found;
    return EXCEPTION_LOOKUP_FAULT;
}

lookup_result_t resolve_address_bits(cap_t node, word_t cptr, word_t n_bits)
{
    lookup_result_t r = {EXCEPTION_NONE, 0, n_bits};
    if (cap_get_type(node) != cap_cnode) {
        r.status = lookup_fault(seL4_InvalidRoot, 0, 0, 0);
        return r;
    }
    for (;;) {
        word_t radix = node.cnode.radix;
        word_t guard_size = node.cnode.guard_size;
        word_t level_bits = radix + guard_size;
        word_t cap_guard = node.cnode.guard;
        /* Shift counts of 64 (a guard using the whole word) are reduced to 0 like upstream. */
        word_t guard = (cptr >> ((n_bits - guard_size) & 63)) & MASK(guard_size);
        if (guard_size > n_bits || guard != cap_guard) {
            r.status = lookup_fault(seL4_GuardMismatch, n_bits, cap_guard, guard_size);
            return r;
        }
        if (level_bits > n_bits) {
            r.status = lookup_fault(seL4_DepthMismatch, n_bits, level_bits, 0);
            return r;
        }
        word_t offset = (cptr >> (n_bits - level_bits)) & MASK(radix);
        cte_t *slot = (cte_t *)cap_cnode_ptr(node) + offset;
        if (n_bits <= level_bits) {
            r.slot = slot;
            r.bits_remaining = 0;
            return r;
        }
        n_bits -= level_bits;
        if (cap_get_type(slot->cap) != cap_cnode) {
            r.slot = slot;
            r.bits_remaining = n_bits;
            return r;
        }
        node = slot->cap;
    }
}

lookup_result_t lookup_slot(tcb_t *t, word_t cptr)
{
    return resolve_address_bits(tcb_slot(t, TCB_CTABLE)->cap, cptr, seL4_WordBits);
}

lookup_result_t lookup_slot_for_cnode_op(bool is_source, cap_t root, word_t index, word_t depth)
{
    lookup_result_t r = {EXCEPTION_NONE, 0, 0};
    if (cap_get_type(root) != cap_cnode) {
        lookup_fault(seL4_InvalidRoot, 0, 0, 0);
        r.status = error_failed_lookup(is_source, "the CNode argument is not a CNode cap");
        return r;
    }
    if (depth < 1 || depth > seL4_WordBits) {
        r.status = error_range(1, seL4_WordBits, "the depth must be 1..64 bits");
        return r;
    }
    r = resolve_address_bits(root, index, depth);
    if (r.status != EXCEPTION_NONE) {
        r.status = error_failed_lookup(is_source, "the slot's address does not resolve");
        return r;
    }
    if (r.bits_remaining != 0) {
        lookup_fault(seL4_DepthMismatch, r.bits_remaining, 0, 0);
        r.status =
            error_failed_lookup(is_source, "the path reaches a slot before using all its depth");
        return r;
    }
    return r;
}

cte_t *lookup_receive_slot(tcb_t *t)
{
    word_t *buffer = lookup_ipc_buffer(t, true);
    if (!buffer) {
        return 0;
    }
    const seL4_IPCBuffer *ipc = (const seL4_IPCBuffer *)buffer;
    lookup_result_t root = lookup_slot(t, ipc->receiveCNode);
    if (root.status != EXCEPTION_NONE) {
        return 0;
    }
    lookup_result_t dest =
        lookup_slot_for_cnode_op(false, root.slot->cap, ipc->receiveIndex, ipc->receiveDepth);
    if (dest.status != EXCEPTION_NONE || !cap_is_null(dest.slot->cap)) {
        return 0;
    }
    return dest.slot;
}
