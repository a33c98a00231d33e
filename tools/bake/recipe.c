/*
 * Programs built with Rumprun's toolchain. Its compiler driver links a program as one
 * relocatable object (application objects and the libraries named on its command line,
 * no libc, no kernel) and adds a note, section .note.rumprun.bakerecipe, whose
 * descriptor is NUL-terminated "key: value" strings (rumprun_tuple, rumprun_tooldir,
 * ...). That note is how bake link knows an input needs NetBSD's libc and the POSIX layer
 * (platform/posix) rather than the platform's own small C library.
 */
#include "bake.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

#define RECIPE_SECTION ".note.rumprun.bakerecipe"
#define RECIPE_TUPLE   "x86_64-rumprun-netbsd"

/* The contents of section `name` of an ELF64 file, or 0. */
static const unsigned char *find_section(const unsigned char *data, size_t size, const char *name,
                                         size_t *len)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)data;
    if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
        eh->e_shoff > size || eh->e_shnum > (size - eh->e_shoff) / sizeof(Elf64_Shdr) ||
        eh->e_shstrndx >= eh->e_shnum) {
        return 0;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(data + eh->e_shoff);
    const Elf64_Shdr *names = &sh[eh->e_shstrndx];
    if (names->sh_offset > size || names->sh_size > size - names->sh_offset) {
        return 0;
    }
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_name >= names->sh_size || sh[i].sh_type == SHT_NOBITS ||
            sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset) {
            continue;
        }
        const char *n = (const char *)data + names->sh_offset + sh[i].sh_name;
        if (strnlen(n, names->sh_size - sh[i].sh_name) == strlen(name) && !strcmp(n, name)) {
            *len = sh[i].sh_size;
            return data + sh[i].sh_offset;
        }
    }
    return 0;
}

/* The value of "key: value" in a note's descriptor, copied into buf; 0 if absent. */
static const char *recipe_value(const unsigned char *note, size_t len, const char *key, char *buf,
                                size_t size)
{
    if (len < 12) {
        return 0;
    }
    uint32_t namesz, descsz;
    memcpy(&namesz, note, 4);
    memcpy(&descsz, note + 4, 4);
    size_t desc = 12 + ((namesz + 3u) & ~3u);
    if (desc > len || descsz > len - desc) {
        return 0;
    }
    const char *p = (const char *)note + desc, *end = p + descsz;
    size_t klen = strlen(key);
    while (p < end) {
        size_t n = strnlen(p, (size_t)(end - p));
        if (n > klen + 1 && !strncmp(p, key, klen) && p[klen] == ':') {
            const char *v = p + klen + 1;
            while (*v == ' ') {
                v++;
            }
            size_t vlen = n - (size_t)(v - p);
            if (vlen >= size) {
                vlen = size - 1;
            }
            memcpy(buf, v, vlen);
            buf[vlen] = 0;
            return buf;
        }
        p += n + 1;
    }
    return 0;
}

int recipe_check(const char *path)
{
    void *data;
    size_t size, len;
    if (read_file(path, &data, &size) < 0) {
        return 0; /* bake link reports missing inputs itself */
    }
    const unsigned char *note = find_section(data, size, RECIPE_SECTION, &len);
    char tuple[128];
    int r = 0;
    if (note) {
        const char *t = recipe_value(note, len, "rumprun_tuple", tuple, sizeof(tuple));
        if (t && !strcmp(t, RECIPE_TUPLE)) {
            r = 1;
        } else {
            bake_error("%s: built by Rumprun's toolchain for %s, not %s", path,
                       t ? t : "an unknown target", RECIPE_TUPLE);
            r = -1;
        }
    }
    free(data);
    return r;
}
