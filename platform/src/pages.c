/*
 * The page allocator: a buddy allocator over the heap mem.c maps. Free memory is kept in
 * blocks of 2^order pages, naturally aligned within the heap; a freed block merges with its
 * free buddy into one of the next order. The heap's first pages hold a struct pf_page for
 * every heap page (the small-object allocator, malloc.c, keeps its slabs' bookkeeping there
 * too); free blocks of each order are a list threaded through those records.
 *
 * An allocation is exactly the pages asked for: it is cut from the front of a free block
 * big enough (aligned as that block is), and the rest of the block goes back as smaller
 * blocks; freeing returns its pages as the largest aligned blocks they make, which merge
 * with their buddies again. When no single free block is big enough, the heap is searched
 * for a run of adjacent free blocks, so one allocation can use nearly all free memory.
 */
#include "internal.h"

#define MAX_ORDER 20 /* largest block 2^20 pages = 4 GiB */

static uintptr_t heap_base, heap_end;
static struct pf_page *pages;
static uint32_t heap_pages;
static uint32_t free_head[MAX_ORDER + 1];
static size_t free_pages, free_pages_min;

struct pf_page *pf_page_at(uint32_t index)
{
    return &pages[index];
}

uint32_t pf_page_index(const struct pf_page *pg)
{
    return (uint32_t)(pg - pages);
}

void *pf_page_addr(const struct pf_page *pg)
{
    return (void *)(heap_base + ((uintptr_t)pf_page_index(pg) << 12));
}

struct pf_page *pf_page_of(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    if (!pages || a < heap_base || a >= heap_end) {
        return 0;
    }
    return &pages[(a - heap_base) >> 12];
}

void pf_page_list_push(uint32_t *head, uint32_t i)
{
    pages[i].prev = PF_NO_PAGE;
    pages[i].next = *head;
    if (*head != PF_NO_PAGE) {
        pages[*head].prev = i;
    }
    *head = i;
}

void pf_page_list_remove(uint32_t *head, uint32_t i)
{
    if (pages[i].prev != PF_NO_PAGE) {
        pages[pages[i].prev].next = pages[i].next;
    } else {
        *head = pages[i].next;
    }
    if (pages[i].next != PF_NO_PAGE) {
        pages[pages[i].next].prev = pages[i].prev;
    }
}

static void block_free(uint32_t i, unsigned order)
{
    free_pages += 1ul << order;
    while (order < MAX_ORDER) {
        uint32_t buddy = i ^ (1u << order);
        if (buddy + (1u << order) > heap_pages || pages[buddy].kind != PF_PAGE_FREE ||
            pages[buddy].order != order) {
            break;
        }
        pf_page_list_remove(&free_head[order], buddy);
        pages[buddy].kind = PF_PAGE_UNUSED;
        pages[i].kind = PF_PAGE_UNUSED;
        i &= ~(1u << order);
        order++;
    }
    pages[i].kind = PF_PAGE_FREE;
    pages[i].order = (uint8_t)order;
    pf_page_list_push(&free_head[order], i);
}

/* Frees [start, end) as the largest naturally aligned blocks it consists of. */
static void free_range(uint32_t start, uint32_t end)
{
    while (start < end) {
        unsigned order = 0;
        while (order < MAX_ORDER && (start & ((2u << order) - 1)) == 0 &&
               start + (2u << order) <= end) {
            order++;
        }
        block_free(start, order);
        start += 1u << order;
    }
}

static void take_free_block(uint32_t i)
{
    pf_page_list_remove(&free_head[pages[i].order], i);
    pages[i].kind = PF_PAGE_UNUSED;
    free_pages -= 1ul << pages[i].order;
}

/* Marks [i, i + n) allocated, the free blocks it came from [from, to) taken already. */
static struct pf_page *allocated(uint32_t i, uint32_t n, uint32_t from, uint32_t to)
{
    free_range(from, i);
    free_range(i + n, to);
    pages[i].kind = PF_PAGE_BLOCK;
    pages[i].npages = n;
    if (free_pages < free_pages_min) {
        free_pages_min = free_pages;
    }
    return &pages[i];
}

