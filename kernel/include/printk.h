/*
 * Kernel console output (COM1) and fatal errors.
 */
#pragma once

#include <types.h>

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
 * Why an invocation was refused. Off by default (a fuzz run refuses millions); build with
 * KERNEL_VERBOSE=1 to print them as upstream's debug build does.
 */
#ifdef CONFIG_PRINT_USER_ERRORS
#define user_error(...)                       \
    do {                                      \
        kprintf("<<kernel [%s]: ", __func__); \
        kprintf(__VA_ARGS__);                 \
        kprintf(">>\n");                      \
    } while (0)
#else
#define user_error(...) \
    do {                \
    } while (0)
#endif

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
