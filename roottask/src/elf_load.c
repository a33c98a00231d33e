/*
 * Loading a checked ELF image into a process: every page any loadable segment touches gets a
 * fresh (zeroed) frame, filled through the scratch window with the file bytes of every
 * segment on that page, then mapped read-only or, if any of those segments is writable,
 * read-write. Segments were checked by elf_check: inside the file, inside the allowed
 * range, not overlapping.
 */
#include "roottask.h"

#define PF_W 2

static seL4_Word first_page(const struct elf_segment *s)
{
    return s->vaddr >> PAGE_BITS;
}

static seL4_Word end_page(const struct elf_segment *s)
{
    return (s->vaddr + s->memsz + PAGE_SIZE - 1) >> PAGE_BITS;
}

static int load_page(struct process *p, seL4_Word vaddr)
{
    seL4_CPtr frame = object_new(&p->vspace.src, seL4_X86_4K, 0);
    if (!frame) {
        return -1;
    }
    char *page = scratch_map(frame, 0, 1, seL4_X86_Default_VMAttributes);
    int writable = 0;
    for (unsigned i = 0; i < p->elf.nsegments; i++) {
        const struct elf_segment *s = &p->elf.segments[i];
        if (s->vaddr >= vaddr + PAGE_SIZE || s->vaddr + s->memsz <= vaddr) {
            continue;
        }
        writable |= (s->flags & PF_W) != 0;
        seL4_Word lo = s->vaddr > vaddr ? s->vaddr : vaddr;
        seL4_Word file_end = s->vaddr + s->filesz;
        seL4_Word hi = file_end < vaddr + PAGE_SIZE ? file_end : vaddr + PAGE_SIZE;
        if (hi > lo) {
            memcpy(page + (lo - vaddr), (const char *)p->image + s->offset + (lo - s->vaddr),
                   hi - lo);
        }
    }
    scratch_unmap(frame);
    return vspace_map(&p->vspace, frame, vaddr, writable ? seL4_ReadWrite : seL4_CanRead,
                      seL4_X86_Default_VMAttributes);
}

int elf_load(struct process *p)
{
    seL4_Word next = 0; /* first page not loaded yet */
    for (unsigned i = 0; i < p->elf.nsegments; i++) {
        seL4_Word first = first_page(&p->elf.segments[i]), end = end_page(&p->elf.segments[i]);
        for (seL4_Word page = first < next ? next : first; page < end; page++) {
            if (load_page(p, page << PAGE_BITS) < 0) {
                return -1;
            }
        }
        if (end > next) {
            next = end;
        }
    }
    return 0;
}
