/*
 * Small host helpers for bake: messages, whole-file I/O, checked ELF files and running the
 * linker.
 */
#include "bake.h"
#include "../../roottask/shared/elfcheck.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int bake_verbose;

void bake_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("bake: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int read_file(const char *path, void **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return -1;
    }
    struct buffer b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        buffer_append(&b, chunk, n);
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(b.data);
        errno = EIO;
        return -1;
    }
    buffer_append(&b, "", 1); /* a terminator, so text files can be used as strings */
    *data = b.data;
    *size = b.size - 1;
    return 0;
}

int check_elf_file(const char *path, uint64_t vaddr_min, uint64_t vaddr_max, const char *what,
                   struct elf_image *elf)
{
    void *data;
    size_t size;
    char err[256];
    if (read_file(path, &data, &size) < 0) {
        bake_error("%s: %s", path, strerror(errno));
        return -1;
    }
    int r = elf_check(data, size, vaddr_min, vaddr_max, elf, err, sizeof(err));
    free(data);
    if (r < 0) {
        bake_error("%s: %s: %s", path, what, err);
    }
    return r;
}

int write_file(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        bake_error("%s: %s", path, strerror(errno));
        return -1;
    }
    if (fwrite(data, 1, size, f) != size || fclose(f) != 0) {
        bake_error("%s: write failed", path);
        return -1;
    }
    return 0;
}

int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int run_program(char *const argv[])
{
    if (bake_verbose) {
        for (size_t i = 0; argv[i]; i++) {
            fprintf(stderr, "%s%s", i ? " " : "bake: running ", argv[i]);
        }
        fputc('\n', stderr);
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        bake_error("fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "bake: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            bake_error("waitpid: %s", strerror(errno));
            return -1;
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        bake_error("%s failed", argv[0]);
        return -1;
    }
    return 0;
}

void command_add(struct command *c, const char *arg)
{
    if (c->count + 2 > c->capacity) {
        c->capacity = c->capacity ? 2 * c->capacity : 32;
        c->argv = realloc(c->argv, c->capacity * sizeof(*c->argv));
        if (!c->argv) {
            abort();
        }
    }
    c->argv[c->count] = strdup(arg);
    if (!c->argv[c->count]) {
        abort();
    }
    c->argv[++c->count] = 0;
}

void command_free(struct command *c)
{
    for (size_t i = 0; i < c->count; i++) {
        free(c->argv[i]);
    }
    free(c->argv);
    c->argv = 0;
    c->count = c->capacity = 0;
}

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) {
        abort();
    }
    if (name[0] == '/' || !dir[0]) {
        snprintf(p, n, "%s", name);
    } else {
        snprintf(p, n, "%s/%s", dir, name);
    }
    return p;
}

const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void add_link_prefix(struct command *c, const char *ld, const char *script, const char *out)
{
    /* The same flags as USER_LDFLAGS in mk/toolchain.mk: one static image, 4 KiB pages. */
    static const char *const flags[] = {
        "-static",     "-nostdlib",      "-z", "max-page-size=0x1000", "-z",
        "noexecstack", "--build-id=none"};
    command_add(c, ld);
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        command_add(c, flags[i]);
    }
    command_add(c, "-T");
    command_add(c, script);
    command_add(c, "-o");
    command_add(c, out);
}

void buffer_append(struct buffer *b, const void *data, size_t size)
{
    if (b->size + size > b->capacity) {
        size_t cap = b->capacity ? b->capacity : 4096;
        while (cap < b->size + size) {
            cap *= 2;
        }
        b->data = realloc(b->data, cap);
        if (!b->data) {
            abort();
        }
        b->capacity = cap;
    }
    if (size) {
        memcpy(b->data + b->size, data, size);
    }
    b->size += size;
}

void buffer_pad(struct buffer *b, size_t align)
{
    static const char zeros[64];
    while (b->size % align) {
        size_t n = align - b->size % align;
        buffer_append(b, zeros, n < sizeof(zeros) ? n : sizeof(zeros));
    }
}
