/*
 * Memory: turns the untypeds granted in uk_init into one mapped heap and hands out pages
 * from it with a buddy allocator.
 *
 * Everything is retyped and mapped at start-up, for three reasons: the CSpace has only
 * 2^UK_CNODE_BITS slots, so memory must come in 2 MiB frames (one slot each) rather than
 * 4 KiB ones; a rump kernel asks for memory from contexts that must not block on the
 * kernel; and the physical address of every heap byte is then known, which DMA needs
 * (rumpcomp_pci_virt_to_mach is asked about arbitrary kernel buffers, not just DMA
 * allocations).
 *
 * Layout from UK_FREE_VADDR: the 2 MiB frames in retype order, then 4 KiB frames from
 * untypeds smaller than 2 MiB. One small untyped (or a 2 MiB child of the smallest one) is
 * kept back as the pool for kernel objects made later: paging structures, TCBs,
 * notifications. The heap's first pages hold struct pf_page for every heap page.
 */
#include "internal.h"

#define HEAP_BASE    UK_FREE_VADDR
#define LARGE_BITS   21
#define POOL_BITS    21 /* kernel-object pool: 2 MiB at most */
#define POOL_MIN     14 /* an untyped smaller than 16 KiB is useless as a pool */
#define SLOT_RESERVE 256
#define MAX_ORDER    20 /* largest block 2^20 pages = 4 GiB */
#define MAX_FRAMES   (1u << UK_CNODE_BITS)
/* Single frames mapped outside the heap (IPC buffers of extra TCBs), 1 TiB above it. */
#define MISC_VADDR (UK_FREE_VADDR + (1ul << 40))

static seL4_CPtr slot_next, slot_end;
static seL4_CPtr pool;

/* Mapped heap: [heap_base, small_base) in 2 MiB frames, [small_base, heap_end) in 4 KiB. */
static uintptr_t heap_base, small_base, heap_end;
/* Physical address of each frame, in mapping order (one frame per slot, so bounded). */
static uintptr_t frame_phys[MAX_FRAMES];
static unsigned n_large, n_small;

static struct pf_page *pages;
static uint32_t heap_pages;
static uint32_t free_head[MAX_ORDER + 1];
static size_t free_pages, free_pages_min;

/* --- Slots and kernel objects ------------------------------------------------------------- */

static seL4_CPtr slot_range(seL4_Word n)
{
    if (slot_end - slot_next < n) {
        return 0;
    }
    seL4_CPtr first = slot_next;
    slot_next += n;
    return first;
}

seL4_CPtr pf_slot_alloc(void)
{
    return slot_range(1);
}

int pf_object_alloc(seL4_Word type, seL4_Word size_bits, seL4_CPtr *cap)
{
    static seL4_CPtr spare; /* slot of a failed attempt, reused by the next one */
    seL4_CPtr slot = spare ? spare : pf_slot_alloc();
    if (!slot) {
        return ENOSPC;
    }
    spare = 0;
    if (seL4_Untyped_Retype(pool, type, size_bits, UK_SLOT_CNODE, 0, 0, slot, 1) != seL4_NoError) {
        spare = slot;
        return ENOMEM;
    }
    *cap = slot;
    return 0;
}

/* --- Mapping --------------------------------------------------------------------------------- */

/*
 * Creates the paging structure whose absence the kernel reported. After a failed map the
 * stub leaves the error words in the IPC buffer; word 2 is the number of address bits
 * left to translate at the missing level (39: PDPT, 30: page directory, 21: page table).
 */
