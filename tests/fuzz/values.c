/*
 * Value generators for the fuzz thread (see gen.h). The mixes lean towards values that are
 * valid or just outside the valid range, because those reach the deep parts of the kernel's
 * decoders, with a steady share of wild values for the early checks.
 */
#include "gen.h"

/* A word in [-40, -2] could be a debug syscall number (DebugHalt is -11) if it ever reached
 * RDX of a thread running wild after a WriteRegisters; the mix never produces one. */
static seL4_Word no_syscall_numbers(seL4_Word w)
{
    return (w >= (seL4_Word)-40 && w != ~0ul) ? ~0ul : w;
}

seL4_Word fz_word(struct fz_shared *st)
{
    seL4_Word w;
    switch (fz_below(st, 16)) {
    case 0:
        w = fz_below(st, 17);
        break;
    case 1:
        w = fz_below(st, 256);
        break;
    case 2:
        w = fz_any_cptr(st, 0);
        break;
    case 3:
        w = 1ul << fz_below(st, 64);
        break;
    case 4:
        w = (1ul << fz_below(st, 64)) - 1;
        break;
    case 5:
        w = seL4_UserTop - fz_below(st, 4) * 4096 + fz_below(st, 2) * 4096;
        break;
    case 6:
        w = ~0ul;
        break;
    case 7:
        w = fz_rand(st->rng);
        break;
    case 8:
        w = fz_vaddr(st);
        break;
    case 9:
        w = 0xffffff8000000000ul + (fz_rand(st->rng) & 0x3ffff000ul);
        break;
    case 10:
        w = 0;
        break;
    case 11:
        w = fz_below(st, seL4_ObjectTypeCount + 2);
        break;
    case 12:
        w = fz_below(st, 16);
        break;
    case 13:
        w = fz_below(st, 66);
        break;
    case 14:
        w = fz_below(st, 600);
        break;
    default:
        w = fz_rand(st->rng) & 0xffffffffu;
        break;
    }
    return no_syscall_numbers(w);
}

/* Keeps the per-type lists in step with what probes find, so that objects the fuzz thread
 * made (or caps it moved) become targets like the ones it was given. */
static void learn(struct fz_shared *st, unsigned id, unsigned type)
{
    if (type == 0 || type >= FZ_TYPES) {
        return;
    }
    uint16_t *list = st->by_type[type];
    for (unsigned i = 0; i < st->n_by_type[type]; i++) {
        if (list[i] == id) {
            return;
        }
    }
    if (st->n_by_type[type] < FZ_MAX_PER_TYPE) {
        list[st->n_by_type[type]++] = (uint16_t)id;
    } else {
        list[fz_below(st, FZ_MAX_PER_TYPE)] = (uint16_t)id;
    }
}

unsigned fz_slot_type(struct fz_shared *st, unsigned id)
{
    if (id >= FZ_NSLOTS) {
        return 0;
    }
    if (fz_percent(st, 20)) {
        /* Not counted as an invocation: it only keeps the generator's picture current. */
        seL4_Word type, info, m0, m1, m2, m3;
        x64_sys_recv(seL4_SysDebugCapIdentify, fz_cptr(id), &type, &info, &m0, &m1, &m2, &m3);
        st->type_cache[id] = (uint8_t)type;
        learn(st, id, (unsigned)type);
    }
    return st->type_cache[id];
}

/* Cptrs that name no slot in a well-formed way: each fails a different lookup check. */
static seL4_Word garbage_cptr(struct fz_shared *st)
{
    unsigned s = (unsigned)fz_below(st, 256);
    switch (fz_below(st, 8)) {
    case 0:
        return 0;
    case 1:
        return fz_rand(st->rng); /* guard mismatch */
    case 2:
        return ((seL4_Word)s << 8) | (1ul << (16 + fz_below(st, 48))); /* bit in guard */
    case 3:
        return (FZ_R_SLOT_B << 8) | (fz_below(st, 16) << 4) | fz_below(st, 16); /* B guard */
    case 4:
        return ~0ul;
    case 5:
        return (seL4_Word)s; /* slot 0 of R, low bits into nothing */
    case 6:
        return fz_cptr((unsigned)fz_below(st, FZ_NSLOTS)) | fz_below(st, 256);
    default:
        return 1ul << fz_below(st, 64);
    }
}

seL4_Word fz_any_cptr(struct fz_shared *st, unsigned *id)
{
    unsigned pick = FZ_NO_SLOT;
    seL4_Word cptr;
    unsigned r = (unsigned)fz_below(st, 100);
    if (r < 70) {
        /* A slot that held a cap when we last looked: a random type, then a slot of it. */
        for (int tries = 0; tries < 8 && pick == FZ_NO_SLOT; tries++) {
            unsigned t = (unsigned)fz_below(st, FZ_TYPES);
            if (st->n_by_type[t]) {
                pick = st->by_type[t][fz_below(st, st->n_by_type[t])];
            }
        }
    } else if (r < 85) {
        pick = (unsigned)fz_below(st, FZ_NSLOTS);
    }
    if (pick != FZ_NO_SLOT) {
        cptr = fz_cptr(pick);
        if (pick < FZ_ID_A && fz_percent(st, 10)) {
            cptr |= fz_below(st, 256); /* the bits R leaves over are ignored for a leaf */
        }
    } else {
        cptr = garbage_cptr(st);
    }
    if (id) {
        *id = pick;
    }
    return cptr;
}

seL4_Word fz_cptr_of_type(struct fz_shared *st, unsigned type, unsigned *id)
{
    if (type < FZ_TYPES && st->n_by_type[type] && fz_percent(st, 85)) {
        unsigned pick = st->by_type[type][fz_below(st, st->n_by_type[type])];
        if (id) {
            *id = pick;
        }
        return fz_cptr(pick);
    }
    return fz_any_cptr(st, id);
}

