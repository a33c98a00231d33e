/*
 * The kernel's own address space, shared by every VSpace (PML4 entries 256..511):
 *   PPTR_BASE + p   physical memory (RAM and firmware tables), 2 MiB pages, no execute;
 *   KERNEL_BASE + p the kernel image, 4 KiB pages, text RX / rodata R / data RW (W^X);
 *   KDEV_BASE ...   kernel device registers (local APIC, IOAPICs), uncached.
 * User mappings can never reach these: user page-table entries only go below USER_TOP.
 */
#include <arch.h>
#include <machine.h>
#include <printk.h>
#include <pte.h>

#define WINDOW_PDS (1u << (PPTR_LIMIT_BITS - 30))
#define IMAGE_PTS  8 /* kernel image up to 16 MiB */

uint64_t kernel_pml4[512] ALIGNED(4096);
static uint64_t window_pdpt[512] ALIGNED(4096);
static uint64_t window_pds[WINDOW_PDS][512] ALIGNED(4096);
static uint64_t kernel_pdpt[512] ALIGNED(4096);
static uint64_t image_pd[512] ALIGNED(4096);
static uint64_t image_pts[IMAGE_PTS][512] ALIGNED(4096);
static uint64_t device_pd[512] ALIGNED(4096);
static uint64_t device_pt[512] ALIGNED(4096);
static unsigned device_pages_used;

extern char _kernel_text_start[], _kernel_rodata_start[], _kernel_data_start[], _kernel_end[];

static paddr_t kernel_paddr(const void *kernel_va)
{
    return (paddr_t)kernel_va - KERNEL_BASE;
}

paddr_t kernel_image_end_paddr(void)
{
    return kernel_paddr(_kernel_end);
}

static void map_window(const paddr_t *ranges, int n_ranges)
{
    for (int r = 0; r < n_ranges; r++) {
        paddr_t start = ROUND_DOWN(ranges[2 * r], 21);
        paddr_t end = MIN(ROUND_UP(ranges[2 * r + 1], 21), BIT(PPTR_LIMIT_BITS));
        for (paddr_t p = start; p < end; p += BIT(21)) {
            window_pds[p >> 30][pt_index(p, 1)] =
                p | PTE_PRESENT | PTE_WRITE | PTE_HUGE | PTE_GLOBAL | PTE_NX;
        }
    }
    for (unsigned i = 0; i < WINDOW_PDS; i++) {
        window_pdpt[i] = kernel_paddr(window_pds[i]) | PTE_PRESENT | PTE_WRITE;
    }
    kernel_pml4[pt_index(PPTR_BASE, 3)] = kernel_paddr(window_pdpt) | PTE_PRESENT | PTE_WRITE;
}

static void map_image(void)
{
    vaddr_t start = KERNEL_BASE + KERNEL_PHYS_LOAD;
    vaddr_t end = (vaddr_t)_kernel_end;
    if (end - KERNEL_BASE > (word_t)IMAGE_PTS << 21) {
        panic("kernel image too large for its page tables");
    }
    for (vaddr_t va = start; va < end; va += BIT(12)) {
        uint64_t flags = PTE_PRESENT | PTE_GLOBAL;
        if (va < (vaddr_t)_kernel_rodata_start) {
            /* text: executable, read-only */
        } else if (va < (vaddr_t)_kernel_data_start) {
            flags |= PTE_NX;
        } else {
            flags |= PTE_NX | PTE_WRITE;
        }
        word_t pd_slot = pt_index(va, 1);
        image_pts[pd_slot][pt_index(va, 0)] = kernel_paddr((void *)va) | flags;
    }
    for (unsigned i = 0; i < IMAGE_PTS; i++) {
        image_pd[i] = kernel_paddr(image_pts[i]) | PTE_PRESENT | PTE_WRITE;
    }
    kernel_pdpt[pt_index(KERNEL_BASE, 2)] = kernel_paddr(image_pd) | PTE_PRESENT | PTE_WRITE;
    device_pd[0] = kernel_paddr(device_pt) | PTE_PRESENT | PTE_WRITE;
    kernel_pdpt[pt_index(KDEV_BASE, 2)] = kernel_paddr(device_pd) | PTE_PRESENT | PTE_WRITE;
    kernel_pml4[pt_index(KERNEL_BASE, 3)] = kernel_paddr(kernel_pdpt) | PTE_PRESENT | PTE_WRITE;
}

void kvspace_init(paddr_t ram_end, const paddr_t *ranges, int n_ranges)
{
    if (ram_end > BIT(PPTR_LIMIT_BITS)) {
        kprintf("warning: physical memory above %lu GiB is not used\n", BIT(PPTR_LIMIT_BITS) >> 30);
    }
    map_window(ranges, n_ranges);
    map_image();
    write_cr3(kernel_paddr(kernel_pml4));
}

void *kvspace_map_device(paddr_t paddr)
{
    kassert(device_pages_used < 512);
    unsigned i = device_pages_used++;
    device_pt[i] =
        ROUND_DOWN(paddr, 12) | PTE_PRESENT | PTE_WRITE | PTE_PCD | PTE_PWT | PTE_GLOBAL | PTE_NX;
    vaddr_t va = KDEV_BASE + ((vaddr_t)i << 12);
    invlpg(va);
    return (void *)(va + (paddr & MASK(12)));
}

paddr_t kernel_pml4_paddr(void)
{
    return kernel_paddr(kernel_pml4);
}

void kvspace_copy_kernel_entries(uint64_t *pml4)
{
    for (int i = 256; i < 512; i++) {
        pml4[i] = kernel_pml4[i];
    }
}
