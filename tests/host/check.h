/*
 * A minimal host-side test harness: CHECK records a failure with file:line and carries on.
 */
#pragma once

#include <stdio.h>

extern int host_checks_failed, host_checks_run;

#define CHECK(cond)                                                    \
    do {                                                               \
        host_checks_run++;                                             \
        if (!(cond)) {                                                 \
            host_checks_failed++;                                      \
            printf("  FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        }                                                              \
    } while (0)

#define CHECK_EQ(a, b)                                                                             \
    do {                                                                                           \
        unsigned long long va_ = (unsigned long long)(a), vb_ = (unsigned long long)(b);           \
        host_checks_run++;                                                                         \
        if (va_ != vb_) {                                                                          \
            host_checks_failed++;                                                                  \
            printf("  FAILED %s:%d: %s == %s (%#llx != %#llx)\n", __FILE__, __LINE__, #a, #b, va_, \
                   vb_);                                                                           \
        }                                                                                          \
    } while (0)

typedef void (*host_test_fn)(void);
struct host_test {
    const char *name;
    host_test_fn fn;
};
