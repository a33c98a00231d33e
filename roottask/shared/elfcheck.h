/*
 * ELF checks for unikernel images, shared by tools/bake and the root task: an image that
 * passes can be loaded page by page without reading outside the file or writing outside the
 * allowed address range.
 */
#pragma once

#include "shared_libc.h"

#define ELFCHECK_MAX_SEGMENTS 16

struct elf_segment {
    uint64_t vaddr, memsz;   /* memory range [vaddr, vaddr + memsz) */
    uint64_t offset, filesz; /* file bytes copied to vaddr; the rest is zero */
    uint32_t flags;          /* PF_R / PF_W / PF_X */
};

struct elf_image {
    uint64_t entry;
    unsigned nsegments; /* PT_LOAD segments, sorted by vaddr */
    struct elf_segment segments[ELFCHECK_MAX_SEGMENTS];
};

/*
 * Checks a static x86_64 ELF64 executable held in [data, data + size) whose loadable
 * segments must all lie in [vaddr_min, vaddr_max): header fields, program header bounds,
 * segment bounds (inside the file, inside the range), no two segments sharing an address,
 * and an entry point inside an executable segment. Returns 0 and fills *out, or -1 with the
 * problem in err.
 */
int elf_check(const void *data, size_t size, uint64_t vaddr_min, uint64_t vaddr_max,
              struct elf_image *out, char *err, size_t err_size);

/* 4 KiB pages a checked image occupies (a page two segments share counts once). */
uint64_t elf_page_count(const struct elf_image *elf);
