/*
 * The runner: every TEST linked in (section "ptests"), or those whose names start with one
 * of the program's arguments; a line per test, then "N passed, N failed" for the
 * assertions. The exit status is 0 only if no assertion failed.
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

void ptest_skip(const char *why)
{
    printf("  skipped: %s\n", why);
}

static int selected(const char *name, int argc, char **argv)
{
    if (argc < 2) {
        return 1;
    }
    for (int i = 1; i < argc; i++) {
        if (!strncmp(name, argv[i], strlen(argv[i]))) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, 0, _IOLBF, 0);
    for (const struct ptest *t = __start_ptests; t < __stop_ptests; t++) {
        if (!selected(t->name, argc, argv)) {
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
