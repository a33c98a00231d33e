/*
 * bake image / bake check: a system description and the unikernel ELFs it names, checked
 * as the root task will check them, become a CPIO archive that is linked into the root task.
 *
 * Archive layout (read by roottask/src/archive.c):
 *   system/NAME     the description, NAME being its file name (used in boot-time messages)
 *   image/IMAGE     each distinct image named by an "image = IMAGE" line, as written there
 *   file/PATH       each distinct file named by a "file = PATH [NAME]" line
 *   tree/DIR        each distinct directory named by a "tree = DIR PATH" line, packed as an
 *                   ext2 image (tree.c)
 */
#include "bake.h"
#include "../../roottask/shared/elfcheck.h"
#include "../../roottask/shared/sysdesc.h"
#include <unikernel.h>

#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define ARCHIVE_SECTION ".rodata.sysarchive"
#define ARCHIVE_START   "roottask_archive_start"
#define ARCHIVE_END     "roottask_archive_end"

/*
 * Upstream seL4 gives the root task one cap slot per 4 KiB page of its image in a root CNode
 * of 2^12 slots, shared with the untypeds and the boot-time caps, so the image must stay well
 * below 16 MiB.
 */
#define ROOTTASK_MAX_PAGES 3400

static struct sysdesc desc; /* large: keep it off the stack */

static char *directory_of(const char *path)
{
    char *dir = strdup(path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = 0;
    } else {
        dir[0] = 0;
    }
    return dir;
}

static int directory_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * Where an input named in the description is: in an --images directory, else next to it.
 * A file for images and files, a directory for trees.
 */
static char *find_input(const struct bake_args *o, const char *desc_path, const char *name,
                        int want_directory)
{
    int (*exists)(const char *) = want_directory ? directory_exists : file_exists;
    for (size_t i = 0; i < o->image_dirs.count; i++) {
        char *path = path_join(o->image_dirs.argv[i], name);
        if (exists(path)) {
            return path;
        }
        free(path);
    }
    char *dir = directory_of(desc_path);
    char *path = path_join(dir, name);
    free(dir);
    if (exists(path)) {
        return path;
    }
    free(path);
    return 0;
}

/*
 * Drops what loading does not need (section headers, symbols, debug information): the file
 * ends after the last byte of the program headers and of the loadable segments.
 */
static size_t strip_elf(unsigned char *data, size_t size)
{
    Elf64_Ehdr eh;
    memcpy(&eh, data, sizeof(eh));
    size_t end = eh.e_phoff + (size_t)eh.e_phnum * sizeof(Elf64_Phdr);
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        memcpy(&ph, data + eh.e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > end) {
            end = ph.p_offset + ph.p_filesz;
        }
    }
    eh.e_shoff = 0;
    eh.e_shnum = 0;
    eh.e_shstrndx = 0;
    memcpy(data, &eh, sizeof(eh));
    return end < size ? end : size;
}

