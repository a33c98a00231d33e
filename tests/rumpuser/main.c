/*
 * Runner of the rumpuser conformance suite: one line per test ("ok NAME" or "FAIL NAME:
 * why"), then "N passed, N failed"; rumpuser_exit() then ends the unikernel with status 0
 * only if nothing failed, which the root task turns into QEMU's exit status. Each test runs in its
 * own thread holding the virtual CPU, like a rump kernel thread; a test that does not finish within
 * TEST_TIMEOUT_MS is reported and ends the run, since it may hold the CPU every later test needs.
 */
#include "suite.h"
#include "tests.h"

#define TEST_TIMEOUT_MS 60000

struct test {
    const char *name;
    void (*fn)(struct tc *);
};

#define TEST_ENTRY(name) {#name, test_##name},
static const struct test tests[] = {TEST_LIST(TEST_ENTRY)};

struct run {
    const struct test *test;
    struct tc tc;
    bool done;
    struct pf_waitq done_wait;
};

void tc_fail(struct tc *tc, int line, const char *fmt, ...)
{
    if (tc->failed++) {
        return;
    }
    int n = snprintf(tc->why, sizeof(tc->why), "line %d: ", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tc->why + n, sizeof(tc->why) - (size_t)n, fmt, ap);
    va_end(ap);
}

uint64_t now_ms(void)
{
    return pf_clock_monotonic() / 1000000;
}

void host_sleep_ms(unsigned ms)
{
    pf_sleep_ns((uint64_t)ms * 1000000);
}

/* --- Threads in rump style -------------------------------------------------------------------- */

struct spawned {
    void (*fn)(void *);
    void *arg;
};

static void *spawned_main(void *p)
{
    struct spawned s = *(struct spawned *)p;
    pf_free(p);
    hyp_enter(hyp_new_lwp());
    s.fn(s.arg);
    hyp_leave();
    rumpuser_thread_exit();
}

void *spawn(void (*fn)(void *), void *arg)
{
    struct spawned *s = pf_malloc(sizeof(*s), 0);
    void *cookie = 0;
    s->fn = fn;
    s->arg = arg;
    if (rumpuser_thread_create(spawned_main, s, "test-helper", 1, 0, -1, &cookie) != 0) {
        pf_panic("cannot create a test thread");
    }
    return cookie;
}

void join(void *cookie)
{
    if (rumpuser_thread_join(cookie) != 0) {
        pf_panic("cannot join a test thread");
    }
}

/* --- Runner ----------------------------------------------------------------------------------- */

static void *run_test(void *p)
{
    struct run *r = p;
    hyp_enter(hyp_new_lwp());
    hyp_log_reset();
    r->test->fn(&r->tc);
    if (!hyp_cpu_held()) {
        tc_fail(&r->tc, 0, "returned without the virtual CPU");
    } else {
        hyp_leave();
    }
    r->done = true;
    pf_wake_all(&r->done_wait);
    return 0;
}

int main(void)
{
    unsigned n = ARRAY_SIZE(tests), passed = 0, failed = 0;
    printf("rumpuser conformance suite: %u tests\n", n);
    /* rumpuser_init must come first; the init test checks it in detail. */
    if (rumpuser_init(RUMPUSER_VERSION, &test_hyp) != 0) {
        printf("FAIL rumpuser_init: version %d refused\n0 passed, %u failed\n", RUMPUSER_VERSION,
               n);
        return 1;
    }
    for (unsigned i = 0; i < n; i++) {
        struct run r = {.test = &tests[i], .tc = {.name = tests[i].name}};
        int err;
        if (!pf_thread_create(tests[i].name, run_test, &r, 256 * 1024, PF_PRIO_NORMAL, 0, &err)) {
            pf_panic("cannot start test %s", tests[i].name);
        }
        uint64_t deadline = pf_clock_monotonic() + (uint64_t)TEST_TIMEOUT_MS * 1000000;
        while (!r.done && pf_block(&r.done_wait, deadline) != ETIMEDOUT) {
        }
        const char *violation = hyp_violation();
        if (!r.done) {
            printf("FAIL %s: did not finish within %d s (deadlock?)\n", r.tc.name,
                   TEST_TIMEOUT_MS / 1000);
            pf_sched_dump();
            failed += n - i;
            break;
        }
        if (!r.tc.failed && violation) {
            tc_fail(&r.tc, 0, "rump kernel stand-in: %s", violation);
        }
        if (r.tc.failed) {
            printf("FAIL %s: %s\n", r.tc.name, r.tc.why);
            failed++;
        } else {
            printf("ok   %s\n", r.tc.name);
            passed++;
        }
    }
    printf("%u passed, %u failed\n", passed, failed);
    /* The last hypercall: its status becomes the unikernel's, and so QEMU's. */
    rumpuser_exit(failed ? 1 : 0);
}
