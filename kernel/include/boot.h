/*
 * Boot: physical memory bookkeeping while the kernel starts, and creation of the root
 * task (its image, address space, CSpace, bootinfo and untyped caps).
 */
#pragma once

#include <types.h>

#define MAX_BOOT_REGIONS 64

typedef struct region {
    paddr_t start, end; /* [start, end) */
} region_t;

/* Free RAM during boot; whatever is left becomes the root task's untyped memory. */
void boot_mem_add(paddr_t start, paddr_t end);
void boot_mem_reserve(paddr_t start, paddr_t end);
paddr_t boot_mem_alloc(word_t size, word_t align_bits); /* zeroed; panics when out */
int boot_mem_regions(const region_t **regions);

/*
 * Device ranges (for device untypeds): all physical address space below 2^47 minus what
 * is removed (RAM, the kernel's own device registers, low memory).
 */
void boot_device_remove(paddr_t start, paddr_t end);
int boot_device_regions(const region_t **regions);

struct multiboot_mmap_copy {
    uint32_t size;
    uint64_t base, length;
    uint32_t type;
} PACKED;

struct boot_info_in {
    paddr_t module_start, module_end; /* the root task ELF */
    struct multiboot_mmap_copy mmap[50];
    uint32_t mmap_entries;
};

void create_root_task(const struct boot_info_in *in);
