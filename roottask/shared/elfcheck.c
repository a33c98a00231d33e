/*
 * ELF image checker. Reads headers with memcpy because an image inside a CPIO archive is
 * only 4-byte aligned.
 */
#include "elfcheck.h"

#define EI_CLASS           4
#define EI_DATA            5
#define EI_VERSION         6
#define ELFCLASS64         2
#define ELFDATA2LSB        1
#define ET_EXEC            2
#define EM_X86_64          62
#define PT_LOAD            1
#define PT_DYNAMIC         2
#define PT_INTERP          3
#define PF_X               1
#define EHDR_SIZE          64
#define PHDR_SIZE          56
#define ELFCHECK_MAX_PHDRS 256

struct ehdr {
    unsigned char ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

_Static_assert(sizeof(struct ehdr) == EHDR_SIZE, "ELF64 header");
_Static_assert(sizeof(struct phdr) == PHDR_SIZE, "ELF64 program header");

static int check_header(const struct ehdr *eh, size_t size, char *err, size_t err_size)
{
    static const unsigned char magic[4] = {0x7f, 'E', 'L', 'F'};
    if (memcmp(eh->ident, magic, sizeof(magic))) {
        return report_problem(err, err_size, "not an ELF file (bad magic)");
    }
    if (eh->ident[EI_CLASS] != ELFCLASS64) {
        return report_problem(err, err_size, "not a 64-bit ELF file (class %u)",
                              eh->ident[EI_CLASS]);
    }
    if (eh->ident[EI_DATA] != ELFDATA2LSB) {
        return report_problem(err, err_size, "not a little-endian ELF file");
    }
    if (eh->machine != EM_X86_64) {
        return report_problem(err, err_size, "not an x86_64 program (machine %u)", eh->machine);
    }
    if (eh->type != ET_EXEC) {
        return report_problem(err, err_size, "not a static executable (ELF type %u, need ET_EXEC)",
                              eh->type);
    }
    if (eh->phentsize != PHDR_SIZE || eh->phnum == 0 || eh->phnum > ELFCHECK_MAX_PHDRS) {
        return report_problem(err, err_size, "bad program header table (%u entries of %u bytes)",
                              eh->phnum, eh->phentsize);
    }
    if (eh->phoff > size || (size - eh->phoff) / PHDR_SIZE < eh->phnum) {
        return report_problem(err, err_size, "program headers lie outside the file");
    }
    return 0;
}

static int check_segment(const struct phdr *ph, unsigned index, size_t size, uint64_t vaddr_min,
                         uint64_t vaddr_max, char *err, size_t err_size)
{
    if (ph->offset > size || size - ph->offset < ph->filesz) {
        return report_problem(
            err, err_size,
            "segment %u: file bytes 0x%llx+0x%llx lie outside the file (0x%zx bytes)", index,
            (unsigned long long)ph->offset, (unsigned long long)ph->filesz, size);
    }
    if (ph->filesz > ph->memsz) {
        return report_problem(err, err_size,
                              "segment %u: file size 0x%llx exceeds memory size 0x%llx", index,
                              (unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
    }
    if (ph->vaddr < vaddr_min || ph->vaddr > vaddr_max || vaddr_max - ph->vaddr < ph->memsz) {
        return report_problem(
            err, err_size,
            "segment %u at 0x%llx+0x%llx lies outside the allowed range [0x%llx, 0x%llx)", index,
            (unsigned long long)ph->vaddr, (unsigned long long)ph->memsz,
            (unsigned long long)vaddr_min, (unsigned long long)vaddr_max);
    }
    return 0;
}

static void insert_sorted(struct elf_image *out, const struct elf_segment *s)
{
    unsigned i = out->nsegments++;
    while (i > 0 && out->segments[i - 1].vaddr > s->vaddr) {
        out->segments[i] = out->segments[i - 1];
        i--;
    }
    out->segments[i] = *s;
}

int elf_check(const void *data, size_t size, uint64_t vaddr_min, uint64_t vaddr_max,
              struct elf_image *out, char *err, size_t err_size)
{
    struct ehdr eh;
    if (size < EHDR_SIZE) {
        return report_problem(err, err_size, "not an ELF file (only %zu bytes)", size);
    }
    memcpy(&eh, data, sizeof(eh));
    if (check_header(&eh, size, err, err_size) < 0) {
        return -1;
    }
    out->entry = eh.entry;
    out->nsegments = 0;
    for (unsigned i = 0; i < eh.phnum; i++) {
        struct phdr ph;
        memcpy(&ph, (const char *)data + eh.phoff + (size_t)i * PHDR_SIZE, sizeof(ph));
        if (ph.type == PT_INTERP || ph.type == PT_DYNAMIC) {
            return report_problem(err, err_size,
                                  "dynamically linked (segment %u); need a static executable", i);
        }
        if (ph.type != PT_LOAD || ph.memsz == 0) {
            continue;
        }
        if (check_segment(&ph, i, size, vaddr_min, vaddr_max, err, err_size) < 0) {
            return -1;
        }
        if (out->nsegments == ELFCHECK_MAX_SEGMENTS) {
            return report_problem(err, err_size, "too many loadable segments (at most %d)",
                                  ELFCHECK_MAX_SEGMENTS);
        }
        struct elf_segment s = {ph.vaddr, ph.memsz, ph.offset, ph.filesz, ph.flags};
        insert_sorted(out, &s);
    }
    if (out->nsegments == 0) {
        return report_problem(err, err_size, "no loadable segments");
    }
    int entry_ok = 0;
    for (unsigned i = 0; i < out->nsegments; i++) {
        const struct elf_segment *s = &out->segments[i];
        if (i + 1 < out->nsegments && s->vaddr + s->memsz > out->segments[i + 1].vaddr) {
            return report_problem(err, err_size,
                                  "segments at 0x%llx+0x%llx and 0x%llx+0x%llx overlap",
                                  (unsigned long long)s->vaddr, (unsigned long long)s->memsz,
                                  (unsigned long long)out->segments[i + 1].vaddr,
                                  (unsigned long long)out->segments[i + 1].memsz);
        }
        if ((s->flags & PF_X) && eh.entry >= s->vaddr && eh.entry - s->vaddr < s->memsz) {
            entry_ok = 1;
        }
    }
    if (!entry_ok) {
        return report_problem(err, err_size,
                              "entry point 0x%llx is not inside an executable segment",
                              (unsigned long long)eh.entry);
    }
    return 0;
}

uint64_t elf_page_count(const struct elf_image *elf)
{
    uint64_t pages = 0, next = 0; /* segments are sorted and do not overlap */
    for (unsigned i = 0; i < elf->nsegments; i++) {
        const struct elf_segment *s = &elf->segments[i];
        uint64_t first = s->vaddr >> 12, end = (s->vaddr + s->memsz + 4095) >> 12;
        if (first < next) {
            first = next;
        }
        if (end > first) {
            pages += end - first;
            next = end;
        }
    }
    return pages;
}
