/*
 * Link-time shims for Redis from Debian's source package on NetBSD's libc (apps/redis):
 * two functions Redis calls that NetBSD 7's libraries do not have. Linked into
 * redis-server by apps/redis/redis.mk (REDIS_LDFLAGS); Redis' sources are not touched.
 */
#include <limits.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* Redis' allocator (src/zmalloc.c). */
void *zmalloc(size_t size);

/*
 * glibc's get_current_dir_name: the working directory in a new string. Debian's patch
 * 0003 makes rdb.c call it on its error paths and free the result with zfree, which with
 * MALLOC=libc (no malloc_usable_size on NetBSD) expects zmalloc's size header in front of
 * the block: so the string comes from zmalloc, not from getcwd(NULL, 0).
 */
char *get_current_dir_name(void)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd)) {
        return NULL;
    }
    size_t size = strlen(cwd) + 1;
    return memcpy(zmalloc(size), cwd, size);
}

/*
 * C99's llroundl, which NetBSD 7's libm lacks (hyperloglog.c rounds its estimate with it):
 * the nearest integer, halfway cases away from zero. rintl rounds halfway cases to even;
 * x - rintl(x) is exact, so a halfway case is recognised exactly and moved outwards.
 */
long long llroundl(long double x)
{
    long double r = rintl(x);
    if (fabsl(x - r) == 0.5L) {
        r = x < 0 ? x - 0.5L : x + 0.5L;
    }
    return (long long)r;
}
