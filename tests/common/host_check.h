/*
 * The harness of every host unit test (tests/host, roottask/tests/host): it counts checks
 * and failures, and the program exits non-zero if any check failed.
 *
 *   host_check(ok, what, detail)        a named check, one "ok"/"FAIL" line each
 *   host_check_string(what, got, want)  a named string comparison, both shown on failure
 *   CHECK(cond), CHECK_EQ(a, b)         silent checks; a failure prints FILE:LINE and the
 *                                       expression (CHECK_EQ: both values)
 *   host_test_done(suite)               the summary line; returns the exit status
 *   host_random(bound)                  a fixed pseudo-random sequence for damage rounds
 *
 * One test program is one source file that includes this header (the counters are its own).
 */
#pragma once

#include <stdio.h>
#include <string.h>

static int host_checks_run, host_checks_failed;

/* Reports one named check; returns ok. */
static inline int host_check(int ok, const char *what, const char *detail)
{
    host_checks_run++;
    if (!ok) {
        host_checks_failed++;
    }
    printf("  %-5s %s%s%s\n", ok ? "ok" : "FAIL", what, detail ? ": " : "", detail ? detail : "");
    return ok;
}

/* Checks that got equals want, printing both when they differ. */
static inline int host_check_string(const char *what, const char *got, const char *want)
{
    if (!strcmp(got, want)) {
        return host_check(1, what, 0);
    }
    printf("        got:  %s\n        want: %s\n", got, want);
    return host_check(0, what, 0);
}

/* A check printed only when it fails. */
static inline int host_check_at(int ok, const char *file, int line, const char *expr)
{
    host_checks_run++;
    if (!ok) {
        host_checks_failed++;
        printf("  FAILED %s:%d: %s\n", file, line, expr);
    }
    return ok;
}

#define CHECK(cond) host_check_at((cond) != 0, __FILE__, __LINE__, #cond)

#define CHECK_EQ(a, b)                                                                   \
    do {                                                                                 \
        unsigned long long va_ = (unsigned long long)(a), vb_ = (unsigned long long)(b); \
        if (!host_check_at(va_ == vb_, __FILE__, __LINE__, #a " == " #b)) {              \
            printf("         (%#llx != %#llx)\n", va_, vb_);                             \
        }                                                                                \
    } while (0)

static inline int host_test_done(const char *suite)
{
    printf("%s: %d checks, %d failed\n", suite, host_checks_run, host_checks_failed);
    return host_checks_failed ? 1 : 0;
}

/* A deterministic pseudo-random sequence for the mutation tests. */
static unsigned long host_test_seed = 12345;

static inline unsigned host_random(unsigned bound)
{
    host_test_seed = host_test_seed * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)((host_test_seed >> 33) % bound);
}
