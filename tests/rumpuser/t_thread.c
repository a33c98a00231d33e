/*
 * Thread hypercalls, the current-lwp database, and per-thread TLS.
 */
#include "suite.h"
#include "tests.h"

struct joinable {
    int arg_seen;
    char name[32];
};

static void *joinable_main(void *p)
{
    struct joinable *j = p;
    j->arg_seen = 1;
    strlcpy(j->name, pf_thread_name(pf_thread_self()), sizeof(j->name));
    return 0;
}

void test_thread_create_join(struct tc *tc)
{
    struct joinable j = {0};
    void *cookie = 0;
    CHECK_EQ(tc, rumpuser_thread_create(joinable_main, &j, "joinme", 1, 50, -1, &cookie), 0);
    CHECK(tc, cookie != 0, "no cookie for a joinable thread");
    hyp_log_reset();
    CHECK_EQ(tc, rumpuser_thread_join(cookie), 0);
    CHECK(tc, j.arg_seen == 1, "the thread did not run with its argument");
    CHECK(tc, strcmp(j.name, "joinme") == 0, "thread named \"%s\"", j.name);
    char log[16];
    hyp_log_string(pf_thread_self(), log, sizeof(log));
    CHECK(tc, strcmp(log, "US") == 0, "join upcalls \"%s\", expected \"US\"", log);
}

static void *detached_main(void *p)
{
    (*(int *)p)++;
    rumpuser_thread_exit();
}

void test_thread_detached(struct tc *tc)
{
    static int runs;
    size_t free_before = pf_mem_free();
    for (int i = 0; i < 20; i++) {
        CHECK_EQ(tc, rumpuser_thread_create(detached_main, &runs, "detached", 0, -1, -1, 0), 0);
    }
    host_sleep_ms(20);
    CHECK_EQ(tc, runs, 20);
    /* Their stacks were reclaimed after they exited. */
    CHECK(tc, pf_mem_free() + 4 * PF_PAGE_SIZE >= free_before, "%lu bytes not reclaimed",
          (unsigned long)(free_before - pf_mem_free()));
}

static void count_main(void *p)
{
    (*(int *)p)++;
}

void test_thread_many(struct tc *tc)
{
    enum { N = 200 };
    static void *cookies[N];
    int count = 0;
    for (int i = 0; i < N; i++) {
        cookies[i] = spawn(count_main, &count);
    }
    for (int i = 0; i < N; i++) {
        join(cookies[i]);
    }
    CHECK_EQ(tc, count, N);
}

static void curlwp_main(void *p)
{
    struct tc *tc = p;
    struct lwp *mine = rumpuser_curlwp();
    for (int i = 0; i < 50; i++) {
        rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 1000000);
        CHECK(tc, rumpuser_curlwp() == mine, "current lwp changed under a thread");
    }
}

void test_curlwp(struct tc *tc)
{
    struct lwp *self = rumpuser_curlwp();
    CHECK(tc, self != 0, "no current lwp after SET");
    rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, self);
    CHECK(tc, rumpuser_curlwp() == 0, "current lwp after CLEAR");
    rumpuser_curlwpop(RUMPUSER_LWP_SET, self);
    CHECK(tc, rumpuser_curlwp() == self, "SET did not take");
    void *a = spawn(curlwp_main, tc), *b = spawn(curlwp_main, tc);
    join(a);
    join(b);
    CHECK(tc, rumpuser_curlwp() == self, "another thread's lwp leaked into this one");
}

/* Initialised TLS (.tdata) and zeroed TLS (.tbss), like the rump kernel's curlwp. */
static __thread int tls_initialised = 1234;
static __thread uintptr_t tls_zeroed;

struct tls_probe {
    struct tc *tc;
    uintptr_t value;
};

static void tls_main(void *p)
{
    struct tls_probe *probe = p;
    struct tc *tc = probe->tc;
    CHECK(tc, tls_initialised == 1234, "new thread sees .tdata value %d", tls_initialised);
    CHECK(tc, tls_zeroed == 0, "new thread sees .tbss value %lu", (unsigned long)tls_zeroed);
    uintptr_t self;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(self));
    CHECK(tc, (uintptr_t)&tls_initialised < self, "TLS block not below the thread pointer");
    tls_initialised = (int)probe->value;
    tls_zeroed = probe->value * 3;
    for (int i = 0; i < 100; i++) {
        if (i % 10 == 0) {
            rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 100000);
        } else {
            pf_yield();
        }
        CHECK(tc, tls_initialised == (int)probe->value && tls_zeroed == probe->value * 3,
              "thread %lu sees another thread's TLS", (unsigned long)probe->value);
        uintptr_t again;
        __asm__ volatile("movq %%fs:0, %0" : "=r"(again));
        CHECK(tc, again == self, "FS base changed under a thread");
    }
    errno = (int)probe->value;
    rumpuser_seterrno((int)probe->value + 1);
    pf_yield();
    CHECK(tc, errno == (int)probe->value + 1, "errno is not per thread");
}

void test_tls_isolation(struct tc *tc)
{
    enum { N = 16 };
    struct tls_probe probes[N];
    void *cookies[N];
    tls_initialised = 99;
    for (int i = 0; i < N; i++) {
        probes[i] = (struct tls_probe){tc, (uintptr_t)(i + 1) * 1000};
        cookies[i] = spawn(tls_main, &probes[i]);
    }
    for (int i = 0; i < N; i++) {
        join(cookies[i]);
    }
    CHECK(tc, tls_initialised == 99, "this thread's TLS was overwritten");
    /* libsel4's IPC buffer pointer is TLS too: a system call needing it still works. */
    seL4_X86_Page_GetAddress_t r = seL4_X86_Page_GetAddress(UK_SLOT_IPC_BUFFER);
    CHECK(tc, r.error == 0, "IPC-buffer frame lookup failed (%d)", r.error);
}
