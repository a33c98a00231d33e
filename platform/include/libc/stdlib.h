/* Memory, exit and environment for programs on the platform (not a POSIX libc). */
#pragma once

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
void *aligned_alloc(size_t align, size_t size);
int posix_memalign(void **out, size_t align, size_t size);

/* Runs the atexit handlers (last registered first), then ends the unikernel with status. */
__attribute__((noreturn)) void exit(int status);
int atexit(void (*handler)(void));
__attribute__((noreturn)) void abort(void);
char *getenv(const char *name);

unsigned long strtoul(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);
int atoi(const char *s);
