/*
 * The small C runtime for programs built without a rump kernel: the standard names of the
 * platform's services (declared in platform/include/libc/). printf, puts and the string
 * functions are runtime/'s, printing through pf_putchar.
 */
#include "internal.h"
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

__thread int errno;

int *pf_errno(void)
{
    return &errno;
}

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
    void *p = pf_calloc(n, size);
    if (!p) {
        errno = ENOMEM;
    }
    return p;
}

void *realloc(void *p, size_t size)
{
    void *q = pf_realloc(p, size);
    if (!q) {
        errno = ENOMEM;
    }
    return q;
}

void *aligned_alloc(size_t align, size_t size)
{
    void *p = pf_malloc(size, align);
    if (!p) {
        errno = pf_is_pow2(align) ? ENOMEM : EINVAL;
    }
    return p;
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (!pf_is_pow2(align) || align % sizeof(void *)) {
        return EINVAL;
    }
    *out = pf_malloc(size, align);
    return *out ? 0 : ENOMEM;
}

/*
 * atexit handlers, run last-registered first by exit() and so when main returns (the
 * platform calls exit with main's value). A library that must clean up before the
 * unikernel ends (the NetBSD glue halting its rump kernel) registers one.
 */
#define ATEXIT_MAX 32
static void (*atexit_handlers[ATEXIT_MAX])(void);
static unsigned atexit_count;

int atexit(void (*handler)(void))
{
    if (atexit_count == ATEXIT_MAX) {
        errno = ENOMEM;
        return -1;
    }
    atexit_handlers[atexit_count++] = handler;
    return 0;
}

void exit(int status)
{
    /* A handler that calls exit() again ends the unikernel at once (C leaves it undefined). */
    int first;
    if (!pf_exit_pending(&first)) {
        pf_exit_begin(status);
        while (atexit_count) {
            atexit_handlers[--atexit_count]();
        }
    }
    pf_exit(status);
}

void abort(void)
{
    pf_panic("abort() called");
}

char *getenv(const char *name)
{
    return (char *)pf_getenv(name);
}

int atoi(const char *s)
{
    return (int)strtol(s, 0, 10);
}

int putchar(int c)
{
    pf_putchar(c);
    return (unsigned char)c;
}

int getchar(void)
{
    char c;
    pf_console_flush();
    while (pf_console_read(&c, 1) == 0) {
        pf_sleep_ns(10 * 1000 * 1000); /* the console service has no input notification */
    }
    return (unsigned char)c;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    if (clock == CLOCK_MONOTONIC) {
        uint64_t ns = pf_clock_monotonic();
        ts->tv_sec = (time_t)(ns / PF_NSEC_PER_SEC);
        ts->tv_nsec = (long)(ns % PF_NSEC_PER_SEC);
        return 0;
    }
    if (clock == CLOCK_REALTIME) {
        pf_clock_wall(&ts->tv_sec, &ts->tv_nsec);
        return 0;
    }
    errno = EINVAL;
    return -1;
}

time_t time(time_t *t)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (t) {
        *t = ts.tv_sec;
    }
    return ts.tv_sec;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)PF_NSEC_PER_SEC) {
        errno = EINVAL;
        return -1;
    }
    pf_sleep_ns((uint64_t)req->tv_sec * PF_NSEC_PER_SEC + (uint64_t)req->tv_nsec);
    if (rem) {
        rem->tv_sec = 0;
        rem->tv_nsec = 0;
    }
    return 0;
}

unsigned sleep(unsigned seconds)
{
    pf_sleep_ns((uint64_t)seconds * PF_NSEC_PER_SEC);
    return 0;
}

int usleep(unsigned long usec)
{
    pf_sleep_ns((uint64_t)usec * 1000);
    return 0;
}
