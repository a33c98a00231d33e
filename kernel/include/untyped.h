/*
 * Where Untyped_Retype puts new objects: a pure calculation, kept apart from the
 * invocation so that it can be unit-tested on the host.
 */
#pragma once

#include <types.h>

/* The free index of an untyped counts 16-byte units from its base. */
#define UNTYPED_FREE_INDEX_BITS seL4_MinUntypedBits

/*
 * `count` objects of 2^bits each, placed from the free index rounded up to their size.
 * Returns false if they do not fit; *free_bytes is the space that was left either way.
 * On success *first is the first object's address and *new_free_index follows the last.
 */
static inline bool untyped_place(paddr_t base, word_t size_bits, word_t free_index, word_t bits,
                                 word_t count, paddr_t *first, word_t *new_free_index,
                                 word_t *free_bytes)
{
    word_t used = free_index << UNTYPED_FREE_INDEX_BITS;
    *free_bytes = BIT(size_bits) - used;
    /* Enough whole objects fit, so they also fit once aligned: size_bits >= bits. */
    if (bits >= seL4_WordBits || (*free_bytes >> bits) < count) {
        return false;
    }
    *first = ROUND_UP(base + used, bits);
    *new_free_index = (*first + (count << bits) - base) >> UNTYPED_FREE_INDEX_BITS;
    return true;
}
