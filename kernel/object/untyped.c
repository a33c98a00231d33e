/*
 * Untyped memory: Retype carves new objects out of it. Objects are placed at the free
 * index rounded up to their own size; an untyped with no remaining children starts again
 * from its beginning (its earlier objects are all gone).
 */
#include <kernel.h>
#include <printk.h>
#include <untyped.h>

exception_t decode_untyped_invocation(word_t label, word_t length, cte_t *slot, cap_t cap,
                                      word_t *buffer)
{
    if (label != seL4_UntypedRetype) {
        return error_illegal_operation("not an untyped invocation");
    }
    if (length < 6 || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage,
                            "Retype needs 6 words (type, size, node index, depth, offset, "
                            "count) and the destination CNode");
    }
    tcb_t *t = current_thread;
    word_t type = get_mr(t, buffer, 0);
    word_t user_size = get_mr(t, buffer, 1);
    word_t node_index = get_mr(t, buffer, 2);
    word_t node_depth = get_mr(t, buffer, 3);
    word_t node_offset = get_mr(t, buffer, 4);
    word_t node_window = get_mr(t, buffer, 5);
    cte_t *root_slot = current_extra_caps.slots[0];

    if (type >= seL4_ObjectTypeCount) {
        return error_invalid_argument(0, "no such object type");
    }
    word_t object_bits = seL4_ObjectSizeBits(type, user_size);
    if (user_size >= seL4_WordBits || object_bits > seL4_MaxUntypedBits) {
        return error_range(0, seL4_MaxUntypedBits, "the object would be too large");
    }
    if (type == seL4_CapTableObject && user_size == 0) {
        return error_invalid_argument(1, "a CNode needs at least one radix bit");
    }
    if (type == seL4_UntypedObject && user_size < seL4_MinUntypedBits) {
        return error_invalid_argument(1, "an untyped must be at least 16 bytes");
    }

    cap_t node_cap = root_slot->cap;
    if (node_depth != 0) {
        lookup_result_t r = lookup_slot_for_cnode_op(false, root_slot->cap, node_index, node_depth);
        if (r.status != EXCEPTION_NONE) {
            return r.status;
        }
        node_cap = r.slot->cap;
    }
    if (cap_get_type(node_cap) != cap_cnode) {
        current_lookup_fault.type = seL4_MissingCapability;
        current_lookup_fault.bits_left = node_depth;
        return error_failed_lookup(false, "the destination is not a CNode cap");
    }
    word_t node_size = BIT(node_cap.cnode.radix);
    if (node_offset > node_size - 1) {
        return error_range(0, node_size - 1, "the offset is beyond the destination CNode");
    }
    if (node_window < 1 || node_window > CONFIG_RETYPE_FAN_OUT_LIMIT) {
        return error_range(1, CONFIG_RETYPE_FAN_OUT_LIMIT, "1 to 256 objects at a time");
    }
    if (node_window > node_size - node_offset) {
        return error_range(1, node_size - node_offset, "more objects than slots after the offset");
    }
    cte_t *dest = (cte_t *)cap_cnode_ptr(node_cap) + node_offset;
    for (word_t i = 0; i < node_window; i++) {
        if (ensure_empty_slot(&dest[i]) != EXCEPTION_NONE) {
            return EXCEPTION_SYSCALL_ERROR;
        }
    }

    /* With no children left, the whole untyped is free again. */
    bool reset = !slot_has_children(slot);
    paddr_t first;
    word_t new_free_index, free_bytes;
    if (!untyped_place(cap.untyped.paddr, cap.untyped.size_bits, reset ? 0 : cap.untyped.free_index,
                       object_bits, node_window, &first, &new_free_index, &free_bytes)) {
        return error_not_enough_memory(free_bytes, "the objects do not fit in what is left");
    }
    bool device = cap.untyped.is_device;
    if (device && !object_type_is_frame(type) && type != seL4_UntypedObject) {
        return error_invalid_argument(1, "device memory only makes frames and untypeds");
    }

    thread_set_state(current_thread, ThreadState_Restart);
    slot->cap.untyped.free_index = new_free_index;
    for (word_t i = 0; i < node_window; i++) {
        paddr_t p = first + (i << object_bits);
        cap_t new_cap = object_create(type, device ? 0 : ptr_from_paddr(p), p, user_size, device);
        cte_insert_new_object(slot, &dest[i], new_cap);
    }
    return EXCEPTION_NONE;
}