__attribute__((format(printf, 2, 3))) static void report(unsigned line, const char *fmt, ...)
{
    char err[SYSDESC_ERROR_MAX], msg[SYSDESC_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    sysdesc_error(&desc, line, err, sizeof(err), "%s", msg);
    fprintf(stderr, "%s\n", err);
}

/* Reads an input the description names on line (kind: "image" or "file"); 0 after saying why. */
static void *read_input(const struct bake_args *o, const char *desc_path, const char *kind,
                        const char *name, unsigned line, size_t *size)
{
    void *data = 0;
    char *path = find_input(o, desc_path, name, 0);
    if (!path) {
        report(line, "%s '%s': no such file", kind, name);
    } else if (read_file(path, &data, size) < 0) {
        report(line, "%s '%s': %s", kind, path, strerror(errno));
        data = 0;
    }
    free(path);
    return data;
}

static int first_use_of_image(unsigned index)
{
    for (unsigned i = 0; i < index; i++) {
        if (!strcmp(desc.uk[i].image, desc.uk[index].image)) {
            return 0;
        }
    }
    return 1;
}

/* Checks each distinct image and appends it to the archive (if one is given). */
static int add_images(const struct bake_args *o, const char *desc_path, struct buffer *archive)
{
    char problem[200];
    for (unsigned i = 0; i < desc.count; i++) {
        const struct sysdesc_unikernel *uk = &desc.uk[i];
        size_t size;
        struct elf_image elf;
        if (!first_use_of_image(i)) {
            continue;
        }
        void *data = read_input(o, desc_path, "image", uk->image, uk->image_line, &size);
        if (!data) {
            return -1;
        }
        if (!o->unchecked && elf_check(data, size, UK_IMAGE_VADDR_MIN, UK_IMAGE_VADDR_MAX, &elf,
                                       problem, sizeof(problem)) < 0) {
            char *path = find_input(o, desc_path, uk->image, 0);
            report(uk->image_line, "image '%s': %s", path, problem);
            free(path);
            free(data);
            return -1;
        }
        if (!o->no_strip && !o->unchecked) {
            size = strip_elf(data, size);
        }
        if (archive) {
            char name[SYSDESC_PATH_MAX + 8];
            snprintf(name, sizeof(name), "image/%s", uk->image);
            cpio_write_entry(archive, name, data, size);
        }
        free(data);
    }
    return 0;
}

static int first_use_of_file(unsigned index, unsigned file)
{
    const struct sysdesc_file *f = &desc.uk[index].files[file];
    for (unsigned i = 0; i <= index; i++) {
        for (unsigned j = 0; j < (i == index ? file : desc.uk[i].nfiles); j++) {
            const struct sysdesc_file *g = &desc.uk[i].files[j];
            if (g->tree == f->tree && !strcmp(g->path, f->path)) {
                return 0;
            }
        }
    }
    return 1;
}

/* A tree's directory packed as a file-system image (in the output directory meanwhile). */
static void *read_tree(const struct bake_args *o, const char *desc_path,
                       const struct sysdesc_file *f, size_t *size)
{
    char *dir = find_input(o, desc_path, f->path, 1);
    if (!dir) {
        report(f->line, "tree '%s': no such directory", f->path);
        return 0;
    }
    void *data = tree_pack(dir, size);
    if (!data) {
        report(f->line, "tree '%s': cannot pack it (above)", f->path);
    }
    free(dir);
    return data;
}

/* Appends each distinct file the unikernels carry ("file = PATH") to the archive. */
static int add_files(const struct bake_args *o, const char *desc_path, struct buffer *archive)
{
    for (unsigned i = 0; i < desc.count; i++) {
        for (unsigned j = 0; j < desc.uk[i].nfiles; j++) {
            const struct sysdesc_file *f = &desc.uk[i].files[j];
            size_t size;
            if (!first_use_of_file(i, j)) {
                continue;
            }
            if (f->tree && !archive) {
                char *dir = find_input(o, desc_path, f->path, 1);
                free(dir);
                if (!dir) {
                    report(f->line, "tree '%s': no such directory", f->path);
                    return -1;
                }
                continue; /* bake check: packing waits for bake image */
            }
            void *data = f->tree ? read_tree(o, desc_path, f, &size)
                                 : read_input(o, desc_path, "file", f->path, f->line, &size);
            if (!data) {
                return -1;
            }
            if (archive) {
                char name[SYSDESC_PATH_MAX + 8];
                snprintf(name, sizeof(name), "%s/%s", f->tree ? "tree" : "file", f->path);
                cpio_write_entry(archive, name, data, size);
            }
            free(data);
        }
    }
    return 0;
}

/* Reads and checks the description and its images; fills the archive if one is given. */
static int load_system(const struct bake_args *o, const char *path, struct buffer *archive)
{
    void *text;
    size_t size;
    char err[SYSDESC_ERROR_MAX];
    if (read_file(path, &text, &size) < 0) {
        bake_error("%s: %s", path, strerror(errno));
        return -1;
    }
    int parsed = sysdesc_parse(&desc, path, text, size, err, sizeof(err));
    if (parsed < 0 && !o->unchecked) {
        fprintf(stderr, "%s\n", err);
        free(text);
        return -1;
    }
    if (archive) {
        char name[SYSDESC_PATH_MAX + 8];
        snprintf(name, sizeof(name), "system/%s", base_name(path));
        cpio_write_entry(archive, name, text, size);
    }
    free(text);
    /* An unchecked description that does not even parse goes in alone: the root task must
     * reject it before it needs any image. */
    if (parsed < 0) {
        return 0;
    }
    return add_images(o, path, archive) < 0 || add_files(o, path, archive) < 0 ? -1 : 0;
}

static int make_directories(const char *path)
{
    char *p = strdup(path);
    for (char *c = p + 1; *c; c++) {
        if (*c == '/') {
            *c = 0;
            mkdir(p, 0777);
            *c = '/';
        }
    }
    int r = mkdir(p, 0777);
    free(p);
    if (r < 0 && errno != EEXIST) {
        bake_error("%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Pages the kernel must map for the root task: one per 4 KiB of each loadable segment. */
static int check_roottask_size(const char *path)
{
    struct elf_image elf;
    if (check_elf_file(path, 0, 1ull << 47, "the linked root task is not loadable", &elf) < 0) {
        return -1;
    }
    uint64_t pages = elf_page_count(&elf);
    if (pages > ROOTTASK_MAX_PAGES) {
        bake_error("%s: the root task image needs %llu pages of 4 KiB; upstream seL4 maps at most "
                   "about %d (one root CNode slot each), so the unikernels must be smaller",
                   path, (unsigned long long)pages, ROOTTASK_MAX_PAGES);
        return -1;
    }
    return 0;
}

static int link_roottask(const struct bake_args *o, const struct buffer *archive)
{
    struct buffer object = {0};
    struct command c = {0};
    char *archive_path = path_join(o->out, "archive.cpio");
    char *object_path = path_join(o->out, "archive.o");
    char *elf_path = path_join(o->out, "roottask.elf");
    int status = -1;

    elf_object_write(&object, ARCHIVE_SECTION, archive->data, archive->size, ARCHIVE_START,
                     ARCHIVE_END);
    if (write_file(archive_path, archive->data, archive->size) == 0 &&
        write_file(object_path, object.data, object.size) == 0) {
        add_link_prefix(&c, o->ld, o->script, elf_path);
        command_add(&c, o->roottask);
        command_add(&c, object_path);
        if (run_program(c.argv) == 0 && check_roottask_size(elf_path) == 0) {
            status = 0;
        }
    }
    if (status < 0) {
        /* Nothing half-done: a failed image leaves neither root task nor archive. */
        remove(elf_path);
        remove(archive_path);
    }
    remove(object_path);
    command_free(&c);
    free(object.data);
    free(archive_path);
    free(object_path);
    free(elf_path);
    return status;
}

/* Reads the kernel to copy (checked before anything is written); 0 after saying why. */
static void *read_kernel(const struct bake_args *o, size_t *size)
{
    void *data;
    if (read_file(o->kernel, &data, size) < 0) {
        bake_error("kernel %s: %s", o->kernel, strerror(errno));
        return 0;
    }
    if (*size < SELFMAG || memcmp(data, ELFMAG, SELFMAG)) {
        bake_error("kernel %s: not an ELF file", o->kernel);
        free(data);
        return 0;
    }
    return data;
}

/* Parses the command line of image (want_output) or check; -1 after printing why. */
static int parse_args(int argc, char **argv, unsigned mode, struct bake_args *o)
{
    if (bake_parse_args(argc, argv, mode, o) < 0) {
        return -1;
    }
    if (!o->script) {
        o->script = "runtime/user.ld";
    }
    if (o->first != argc - 1) {
        bake_error("expected exactly one system description (see bake --help)");
        return -1;
    }
    if (mode == BAKE_IMAGE && (!o->out || !o->roottask)) {
        bake_error("image needs -o OUTDIR and --roottask ROOTTASK.o (see bake --help)");
        return -1;
    }
    return 0;
}

int bake_check(int argc, char **argv)
{
    struct bake_args o;
    int status = parse_args(argc, argv, BAKE_CHECK, &o) < 0 ? 2
                 : load_system(&o, argv[o.first], 0) < 0    ? 1
                                                            : 0;
    bake_args_free(&o);
    return status;
}

/* The image of one system: nothing is written unless everything checks. */
static int make_image(const struct bake_args *o, const char *system)
{
    if (!file_exists(o->roottask)) {
        bake_error("root task %s not found (build it with make first)", o->roottask);
        return 1;
    }
    struct buffer archive = {0};
    void *kernel = 0;
    size_t kernel_size = 0;
    int status = 1;
    if ((!o->kernel || (kernel = read_kernel(o, &kernel_size))) &&
        load_system(o, system, &archive) == 0) {
        cpio_write_trailer(&archive);
        char *kernel_path = path_join(o->out, "kernel32.elf");
        if (archive.size >= (1ull << 32)) {
            bake_error("the archive is too large (%zu bytes)", archive.size);
        } else if (make_directories(o->out) == 0 && link_roottask(o, &archive) == 0 &&
                   (!kernel || write_file(kernel_path, kernel, kernel_size) == 0)) {
            status = 0;
        }
        free(kernel_path);
    }
    free(kernel);
    free(archive.data);
    return status;
}

int bake_image(int argc, char **argv)
{
    struct bake_args o;
    int status = parse_args(argc, argv, BAKE_IMAGE, &o) < 0 ? 2 : make_image(&o, argv[o.first]);
    bake_args_free(&o);
    return status;
}
