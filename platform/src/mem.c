/*
 * Memory: turns the untypeds granted in uk_init into one mapped heap (pages.c hands out its
 * pages), and makes the kernel objects the platform needs later.
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
 * notifications.
 */
#include "internal.h"
#include <rt_vspace.h>

#define HEAP_BASE    UK_FREE_VADDR
#define LARGE_BITS   21
#define POOL_BITS    21 /* kernel-object pool: 2 MiB at most */
#define POOL_MIN     14 /* an untyped smaller than 16 KiB is useless as a pool */
#define SLOT_RESERVE 256
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

/* Paging structures come from the kernel-object pool; *ctx receives the errno if not. */
static seL4_Error table_from_pool(void *ctx, seL4_Word type, seL4_CPtr *cap)
{
    int *err = ctx;
    *err = pf_object_alloc(type, 0, cap);
    return *err ? seL4_NotEnoughMemory : seL4_NoError;
}

int pf_map_frame(seL4_CPtr frame, uintptr_t vaddr, seL4_X86_VMAttributes attr)
{
    int err = 0;
    seL4_Error e = rt_map_frame_with(UK_SLOT_VSPACE, frame, vaddr, seL4_ReadWrite, attr,
                                     table_from_pool, &err);
    return e == seL4_NoError ? 0 : err ? err : EINVAL;
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
    pf_pages_init(heap_base, heap_end);
    return 0;
}
