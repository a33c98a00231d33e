#pragma once

#include <kernel.h>

extern int finalised_count;
extern cap_t last_finalised;

/* A zeroed, naturally aligned CNode of 2^radix slots. */
void *host_cnode_alloc(word_t radix);