seL4_Word fz_node_cptr(struct fz_shared *st, enum fz_geom *geom)
{
    if (FZ_CONFIG->n_nodes && fz_percent(st, 85)) {
        unsigned id = FZ_CONFIG->nodes[fz_below(st, FZ_CONFIG->n_nodes)];
        *geom = (enum fz_geom)FZ_CONFIG->geom[id];
        return fz_cptr(id);
    }
    unsigned id;
    seL4_Word cptr = fz_any_cptr(st, &id);
    *geom = id < FZ_NSLOTS ? (enum fz_geom)FZ_CONFIG->geom[id] : FZ_GEOM_NONE;
    return cptr;
}

unsigned fz_level_slot(struct fz_shared *st, unsigned level, int want_empty)
{
    unsigned first = level == 0 ? 0 : level == 1 ? FZ_ID_A : FZ_ID_B;
    unsigned count = level == 2 ? 1u << FZ_B_BITS : 1u << FZ_R_BITS;
    unsigned slot = (unsigned)fz_below(st, count);
    for (int tries = 0; tries < 6; tries++) {
        if ((st->type_cache[first + slot] == 0) == (want_empty != 0)) {
            break;
        }
        slot = (unsigned)fz_below(st, count);
    }
    return slot;
}

static const uint8_t bad_depths[] = {0, 1, 7, 9, 15, 17, 55, 57, 63, 64, 65, 128, 255};

void fz_slot_addr(struct fz_shared *st, enum fz_geom g, int want_empty, seL4_Word *index,
                  seL4_Word *depth)
{
    /* Which level: R, A or B (for A and B geometries only their own slots are reachable). */
    unsigned level = (unsigned)fz_below(st, 10) < 5 ? 0 : fz_percent(st, 85) ? 1 : 2;
    if (g == FZ_GEOM_A) {
        level = 1;
    } else if (g == FZ_GEOM_B) {
        level = 2;
    }
    unsigned slot = fz_level_slot(st, level, want_empty);
    seL4_Word below_r =
        level == 1 ? (FZ_R_SLOT_A << 8) | slot : (FZ_R_SLOT_B << 8) | (FZ_B_GUARD << 4) | slot;
    switch (g) {
    case FZ_GEOM_R48:
        *index = level == 0 ? slot : below_r;
        *depth = level == 0 ? 56 : 64;
        break;
    case FZ_GEOM_R0:
        *index = level == 0 ? slot : below_r;
        *depth = level == 0 ? 8 : 16;
        break;
    case FZ_GEOM_A:
        *index = slot;
        *depth = 8;
        break;
    case FZ_GEOM_B:
        *index = (FZ_B_GUARD << 4) | slot;
        *depth = 8;
        break;
    default:
        *index = fz_percent(st, 50) ? slot : fz_word(st);
        *depth = bad_depths[fz_below(st, sizeof(bad_depths))];
        return;
    }
    if (fz_percent(st, 12)) {
        if (fz_percent(st, 50)) {
            *depth = bad_depths[fz_below(st, sizeof(bad_depths))];
        } else {
            *index ^= 1ul << fz_below(st, 64);
        }
    }
}

seL4_Word fz_vaddr(struct fz_shared *st)
{
    switch (fz_below(st, 20)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
        return FZ_SCRATCH_VADDR + fz_below(st, 16) * 4096;
    case 5:
    case 6:
        return FZ_SCRATCH_VADDR + fz_below(st, 4) * (1ul << seL4_LargePageBits);
    case 7:
    case 8:
        return FZ_SCRATCH_PD + fz_below(st, 8) * (1ul << seL4_LargePageBits);
    case 9:
        return fz_below(st, 8) * (1ul << seL4_HugePageBits);
    case 10:
        return fz_below(st, 4) * (1ul << 39);
    case 11:
        return seL4_UserTop - fz_below(st, 3) * 4096;
    case 12:
        return 0x7fffffe00000ul - fz_below(st, 2) * (1ul << seL4_LargePageBits);
    case 13:
        return 0x7fffc0000000ul;
    case 14:
        return 0x800000000000ul; /* first non-canonical */
    case 15:
        return 0xffffff8000000000ul; /* kernel window */
    case 16:
        return FZ_SCRATCH_VADDR + 0x123; /* misaligned */
    case 17:
        return 0x400000ul + fz_below(st, 64) * 4096; /* over its own code */
    case 18:
        return fz_percent(st, 10) ? FZ_PRIVATE_VADDR : 0; /* its own stack, rarely */
    default:
        return fz_rand(st->rng) & ~0xffful;
    }
}

seL4_Word fz_port(struct fz_shared *st)
{
    /* The caps cover 0x80 and 0x70-0x71; ports outside must be refused by the kernel. */
    static const uint16_t ports[] = {0x80, 0x70, 0x71, 0x70, 0x71, 0x80, 0x6f, 0x72, 0x7f, 0x81};
    if (fz_percent(st, 90)) {
        return ports[fz_below(st, ARRAY_SIZE(ports))];
    }
    return fz_percent(st, 50) ? fz_below(st, 0x10000) : fz_word(st);
}

seL4_Word fz_small(struct fz_shared *st, seL4_Word valid_below)
{
    unsigned r = (unsigned)fz_below(st, 100);
    if (r < 85) {
        return fz_below(st, valid_below);
    }
    if (r < 93) {
        return valid_below + fz_below(st, 2); /* just outside */
    }
    return fz_word(st);
}
