/*
 * The error of the current invocation, and helpers that record one. Every refusal passes
 * the reason in words; a debug kernel built with KERNEL_VERBOSE=1 prints it with the thread,
 * the invocation label and the error's details, as upstream's debug build prints its
 * userError messages. Otherwise the reason costs nothing (a fuzz run refuses millions).
 */
#include <kernel.h>
#include <printk.h>

syscall_error_t current_syscall_error;
lookup_fault_t current_lookup_fault;
fault_t current_fault;

#ifdef CONFIG_PRINT_USER_ERRORS
static const char *error_name(word_t type)
{
    static const char *const names[] = {
        "NoError",     "InvalidArgument", "InvalidCapability", "IllegalOperation",
        "RangeError",  "AlignmentError",  "FailedLookup",      "TruncatedMessage",
        "DeleteFirst", "RevokeFirst",     "NotEnoughMemory",
    };
    return type < ARRAY_SIZE(names) ? names[type] : "?";
}

static void print_refusal(const char *why)
{
    const syscall_error_t *e = &current_syscall_error;
    tcb_t *t = current_thread;
    seL4_MessageInfo_t info = message_info_from_word(t->ctx.rsi);
    kprintf("<<kernel: thread %p \"%s\", label %lu: %s", (void *)t, t->name,
            seL4_MessageInfo_get_label(info), error_name(e->type));
    switch (e->type) {
    case seL4_InvalidArgument:
        kprintf(" (argument %lu)", e->invalid_argument_number);
        break;
    case seL4_InvalidCapability:
        kprintf(" (cap %lu)", e->invalid_cap_number);
        break;
    case seL4_RangeError:
        kprintf(" (allowed %lu..%lu)", e->range_min, e->range_max);
        break;
    case seL4_FailedLookup:
        kprintf(" (%s slot, lookup failure %lu)", e->failed_lookup_was_source ? "source" : "target",
                current_lookup_fault.type);
        break;
    case seL4_NotEnoughMemory:
        kprintf(" (%lu bytes left)", e->memory_left);
        break;
    default:
        break;
    }
    kprintf(": %s>>\n", why);
}
#endif

static exception_t record(word_t type, const char *why)
{
    current_syscall_error.type = type;
#ifdef CONFIG_PRINT_USER_ERRORS
    print_refusal(why);
#else
    (void)why;
#endif
    return EXCEPTION_SYSCALL_ERROR;
}

exception_t error_invalid_argument(word_t argument, const char *why)
{
    current_syscall_error.invalid_argument_number = argument;
    return record(seL4_InvalidArgument, why);
}

exception_t error_invalid_capability(word_t cap_index, const char *why)
{
    current_syscall_error.invalid_cap_number = cap_index;
    return record(seL4_InvalidCapability, why);
}

exception_t error_illegal_operation(const char *why)
{
    return record(seL4_IllegalOperation, why);
}

exception_t error_range(word_t min, word_t max, const char *why)
{
    current_syscall_error.range_min = min;
    current_syscall_error.range_max = max;
    return record(seL4_RangeError, why);
}

exception_t error_simple(word_t type, const char *why)
{
    return record(type, why);
}

exception_t error_not_enough_memory(word_t left, const char *why)
{
    current_syscall_error.memory_left = left;
    return record(seL4_NotEnoughMemory, why);
}

exception_t error_failed_lookup(bool was_source, const char *why)
{
    current_syscall_error.failed_lookup_was_source = was_source;
    return record(seL4_FailedLookup, why);
}
