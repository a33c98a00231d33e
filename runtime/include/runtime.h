/*
 * runtime: the start-up code and freestanding C support shared by every user-level program
 * built here (root tasks, test suites, benchmarks, unikernels). It plays the role upstream's
 * sel4runtime plays: a stack, TLS for the first thread, and a call to main.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <sel4/sel4.h>

/* --- Start-up ----------------------------------------------------------------------------- */

/* The bootinfo of a root task (0 in a process started by another task). */
const seL4_BootInfo *runtime_bootinfo(void);

/*
 * Static TLS image of this program (from its PT_TLS segment). A new thread needs
 * runtime_tls_size() bytes aligned to 16; runtime_tls_init() fills them and returns the
 * thread pointer to load into FS base.
 */
size_t runtime_tls_size(void);
uintptr_t runtime_tls_init(void *area);
/* The area runtime_tls_init returned thread pointer `tp` for. */
void *runtime_tls_area(uintptr_t tp);

/*
 * Ends QEMU through the isa-debug-exit device (root tasks only), or halts if unavailable.
 * Root tasks: the runtime keeps the last two empty slots of the root CNode for itself (this
 * and runtime_console_uart).
 */
void runtime_exit_qemu(int status) __attribute__((noreturn));

/* --- Console -------------------------------------------------------------------------------- */

/* Where printf's characters go; defaults to the kernel's debug console (seL4_DebugPutChar). */
extern void (*runtime_putchar)(int c);

/*
 * Root tasks: sends printf's output to the COM1 UART instead, through an I/O port cap for
 * 0x3f8-0x3ff issued into the second-last empty slot, which the runtime keeps for this. For
 * kernels without a debug console (a production build has no seL4_DebugPutChar). Returns
 * that cap (the same one on later calls), or 0, leaving the output alone, if the ports
 * cannot be had.
 */
seL4_CPtr runtime_console_uart(void);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);

/* --- Strings and memory ----------------------------------------------------------------------- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strncpy(char *dst, const char *src, size_t n);
size_t strlcpy(char *dst, const char *src, size_t size);
unsigned long strtoul(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);

/* --- Small helpers ---------------------------------------------------------------------------- */

static inline uint64_t runtime_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
