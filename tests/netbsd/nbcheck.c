/*
 * Checks shared by the NetBSD tests' guest programs (nbcheck.h).
 */
#include "nbcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned passed, failed;

void check(bool ok, const char *what, long detail)
{
    if (ok) {
        passed++;
        printf("ok   %s\n", what);
    } else {
        failed++;
        printf("FAIL %s (%ld, errno %d)\n", what, detail, errno);
    }
}

int check_summary(void)
{
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}

void check_file_round_trip(const char *path, size_t size)
{
    char *out = malloc(size), *in = malloc(size), what[128];
    for (size_t i = 0; out && i < size; i++) {
        out[i] = (char)('a' + i % 26 + i / 4096 % 3);
    }
    int fd = rump_sys_open(path, RUMP_O_RDWR | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
    snprintf(what, sizeof(what), "create %s", path);
    check(out && in && fd >= 0, what, fd);
    ssize_t n = rump_sys_write(fd, out, size);
    snprintf(what, sizeof(what), "write %zu bytes to %s", size, path);
    check(n == (ssize_t)size, what, n);
    off_t off = rump_sys_lseek(fd, 0, 0);
    check(off == 0, "seek back", off);
    n = rump_sys_read(fd, in, size);
    check(n == (ssize_t)size && memcmp(in, out, size) == 0, "read them back", n);
    check(rump_sys_close(fd) == 0, "close", 0);
    /* Again through a fresh open: the data came from the file system, not the descriptor. */
    memset(in, 0, size);
    fd = rump_sys_open(path, RUMP_O_RDONLY);
    n = fd >= 0 ? rump_sys_read(fd, in, size) : -1;
    check(n == (ssize_t)size && memcmp(in, out, size) == 0, "reopen and read them again", n);
    rump_sys_close(fd);
    int r = rump_sys_unlink(path);
    snprintf(what, sizeof(what), "unlink %s", path);
    check(r == 0, what, r);
    free(out);
    free(in);
}
