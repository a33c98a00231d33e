/*
 * The kernel test suite's root task: every test, or those `make test-kernel TESTS=...`
 * selected (compiled in, since a root task has no command line).
 */
#include "framework.h"
#include "ktest_filter.h" /* generated: #define KTEST_FILTER "pattern,pattern" or "" */

int main(void)
{
#ifdef KTEST_PRODUCTION
    /* No debug console in a production kernel: without the UART nothing could be said. */
    if (!runtime_console_uart()) {
        return 3;
    }
#endif
    return ktest_run(KTEST_FILTER);
}
