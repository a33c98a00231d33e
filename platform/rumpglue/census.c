/*
 * What a serving rump kernel holds, for the server's reports (serve.c): NetBSD's processes
 * (live and zombie), its open files (those a descriptor of some process names, sockets
 * included) and its file structures (every one made and not yet destroyed, in use or kept
 * in the kernel's cache for reuse: a file no descriptor names any more but nobody freed
 * would make this grow), asked through sysctl as a NetBSD program would.
 *
 * kern.proc2 (CTL_KERN, KERN_PROC2, KERN_PROC_ALL, 0, SIZE, COUNT) and kern.file2 (CTL_KERN,
 * KERN_FILE2, KERN_FILE_BYFILE, 0, SIZE, COUNT) copy out one element per process or file cut
 * to SIZE bytes: with 1-byte elements the length they return is the count. kern.file
 * (CTL_KERN, KERN_FILE) asked for its size only answers the size of its list head (one
 * pointer) plus that of nfiles + 10 file structures, nfiles being the kernel's count of them;
 * the size of one is learnt once, by opening a file.
 */
#include "glue.h"

#include <errno.h>

#define CTL_KERN         1
#define KERN_FILE        15
#define KERN_PROC2       47
#define KERN_FILE2       77
#define KERN_PROC_ALL    0
#define KERN_FILE_BYFILE 1
#define FILE_SLOP        10 /* the file structures kern.file adds to its size estimate */
#define MAX_COUNT        4096

static size_t file_size; /* one file structure, in kern.file's estimate; 0 until learnt */

/* How many processes (KERN_PROC2, KERN_PROC_ALL) or open files (KERN_FILE2, BYFILE). */
static int count(int what, int how, unsigned *n)
{
    static char one_byte_each[MAX_COUNT];
    const int mib[] = {CTL_KERN, what, how, 0, 1, MAX_COUNT};
    size_t len = sizeof(one_byte_each);
    if (rump_sys___sysctl(mib, 6, one_byte_each, &len, 0, 0) < 0) {
        return errno;
    }
    *n = (unsigned)len;
    return 0;
}

static int file_estimate(size_t *len)
{
    static const int mib[] = {CTL_KERN, KERN_FILE};
    *len = 0;
    return rump_sys___sysctl(mib, 2, 0, len, 0, 0) < 0 ? errno : 0;
}

static int learn_file_size(void)
{
    size_t before, after;
    int error = file_estimate(&before);
    int fd = error ? -1 : rump_sys_open("/", RUMP_O_RDONLY);
    if (fd < 0) {
        return error ? error : errno;
    }
    /* A new file structure is made only if the cache has none to reuse: try a few. */
    int more[8], opened = 0;
    for (error = file_estimate(&after); !error && after == before && opened < 8; opened++) {
        more[opened] = rump_sys_open("/", RUMP_O_RDONLY);
        if (more[opened] < 0) {
            break;
        }
        error = file_estimate(&after);
    }
    while (opened > 0) {
        rump_sys_close(more[--opened]);
    }
    rump_sys_close(fd);
    if (!error && after <= before) {
        error = EINVAL; /* the estimate does not count files as described above */
    }
    file_size = error ? 0 : after - before;
    return error;
}

int rg_census(struct rg_census *out)
{
    int error = count(KERN_PROC2, KERN_PROC_ALL, &out->processes);
    if (!error) {
        error = count(KERN_FILE2, KERN_FILE_BYFILE, &out->files);
    }
    if (!error && !file_size) {
        error = learn_file_size();
    }
    size_t len = 0;
    if (!error) {
        error = file_estimate(&len);
    }
    if (!error && len < sizeof(void *) + FILE_SLOP * file_size) {
        error = EINVAL;
    }
    if (error) {
        return error;
    }
    out->file_structures = (unsigned)((len - sizeof(void *)) / file_size - FILE_SLOP);
    return 0;
}