/* n pages from the smallest free block of at least 2^order pages (which is aligned so). */
static struct pf_page *alloc_from_block(uint32_t n, unsigned order)
{
    unsigned o = order;
    while (o <= MAX_ORDER && free_head[o] == PF_NO_PAGE) {
        o++;
    }
    if (o > MAX_ORDER) {
        return 0;
    }
    uint32_t i = free_head[o];
    take_free_block(i);
    return allocated(i, n, i, i + (1u << o));
}

/* Pages in the record at i: a free or allocated block, or one page. */
static uint32_t extent(uint32_t i)
{
    switch (pages[i].kind) {
    case PF_PAGE_FREE:
        return 1u << pages[i].order;
    case PF_PAGE_BLOCK:
        return pages[i].npages;
    default:
        return 1;
    }
}

/* n pages aligned to `align` pages from a run of adjacent free blocks (first fit). */
static struct pf_page *alloc_from_run(uint32_t n, uint32_t align)
{
    uint32_t run = PF_NO_PAGE;
    for (uint32_t i = 0; i < heap_pages; i += extent(i)) {
        if (pages[i].kind != PF_PAGE_FREE) {
            run = PF_NO_PAGE;
            continue;
        }
        if (run == PF_NO_PAGE) {
            run = i;
        }
        uint32_t start = (run + align - 1) & ~(align - 1), end = i + extent(i);
        if (start >= end || end - start < n) {
            continue;
        }
        for (uint32_t b = run; b < end;) {
            uint32_t len = extent(b);
            take_free_block(b);
            b += len;
        }
        return allocated(start, n, run, end);
    }
    return 0;
}

void *pf_page_alloc(size_t bytes, size_t align)
{
    if (!pf_is_pow2(align ? align : 1) || bytes > (PF_PAGE_SIZE << MAX_ORDER)) {
        return 0;
    }
    uint32_t n = (uint32_t)(pf_round_up(bytes ? bytes : 1, PF_PAGE_SIZE) / PF_PAGE_SIZE);
    uint32_t align_pages = align > PF_PAGE_SIZE ? (uint32_t)(align / PF_PAGE_SIZE) : 1;
    unsigned order = pf_log2_ceil(n > align_pages ? n : align_pages);
    struct pf_page *pg = order <= MAX_ORDER ? alloc_from_block(n, order) : 0;
    if (!pg) {
        pg = alloc_from_run(n, align_pages);
    }
    return pg ? pf_page_addr(pg) : 0;
}

void pf_page_free(void *p)
{
    struct pf_page *pg = pf_page_of(p);
    if (!pg || pg->kind != PF_PAGE_BLOCK || pf_page_addr(pg) != p) {
        pf_panic("pf_page_free: %p is not an allocated page block", p);
    }
    uint32_t i = pf_page_index(pg);
    pg->kind = PF_PAGE_UNUSED;
    free_range(i, i + pg->npages);
}

size_t pf_mem_total(void)
{
    return heap_end - heap_base;
}

size_t pf_mem_free(void)
{
    return free_pages * PF_PAGE_SIZE;
}

size_t pf_mem_free_min(void)
{
    return free_pages_min * PF_PAGE_SIZE;
}

void pf_pages_init(uintptr_t base, uintptr_t end)
{
    heap_base = base;
    heap_end = end;
    heap_pages = (uint32_t)((heap_end - heap_base) >> 12);
    size_t meta = pf_round_up(heap_pages * sizeof(struct pf_page), PF_PAGE_SIZE) >> 12;
    pages = (struct pf_page *)heap_base; /* fresh retyped memory: already zero */
    for (unsigned o = 0; o <= MAX_ORDER; o++) {
        free_head[o] = PF_NO_PAGE;
    }
    for (uint32_t i = 0; i < meta; i++) {
        pages[i].kind = PF_PAGE_RESERVED;
    }
    free_range((uint32_t)meta, heap_pages);
    free_pages_min = free_pages;
}
