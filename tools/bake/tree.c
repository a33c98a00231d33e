/*
 * Baked file trees ("tree = DIR PATH"): bake packs a host directory into an ext2 file
 * system image with e2fsprogs' mke2fs -d, which copies a directory into a new file system.
 * The unikernel carries the image as a read-only file, offers it to its rump kernel as a
 * block device and mounts it read-only at PATH (platform/posix/config.c), so the tree's
 * bytes are in memory once and need no copying at boot. Ownership becomes root's; modes
 * and symbolic links are kept.
 */
#include "bake.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BLOCK 1024

struct tree_size {
    uint64_t blocks; /* data and directory blocks, with room for indirect blocks */
    uint64_t inodes;
};

/* Adds up what DIR needs on an ext2 file system with 1 KiB blocks; -1 after saying why. */
static int measure(const char *dir, struct tree_size *t, int depth)
{
    DIR *d = opendir(dir);
    if (!d) {
        bake_error("tree %s: %s", dir, strerror(errno));
        return -1;
    }
    if (depth > 64) {
        bake_error("tree %s: directories nested too deep", dir);
        closedir(d);
        return -1;
    }
    int r = 0;
    uint64_t entries = 0;
    struct dirent *e;
    while (r == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            continue;
        }
        char *path = path_join(dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0) {
            bake_error("tree %s: %s", path, strerror(errno));
            r = -1;
        } else if (S_ISDIR(st.st_mode)) {
            r = measure(path, t, depth + 1);
        } else if (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) {
            uint64_t blocks = ((uint64_t)st.st_size + BLOCK - 1) / BLOCK;
            t->blocks += blocks + blocks / 256 + 1; /* indirect blocks */
        } else {
            bake_error("tree %s: not a regular file, directory or symbolic link", path);
            r = -1;
        }
        free(path);
        entries++;
        t->inodes++;
    }
    closedir(d);
    t->blocks += 1 + entries * 64 / BLOCK; /* the directory's own entries */
    return r;
}

/* mke2fs from PATH, or from /sbin or /usr/sbin, which an ordinary user's PATH may lack. */
static const char *mke2fs_path(void)
{
    static const char *const places[] = {"/sbin/mke2fs", "/usr/sbin/mke2fs"};
    const char *path = getenv("PATH");
    static char found[4096];
    for (const char *p = path; p && *p;) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        if (n && n + sizeof("/mke2fs") < sizeof(found)) {
            memcpy(found, p, n);
            memcpy(found + n, "/mke2fs", sizeof("/mke2fs"));
            if (access(found, X_OK) == 0) {
                return found;
            }
        }
        p = colon ? colon + 1 : 0;
    }
    for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
        if (access(places[i], X_OK) == 0) {
            return places[i];
        }
    }
    return 0;
}

void *tree_pack(const char *dir, size_t *size)
{
    const char *mke2fs = mke2fs_path();
    if (!mke2fs) {
        bake_error("tree %s: mke2fs not found (Debian package e2fsprogs)", dir);
        return 0;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        bake_error("tree %s: not a directory", dir);
        return 0;
    }
    struct tree_size t = {0, 16};
    if (measure(dir, &t, 0) < 0) {
        return 0;
    }
    /* Inode tables (128 bytes each), group descriptors and bitmaps: a margin of an eighth. */
    uint64_t blocks = t.blocks + t.inodes * 128 / BLOCK + t.blocks / 8 + 256;
    char nblocks[32], ninodes[32];
    snprintf(nblocks, sizeof(nblocks), "%llu", (unsigned long long)blocks);
    snprintf(ninodes, sizeof(ninodes), "%llu", (unsigned long long)(t.inodes + 16));
    const char *tmp = getenv("TMPDIR");
    char *scratch = path_join(tmp && *tmp ? tmp : "/tmp", "bake-tree-XXXXXX");
    int fd = mkstemp(scratch);
    if (fd < 0) {
        bake_error("tree %s: cannot make a temporary file %s: %s", dir, scratch, strerror(errno));
        free(scratch);
        return 0;
    }
    close(fd);
    char *argv[] = {(char *)mke2fs,
                    "-q",
                    "-F",
                    "-t",
                    "ext2",
                    "-b",
                    "1024",
                    "-m",
                    "0",
                    "-N",
                    ninodes,
                    "-E",
                    "root_owner=0:0",
                    "-d",
                    (char *)dir,
                    (char *)scratch,
                    nblocks,
                    0};
    void *data = 0;
    if (run_program(argv) != 0) {
        bake_error("tree %s: mke2fs could not pack it (it comes with Debian's e2fsprogs)", dir);
    } else if (read_file(scratch, &data, size) < 0) {
        bake_error("tree %s: %s: %s", dir, scratch, strerror(errno));
        data = 0;
    }
    remove(scratch);
    free(scratch);
    return data;
}
