/*
 * Value generators of the fuzz thread (values.c), used by the invocation generator
 * (gen.c). Everything here runs in the fuzz world: state lives in struct fz_shared only.
 */
#pragma once

#include "fuzz.h"

static inline uint64_t fz_below(struct fz_shared *st, uint64_t n)
{
    return fz_rand(st->rng) % n;
}

static inline int fz_percent(struct fz_shared *st, unsigned p)
{
    return fz_below(st, 100) < p;
}

/* Slot ids returned when a pick falls on no slot (a garbage cptr). */
#define FZ_NO_SLOT FZ_NSLOTS

/* A word from the mix every message register draws on: small numbers, cptrs, sizes,
 * addresses near the top of user space, all-ones, random bits... */
seL4_Word fz_word(struct fz_shared *st);

/* Type tag of the cap in slot `id` as the fuzz thread last saw it (sometimes asks the
 * kernel with DebugCapIdentify and refreshes the cache). */
unsigned fz_slot_type(struct fz_shared *st, unsigned id);

/* A cptr: mostly a slot holding a cap, sometimes an empty slot or garbage. *id receives the
 * slot id, or FZ_NO_SLOT. */
seL4_Word fz_any_cptr(struct fz_shared *st, unsigned *id);
/* A cptr to a cap of this type (DebugCapIdentify tag), most of the time. */
seL4_Word fz_cptr_of_type(struct fz_shared *st, unsigned type, unsigned *id);
/* A cptr to one of the invocable CNode caps, most of the time; *geom says how it resolves. */
seL4_Word fz_node_cptr(struct fz_shared *st, enum fz_geom *geom);

/* A slot number within CNode R (level 0), A (1) or B (2), preferring an empty slot (as last
 * seen) if want_empty, an occupied one otherwise. */
unsigned fz_level_slot(struct fz_shared *st, unsigned level, int want_empty);

/* An (index, depth) pair naming a slot through a CNode cap of geometry g, most of the time
 * a valid one (an empty slot if want_empty), otherwise with garbage bits or depth. */
void fz_slot_addr(struct fz_shared *st, enum fz_geom g, int want_empty, seL4_Word *index,
                  seL4_Word *depth);

/* Arguments of particular kinds: mostly in range, sometimes just outside, sometimes wild. */
seL4_Word fz_vaddr(struct fz_shared *st);
seL4_Word fz_port(struct fz_shared *st);
seL4_Word fz_small(struct fz_shared *st, seL4_Word valid_below);
