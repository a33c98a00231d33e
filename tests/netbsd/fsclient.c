/*
 * fsclient: a client of a file server (apps/fsserver) with no rump kernel of its own (bake
 * link --rump-client): every rump_sys_* call runs in the server, in this client's process
 * there. It writes files through the server, checks them, and checks that the server
 * refuses what lies outside the channel's shared region.
 *
 *   fsclient DIR FILES SIZE   writes DIR/NAME/file-K (K = 1..FILES, SIZE bytes each, NAME
 *                             the unikernel's name; the host checks them on the disk),
 *                             lines "NAME file K line NNNNN" cut at SIZE
 */
#include "nbcheck.h"

#include <errno.h>
#include <platform.h>
#include <rumpclient.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The library's raw call (platform/rumpclient/client.h): argument words sent as they are. */
struct rsc_buf;
long rsc_call(int sysnum, uint64_t *args, unsigned nargs, const struct rsc_buf *bufs,
              unsigned nbufs);

static void fill(char *buf, size_t size, const char *name, unsigned k)
{
    char line[64];
    size_t at = 0;
    for (unsigned j = 0; at < size; j++) {
        int n = snprintf(line, sizeof(line), "%s file %u line %05u\n", name, k, j);
        for (int i = 0; i < n && at < size; i++) {
            buf[at++] = line[i];
        }
    }
}

/* Reads size bytes (a remote read returns at most one slot's worth per call). */
static ssize_t read_full(int fd, char *buf, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t n = rump_sys_read(fd, buf + done, size - done);
        if (n <= 0) {
            return n < 0 ? n : (ssize_t)done;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

static void write_file(const char *path, const char *data, size_t size)
{
    char what[160];
    int fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
    ssize_t n = fd >= 0 ? rump_sys_write(fd, data, size) : -1;
    snprintf(what, sizeof(what), "write %zu bytes to %s", size, path);
    check(n == (ssize_t)size, what, n);
    int r = rump_sys_fsync(fd);
    check(r == 0, "fsync it", r);
    check(rump_sys_close(fd) == 0, "close it", fd);
}

static void read_back(const char *path, const char *data, size_t size, char *buf)
{
    char what[160];
    int fd = rump_sys_open(path, RUMP_O_RDONLY);
    memset(buf, 0, size);
    ssize_t n = fd >= 0 ? read_full(fd, buf, size) : -1;
    snprintf(what, sizeof(what), "read %s back", path);
    check(n == (ssize_t)size && !memcmp(buf, data, size), what, n);
    off_t end = rump_sys_lseek(fd, 0, 2 /* SEEK_END */);
    check(end == (off_t)size, "its size", (long)end);
    char piece[32];
    size_t at = size / 2 < size - sizeof(piece) ? size / 2 : 0;
    n = rump_sys_pread(fd, piece, sizeof(piece), (off_t)at);
    check(n == (ssize_t)sizeof(piece) && !memcmp(piece, data + at, sizeof(piece)),
          "pread from its middle", n);
    rump_sys_close(fd);
}

/* Raw requests whose pointers lie outside the region: the server must refuse them. */
static void outside_the_region(const char *dir)
{
    const struct uk_channel *c = pf_channel(0);
    char path[128];
    snprintf(path, sizeof(path), "%s/%s/probe", dir, pf_init()->name);
    int fd = rump_sys_open(path, RUMP_O_RDWR | RUMP_O_CREAT, 0600);
    check(fd >= 0 && rump_sys_write(fd, path, 100) == 100 && rump_sys_lseek(fd, 0, 0) == 0,
          "a probe file of 100 bytes", fd);
    uint64_t beyond[] = {(uint64_t)fd, c->size + 4096, 16};
    long r = rsc_call(4 /* write */, beyond, 3, 0, 0);
    check(r < 0 && errno == EFAULT, "write from beyond the region: EFAULT", r);
    uint64_t across[] = {(uint64_t)fd, c->size - 8, 16};
    r = rsc_call(4, across, 3, 0, 0);
    check(r < 0 && errno == EFAULT, "write from across the region's end: EFAULT", r);
    uint64_t into[] = {(uint64_t)fd, c->size - 8, 100};
    r = rsc_call(3 /* read */, into, 3, 0, 0);
    check(r < 0 && errno == EFAULT, "read into across the region's end: EFAULT", r);
    uint64_t address[] = {(uint64_t)(uintptr_t)path, 0, 0};
    r = rsc_call(5 /* open */, address, 3, 0, 0);
    check(r < 0 && errno == EFAULT, "open a path at a client address: EFAULT", r);
    memset((void *)(c->vaddr + c->size - 16), 'x', 16);
    uint64_t unterminated[] = {c->size - 16, 0, 0};
    r = rsc_call(5, unterminated, 3, 0, 0);
    check(r < 0 && errno == EFAULT, "open a path running off the region's end: EFAULT", r);
    rump_sys_close(fd);
    check(rump_sys_unlink(path) == 0, "unlink the probe file", 0);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: fsclient DIR FILES SIZE\n");
        return 2;
    }
    const char *dir = argv[1], *name = pf_init()->name;
    unsigned files = (unsigned)strtoul(argv[2], 0, 10);
    size_t size = strtoul(argv[3], 0, 10);
    int r = rumpclient_init();
    check(r == 0, "connect to the server", r);
    if (r) {
        return check_summary();
    }
    printf("connected: pid %d on %s, %zu bytes per call\n", rumpclient_pid(), rumpclient_banner(),
           rumpclient_capacity());
    char path[128], *data = malloc(size), *buf = malloc(size);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    r = rump_sys_mkdir(path, 0755);
    check(r == 0 && data && buf, "mkdir its directory", r);
    for (unsigned k = 1; k <= files; k++) {
        snprintf(path, sizeof(path), "%s/%s/file-%u", dir, name, k);
        fill(data, size, name, k);
        write_file(path, data, size);
    }
    for (unsigned k = 1; k <= files; k++) {
        snprintf(path, sizeof(path), "%s/%s/file-%u", dir, name, k);
        fill(data, size, name, k);
        read_back(path, data, size, buf);
    }
    check(rump_sys_getpid() == rumpclient_pid(), "getpid: its process in the server", 0);
    r = rump_sys_reboot(0, 0);
    check(r < 0 && errno == EPERM, "reboot is refused (EPERM)", r);
    outside_the_region(dir);
    free(data);
    free(buf);
    return check_summary();
}
