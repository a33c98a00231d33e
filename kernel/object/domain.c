/*
 * The domain cap. This configuration has a single scheduling domain, so the only valid
 * domain is 0; the invocation exists for ABI compatibility.
 */
#include <kernel.h>

exception_t decode_domain_invocation(word_t label, word_t length, word_t *buffer)
{
    if (label != seL4_DomainSetSet) {
        return error_illegal_operation();
    }
    if (length == 0) {
        return error_simple(seL4_TruncatedMessage);
    }
    word_t domain = get_mr(current_thread, buffer, 0);
    if (domain >= CONFIG_NUM_DOMAINS) {
        return error_invalid_argument(0);
    }
    if (current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    cap_t cap = current_extra_caps.slots[0]->cap;
    if (cap_get_type(cap) != cap_thread) {
        return error_invalid_argument(1);
    }
    thread_set_state(current_thread, ThreadState_Restart);
    ((tcb_t *)cap.thread.tcb)->domain = domain;
    return EXCEPTION_NONE;
}
