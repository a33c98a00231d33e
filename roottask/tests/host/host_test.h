/*
 * A minimal harness for the host unit tests: each check prints one line, and the program
 * exits non-zero if any failed.
 */
#pragma once

#include <stdio.h>
#include <string.h>

static int host_test_failures, host_test_checks;

/* Reports one check; returns ok. */
static inline int host_check(int ok, const char *what, const char *detail)
{
    host_test_checks++;
    if (!ok) {
        host_test_failures++;
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

static inline int host_test_done(const char *suite)
{
    printf("%s: %d checks, %d failed\n", suite, host_test_checks, host_test_failures);
    return host_test_failures ? 1 : 0;
}

/* A deterministic pseudo-random sequence for the mutation tests. */
static unsigned long host_test_seed = 12345;

static inline unsigned host_random(unsigned bound)
{
    host_test_seed = host_test_seed * 6364136223846793005ul + 1442695040888963407ul;
    return (unsigned)((host_test_seed >> 33) % bound);
}
