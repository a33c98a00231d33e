/*
 * malloc with any power-of-two alignment. Requests up to 2 KiB come from single-page slabs
 * of one power-of-two size class each; objects sit at multiples of their size inside a
 * page-aligned slab, so a class-N object is N-aligned and an alignment request only picks
 * a bigger class. Anything larger is a page block (mem.c), itself aligned to its size.
 * The page records (struct pf_page) say which kind a pointer is, so free needs no size.
 */
#include "internal.h"

#define MIN_SHIFT 4  /* 16 bytes: malloc's default alignment */
#define MAX_SHIFT 11 /* 2 KiB: above this, whole pages */
#define N_CLASSES (MAX_SHIFT - MIN_SHIFT + 1)

/* Slab pages of each class that still have free objects. */
static uint32_t partial[N_CLASSES] = {[0 ... N_CLASSES - 1] = PF_NO_PAGE};

static size_t class_size(unsigned cls)
{
    return (size_t)1 << (cls + MIN_SHIFT);
}

static struct pf_page *new_slab(unsigned cls)
{
    char *base = pf_page_alloc(PF_PAGE_SIZE, 0);
    if (!base) {
        return 0;
    }
    struct pf_page *pg = pf_page_of(base);
    size_t size = class_size(cls);
    unsigned n = (unsigned)(PF_PAGE_SIZE / size);
    /* Free objects form a list through their first two bytes (next object's index). */
    for (unsigned i = 0; i < n; i++) {
        *(uint16_t *)(base + i * size) = (uint16_t)(i + 1 < n ? i + 1 : PF_NO_OBJ);
    }
    pg->kind = PF_PAGE_SLAB;
    pg->cls = (uint8_t)cls;
    pg->inuse = 0;
    pg->free_obj = 0;
    pf_page_list_push(&partial[cls], pf_page_index(pg));
    return pg;
}

static void *slab_alloc(unsigned cls)
{
    struct pf_page *pg = partial[cls] != PF_NO_PAGE ? pf_page_at(partial[cls]) : new_slab(cls);
    if (!pg) {
        return 0;
    }
    char *obj = (char *)pf_page_addr(pg) + pg->free_obj * class_size(cls);
    pg->free_obj = *(uint16_t *)obj;
    pg->inuse++;
    if (pg->free_obj == PF_NO_OBJ) {
        pf_page_list_remove(&partial[cls], pf_page_index(pg));
    }
    return obj;
}

static void slab_free(struct pf_page *pg, void *p)
{
    unsigned cls = pg->cls;
    size_t offset = (uintptr_t)p - (uintptr_t)pf_page_addr(pg);
    if (offset % class_size(cls) || !pg->inuse) {
        pf_panic("free(%p): not an allocated object", p);
    }
    uint32_t index = pf_page_index(pg);
    bool was_full = pg->free_obj == PF_NO_OBJ;
    *(uint16_t *)p = pg->free_obj;
    pg->free_obj = (uint16_t)(offset / class_size(cls));
    pg->inuse--;
    if (was_full) {
        pf_page_list_push(&partial[cls], index);
    }
    /* Return empty slabs to the page allocator, but keep one per class to avoid churn. */
    if (pg->inuse == 0 && !(partial[cls] == index && pg->next == PF_NO_PAGE)) {
        pf_page_list_remove(&partial[cls], index);
        pg->kind = PF_PAGE_BLOCK;
        pg->npages = 1; /* the list link shared its word */
        pf_page_free(pf_page_addr(pg));
    }
}

void *pf_malloc(size_t size, size_t align)
{
    if (align < (1u << MIN_SHIFT)) {
        align = 1u << MIN_SHIFT;
    }
    if (!pf_is_pow2(align)) {
        return 0;
    }
    size_t need = size > align ? size : align;
    if (need <= ((size_t)1 << MAX_SHIFT)) {
        return slab_alloc(pf_log2_ceil(need) - MIN_SHIFT);
    }
    return pf_page_alloc(size, align);
}

void pf_free(void *p)
{
    if (!p) {
        return;
    }
    struct pf_page *pg = pf_page_of(p);
    if (pg && pg->kind == PF_PAGE_SLAB) {
        slab_free(pg, p);
    } else if (pg && pg->kind == PF_PAGE_BLOCK) {
        pf_page_free(p);
    } else {
        pf_panic("free(%p): not allocated by malloc", p);
    }
}

size_t pf_malloc_usable(const void *p)
{
    struct pf_page *pg = pf_page_of(p);
    if (!pg) {
        return 0;
    }
    return pg->kind == PF_PAGE_SLAB ? class_size(pg->cls) : (size_t)pg->npages * PF_PAGE_SIZE;
}

void *pf_calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size) {
        return 0;
    }
    void *p = pf_malloc(n * size, 0);
    if (p) {
        memset(p, 0, n * size);
    }
    return p;
}

/* Keeps the block while the new size fits and does not leave most of it empty. */
void *pf_realloc(void *p, size_t size)
{
    if (!p) {
        return pf_malloc(size, 0);
    }
    size_t have = pf_malloc_usable(p);
    if (size <= have && size >= have / 4) {
        return p;
    }
    void *q = pf_malloc(size, 0);
    if (q) {
        memcpy(q, p, size < have ? size : have);
        pf_free(p);
    }
    return q;
}
