/*
 * Untyped memory. The bootinfo RAM untypeds are the root task's memory; each keeps a
 * watermark that mirrors the kernel's (objects are placed at the watermark rounded up to
 * their size), so the root task knows before a retype whether it will fit.
 *
 * Processes get pools: power-of-two untyped chunks retyped from the bootinfo untypeds.
 * Everything a process owns comes from its pools, and revoking a chunk gives all of it back.
 */
#include "roottask.h"

#define MAX_RAM_UNTYPEDS seL4_MaxNumBootinfoUntypedCaps

static struct ut ram[MAX_RAM_UNTYPEDS];
static unsigned nram;

void alloc_init(const seL4_BootInfo *bi)
{
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice && nram < MAX_RAM_UNTYPEDS) {
            ram[nram++] = (struct ut){bi->untyped.start + i, d->paddr, d->sizeBits, 0};
        }
    }
}

/* Where an object of 2^bits would start in u, or ~0 if it does not fit. */
static seL4_Word fit(const struct ut *u, seL4_Word bits)
{
    if (bits > u->size_bits) {
        return ~0ul;
    }
    seL4_Word at = ROUND_UP(u->used, 1ul << bits);
    return at + (1ul << bits) <= (1ul << u->size_bits) ? at : ~0ul;
}

static int ut_retype(struct ut *u, seL4_Word type, seL4_Word size_bits, seL4_CPtr dest)
{
    seL4_Word bits = seL4_ObjectSizeBits(type, size_bits);
    seL4_Word at = fit(u, bits);
    if (at == ~0ul) {
        return -1;
    }
    seL4_Error err = cspace_retype(u->cap, type, size_bits, dest, 1);
    if (err) {
        say("retype of type %lu (2^%lu bytes) failed: error %d", type, bits, err);
        return -1;
    }
    u->used = at + (1ul << bits);
    return 0;
}

/* Best fit among rams[0..n): the smallest untyped that takes 2^bits, so large ones stay whole. */
static struct ut *best_fit_in(struct ut *rams, unsigned n, seL4_Word bits)
{
    struct ut *best = 0;
    for (unsigned i = 0; i < n; i++) {
        if (fit(&rams[i], bits) != ~0ul && (!best || rams[i].size_bits < best->size_bits)) {
            best = &rams[i];
        }
    }
    return best;
}

static struct ut *ram_best_fit(seL4_Word bits)
{
    return best_fit_in(ram, nram, bits);
}

int alloc_object(seL4_Word type, seL4_Word size_bits, seL4_CPtr dest)
{
    struct ut *u = ram_best_fit(seL4_ObjectSizeBits(type, size_bits));
    return u ? ut_retype(u, type, size_bits, dest) : -1;
}

seL4_Word alloc_free_bytes(void)
{
    seL4_Word free = 0;
    for (unsigned i = 0; i < nram; i++) {
        free += (1ul << ram[i].size_bits) - ram[i].used;
    }
    return free;
}

/*
 * Decides the chunks of a pool on rams (marking them used there): the binary decomposition
 * of the size, a piece that finds no room halved. Fills bits[] and returns how many chunks,
 * or -1 if the memory is not there (or needs more than room chunks).
 */
static int plan_chunks(struct ut *rams, unsigned n, seL4_Word bytes, seL4_Word max_bits,
                       unsigned room, seL4_Word *bits_out)
{
    seL4_Word left = ROUND_UP(bytes, PAGE_SIZE);
    seL4_Word bits = max_bits;
    unsigned count = 0;
    while (left) {
        while ((1ul << bits) > left) {
            bits--;
        }
        struct ut *u = best_fit_in(rams, n, bits);
        if (u && count < room) {
            u->used = fit(u, bits) + (1ul << bits);
            bits_out[count++] = bits;
            left -= 1ul << bits;
        } else if (bits > PAGE_BITS && count < room) {
            bits--;
        } else {
            return -1;
        }
    }
    return (int)count;
}

static int pool_add_chunk(struct pool *p, seL4_Word bits)
{
    struct ut *u = ram_best_fit(bits);
    seL4_CPtr slot = u ? slot_alloc() : 0;
    if (!slot || p->n == POOL_MAX_CHUNKS) {
        return -1;
    }
    seL4_Word paddr = u->paddr + fit(u, bits);
    if (ut_retype(u, seL4_UntypedObject, bits, slot) < 0) {
        return -1;
    }
    /* Keep the chunks largest first: objects are then placed without alignment holes. */
    unsigned i = p->n++;
    while (i > 0 && p->chunk[i - 1].size_bits < bits) {
        p->chunk[i] = p->chunk[i - 1];
        i--;
    }
    p->chunk[i] = (struct ut){slot, paddr, bits, 0};
    return 0;
}

int pool_reserve(struct pool *p, seL4_Word bytes, seL4_Word max_bits)
{
    /*
     * Planned on a copy first, so that a request that cannot be met takes nothing (the
     * kernel's watermarks cannot be wound back) and the free memory a message reports is
     * still all there. The real retypes then find exactly the planned places.
     */
    static struct ut copy[MAX_RAM_UNTYPEDS];
    seL4_Word bits[POOL_MAX_CHUNKS];
    memcpy(copy, ram, sizeof(ram[0]) * nram);
    int count = plan_chunks(copy, nram, bytes, max_bits, POOL_MAX_CHUNKS - p->n, bits);
    if (count < 0) {
        return -1;
    }
    for (int i = 0; i < count; i++) {
        if (pool_add_chunk(p, bits[i]) < 0) {
            fatal("a planned pool chunk of 2^%lu bytes did not fit", bits[i]);
        }
    }
    return 0;
}

int pool_retype(struct pool *p, seL4_Word type, seL4_Word size_bits, seL4_CPtr dest)
{
    for (unsigned i = 0; i < p->n; i++) {
        if (fit(&p->chunk[i], seL4_ObjectSizeBits(type, size_bits)) != ~0ul) {
            return ut_retype(&p->chunk[i], type, size_bits, dest);
        }
    }
    say("a process pool ran out of memory (type %lu)", type);
    return -1;
}

void pool_reset(struct pool *p)
{
    for (unsigned i = 0; i < p->n; i++) {
        seL4_Error err = cspace_revoke(p->chunk[i].cap);
        if (err) {
            fatal("revoking a pool chunk failed: error %d", err);
        }
        p->chunk[i].used = 0;
    }
}

seL4_CPtr object_new(const struct objsrc *src, seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = src->slots ? slot_range_take(src->slots) : slot_alloc();
    if (!slot) {
        say("out of cap slots");
        return 0;
    }
    int r = src->pool ? pool_retype(src->pool, type, size_bits, slot)
                      : alloc_object(type, size_bits, slot);
    return r < 0 ? 0 : slot;
}
