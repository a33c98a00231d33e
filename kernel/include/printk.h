/*
 * Kernel console output (COM1) and fatal errors.
 */
#pragma once

#include <types.h>
#include <config.h>

void serial_init(void);
void serial_putc(char c);
int serial_getc(void); /* -1 when nothing is waiting */

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Internal invariants only: a user thread can never trigger one. */
#define kassert(cond)                                                           \
    do {                                                                        \
        if (unlikely(!(cond))) {                                                \
            panic("assertion '%s' failed at %s:%d", #cond, __FILE__, __LINE__); \
        }                                                                       \
    } while (0)

/*
 * Messages about normal operation (boot summary, faults nobody handles): the debug
 * configuration prints them, the production one compiles them out. kprintf itself stays for
 * what must be said in both: why the kernel stopped, hardware it had to leave unused.
 */
#ifdef CONFIG_PRINTING
#define kinfo(...) kprintf(__VA_ARGS__)
#else
#define kinfo(...)                \
    do {                          \
        if (0) {                  \
            kprintf(__VA_ARGS__); \
        }                         \
    } while (0)
#endif

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
