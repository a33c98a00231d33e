/*
 * mmap and friends. A unikernel has one address space that the platform maps in full at
 * start-up, so a mapping is memory from the platform's page allocator:
 *
 *  - anonymous mappings are zeroed pages (MAP_ALIGNED honoured);
 *  - file mappings are the file's bytes read into such pages; a MAP_SHARED writable one is
 *    written back to the file by msync, munmap and at exit (other processes do not exist,
 *    but reads through the descriptor see the file, not the mapping, until then);
 *  - MAP_FIXED works inside an existing mapping (the range is replaced); elsewhere it
 *    fails with ENOMEM, as there is no free address space to choose from;
 *  - protections are recorded and checked for the shared write-back, not enforced: all
 *    of the heap is mapped read-write (there are no guard pages);
 *  - munmap may unmap any page-aligned part; pages go back to the allocator when the last
 *    page of a mapping's allocation is unmapped.
 */
#include "posix.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PAGE PF_PAGE_SIZE

struct allocation {
    void *base;
    size_t live_pages; /* pages of it still mapped */
};

struct mapping {
    uintptr_t start, end; /* page-aligned, [start, end) */
    struct allocation *alloc;
    int prot, flags;
    int fd; /* a duplicate of the file's descriptor for MAP_SHARED write-back, else -1 */
    off_t offset;
    struct mapping *next; /* sorted by start */
};

static struct mapping *mappings;

static size_t pages(uintptr_t from, uintptr_t to)
{
    return (to - from) / PAGE;
}

static void release_pages(struct allocation *a, size_t n)
{
    a->live_pages -= n;
    if (!a->live_pages) {
        pf_page_free(a->base);
        free(a);
    }
}

static bool writes_back(const struct mapping *m)
{
    return m->fd >= 0 && (m->prot & PROT_WRITE);
}

/* Writes [from, to) of a shared mapping back to its file, not past the file's end. */
static int write_back(const struct mapping *m, uintptr_t from, uintptr_t to)
{
    struct stat st;
    if (!writes_back(m) || fstat(m->fd, &st) != 0) {
        return 0;
    }
    off_t pos = m->offset + (off_t)(from - m->start);
    if (pos >= st.st_size) {
        return 0;
    }
    size_t len = to - from;
    if ((off_t)len > st.st_size - pos) {
        len = (size_t)(st.st_size - pos);
    }
    for (size_t done = 0; done < len;) {
        ssize_t n = pwrite(m->fd, (const char *)from + done, len - done, pos + (off_t)done);
        if (n <= 0) {
            return n < 0 ? errno : EIO;
        }
        done += (size_t)n;
    }
    return 0;
}

/* Reads the file's bytes at pos into [p, p + len); the rest stays zero. */
static int read_file(int fd, void *p, size_t len, off_t pos)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = pread(fd, (char *)p + done, len - done, pos + (off_t)done);
        if (n < 0) {
            return errno;
        }
        if (n == 0) {
            break;
        }
        done += (size_t)n;
    }
    return 0;
}

static void insert(struct mapping *m)
{
    struct mapping **link = &mappings;
    while (*link && (*link)->start < m->start) {
        link = &(*link)->next;
    }
    m->next = *link;
    *link = m;
}

/* The mapping that holds [start, end) entirely, or 0. */
static struct mapping *containing(uintptr_t start, uintptr_t end)
{
    for (struct mapping *m = mappings; m && m->start < end; m = m->next) {
        if (m->start <= start && end <= m->end) {
            return m;
        }
    }
    return 0;
}

/* Whether every page of [start, end) is mapped (by one or several mappings). */
static bool fully_mapped(uintptr_t start, uintptr_t end)
{
    uintptr_t at = start;
    for (struct mapping *m = mappings; m && at < end; m = m->next) {
        if (m->end <= at) {
            continue;
        }
        if (m->start > at) {
            return false;
        }
        at = m->end;
    }
    return at >= end;
}

static int check_file(int fd, int prot, int flags)
{
    int mode = fcntl(fd, F_GETFL);
    if (mode < 0) {
        return EBADF;
    }
    if ((mode & O_ACCMODE) == O_WRONLY) {
        return EACCES;
    }
    if ((flags & MAP_SHARED) && (prot & PROT_WRITE) && (mode & O_ACCMODE) != O_RDWR) {
        return EACCES;
    }
    return 0;
}

/* MAP_FIXED inside an existing mapping: the range gets the new contents. */
static void *remap_fixed(uintptr_t start, size_t size, int flags, int fd, off_t pos)
{
    struct mapping *m = containing(start, start + size);
    if (!m) {
        errno = ENOMEM;
        return MAP_FAILED;
    }
    memset((void *)start, 0, size);
    if (!(flags & MAP_ANON)) {
        int error = read_file(fd, (void *)start, size, pos);
        if (error) {
            errno = error;
            return MAP_FAILED;
        }
    }
    return (void *)start;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t pos)
{
    if (!len || (pos & (PAGE - 1)) || !(flags & (MAP_SHARED | MAP_PRIVATE | MAP_ANON))) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    size_t size = (len + PAGE - 1) & ~(PAGE - 1);
    if (!(flags & MAP_ANON)) {
        int error = check_file(fd, prot, flags);
        if (error) {
            errno = error;
            return MAP_FAILED;
        }
    }
    if (flags & MAP_FIXED) {
        if ((uintptr_t)addr & (PAGE - 1)) {
            errno = EINVAL;
            return MAP_FAILED;
        }
        return remap_fixed((uintptr_t)addr, size, flags, fd, pos);
    }
    unsigned align_log2 = (flags & MAP_ALIGNMENT_MASK) >> MAP_ALIGNMENT_SHIFT;
    size_t align = align_log2 > 12 ? (size_t)1 << align_log2 : PAGE;
    struct allocation *a = malloc(sizeof(*a));
    struct mapping *m = malloc(sizeof(*m));
    void *p = a && m ? pf_page_alloc(size, align) : 0;
    if (!p) {
        free(a);
        free(m);
        errno = ENOMEM;
        return MAP_FAILED;
    }
    memset(p, 0, size);
    a->base = p;
    a->live_pages = size / PAGE;
    *m = (struct mapping){.start = (uintptr_t)p,
                          .end = (uintptr_t)p + size,
                          .alloc = a,
                          .prot = prot,
                          .flags = flags,
                          .fd = -1,
                          .offset = pos};
    if (!(flags & MAP_ANON)) {
        int error = read_file(fd, p, len, pos);
        if (!error && (flags & MAP_SHARED) && (prot & PROT_WRITE) && (m->fd = dup(fd)) < 0) {
            error = errno;
        }
        if (error) {
            pf_page_free(p);
            free(a);
            free(m);
            errno = error;
            return MAP_FAILED;
        }
    }
    insert(m);
    return p;
}
__strong_alias(_mmap, mmap);

