/*
 * Memory: malloc over the unikernel's memory (64 MiB in posix.system), calloc, realloc,
 * aligned allocation, anonymous and file mappings.
 */
#include "ptest.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* GROW of the 64 MiB in 1 MiB blocks, and as much in one piece (more than half, no power of
 * two: the allocator cuts a run of free pages to size). */
enum { MIB = 1024 * 1024, GROW = 40, ONE_PIECE = GROW };

/* 40 MiB of the 64 in 1 MiB blocks, each filled; returns how many were allocated. */
static int grab(char **blocks)
{
    int n = 0;
    for (; n < GROW; n++) {
        if (!(blocks[n] = malloc(MIB))) {
            break;
        }
        memset(blocks[n], n + 1, MIB);
    }
    return n;
}

TEST(memory_malloc_most_of_memory)
{
    static char *blocks[GROW];
    CHECK(grab(blocks) == GROW);
    int intact = 0;
    for (int i = 0; i < GROW; i++) {
        intact += blocks[i] && blocks[i][0] == i + 1 && blocks[i][MIB - 1] == i + 1;
    }
    CHECK(intact == GROW);
    for (int i = 0; i < GROW; i++) {
        free(blocks[i]);
    }
    CHECK(grab(blocks) == GROW); /* freed memory is there again */
    for (int i = 0; i < GROW; i++) {
        free(blocks[i]);
    }
    char *one = malloc(ONE_PIECE * MIB); /* and in one piece */
    CHECK(one != 0);
    if (one) {
        one[0] = one[ONE_PIECE * MIB - 1] = 1;
    }
    free(one);
}

TEST(memory_malloc_exhaustion)
{
    errno = 0;
    void *p = malloc((size_t)1 << 30); /* more than the unikernel has */
    CHECK(p == 0 && errno == ENOMEM);
    void *q = malloc(1000);
    CHECK(q != 0); /* and nothing broke */
    free(q);
}

TEST(memory_small_allocations)
{
    static void *p[1000];
    int ok = 0;
    for (int i = 0; i < 1000; i++) {
        p[i] = malloc((size_t)(i % 200 + 1));
        if (p[i]) {
            memset(p[i], 0xab, (size_t)(i % 200 + 1));
            ok += ((uintptr_t)p[i] % 16) == 0; /* suitably aligned for any type */
        }
    }
    CHECK(ok == 1000);
    for (int i = 0; i < 1000; i += 2) {
        free(p[i]);
    }
    for (int i = 1; i < 1000; i += 2) {
        free(p[i]);
    }
    free(0); /* allowed */
}

TEST(memory_calloc_realloc)
{
    int *z = calloc(1000, sizeof(int));
    int zero = 1;
    for (int i = 0; z && i < 1000; i++) {
        zero &= z[i] == 0;
    }
    CHECK(z && zero);
    for (int i = 0; z && i < 1000; i++) {
        z[i] = i;
    }
    int *bigger = realloc(z, 100000 * sizeof(int));
    int kept = 1;
    for (int i = 0; bigger && i < 1000; i++) {
        kept &= bigger[i] == i;
    }
    CHECK(bigger && kept);
    int *smaller = realloc(bigger, 10 * sizeof(int));
    CHECK(smaller && smaller[9] == 9);
    free(smaller);
    volatile size_t huge = SIZE_MAX / 2; /* volatile: gcc would refuse the constant */
    errno = 0;
    CHECK(calloc(huge, 4) == 0 && errno == ENOMEM); /* overflow is caught */
    char *fresh = realloc(0, 10);
    CHECK(fresh != 0);
    free(fresh);
}

TEST(memory_aligned)
{
    int aligned = 0;
    for (size_t align = sizeof(void *); align <= 65536; align *= 2) {
        void *p = 0;
        if (posix_memalign(&p, align, 100) == 0 && ((uintptr_t)p % align) == 0) {
            aligned++;
        }
        free(p);
    }
    CHECK(aligned == 14);
    void *p;
    CHECK(posix_memalign(&p, 24, 100) == EINVAL); /* not a power of two */
    void *a = aligned_alloc(4096, 8192);
    CHECK(a && ((uintptr_t)a % 4096) == 0);
    free(a);
    CHECK(sysconf(_SC_PAGESIZE) == 4096 && getpagesize() == 4096);
}

TEST(memory_mmap_anonymous)
{
    size_t len = 16 * 4096;
    unsigned char *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
    CHECK(p != MAP_FAILED && ((uintptr_t)p % 4096) == 0);
    int zero = 1;
    for (size_t i = 0; p != MAP_FAILED && i < len; i++) {
        zero &= p[i] == 0;
    }
    CHECK(zero);
    if (p != MAP_FAILED) {
        memset(p, 0x5a, len);
    }
    CHECK(munmap(p, len) == 0);
    void *big = mmap(0, 8 * MIB, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
    CHECK(big != MAP_FAILED && munmap(big, 8 * MIB) == 0);
    void *al =
        mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE | MAP_ALIGNED(20), -1, 0);
    CHECK(al != MAP_FAILED && ((uintptr_t)al % MIB) == 0 && munmap(al, 4096) == 0);
}

