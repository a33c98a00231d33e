/*
 * Memory hypercalls: alignment, integrity under churn, anonymous mappings, exhaustion.
 */
#include "suite.h"
#include "tests.h"

static void fill(void *p, size_t n, unsigned seed)
{
    uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(seed + i * 7);
    }
}

static bool intact(const void *p, size_t n, unsigned seed)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != (uint8_t)(seed + i * 7)) {
            return false;
        }
    }
    return true;
}

void test_malloc_alignment(struct tc *tc)
{
    static const size_t sizes[] = {1, 24, 100, 2048, 4096, 5000, 65536, 300000};
    for (int abit = 0; abit <= 21; abit++) {
        int align = abit ? 1 << abit : 0;
        for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
            void *p = 0;
            int err = rumpuser_malloc(sizes[i], align, &p);
            CHECK(tc, err == 0 && p, "malloc(%lu, %d) failed: %d", sizes[i], align, err);
            if (!p) {
                continue;
            }
            CHECK(tc, align == 0 || ((uintptr_t)p & ((uintptr_t)align - 1)) == 0,
                  "malloc(%lu, %d) = %p is misaligned", sizes[i], align, p);
            fill(p, sizes[i], (unsigned)i);
            CHECK(tc, intact(p, sizes[i], (unsigned)i), "block %p does not hold data", p);
            rumpuser_free(p, sizes[i]);
        }
    }
    void *p;
    CHECK_EQ(tc, rumpuser_malloc(64, 48, &p), EINVAL);
}

/* Random allocations and frees; every live block keeps its own pattern. */
void test_malloc_churn(struct tc *tc)
{
    enum { SLOTS = 256, ROUNDS = 6000 };
    static void *blocks[SLOTS];
    static size_t lens[SLOTS];
    uint32_t x = 12345;
    size_t free_before = pf_mem_free();
    for (int round = 0; round < ROUNDS && !tc->failed; round++) {
        x = x * 1103515245u + 12345u;
        unsigned slot = (x >> 8) % SLOTS;
        if (blocks[slot]) {
            CHECK(tc, intact(blocks[slot], lens[slot], slot), "block %u (%lu bytes) corrupted",
                  slot, lens[slot]);
            rumpuser_free(blocks[slot], lens[slot]);
            blocks[slot] = 0;
        } else {
            static const size_t shapes[] = {8, 16, 40, 128, 500, 1024, 2049, 4096, 12000, 70000};
            lens[slot] = shapes[(x >> 20) % ARRAY_SIZE(shapes)];
            int align = (x >> 28) & 1 ? 0 : 64;
            CHECK_EQ(tc, rumpuser_malloc(lens[slot], align, &blocks[slot]), 0);
            fill(blocks[slot], lens[slot], slot);
        }
    }
    for (unsigned slot = 0; slot < SLOTS; slot++) {
        if (blocks[slot]) {
            CHECK(tc, intact(blocks[slot], lens[slot], slot), "block %u corrupted", slot);
            rumpuser_free(blocks[slot], lens[slot]);
            blocks[slot] = 0;
        }
    }
    /* Everything went back (one cached slab page per size class may stay). */
    CHECK(tc, pf_mem_free() + 8 * PF_PAGE_SIZE >= free_before, "%lu bytes leaked",
          (unsigned long)(free_before - pf_mem_free()));
}

void test_anonmmap(struct tc *tc)
{
    for (int alignbit = 12; alignbit <= 22; alignbit += 5) {
        void *p = 0;
        size_t size = 3 * PF_PAGE_SIZE + 100;
        CHECK_EQ(tc, rumpuser_anonmmap(0, size, alignbit, 1, &p), 0);
        if (!p) {
            continue;
        }
        CHECK(tc, ((uintptr_t)p & ((1ul << alignbit) - 1)) == 0, "%p not aligned to 2^%d", p,
              alignbit);
        const uint8_t *b = p;
        size_t nonzero = 0;
        for (size_t i = 0; i < size; i++) {
            nonzero += b[i] != 0;
        }
        CHECK(tc, nonzero == 0, "anonymous mapping has %lu non-zero bytes", nonzero);
        fill(p, size, 3);
        rumpuser_unmap(p, size);
    }
    /* Reused memory still comes back zeroed. */
    void *p = 0;
    CHECK_EQ(tc, rumpuser_anonmmap(0, PF_PAGE_SIZE, 12, 0, &p), 0);
    CHECK(tc, p && ((uint8_t *)p)[17] == 0, "reused page not zeroed");
    rumpuser_unmap(p, PF_PAGE_SIZE);
}

