/*
 * The error of the current invocation, and helpers that record one.
 */
#include <kernel.h>

syscall_error_t current_syscall_error;
lookup_fault_t current_lookup_fault;
fault_t current_fault;

static exception_t record(word_t type)
{
    current_syscall_error.type = type;
    return EXCEPTION_SYSCALL_ERROR;
}

exception_t error_invalid_argument(word_t argument)
{
    current_syscall_error.invalid_argument_number = argument;
    return record(seL4_InvalidArgument);
}

exception_t error_invalid_capability(word_t cap_index)
{
    current_syscall_error.invalid_cap_number = cap_index;
    return record(seL4_InvalidCapability);
}

exception_t error_illegal_operation(void)
{
    return record(seL4_IllegalOperation);
}

exception_t error_range(word_t min, word_t max)
{
    current_syscall_error.range_min = min;
    current_syscall_error.range_max = max;
    return record(seL4_RangeError);
}

exception_t error_simple(word_t type)
{
    return record(type);
}

exception_t error_not_enough_memory(word_t left)
{
    current_syscall_error.memory_left = left;
    return record(seL4_NotEnoughMemory);
}

exception_t error_failed_lookup(bool was_source)
{
    current_syscall_error.failed_lookup_was_source = was_source;
    return record(seL4_FailedLookup);
}
