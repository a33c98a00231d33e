/*
 * Basic kernel types and helpers.
 */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <sel4/types.h>

typedef uint64_t word_t;
typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;
typedef uint64_t pptr_t; /* kernel virtual address of an object in the physical memory window */

#define BIT(n)           (1ul << (n))
#define MASK(n)          (BIT(n) - 1ul)
#define ROUND_DOWN(x, n) ((x) & ~MASK(n))
#define ROUND_UP(x, n)   (((x) + MASK(n)) & ~MASK(n))
#define IS_ALIGNED(x, n) (((x)&MASK(n)) == 0)
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define MAX(a, b)        ((a) > (b) ? (a) : (b))
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))

#define UNUSED        __attribute__((unused))
#define NORETURN      __attribute__((noreturn))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#define PACKED        __attribute__((packed))
#define ALIGNED(n)    __attribute__((aligned(n)))
#define likely(x)     __builtin_expect(!!(x), 1)
#define unlikely(x)   __builtin_expect(!!(x), 0)

/* The result of a kernel operation: EXCEPTION_NONE, or an error to report to the caller. */
typedef enum exception {
    EXCEPTION_NONE = 0,
    EXCEPTION_FAULT,         /* current_fault holds a fault for the thread's handler */
    EXCEPTION_LOOKUP_FAULT,  /* current_lookup_fault describes a failed CSpace lookup */
    EXCEPTION_SYSCALL_ERROR, /* current_syscall_error describes the error reply */
    EXCEPTION_PREEMPTED,     /* long operation interrupted; restart it */
} exception_t;