/* Removes [start, end) from one mapping, splitting it if the range is in its middle. */
static int cut(struct mapping **link, uintptr_t start, uintptr_t end)
{
    struct mapping *m = *link;
    uintptr_t from = start > m->start ? start : m->start;
    uintptr_t to = end < m->end ? end : m->end;
    int error = write_back(m, from, to);
    release_pages(m->alloc, pages(from, to));
    if (from == m->start && to == m->end) {
        *link = m->next;
        if (m->fd >= 0) {
            close(m->fd);
        }
        free(m);
        return error;
    }
    if (from > m->start && to < m->end) {
        struct mapping *tail = malloc(sizeof(*tail));
        if (!tail) {
            return ENOMEM;
        }
        *tail = *m;
        tail->start = to;
        tail->offset = m->offset + (off_t)(to - m->start);
        tail->fd = m->fd >= 0 ? dup(m->fd) : -1;
        m->end = from;
        m->next = tail;
        return error;
    }
    if (from == m->start) {
        m->offset += (off_t)(to - m->start);
        m->start = to;
    } else {
        m->end = from;
    }
    return error;
}

int munmap(void *addr, size_t len)
{
    uintptr_t start = (uintptr_t)addr, end = start + ((len + PAGE - 1) & ~(PAGE - 1));
    if ((start & (PAGE - 1)) || !len || end < start) {
        errno = EINVAL;
        return -1;
    }
    int error = 0;
    struct mapping **link = &mappings;
    while (*link && (*link)->start < end) {
        struct mapping *m = *link;
        if (m->end <= start) {
            link = &m->next;
            continue;
        }
        int e = cut(link, start, end);
        error = error ? error : e;
        if (*link == m) {
            link = &m->next;
        }
    }
    if (error) {
        errno = error;
        return -1;
    }
    return 0;
}

/* For calls that act on a range: EINVAL if unaligned, ENOMEM if some page is not mapped. */
static int check_range(void *addr, size_t len, uintptr_t *start, uintptr_t *end)
{
    *start = (uintptr_t)addr;
    *end = *start + ((len + PAGE - 1) & ~(PAGE - 1));
    if (*start & (PAGE - 1)) {
        return EINVAL;
    }
    return fully_mapped(*start, *end) ? 0 : ENOMEM;
}

int mprotect(void *addr, size_t len, int prot)
{
    uintptr_t start, end;
    int error = check_range(addr, len, &start, &end);
    if (error) {
        errno = error;
        return -1;
    }
    struct mapping *m = containing(start, end);
    if (m && m->start == start && m->end == end) {
        m->prot = prot; /* recorded; all memory stays read-write underneath */
    }
    return 0;
}

int _sys___msync13(void *addr, size_t len, int flags);
int _sys___msync13(void *addr, size_t len, int flags)
{
    uintptr_t start, end;
    int error = check_range(addr, len, &start, &end);
    if (!error && (flags & MS_ASYNC) && (flags & MS_SYNC)) {
        error = EINVAL;
    }
    for (struct mapping *m = mappings; !error && m && m->start < end; m = m->next) {
        if (m->end > start) {
            error = write_back(m, start > m->start ? start : m->start, end < m->end ? end : m->end);
        }
    }
    if (error) {
        errno = error;
        return -1;
    }
    return 0;
}

int mincore(void *addr, size_t len, char *vec)
{
    uintptr_t start, end;
    int error = check_range(addr, len, &start, &end);
    if (error) {
        errno = error;
        return -1;
    }
    memset(vec, 1, pages(start, end)); /* everything is resident */
    return 0;
}

/* Advice, inheritance and locking change nothing when all memory is resident and private. */
static int range_ok(void *addr, size_t len)
{
    uintptr_t start, end;
    int error = check_range(addr, len, &start, &end);
    if (error) {
        errno = error;
        return -1;
    }
    return 0;
}

int madvise(void *addr, size_t len, int advice)
{
    (void)advice;
    return range_ok(addr, len);
}

int minherit(void *addr, size_t len, int inherit)
{
    (void)inherit;
    return range_ok(addr, len);
}

int mlock(const void *addr, size_t len)
{
    return range_ok((void *)(uintptr_t)addr, len);
}

int munlock(const void *addr, size_t len)
{
    return range_ok((void *)(uintptr_t)addr, len);
}

int mlockall(int flags)
{
    (void)flags;
    return 0;
}

int munlockall(void)
{
    return 0;
}

void posix_mman_sync_all(void)
{
    for (struct mapping *m = mappings; m; m = m->next) {
        write_back(m, m->start, m->end);
    }
}