static int make_missing_table(uintptr_t vaddr)
{
    seL4_Word bits_left = seL4_GetMR(2);
    seL4_Word type;
    switch (bits_left) {
    case 39:
        type = seL4_X86_PDPTObject;
        break;
    case 30:
        type = seL4_X86_PageDirectoryObject;
        break;
    case 21:
        type = seL4_X86_PageTableObject;
        break;
    default:
        return EINVAL;
    }
    seL4_CPtr cap;
    int err = pf_object_alloc(type, 0, &cap);
    if (err) {
        return err;
    }
    seL4_Error e;
    if (type == seL4_X86_PDPTObject) {
        e = seL4_X86_PDPT_Map(cap, UK_SLOT_VSPACE, vaddr, seL4_X86_Default_VMAttributes);
    } else if (type == seL4_X86_PageDirectoryObject) {
        e = seL4_X86_PageDirectory_Map(cap, UK_SLOT_VSPACE, vaddr, seL4_X86_Default_VMAttributes);
    } else {
        e = seL4_X86_PageTable_Map(cap, UK_SLOT_VSPACE, vaddr, seL4_X86_Default_VMAttributes);
    }
    return e == seL4_NoError ? 0 : EINVAL;
}

int pf_map_frame(seL4_CPtr frame, uintptr_t vaddr, seL4_X86_VMAttributes attr)
{
    for (int level = 0; level < 4; level++) {
        seL4_Error e = seL4_X86_Page_Map(frame, UK_SLOT_VSPACE, vaddr, seL4_ReadWrite, attr);
        if (e == seL4_NoError) {
            return 0;
        }
        if (e != seL4_FailedLookup) {
            return EINVAL;
        }
        int err = make_missing_table(vaddr);
        if (err) {
            return err;
        }
    }
    return EINVAL;
}

/*
 * Retypes up to `n` frames of 2^bits bytes from `ut` and maps them from *va upwards.
 * Returns how many were mapped (fewer if the untyped, the slots or the pool ran out).
 */
static unsigned map_frames(seL4_CPtr ut, unsigned bits, unsigned n, uintptr_t *va)
{
    seL4_Word type = bits == LARGE_BITS ? seL4_X86_LargePageObject : seL4_X86_4K;
    unsigned done = 0;
    while (done < n && n_large + n_small < MAX_FRAMES) {
        unsigned batch = n - done;
        if (batch > seL4_UntypedRetypeMaxObjects) {
            batch = seL4_UntypedRetypeMaxObjects;
        }
        seL4_CPtr first = slot_range(batch);
        if (!first) {
            break;
        }
        if (seL4_Untyped_Retype(ut, type, 0, UK_SLOT_CNODE, 0, 0, first, batch) != seL4_NoError) {
            slot_next -= batch; /* nothing was created; give the slots back */
            if (batch == 1) {
                break;
            }
            n = done + batch / 2; /* the untyped is fuller than its size says: ask for less */
            continue;
        }
        for (unsigned i = 0; i < batch; i++) {
            seL4_X86_Page_GetAddress_t pa = seL4_X86_Page_GetAddress(first + i);
            if (pa.error || pf_map_frame(first + i, *va, seL4_X86_Default_VMAttributes)) {
                printf("platform: cannot map frame %lu at 0x%lx\n", first + i, *va);
                return done;
            }
            frame_phys[n_large + n_small] = pa.paddr;
            if (bits == LARGE_BITS) {
                n_large++;
            } else {
                n_small++;
            }
            *va += 1ul << bits;
            done++;
        }
    }
    return done;
}

void *pf_frame_new(seL4_CPtr *cap)
{
    static uintptr_t next = MISC_VADDR;
    if (pf_object_alloc(seL4_X86_4K, 0, cap) != 0 ||
        pf_map_frame(*cap, next, seL4_X86_Default_VMAttributes) != 0) {
        return 0;
    }
    next += PF_PAGE_SIZE;
    return (void *)(next - PF_PAGE_SIZE);
}

/* --- Buddy allocator ------------------------------------------------------------------------- */

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

/* --- Physical addresses ---------------------------------------------------------------------- */

/* Frame index and frame size of a heap address. */
static bool frame_of(uintptr_t a, unsigned *index, unsigned *bits)
{
    if (a >= heap_base && a < small_base) {
        *index = (unsigned)((a - heap_base) >> LARGE_BITS);
        *bits = LARGE_BITS;
        return true;
    }
    if (a >= small_base && a < heap_end) {
        *index = n_large + (unsigned)((a - small_base) >> 12);
        *bits = 12;
        return true;
    }
    return false;
}