/* Running out is an ENOMEM, not a crash, and everything can be given back. */
void test_malloc_exhaustion(struct tc *tc)
{
    enum { MAX = 4096 };
    static void *held[MAX];
    unsigned n = 0;
    size_t chunk = 1 << 20;
    int err = 0;
    while (n < MAX && (err = rumpuser_malloc(chunk, 4096, &held[n])) == 0) {
        n++;
    }
    CHECK_EQ(tc, err, ENOMEM);
    /* A failed allocation leaves a null pointer, never a stale one (NetBSD relies on it). */
    void *stale = (void *)0x5afe5afe000ul;
    CHECK_EQ(tc, rumpuser_malloc(pf_mem_total(), 4096, &stale), ENOMEM);
    CHECK(tc, stale == 0, "malloc failure left %p in *memp", stale);
    stale = (void *)0x5afe5afe000ul;
    CHECK_EQ(tc, rumpuser_malloc(64, 48, &stale), EINVAL);
    CHECK(tc, stale == 0, "malloc with a bad alignment left %p in *memp", stale);
    stale = (void *)0x5afe5afe000ul;
    CHECK_EQ(tc, rumpuser_anonmmap(0, pf_mem_total(), 12, 0, &stale), ENOMEM);
    CHECK(tc, stale == 0, "anonmmap failure left %p in *memp", stale);
    CHECK(tc, (size_t)n * chunk + pf_mem_free() >= pf_mem_total() / 2,
          "only %u MiB allocatable of %lu MiB", n, (unsigned long)(pf_mem_total() >> 20));
    for (unsigned i = 0; i < n; i++) {
        rumpuser_free(held[i], chunk);
    }
    void *p = 0;
    CHECK_EQ(tc, rumpuser_malloc(chunk, 0, &p), 0);
    rumpuser_free(p, chunk);
}

/*
 * The page allocator hands out exactly the pages asked for (not the next power of two), and
 * one allocation may take most of free memory: more than the largest free buddy block.
 */
void test_page_allocation_sizes(struct tc *tc)
{
    size_t before = pf_mem_free();
    void *p = pf_page_alloc(3 * PF_PAGE_SIZE, 0);
    CHECK(tc, p != 0, "3 pages not allocated");
    CHECK_EQ(tc, before - pf_mem_free(), 3 * PF_PAGE_SIZE);
    CHECK_EQ(tc, pf_malloc_usable(p), 3 * PF_PAGE_SIZE);
    pf_page_free(p);
    CHECK_EQ(tc, pf_mem_free(), before);

    void *aligned = pf_page_alloc(5 * PF_PAGE_SIZE, 64 * 1024);
    CHECK(tc, aligned && ((uintptr_t)aligned & 0xffff) == 0, "64 KiB alignment: %p", aligned);
    pf_page_free(aligned);
    CHECK_EQ(tc, pf_mem_free(), before);

    /* Three quarters of what is free: no power-of-two block of that size exists. */
    size_t big = before / 4 * 3 & ~(PF_PAGE_SIZE - 1);
    void *b = pf_page_alloc(big, 0);
    CHECK(tc, b != 0, "%lu of %lu free bytes not allocatable at once", (unsigned long)big,
          (unsigned long)before);
    if (b) {
        fill(b, big, 3);
        CHECK(tc, intact(b, big, 3), "the large block does not hold data");
        CHECK_EQ(tc, before - pf_mem_free(), big);
        pf_page_free(b);
    }
    CHECK_EQ(tc, pf_mem_free(), before);
}
