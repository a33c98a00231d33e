/*
 * CNode invocations: copying, minting, moving, mutating and rotating caps between slots,
 * deleting and revoking, cancelling badged sends and saving the reply cap.
 */
#include <kernel.h>

static exception_t missing_source(word_t depth, bool is_source)
{
    current_lookup_fault.type = seL4_MissingCapability;
    current_lookup_fault.bits_left = depth;
    return error_failed_lookup(is_source,
                               is_source ? "the source slot is empty" : "the pivot slot is empty");
}

static bool has_cancel_send_rights(cap_t cap)
{
    return cap_get_type(cap) == cap_endpoint && cap.endpoint.can_send && cap.endpoint.can_receive &&
           cap.endpoint.can_grant && cap.endpoint.can_grant_reply;
}

/* Copy, Mint, Move and Mutate: a source slot into an empty destination slot. */
static exception_t decode_copy_family(word_t label, word_t length, cte_t *dest, word_t *buffer)
{
    tcb_t *t = current_thread;
    if (length < 4 || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage,
                            "needs index, depth, source index and depth, and the source CNode");
    }
    word_t src_index = get_mr(t, buffer, 2);
    word_t src_depth = get_mr(t, buffer, 3);
    cap_t src_root = current_extra_caps.slots[0]->cap;
    if (ensure_empty_slot(dest) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    lookup_result_t r = lookup_slot_for_cnode_op(true, src_root, src_index, src_depth);
    if (r.status != EXCEPTION_NONE) {
        return r.status;
    }
    cte_t *src = r.slot;
    if (cap_is_null(src->cap)) {
        return missing_source(src_depth, true);
    }

    cap_t new_cap;
    bool is_move = false;
    switch (label) {
    case seL4_CNodeCopy:
    case seL4_CNodeMint: {
        if (length < (label == seL4_CNodeCopy ? 5u : 6u)) {
            return error_simple(seL4_TruncatedMessage, label == seL4_CNodeCopy
                                                           ? "Copy needs the rights"
                                                           : "Mint needs the rights and badge");
        }
        seL4_CapRights_t rights = {{get_mr(t, buffer, 4)}};
        cap_t masked = cap_mask_rights(src->cap, rights);
        if (label == seL4_CNodeMint) {
            masked = update_cap_data(false, get_mr(t, buffer, 5), masked);
        }
        derive_result_t d = derive_cap(src, masked);
        if (d.status != EXCEPTION_NONE) {
            return d.status;
        }
        new_cap = d.cap;
        break;
    }
    case seL4_CNodeMove:
        new_cap = src->cap;
        is_move = true;
        break;
    default: /* Mutate */
        if (length < 5) {
            return error_simple(seL4_TruncatedMessage, "Mutate needs the new cap data");
        }
        new_cap = update_cap_data(true, get_mr(t, buffer, 4), src->cap);
        is_move = true;
        break;
    }
    if (cap_is_null(new_cap)) {
        return error_illegal_operation("the cap data is not valid for this cap (badge or guard)");
    }
    thread_set_state(t, ThreadState_Restart);
    if (is_move) {
        cte_move(new_cap, src, dest);
    } else {
        cte_insert(new_cap, src, dest);
    }
    return EXCEPTION_NONE;
}

