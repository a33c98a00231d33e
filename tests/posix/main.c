/*
 * The runner: every TEST linked in (section "ptests"), or, when the environment has
 * PTEST_ONLY (a comma-separated list of name prefixes, e.g. "threads_,signals_raise"),
 * only those whose names start with one of them; a line per test, then "N passed, N
 * failed" for the assertions. The command line is the tests' to check (t_process.c). The exit
 * status is 0 only if no assertion failed.
 */
#include "ptest.h"

#include <stdlib.h>

extern const struct ptest __start_ptests[], __stop_ptests[];

static unsigned passed, failed, test_failed;

void ptest_result(int ok, const char *file, int line, const char *what, int saved_errno)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    test_failed++;
    printf("  FAILED %s:%d: %s (errno %d: %s)\n", file, line, what, saved_errno,
           strerror(saved_errno));
}

void ptest_range(long value, long lo, long hi, const char *file, int line, const char *what)
{
    char text[160];
    snprintf(text, sizeof(text), "%s in [%ld, %ld) (it is %ld)", what, lo, hi, value);
    ptest_result(value >= lo && value < hi, file, line, text, errno);
}

void ptest_skip(const char *why)
{
    printf("  skipped: %s\n", why);
}

static int selected(const char *name, const char *only)
{
    if (!only || !*only) {
        return 1;
    }
    for (const char *p = only; *p;) {
        size_t len = strcspn(p, ",");
        if (len && !strncmp(name, p, len)) {
            return 1;
        }
        p += len + (p[len] == ',');
    }
    return 0;
}

int ptest_argc;
char **ptest_argv;

int main(int argc, char **argv)
{
    ptest_argc = argc;
    ptest_argv = argv;
    const char *only = getenv("PTEST_ONLY");
    setvbuf(stdout, 0, _IOLBF, 0);
    for (const struct ptest *t = __start_ptests; t < __stop_ptests; t++) {
        if (!selected(t->name, only)) {
            continue;
        }
        unsigned before = passed;
        test_failed = 0;
        printf("TEST %s\n", t->name);
        t->fn();
        printf("TEST %s ... %s (%u assertions)\n", t->name, test_failed ? "FAILED" : "ok",
               passed - before + test_failed);
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
