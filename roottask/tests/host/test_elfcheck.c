/*
 * Host unit tests of the ELF checker (roottask/shared/elfcheck.c): a small valid image built
 * in memory, then one mutation per rule, each with the exact message it must produce.
 * Files named on the command line (the real test guests) must pass.
 */
#include "elfcheck.h"
#include "host_check.h"

#include <elf.h>
#include <stdlib.h>
#include <unikernel.h>

#define FILE_SIZE 0x1100

struct image {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[18];
    unsigned char rest[FILE_SIZE - sizeof(Elf64_Ehdr) - 18 * sizeof(Elf64_Phdr)];
};

/* Text (R-X) at 0x400000 from file offset 0x1000, data (RW-, mostly bss) at 0x401000. */
static void valid(struct image *im)
{
    memset(im, 0, sizeof(*im));
    memcpy(im->eh.e_ident, ELFMAG, SELFMAG);
    im->eh.e_ident[EI_CLASS] = ELFCLASS64;
    im->eh.e_ident[EI_DATA] = ELFDATA2LSB;
    im->eh.e_ident[EI_VERSION] = EV_CURRENT;
    im->eh.e_type = ET_EXEC;
    im->eh.e_machine = EM_X86_64;
    im->eh.e_version = EV_CURRENT;
    im->eh.e_entry = 0x400010;
    im->eh.e_phoff = sizeof(Elf64_Ehdr);
    im->eh.e_ehsize = sizeof(Elf64_Ehdr);
    im->eh.e_phentsize = sizeof(Elf64_Phdr);
    im->eh.e_phnum = 3;
    /* Listed out of order on purpose: the checker sorts. */
    im->ph[0] =
        (Elf64_Phdr){PT_LOAD, PF_R | PF_W, 0x1080, 0x401000, 0x401000, 0x10, 0x2000, 0x1000};
    im->ph[1] = (Elf64_Phdr){PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x400000, 0x80, 0x80, 0x1000};
    im->ph[2] = (Elf64_Phdr){PT_NOTE, PF_R, 0x1000, 0, 0, 0x10, 0x10, 4};
}

static int check(const struct image *im, size_t size, struct elf_image *out, char *err)
{
    return elf_check(im, size, UK_IMAGE_VADDR_MIN, UK_IMAGE_VADDR_MAX, out, err, 200);
}

static void valid_image(void)
{
    struct image im;
    struct elf_image out;
    char err[200] = "";
    valid(&im);
    int ok = check(&im, FILE_SIZE, &out, err) == 0;
    host_check(ok, "the valid image passes", err);
    host_check(ok && out.nsegments == 2 && out.segments[0].vaddr == 0x400000 &&
                   out.segments[1].vaddr == 0x401000 && out.entry == 0x400010,
               "two segments, sorted by address, and the entry", 0);
    host_check(ok && elf_page_count(&out) == 3, "text 1 page + data 2 pages = 3 pages", 0);
}

/* Segments that share a page: that page counts once. */
static void page_count(void)
{
    struct elf_image elf = {.nsegments = 3,
                            .segments = {{.vaddr = 0x400000, .memsz = 0x1800},
                                         {.vaddr = 0x401800, .memsz = 0x10},
                                         {.vaddr = 0x401900, .memsz = 0x2000}}};
    host_check(elf_page_count(&elf) == 4, "pages shared by segments count once", 0);
}

enum mutation {
    BAD_MAGIC,
    CLASS32,
    MSB_FIRST,
    MACHINE_I386,
    SHARED_OBJECT,
    PHDRS_OUTSIDE,
    PHENTSIZE,
    FILE_RANGE,
    FILESZ_OVER_MEMSZ,
    BELOW_MIN,
    INTO_RESERVED,
    WRAPS,
    OVERLAP,
    ENTRY_IN_DATA,
    ENTRY_OUTSIDE,
    NO_LOAD,
    INTERP,
    TOO_MANY,
    TRUNCATED,
};

static const struct {
    enum mutation m;
    const char *what, *error;
} cases[] = {
    {BAD_MAGIC, "bad magic", "not an ELF file (bad magic)"},
    {CLASS32, "a 32-bit file", "not a 64-bit ELF file (class 1)"},
    {MSB_FIRST, "a big-endian file", "not a little-endian ELF file"},
    {MACHINE_I386, "another machine", "not an x86_64 program (machine 3)"},
    {SHARED_OBJECT, "a shared object", "not a static executable (ELF type 3, need ET_EXEC)"},
    {PHDRS_OUTSIDE, "program headers outside the file", "program headers lie outside the file"},
    {PHENTSIZE, "a wrong program header size", "bad program header table (3 entries of 32 bytes)"},
    {FILE_RANGE, "segment bytes outside the file",
     "segment 1: file bytes 0x1000+0x200 lie outside the file (0x1100 bytes)"},
    {FILESZ_OVER_MEMSZ, "file size over memory size",
     "segment 0: file size 0x3000 exceeds memory size 0x2000"},
    {BELOW_MIN, "a segment in page 0",
     "segment 1 at 0x0+0x80 lies outside the allowed range [0x1000, 0x100000000000)"},
    {INTO_RESERVED, "a segment reaching the init data",
     "segment 0 at 0xffffffff000+0x2000 lies outside the allowed range [0x1000, "
     "0x100000000000)"},
    {WRAPS, "a segment wrapping around",
     "segment 0 at 0xfffffffffffff000+0x2000 lies outside the allowed range [0x1000, "
     "0x100000000000)"},
    {OVERLAP, "overlapping segments", "segments at 0x400000+0x1080 and 0x401000+0x2000 overlap"},
    {ENTRY_IN_DATA, "an entry in a data segment",
     "entry point 0x401000 is not inside an executable segment"},
    {ENTRY_OUTSIDE, "an entry outside every segment",
     "entry point 0x500000 is not inside an executable segment"},
    {NO_LOAD, "no loadable segment", "no loadable segments"},
    {INTERP, "a dynamic executable", "dynamically linked (segment 2); need a static executable"},
    {TOO_MANY, "too many segments", "too many loadable segments (at most 16)"},
    {TRUNCATED, "a truncated file", "not an ELF file (only 40 bytes)"},
};

