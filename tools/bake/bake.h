/*
 * tools/bake: builds unikernel ELFs (link) and bootable system images (image). The role
 * rumprun-bake played for Rumprun, for the root task in roottask/.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* --- util.c: messages, files, running programs ----------------------------------------------- */

extern int bake_verbose;

void bake_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reads a whole file; returns 0 and sets *data (malloc'd) and *size, or -1 with errno. */
int read_file(const char *path, void **data, size_t *size);
/* Reads the ELF at path and checks it as the root task checks images, for segments in
 * [vaddr_min, vaddr_max); 0 and *elf, or -1 after printing "PATH: WHAT: problem". */
struct elf_image;
int check_elf_file(const char *path, uint64_t vaddr_min, uint64_t vaddr_max, const char *what,
                   struct elf_image *elf);
/* Writes a whole file (replacing it); returns 0 or -1 after printing why. */
int write_file(const char *path, const void *data, size_t size);
int file_exists(const char *path);
/* Runs argv[0] (searched in PATH) and waits; returns 0 if it exited 0, else -1 (printed). */
int run_program(char *const argv[]);
/* A growable argv for run_program. */
struct command {
    char **argv;
    size_t count, capacity;
};
void command_add(struct command *c, const char *arg);
void command_free(struct command *c);
/* Joins directory and name into a new string ("name" alone if name is absolute). */
char *path_join(const char *dir, const char *name);
const char *base_name(const char *path);

/* --- options.c: the command line of every mode ------------------------------------------------ */

enum bake_mode { BAKE_LINK = 1, BAKE_IMAGE = 2, BAKE_CHECK = 4 };

/* Every option of every mode (bake --help); a mode reads the ones it takes. */
struct bake_args {
    const char *out;    /* -o */
    const char *ld;     /* --ld, default $LD, else ld */
    const char *script; /* --linker-script, default chosen by the mode */
    int verbose;        /* -v, --verbose (also sets bake_verbose) */
    /* link */
    const char *build, *srcdir, *deps;
    int no_platform, no_glue, posix, rump_client, remote_sockets;
    struct command rump; /* --rump lists */
    struct command libs; /* --lib files, for the group */
    /* image and check */
    const char *roottask, *kernel;
    struct command image_dirs; /* --images, searched in order */
    int no_strip, unchecked;
    /* the operands are argv[first..argc) */
    int first;
};
/* Parses a mode's argv (argv[0] is the mode); returns 0, or -1 after getopt printed why. */
int bake_parse_args(int argc, char **argv, unsigned mode, struct bake_args *a);
void bake_args_free(struct bake_args *a);

/* --- The common user-program link line ------------------------------------------------------- */

/* Adds "LD -static -nostdlib ... -T SCRIPT -o OUT" to c. */
void add_link_prefix(struct command *c, const char *ld, const char *script, const char *out);

/* --- rump.c: the rump kernel libraries of bake link --rump ------------------------------------ */

/*
 * Where a rump kernel's libraries are: $RUMP_SYSROOT/lib for the platform's own programs,
 * Rumprun's lib/rumprun-hw (a kernel that is NetBSD libc's kernel) for POSIX programs.
 */
struct rump_libdir {
    const char *variable; /* the environment variable that names the sysroot */
    const char *sysroot;  /* its value */
    const char *dir;      /* the library directory in it */
    const char *override; /* a directory searched first (bake's adapted copies), or 0 */
};
/* Appends the libraries (paths) that comma-separated component lists mean; -1 after an error. */
int rump_libraries(struct command *libs, const struct command *lists,
                   const struct rump_libdir *where);

/* --- tree.c: directories baked in as file-system images ------------------------------------- */

/* DIR packed as an ext2 image (built in a temporary file); 0 after saying why. */
void *tree_pack(const char *dir, size_t *size);

/* --- recipe.c: programs built with Rumprun's toolchain ---------------------------------------- */

/* 1 if `path` was built by Rumprun's toolchain for x86_64, 0 if not, -1 (printed) if for
 * another target. */
int recipe_check(const char *path);

/* --- Modes ----------------------------------------------------------------------------------- */

int bake_link(int argc, char **argv);
int bake_image(int argc, char **argv);
int bake_check(int argc, char **argv);

/* --- Writers --------------------------------------------------------------------------------- */

/* A growable byte buffer. */
struct buffer {
    unsigned char *data;
    size_t size, capacity;
};
void buffer_append(struct buffer *b, const void *data, size_t size);
void buffer_pad(struct buffer *b, size_t align);

/* Appends one newc entry (regular file, mode 0444) / the trailer to an archive. */
void cpio_write_entry(struct buffer *archive, const char *name, const void *data, size_t size);
void cpio_write_trailer(struct buffer *archive);

/*
 * An ELF64 x86_64 relocatable object holding data in a read-only section with two global
 * symbols, start_symbol at its first byte and end_symbol just past its last.
 */
void elf_object_write(struct buffer *out, const char *section, const void *data, size_t size,
                      const char *start_symbol, const char *end_symbol);