uintptr_t pf_virt_to_phys(const void *va)
{
    uintptr_t a = (uintptr_t)va;
    unsigned index, bits;
    if (frame_of(a, &index, &bits)) {
        return frame_phys[index] + (a & ((1ul << bits) - 1));
    }
    const struct uk_init *init = pf_uk;
    for (seL4_Word i = 0; i < init->n_device_frames; i++) {
        const struct uk_device_frame *f = &init->device_frames[i];
        if (a >= f->vaddr && a - f->vaddr < PF_PAGE_SIZE) {
            return f->paddr + (a - f->vaddr);
        }
    }
    return 0;
}

uintptr_t pf_mem_phys_contiguous(const void *va, size_t len)
{
    uintptr_t start = (uintptr_t)va, pa = pf_virt_to_phys(va);
    if (!pa || !len || !frame_of(start + len - 1, &(unsigned){0}, &(unsigned){0})) {
        return 0;
    }
    /* Check each frame boundary inside the range. */
    for (uintptr_t a = start; a < start + len;) {
        unsigned index, bits;
        frame_of(a, &index, &bits);
        uintptr_t next = (a | ((1ul << bits) - 1)) + 1;
        if (pf_virt_to_phys((void *)a) != pa + (a - start)) {
            return 0;
        }
        a = next;
    }
    return pa;
}

/* --- Start-up -------------------------------------------------------------------------------- */

static int setup_pool(const struct uk_init *init, unsigned *pool_index)
{
    unsigned best = ~0u;
    for (unsigned i = 0; i < init->n_untyped; i++) {
        if (init->untyped[i].size_bits >= POOL_MIN &&
            (best == ~0u || init->untyped[i].size_bits < init->untyped[best].size_bits)) {
            best = i;
        }
    }
    if (best == ~0u) {
        return ENOMEM;
    }
    *pool_index = best;
    if (init->untyped[best].size_bits <= POOL_BITS) {
        pool = init->untyped[best].cap;
        return 0;
    }
    /* Split: the first 2 MiB of the untyped become the pool, the rest is heap. */
    pool = pf_slot_alloc();
    if (!pool || seL4_Untyped_Retype(init->untyped[best].cap, seL4_UntypedObject, POOL_BITS,
                                     UK_SLOT_CNODE, 0, 0, pool, 1) != seL4_NoError) {
        return ENOMEM;
    }
    return 0;
}

static void heap_init(void)
{
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

int pf_mem_init(const struct uk_init *init)
{
    slot_next = init->free_slot_start;
    slot_end = init->free_slot_end;
    unsigned pool_index;
    if (setup_pool(init, &pool_index)) {
        printf("platform: no untyped usable for kernel objects\n");
        return ENOMEM;
    }

    uintptr_t va = heap_base = HEAP_BASE;
    for (unsigned i = 0; i < init->n_untyped; i++) {
        unsigned bits = (unsigned)init->untyped[i].size_bits;
        if (bits < LARGE_BITS || (i == pool_index && bits <= POOL_BITS)) {
            continue;
        }
        unsigned n = 1u << (bits - LARGE_BITS);
        if (i == pool_index) {
            n--; /* its first 2 MiB are the pool */
        }
        map_frames(init->untyped[i].cap, LARGE_BITS, n, &va);
    }
    small_base = va;
    for (unsigned i = 0; i < init->n_untyped; i++) {
        unsigned bits = (unsigned)init->untyped[i].size_bits;
        if (bits >= LARGE_BITS || i == pool_index || bits < 12) {
            continue;
        }
        seL4_Word slots_left = slot_end - slot_next;
        unsigned n = 1u << (bits - 12);
        if (slots_left < SLOT_RESERVE + n) {
            printf("platform: CSpace too small to map a %u KiB untyped; skipped\n",
                   1u << (bits - 10));
            continue;
        }
        map_frames(init->untyped[i].cap, 12, n, &va);
    }
    heap_end = va;
    if (heap_end - heap_base < 4 * PF_PAGE_SIZE) {
        printf("platform: no memory could be mapped\n");
        return ENOMEM;
    }
    heap_init();
    return 0;
}