static size_t mutate(struct image *im, enum mutation m)
{
    switch (m) {
    case BAD_MAGIC:
        im->eh.e_ident[1] = 'X';
        break;
    case CLASS32:
        im->eh.e_ident[EI_CLASS] = ELFCLASS32;
        break;
    case MSB_FIRST:
        im->eh.e_ident[EI_DATA] = ELFDATA2MSB;
        break;
    case MACHINE_I386:
        im->eh.e_machine = EM_386;
        break;
    case SHARED_OBJECT:
        im->eh.e_type = ET_DYN;
        break;
    case PHDRS_OUTSIDE:
        im->eh.e_phoff = FILE_SIZE - 8;
        break;
    case PHENTSIZE:
        im->eh.e_phentsize = 32;
        break;
    case FILE_RANGE:
        im->ph[1].p_filesz = im->ph[1].p_memsz = 0x200;
        break;
    case FILESZ_OVER_MEMSZ:
        im->ph[0].p_filesz = 0x3000;
        im->ph[0].p_offset = 0;
        im->ph[0].p_filesz = 0x3000;
        return 0x3000 + FILE_SIZE; /* so that only the size rule fails */
    case BELOW_MIN:
        im->ph[1].p_vaddr = 0;
        break;
    case INTO_RESERVED:
        im->ph[0].p_vaddr = UK_IMAGE_VADDR_MAX - 0x1000;
        break;
    case WRAPS:
        im->ph[0].p_vaddr = ~0ull - 0xfff;
        break;
    case OVERLAP:
        im->ph[1].p_memsz = 0x1080;
        break;
    case ENTRY_IN_DATA:
        im->eh.e_entry = 0x401000;
        break;
    case ENTRY_OUTSIDE:
        im->eh.e_entry = 0x500000;
        break;
    case NO_LOAD:
        im->ph[0].p_type = im->ph[1].p_type = PT_NOTE;
        break;
    case INTERP:
        im->ph[2].p_type = PT_INTERP;
        break;
    case TOO_MANY:
        im->eh.e_phnum = 17;
        for (int i = 0; i < 17; i++) {
            im->ph[i] = (Elf64_Phdr){PT_LOAD, PF_R | PF_X, 0x1000, 0x400000 + 0x1000ul * i,
                                     0,       0x10,        0x10,   0x1000};
        }
        break;
    case TRUNCATED:
        return 40;
    }
    return FILE_SIZE;
}

static void bad_images(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t size;
        struct elf_image out;
        char err[200] = "", what[96];
        /* Large enough for the FILESZ_OVER_MEMSZ case, which makes the file bigger. */
        struct image *im = calloc(1, 0x3000 + FILE_SIZE);
        valid(im);
        size = mutate(im, cases[i].m);
        snprintf(what, sizeof(what), "rejects: %s", cases[i].what);
        if (check(im, size, &out, err) == 0) {
            host_check(0, what, "it passed");
        } else {
            host_check_string(what, err, cases[i].error);
        }
        free(im);
    }
}

/*
 * Random damage to the headers of the valid image: whatever passes must really lie inside
 * the file and the allowed range (and AddressSanitizer sees every access).
 */
static void mutations(void)
{
    unsigned passed = 0, wrong = 0;
    for (int round = 0; round < 20000; round++) {
        struct image im;
        struct elf_image out;
        char err[200];
        valid(&im);
        unsigned char *bytes = (unsigned char *)&im;
        for (unsigned k = 1 + host_random(3); k > 0; k--) {
            bytes[host_random(sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr))] =
                (unsigned char)host_random(256);
        }
        if (check(&im, FILE_SIZE, &out, err) != 0) {
            continue;
        }
        passed++;
        for (unsigned i = 0; i < out.nsegments; i++) {
            const struct elf_segment *sg = &out.segments[i];
            if (sg->offset + sg->filesz > FILE_SIZE || sg->filesz > sg->memsz ||
                sg->vaddr < UK_IMAGE_VADDR_MIN || sg->vaddr + sg->memsz > UK_IMAGE_VADDR_MAX ||
                (i && out.segments[i - 1].vaddr + out.segments[i - 1].memsz > sg->vaddr)) {
                wrong++;
            }
        }
    }
    char detail[64];
    snprintf(detail, sizeof(detail), "%u passed, %u of them wrongly", passed, wrong);
    host_check(wrong == 0, "20000 damaged images", detail);
}

static void files(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        static unsigned char data[8 << 20];
        size_t size = f ? fread(data, 1, sizeof(data), f) : 0;
        struct elf_image out;
        char err[200] = "", what[300];
        if (f) {
            fclose(f);
        }
        snprintf(what, sizeof(what), "%s passes", argv[i]);
        host_check(size && elf_check(data, size, UK_IMAGE_VADDR_MIN, UK_IMAGE_VADDR_MAX, &out, err,
                                     sizeof(err)) == 0,
                   what, err);
    }
}

int main(int argc, char **argv)
{
    valid_image();
    page_count();
    bad_images();
    mutations();
    files(argc, argv);
    return host_test_done("elfcheck");
}
