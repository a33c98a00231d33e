/*
 * The kernel test suite's framework: test registration, checks and the runner.
 *
 * A test is a void function declared with TEST(name) in any tests/kernel/test_*.c file; the
 * macro puts a descriptor in the "ktests" linker section, and the runner (framework.c) runs
 * them in file order, then line order. A failing CHECK* ends the test at once (the runner
 * regains control with a longjmp) and reports file:line, the expression and both values.
 * Every test starts from the same state: the per-test allocator is reset after each test,
 * which destroys every object and cap the test created (see support.h).
 *
 * Checks made from a helper thread (not the root thread) record the first failure, which
 * fails the running test when it ends, and suspend the helper.
 */
#pragma once

#include <runtime.h>

struct ktest {
    const char *name;
    void (*fn)(void);
    const char *file;
    int line;
};

#define TEST(name)                                                                                \
    static void ktest_fn_##name(void);                                                            \
    static const struct ktest ktest_desc_##name                                                   \
        __attribute__((used, section("ktests"), aligned(8))) = {#name, ktest_fn_##name, __FILE__, \
                                                                __LINE__};                        \
    static void ktest_fn_##name(void)

/* Ends the current test as failed (root thread) or records the failure (helper thread). */
void ktest_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 3, 4)));
/* Ends the current test as skipped; `why` is printed. */
void ktest_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Name of an seL4_Error value ("seL4_DeleteFirst"), or "?" */
const char *ktest_error_name(seL4_Word err);

/*
 * Runs every linked test whose name matches `filter` (globs separated by commas or spaces;
 * "" selects all), one line each, then the closing "N passed, N failed" line. Returns
 * non-zero if a test failed.
 */
int ktest_run(const char *filter);

#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond)) {                                                   \
            ktest_fail(__FILE__, __LINE__, "CHECK(%s) is false", #cond); \
        }                                                                \
    } while (0)

/* actual == expected, both compared as words. */
#define CHECK_EQ(actual, expected)                                                            \
    do {                                                                                      \
        seL4_Word a_ = (seL4_Word)(actual), e_ = (seL4_Word)(expected);                       \
        if (a_ != e_) {                                                                       \
            ktest_fail(__FILE__, __LINE__, "%s == %s: expected %ld (0x%lx), got %ld (0x%lx)", \
                       #actual, #expected, (long)e_, e_, (long)a_, a_);                       \
        }                                                                                     \
    } while (0)

#define CHECK_NE(actual, unexpected)                                                               \
    do {                                                                                           \
        seL4_Word a_ = (seL4_Word)(actual), e_ = (seL4_Word)(unexpected);                          \
        if (a_ == e_) {                                                                            \
            ktest_fail(__FILE__, __LINE__, "%s != %s: both are %ld (0x%lx)", #actual, #unexpected, \
                       (long)a_, a_);                                                              \
        }                                                                                          \
    } while (0)

/* Unsigned comparisons: actual >= bound, actual <= bound. */
#define CHECK_GE(actual, bound)                                                            \
    do {                                                                                   \
        seL4_Word a_ = (seL4_Word)(actual), b_ = (seL4_Word)(bound);                       \
        if (a_ < b_) {                                                                     \
            ktest_fail(__FILE__, __LINE__, "%s >= %s: got %lu (0x%lx), bound %lu (0x%lx)", \
                       #actual, #bound, a_, a_, b_, b_);                                   \
        }                                                                                  \
    } while (0)

#define CHECK_LE(actual, bound)                                                            \
    do {                                                                                   \
        seL4_Word a_ = (seL4_Word)(actual), b_ = (seL4_Word)(bound);                       \
        if (a_ > b_) {                                                                     \
            ktest_fail(__FILE__, __LINE__, "%s <= %s: got %lu (0x%lx), bound %lu (0x%lx)", \
                       #actual, #bound, a_, a_, b_, b_);                                   \
        }                                                                                  \
    } while (0)

/* An invocation's seL4_Error: printed by name. */
#define CHECK_ERR(actual, expected)                                                        \
    do {                                                                                   \
        seL4_Word a_ = (seL4_Word)(actual), e_ = (seL4_Word)(expected);                    \
        if (a_ != e_) {                                                                    \
            ktest_fail(__FILE__, __LINE__, "%s: expected %s (%lu), got %s (%lu)", #actual, \
                       ktest_error_name(e_), e_, ktest_error_name(a_), a_);                \
        }                                                                                  \
    } while (0)

#define CHECK_OK(actual) CHECK_ERR(actual, seL4_NoError)

/* Message register i of the last reply (the libsel4 stubs leave error details there). */
#define CHECK_MR(i, expected) CHECK_EQ(seL4_GetMR(i), expected)
