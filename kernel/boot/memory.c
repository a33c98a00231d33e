/*
 * Physical memory at boot: a small list of free RAM ranges that boot allocations are
 * carved from, and the list of RAM ranges used to work out the device (non-RAM) ranges.
 */
#include <kernel.h>
#include <boot.h>
#include <printk.h>

static region_t free_ram[MAX_BOOT_REGIONS];
static int n_free_ram;

static void regions_remove(region_t *list, int *n, paddr_t start, paddr_t end)
{
    for (int i = 0; i < *n; i++) {
        region_t r = list[i];
        if (end <= r.start || start >= r.end) {
            continue;
        }
        /* Cut [start, end) out of r: keep what remains on either side. */
        list[i] = list[--*n];
        if (r.start < start) {
            kassert(*n < MAX_BOOT_REGIONS);
            list[(*n)++] = (region_t){r.start, start};
        }
        if (end < r.end) {
            kassert(*n < MAX_BOOT_REGIONS);
            list[(*n)++] = (region_t){end, r.end};
        }
        i = -1; /* the list changed: start over */
    }
}

static void regions_sort(region_t *list, int n)
{
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0 && list[j - 1].start > list[j].start; j--) {
            region_t tmp = list[j];
            list[j] = list[j - 1];
            list[j - 1] = tmp;
        }
    }
}

void boot_mem_add(paddr_t start, paddr_t end)
{
    if (start >= end) {
        return;
    }
    if (n_free_ram == MAX_BOOT_REGIONS) {
        kprintf("warning: too many memory regions; ignoring [%lx, %lx)\n", start, end);
        return;
    }
    free_ram[n_free_ram++] = (region_t){start, end};
    regions_sort(free_ram, n_free_ram);
}

void boot_mem_reserve(paddr_t start, paddr_t end)
{
    regions_remove(free_ram, &n_free_ram, start, end);
    regions_sort(free_ram, n_free_ram);
}

paddr_t boot_mem_alloc(word_t size, word_t align_bits)
{
    for (int i = 0; i < n_free_ram; i++) {
        paddr_t a = ROUND_UP(free_ram[i].start, align_bits);
        if (a >= free_ram[i].start && a + size <= free_ram[i].end) {
            boot_mem_reserve(a, a + size);
            memset(ptr_from_paddr(a), 0, size);
            return a;
        }
    }
    panic("boot: out of memory allocating %lu bytes", size);
}

int boot_mem_regions(const region_t **regions)
{
    *regions = free_ram;
    return n_free_ram;
}

/* --- Device ranges -------------------------------------------------------------------- */

static region_t devices[MAX_BOOT_REGIONS];
static int n_devices;

void boot_device_remove(paddr_t start, paddr_t end)
{
    if (n_devices == 0) {
        devices[n_devices++] = (region_t){0, BIT(seL4_MaxUntypedBits)};
    }
    regions_remove(devices, &n_devices, start, end);
    regions_sort(devices, n_devices);
}

int boot_device_regions(const region_t **regions)
{
    *regions = devices;
    return n_devices;
}
