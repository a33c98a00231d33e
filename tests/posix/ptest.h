/*
 * The POSIX test suite's framework (tests/posix/README.md): a test is a function declared
 * with TEST(name) in any t_*.c file; the runner (main.c) runs them in link order. Checks do
 * not end a test: each CHECK counts as one assertion passed or failed, and a failure prints
 * file, line, the expression and errno. The closing line counts assertions.
 */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct ptest {
    const char *name;
    void (*fn)(void);
};

#define TEST(name)                                                                       \
    static void ptest_fn_##name(void);                                                   \
    static const struct ptest ptest_desc_##name                                          \
        __attribute__((used, section("ptests"), aligned(8))) = {#name, ptest_fn_##name}; \
    static void ptest_fn_##name(void)

void ptest_result(int ok, const char *file, int line, const char *what, int saved_errno);

/* One assertion; errno as it was when the condition was evaluated goes into the message. */
#define CHECK(cond)                                          \
    do {                                                     \
        int ok_ = (cond) != 0;                               \
        ptest_result(ok_, __FILE__, __LINE__, #cond, errno); \
    } while (0)

/* A call that must fail with the given errno. */
#define CHECK_ERRNO(call, expected)                                    \
    do {                                                               \
        errno = 0;                                                     \
        long r_ = (long)(call);                                        \
        int e_ = errno;                                                \
        ptest_result(r_ == -1 && e_ == (expected), __FILE__, __LINE__, \
                     #call " fails with " #expected, e_);              \
    } while (0)

/* Skips the rest of a test, saying why (counts as neither passed nor failed). */
void ptest_skip(const char *why);