TEST(memory_partial_munmap_and_map_fixed)
{
    char *p = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE, -1, 0);
    CHECK(p != MAP_FAILED);
    if (p == MAP_FAILED) {
        return;
    }
    for (int i = 0; i < 4; i++) {
        p[i * 4096] = (char)('A' + i);
    }
    CHECK(munmap(p + 4096, 4096) == 0); /* the middle page goes, the rest stays */
    CHECK(p[0] == 'A' && p[2 * 4096] == 'C' && p[3 * 4096] == 'D');
    CHECK(mincore(p, 4096, (char[1]){0}) == 0);
    CHECK_ERRNO(mincore(p, 2 * 4096, (char[2]){0}), ENOMEM); /* the hole is not mapped */
    char *fixed =
        mmap(p + 2 * 4096, 4096, PROT_READ | PROT_WRITE, MAP_ANON | MAP_PRIVATE | MAP_FIXED, -1, 0);
    CHECK(fixed == p + 2 * 4096 && fixed[0] == 0); /* replaced by a fresh zeroed page */
    CHECK(p[3 * 4096] == 'D');
    CHECK(mprotect(p, 4096, PROT_READ) == 0);
    CHECK(munmap(p, 4096) == 0 && munmap(p + 2 * 4096, 2 * 4096) == 0);
    CHECK_ERRNO(munmap(p + 1, 4096), EINVAL);
}

TEST(memory_mmap_errors)
{
    CHECK(mmap(0, 0, PROT_READ, MAP_ANON | MAP_PRIVATE, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(0, 4096, PROT_READ, MAP_PRIVATE, 77, 0) == MAP_FAILED && errno == EBADF);
    int fd = open("/tmp/ro-map", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, "x", 1) == 1 && close(fd) == 0);
    fd = open("/tmp/ro-map", O_RDONLY);
    CHECK(mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
          errno == EACCES);
    close(fd);
    unlink("/tmp/ro-map");
}

static int file_with(const char *path, const char *text)
{
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0 && write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        close(fd);
        return -1;
    }
    return fd;
}

TEST(memory_mmap_file_private)
{
    int fd = file_with("/tmp/private", "file contents");
    char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(fd >= 0 && p != MAP_FAILED);
    if (p == MAP_FAILED) {
        return;
    }
    CHECK(!memcmp(p, "file contents", 13) && p[13] == 0); /* past the end: zeroes */
    p[0] = 'F';
    CHECK(munmap(p, 4096) == 0);
    char buf[16] = "";
    CHECK(pread(fd, buf, 13, 0) == 13 && buf[0] == 'f'); /* a private copy */
    close(fd);
    unlink("/tmp/private");
}

TEST(memory_mmap_file_shared_write_back)
{
    int fd = file_with("/tmp/shared", "0123456789abcdef");
    char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    char buf[17] = "";
    CHECK(fd >= 0 && p != MAP_FAILED);
    if (p == MAP_FAILED) {
        return;
    }
    memcpy(p, "SHARED", 6);
    CHECK(msync(p, 4096, MS_SYNC) == 0);
    CHECK(pread(fd, buf, 16, 0) == 16 && !memcmp(buf, "SHARED6789abcdef", 16));
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 16); /* not grown to the page */
    memcpy(p + 10, "XY", 2);
    CHECK(munmap(p, 4096) == 0); /* unmapping writes back too */
    CHECK(pread(fd, buf, 16, 0) == 16 && !memcmp(buf, "SHARED6789XYcdef", 16));
    CHECK_ERRNO(msync(p + 1, 4096, MS_SYNC), EINVAL);
    close(fd);
    unlink("/tmp/shared");
}

/* A shared mapping of a file on the ext2 disk, at an offset. */
TEST(memory_mmap_disk_file_at_offset)
{
    int fd = open("/data/mapped", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && ftruncate(fd, 3 * 4096) == 0);
    char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * 4096);
    CHECK(p != MAP_FAILED);
    if (p == MAP_FAILED) {
        return;
    }
    memcpy(p, "third page", 10);
    CHECK(msync(p, 4096, MS_SYNC) == 0 && munmap(p, 4096) == 0);
    char buf[10];
    CHECK(pread(fd, buf, 10, 2 * 4096) == 10 && !memcmp(buf, "third page", 10));
    CHECK(close(fd) == 0 && unlink("/data/mapped") == 0);
}