/* Rotate: src -> dest and pivot -> src in one step (dest may be src: a swap). */
static exception_t decode_rotate(word_t length, cte_t *dest, word_t *buffer)
{
    tcb_t *t = current_thread;
    if (length < 8 || current_extra_caps.count < 2) {
        return error_simple(seL4_TruncatedMessage,
                            "Rotate needs 8 words and the pivot and source CNodes");
    }
    word_t pivot_data = get_mr(t, buffer, 2);
    word_t pivot_index = get_mr(t, buffer, 3);
    word_t pivot_depth = get_mr(t, buffer, 4);
    word_t src_data = get_mr(t, buffer, 5);
    word_t src_index = get_mr(t, buffer, 6);
    word_t src_depth = get_mr(t, buffer, 7);
    cap_t pivot_root = current_extra_caps.slots[0]->cap;
    cap_t src_root = current_extra_caps.slots[1]->cap;

    lookup_result_t r = lookup_slot_for_cnode_op(true, src_root, src_index, src_depth);
    if (r.status != EXCEPTION_NONE) {
        return r.status;
    }
    cte_t *src = r.slot;
    r = lookup_slot_for_cnode_op(true, pivot_root, pivot_index, pivot_depth);
    if (r.status != EXCEPTION_NONE) {
        return r.status;
    }
    cte_t *pivot = r.slot;
    if (pivot == src || pivot == dest) {
        return error_illegal_operation("the pivot slot is the source or the destination");
    }
    if (src != dest && ensure_empty_slot(dest) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    if (cap_is_null(src->cap)) {
        return missing_source(src_depth, true);
    }
    if (cap_is_null(pivot->cap)) {
        return missing_source(pivot_depth, false);
    }
    cap_t new_src = update_cap_data(true, src_data, src->cap);
    cap_t new_pivot = update_cap_data(true, pivot_data, pivot->cap);
    if (cap_is_null(new_src) || cap_is_null(new_pivot)) {
        return error_illegal_operation("the cap data is not valid for this cap (badge or guard)");
    }
    thread_set_state(t, ThreadState_Restart);
    if (src == dest) {
        cte_swap(new_src, src, new_pivot, pivot);
    } else {
        cte_move(new_pivot, pivot, dest);
        cte_move(new_src, src, pivot);
    }
    return EXCEPTION_NONE;
}

static void save_caller(cte_t *dest)
{
    cte_t *caller = tcb_slot(current_thread, TCB_CALLER);
    if (cap_get_type(caller->cap) == cap_reply && !caller->cap.reply.master) {
        cte_move(caller->cap, caller, dest);
    }
}

exception_t decode_cnode_invocation(word_t label, word_t length, cap_t cap, word_t *buffer)
{
    tcb_t *t = current_thread;
    if (label < seL4_CNodeRevoke || label > seL4_CNodeSaveCaller) {
        return error_illegal_operation("not a CNode invocation");
    }
    if (length < 2) {
        return error_simple(seL4_TruncatedMessage, "needs the slot's index and depth");
    }
    lookup_result_t r =
        lookup_slot_for_cnode_op(false, cap, get_mr(t, buffer, 0), get_mr(t, buffer, 1));
    if (r.status != EXCEPTION_NONE) {
        return r.status;
    }
    cte_t *dest = r.slot;

    switch (label) {
    case seL4_CNodeCopy:
    case seL4_CNodeMint:
    case seL4_CNodeMove:
    case seL4_CNodeMutate:
        return decode_copy_family(label, length, dest, buffer);
    case seL4_CNodeRevoke:
        thread_set_state(t, ThreadState_Restart);
        return cte_revoke(dest);
    case seL4_CNodeDelete:
        thread_set_state(t, ThreadState_Restart);
        return cte_delete(dest);
    case seL4_CNodeSaveCaller:
        if (ensure_empty_slot(dest) != EXCEPTION_NONE) {
            return EXCEPTION_SYSCALL_ERROR;
        }
        thread_set_state(t, ThreadState_Restart);
        save_caller(dest);
        return EXCEPTION_NONE;
    case seL4_CNodeCancelBadgedSends:
        if (!has_cancel_send_rights(dest->cap)) {
            return error_illegal_operation(
                "CancelBadgedSends needs an endpoint cap with all rights");
        }
        thread_set_state(t, ThreadState_Restart);
        if (dest->cap.endpoint.badge) {
            cancel_badged_sends(cap_endpoint_ptr(dest->cap), dest->cap.endpoint.badge);
        }
        return EXCEPTION_NONE;
    default: /* Rotate */
        return decode_rotate(length, dest, buffer);
    }
}
