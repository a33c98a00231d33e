/*
 * Declarations shared between the platform's own source files (not part of its interface).
 */
#pragma once

#include <platform.h>
#include <runtime.h>
#include <errno.h>

/* --- start.c --------------------------------------------------------------------------------- */

extern const struct uk_init *pf_uk;

/* --- console.c ------------------------------------------------------------------------------- */

/* Console output that bypasses the line buffer (panics, early errors). */
void pf_console_raw(const char *s);

/* --- tls.c ----------------------------------------------------------------------------------- */

/* The calling thread's thread pointer (%fs:0). */
uintptr_t pf_tls_current(void);
/* Loads the FS base of the (only) TCB. */
void pf_tls_load(uintptr_t tp);

/* --- mem.c ----------------------------------------------------------------------------------- */

int pf_mem_init(const struct uk_init *init);
/* A free CSpace slot of this process, or 0. */
seL4_CPtr pf_slot_alloc(void);
/* A kernel object (TCB, endpoint, notification, paging structure) in a fresh slot. */
int pf_object_alloc(seL4_Word type, seL4_Word size_bits, seL4_CPtr *cap);
/* A fresh zeroed 4 KiB frame from the object pool, mapped outside the heap. */
void *pf_frame_new(seL4_CPtr *cap);
/* Maps a 4 KiB frame, creating missing paging structures. */
int pf_map_frame(seL4_CPtr frame, uintptr_t vaddr, seL4_X86_VMAttributes attr);
/* Physical address if [va, va+len) is physically contiguous platform memory, else 0. */
uintptr_t pf_mem_phys_contiguous(const void *va, size_t len);

/* --- pages.c --------------------------------------------------------------------------------- */

/* Hands the mapped heap [base, end) to the page allocator (everything but its bookkeeping). */
void pf_pages_init(uintptr_t base, uintptr_t end);

/*
 * Per-page bookkeeping of the heap, shared by the page allocator (pages.c) and the
 * small-object allocator (malloc.c). Page links are page indices; PF_NO_PAGE ends a list.
 */
#define PF_NO_PAGE 0xffffffffu
#define PF_NO_OBJ  0xffffu

enum pf_page_kind {
    PF_PAGE_UNUSED = 0, /* inside a free block or a block's tail */
    PF_PAGE_FREE,       /* first page of a free block */
    PF_PAGE_BLOCK,      /* first page of an allocated block */
    PF_PAGE_SLAB,       /* a page of small objects (malloc.c) */
    PF_PAGE_RESERVED,   /* the bookkeeping itself */
};

struct pf_page {
    union {
        uint32_t next;   /* free list of its order, or partial-slab list of its class */
        uint32_t npages; /* allocated block: how many pages it has */
    };
    uint32_t prev;
    uint8_t kind;  /* enum pf_page_kind */
    uint8_t order; /* free block: log2 pages */
    uint8_t cls;   /* slab: size class */
    uint8_t unused;
    uint16_t inuse;    /* slab: objects handed out */
    uint16_t free_obj; /* slab: index of the first free object, or PF_NO_OBJ */
};

/* The page record for an address inside the heap, or 0 if the address is not heap memory. */
struct pf_page *pf_page_of(const void *p);
void *pf_page_addr(const struct pf_page *pg);
uint32_t pf_page_index(const struct pf_page *pg);
struct pf_page *pf_page_at(uint32_t index);
/* Doubly linked page lists (free lists, partial slabs) threaded through next/prev. */
void pf_page_list_push(uint32_t *head, uint32_t index);
void pf_page_list_remove(uint32_t *head, uint32_t index);

/* --- ioport.c -------------------------------------------------------------------------------- */

/* Slot of the root task's fault endpoint (UK_SLOT_FAULT_EP unless the emulator moved it). */
seL4_CPtr pf_root_fault_ep(void);

/* --- time.c ---------------------------------------------------------------------------------- */

void pf_time_init(const struct uk_init *init);
/* Absolute TSC value of a monotonic-clock time (ns). */
uint64_t pf_mono_to_tsc(uint64_t ns);

/* --- sched.c --------------------------------------------------------------------------------- */

void pf_sched_init(void);

/* --- intr.c ---------------------------------------------------------------------------------- */

/* Notification bits that belong to IRQs (as opposed to the timer). */
seL4_Word pf_intr_mask(void);
/* Called by the scheduler with the IRQ bits it received; wakes the dispatch thread. */
void pf_intr_deliver(seL4_Word bits);
/* Whether some IRQ has a handler, i.e. a blocked system can still be woken by a device. */
bool pf_intr_armed(void);

/* --- random.c -------------------------------------------------------------------------------- */

void pf_random_init(void);

/* --- switch.S -------------------------------------------------------------------------------- */

/* Saves callee-saved state on the current stack, stores the stack pointer in *save and
 * continues on `load` (a stack prepared by a previous switch or by the thread creator). */
void pf_ctx_switch(uintptr_t *save, uintptr_t load);
/* First code of a new thread: calls r13(r12) on an aligned stack. */
void pf_ctx_trampoline(void);

/* --- helpers --------------------------------------------------------------------------------- */

static inline size_t pf_round_up(size_t x, size_t a)
{
    return (x + a - 1) & ~(a - 1);
}

static inline bool pf_is_pow2(size_t x)
{
    return x && (x & (x - 1)) == 0;
}

/* log2 of the smallest power of two >= x (x >= 1). */
static inline unsigned pf_log2_ceil(size_t x)
{
    return x <= 1 ? 0 : 64 - (unsigned)__builtin_clzl(x - 1);
}

/* --- channel.c ------------------------------------------------------------------------------ */

/* The notification bits of the channels, and their delivery by the scheduler. */
seL4_Word pf_channel_mask(void);
void pf_channel_deliver(seL4_Word bits);
