/*
 * malloc and friends for NetBSD's libc (Rumprun's build of it has none): the platform's
 * allocator, which serves every power-of-two alignment and needs no size to free, over
 * all the memory the system description grants the unikernel.
 */
#include "posix.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

size_t malloc_usable_size(void *p);

void *malloc(size_t size)
{
    void *p = pf_malloc(size, 0);
    if (!p) {
        errno = ENOMEM;
    }
    return p;
}

void free(void *p)
{
    pf_free(p);
}

void *calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return 0;
    }
    void *p = malloc(n * size);
    if (p) {
        memset(p, 0, n * size);
    }
    return p;
}

void *realloc(void *p, size_t size)
{
    if (!p) {
        return malloc(size);
    }
    size_t have = pf_malloc_usable(p);
    /* Keep the block unless it would be mostly empty (a large block shrunk to a small one). */
    if (size <= have && size >= have / 4) {
        return p;
    }
    void *q = malloc(size);
    if (q) {
        memcpy(q, p, size < have ? size : have);
        pf_free(p);
    }
    return q;
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (!align || (align & (align - 1)) || align % sizeof(void *)) {
        return EINVAL;
    }
    void *p = pf_malloc(size, align);
    if (!p) {
        return ENOMEM;
    }
    *out = p;
    return 0;
}

size_t malloc_usable_size(void *p)
{
    return p ? pf_malloc_usable(p) : 0;
}
