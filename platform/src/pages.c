/*
 * The page allocator: a buddy allocator over the heap mem.c maps. Blocks are 2^order pages,
 * naturally aligned within the heap; a freed block merges with its free buddy into one of
 * the next order. The heap's first pages hold a struct pf_page for every heap page (the
 * small-object allocator, malloc.c, keeps its slabs' bookkeeping there too); free blocks
 * of each order are a list threaded through those records.
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

static struct pf_page *block_alloc(unsigned order)
{
    unsigned o = order;
    while (o <= MAX_ORDER && free_head[o] == PF_NO_PAGE) {
        o++;
    }
    if (o > MAX_ORDER) {
        return 0;
    }
    uint32_t i = free_head[o];
    pf_page_list_remove(&free_head[o], i);
    while (o > order) {
        o--;
        uint32_t upper = i + (1u << o);
        pages[upper].kind = PF_PAGE_FREE;
        pages[upper].order = (uint8_t)o;
        pf_page_list_push(&free_head[o], upper);
    }
    pages[i].kind = PF_PAGE_BLOCK;
    pages[i].order = (uint8_t)order;
    free_pages -= 1ul << order;
    if (free_pages < free_pages_min) {
        free_pages_min = free_pages;
    }
    return &pages[i];
}

void *pf_page_alloc(size_t bytes, size_t align)
{
    if (!pf_is_pow2(align ? align : 1) || bytes > (PF_PAGE_SIZE << MAX_ORDER)) {
        return 0;
    }
    unsigned order = pf_log2_ceil(pf_round_up(bytes ? bytes : 1, PF_PAGE_SIZE) / PF_PAGE_SIZE);
    unsigned align_order = align > PF_PAGE_SIZE ? pf_log2_ceil(align / PF_PAGE_SIZE) : 0;
    if (align_order > order) {
        order = align_order;
    }
    if (order > MAX_ORDER) {
        return 0;
    }
    struct pf_page *pg = block_alloc(order);
    return pg ? pf_page_addr(pg) : 0;
}

void pf_page_free(void *p)
{
    struct pf_page *pg = pf_page_of(p);
    if (!pg || pg->kind != PF_PAGE_BLOCK || pf_page_addr(pg) != p) {
        pf_panic("pf_page_free: %p is not an allocated page block", p);
    }
    block_free(pf_page_index(pg), pg->order);
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
    /* Free the rest in the largest naturally aligned blocks that fit. */
    for (uint32_t i = (uint32_t)meta; i < heap_pages;) {
        unsigned order = 0;
        while (order < MAX_ORDER && (i & ((2u << order) - 1)) == 0 &&
               i + (2u << order) <= heap_pages) {
            order++;
        }
        block_free(i, order);
        i += 1u << order;
    }
    free_pages_min = free_pages;
}
