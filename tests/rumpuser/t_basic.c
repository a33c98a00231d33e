/*
 * Initialisation, parameters, console, process control, remote clients, module bootstrap,
 * randomness and clocks.
 */
#include "suite.h"
#include "tests.h"

void test_init_version(struct tc *tc)
{
    CHECK(tc, rumpuser_init(RUMPUSER_VERSION - 1, &test_hyp) != 0, "version 16 accepted");
    CHECK(tc, rumpuser_init(RUMPUSER_VERSION + 1, &test_hyp) != 0, "version 18 accepted");
    CHECK_EQ(tc, rumpuser_init(RUMPUSER_VERSION, &test_hyp), 0);
}

void test_getparam_mandatory(struct tc *tc)
{
    char buf[64];
    CHECK_EQ(tc, rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)), 0);
    CHECK(tc, strtol(buf, 0, 10) >= 1, "NCPU \"%s\"", buf);
    CHECK_EQ(tc, rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, buf, sizeof(buf)), 0);
    CHECK(tc, strncmp(buf, pf_init()->name, strlen(pf_init()->name)) == 0,
          "hostname \"%s\" does not name the unikernel", buf);
}

void test_getparam_memlimit(struct tc *tc)
{
    char buf[64], *end;
    CHECK_EQ(tc, rumpuser_getparam("RUMP_MEMLIMIT", buf, sizeof(buf)), 0);
    unsigned long limit = strtoul(buf, &end, 10);
    CHECK(tc, *end == 0 && limit > 0 && limit <= pf_mem_total(),
          "RUMP_MEMLIMIT \"%s\" (memory %lu)", buf, (unsigned long)pf_mem_total());
}

/* The system description sets RUMPTEST_PARAM=conformance and RUMP_VERBOSE=0. */
void test_getparam_environment(struct tc *tc)
{
    char buf[64], tiny[4];
    CHECK_EQ(tc, rumpuser_getparam("RUMPTEST_PARAM", buf, sizeof(buf)), 0);
    CHECK(tc, strcmp(buf, "conformance") == 0, "RUMPTEST_PARAM is \"%s\"", buf);
    CHECK_EQ(tc, rumpuser_getparam("RUMP_VERBOSE", buf, sizeof(buf)), 0);
    CHECK_EQ(tc, rumpuser_getparam("NO_SUCH_PARAMETER", buf, sizeof(buf)), ENOENT);
    CHECK(tc, rumpuser_getparam("RUMPTEST_PARAM", tiny, sizeof(tiny)) != 0,
          "a value longer than the buffer was accepted");
}

void test_console(struct tc *tc)
{
    /* Output cannot be read back here; the lines must appear in the log intact. */
    const char *s = "console: putchar works\n";
    while (*s) {
        rumpuser_putchar(*s++);
    }
    rumpuser_dprintf("console: dprintf works: %d %s 0x%x\n", 42, "str", 0xbeef);
    CHECK(tc, hyp_cpu_held(), "console output released the CPU");
}

void test_process_calls(struct tc *tc)
{
    CHECK_EQ(tc, rumpuser_kill(RUMPUSER_PID_SELF, 15), 0);
    CHECK_EQ(tc, rumpuser_daemonize_begin(), 0);
    CHECK_EQ(tc, rumpuser_daemonize_done(0), 0);
    errno = 0;
    rumpuser_seterrno(EAGAIN);
    CHECK_EQ(tc, errno, EAGAIN);
    CHECK_EQ(tc, hyp_log_count(), 0);
}

static int dl_calls;

static void dl_modinit(const struct modinfo *const *mi, size_t n)
{
    (void)mi;
    (void)n;
    dl_calls++;
}

static int dl_symload(void *a, uint64_t b, char *c, uint64_t d)
{
    (void)a;
    (void)b;
    (void)c;
    (void)d;
    dl_calls++;
    return 0;
}

static void dl_compload(const struct rump_component *c)
{
    (void)c;
    dl_calls++;
}

void test_dl_bootstrap(struct tc *tc)
{
    rumpuser_dl_bootstrap(dl_modinit, dl_symload, dl_compload);
    CHECK(tc, dl_calls == 0, "a static image reported %d dynamic objects", dl_calls);
}

/*
 * The remote-client hypercalls serve channels (platform/rumpuser/sp.c; tests/netbsd runs
 * them with a real rump kernel and clients). Here, with no channel: only "channel:" is a
 * URL, and it finds nobody to serve; anonmmap has nothing to give, raise is dropped.
 */
void test_sp_without_channels(struct tc *tc)
{
    void *addr;
    CHECK_EQ(tc, rumpuser_sp_init("unix://x", "NetBSD", "7.99", "amd64"), EINVAL);
    CHECK_EQ(tc, rumpuser_sp_init("channel:", "NetBSD", "7.99", "amd64"), ENOENT);
    CHECK_EQ(tc, rumpuser_sp_anonmmap(0, 4096, &addr), ENOMEM);
    CHECK_EQ(tc, rumpuser_sp_raise(0, 9), 0);
    rumpuser_sp_fini(0);
}

void test_getrandom(struct tc *tc)
{
    static uint8_t a[4096], b[4096];
    size_t got = 0;
    CHECK(tc, pf_random_selftest(), "BLAKE2s/ChaCha20 known-answer test failed");
    CHECK_EQ(tc, rumpuser_getrandom(a, sizeof(a), 0, &got), 0);
    CHECK_EQ(tc, got, sizeof(a));
    CHECK_EQ(tc, rumpuser_getrandom(b, sizeof(b), RUMPUSER_RANDOM_HARD, &got), 0);
    CHECK_EQ(tc, got, sizeof(b));
    CHECK(tc, memcmp(a, b, sizeof(a)) != 0, "two requests returned the same bytes");
    CHECK_EQ(tc, rumpuser_getrandom(b, 7, RUMPUSER_RANDOM_NOWAIT, &got), 0);
    CHECK_EQ(tc, got, 7);
    /* 32768 bits: the number of ones is within 4 standard deviations (181) of half. */
    unsigned ones = 0;
    for (size_t i = 0; i < sizeof(a); i++) {
        for (uint8_t v = a[i]; v; v &= (uint8_t)(v - 1)) { /* no libgcc for popcount */
            ones++;
        }
    }
    CHECK(tc, ones > 16384 - 724 && ones < 16384 + 724, "%u of 32768 bits set", ones);
}

void test_clock_gettime(struct tc *tc)
{
    int64_t s1, s2, wall;
    long n1, n2, wall_ns;
    CHECK_EQ(tc, rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s1, &n1), 0);
    CHECK_EQ(tc, rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &s2, &n2), 0);
    CHECK(tc, s2 > s1 || (s2 == s1 && n2 >= n1), "monotonic clock went backwards");
    CHECK(tc, n1 >= 0 && n1 < 1000000000, "nsec %ld out of range", n1);
    CHECK_EQ(tc, rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &wall, &wall_ns), 0);
    /* After 2020-01-01 and within a minute of the RTC reading the root task made at boot. */
    CHECK(tc, wall > 1577836800, "wall clock %ld is before 2020", (long)wall);
    CHECK(tc, wall - (int64_t)pf_init()->boot_epoch_seconds < 600,
          "wall clock %ld far from the boot RTC time %lu", (long)wall,
          pf_init()->boot_epoch_seconds);
    CHECK_EQ(tc, rumpuser_clock_gettime(7, &s1, &n1), EINVAL);
}

/* Sleeps must release the virtual CPU: log "U" then "S" for this thread, nothing else. */
static void check_sleep_upcalls(struct tc *tc)
{
    char log[16];
    hyp_log_string(pf_thread_self(), log, sizeof(log));
    CHECK(tc, strcmp(log, "US") == 0, "upcalls \"%s\", expected \"US\"", log);
}

void test_clock_sleep_relative(struct tc *tc)
{
    uint64_t t0 = pf_clock_monotonic();
    hyp_log_reset();
    CHECK_EQ(tc, rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 200 * 1000 * 1000), 0);
    uint64_t slept = pf_clock_monotonic() - t0;
    check_sleep_upcalls(tc);
    /* Generous upper bound: TCG emulation and the root task's timer granularity. */
    CHECK(tc, slept >= 200000000 && slept < 2000000000ull, "slept %lu ns for 200 ms",
          (unsigned long)slept);
    t0 = pf_clock_monotonic();
    CHECK_EQ(tc, rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 1, 0), 0);
    slept = pf_clock_monotonic() - t0;
    CHECK(tc, slept >= 1000000000ull && slept < 3000000000ull, "slept %lu ns for 1 s",
          (unsigned long)slept);
}

void test_clock_sleep_absolute(struct tc *tc)
{
    int64_t sec;
    long nsec;
    rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
    uint64_t target = (uint64_t)sec * 1000000000ull + (uint64_t)nsec + 300000000ull;
    hyp_log_reset();
    CHECK_EQ(tc,
             rumpuser_clock_sleep(RUMPUSER_CLOCK_ABSMONO, (int64_t)(target / 1000000000ull),
                                  (long)(target % 1000000000ull)),
             0);
    uint64_t now = pf_clock_monotonic();
    check_sleep_upcalls(tc);
    CHECK(tc, now >= target && now - target < 2000000000ull, "woke %ld ns after the target",
          (long)(now - target));
    /* A time in the past returns at once (but still yields the CPU properly). */
    uint64_t t0 = pf_clock_monotonic();
    CHECK_EQ(tc, rumpuser_clock_sleep(RUMPUSER_CLOCK_ABSMONO, 0, 1), 0);
    CHECK(tc, pf_clock_monotonic() - t0 < 500000000ull, "sleep into the past took %lu ns",
          (unsigned long)(pf_clock_monotonic() - t0));
    CHECK_EQ(tc, rumpuser_clock_sleep(9, 0, 1), EINVAL);
}

struct sleeper {
    unsigned ms;
    uint64_t woke;
};

static void sleeper_main(void *p)
{
    struct sleeper *s = p;
    rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, (long)s->ms * 1000000);
    s->woke = now_ms();
}

/* Several sleepers at once wake in deadline order, each near its own deadline. */
void test_clock_sleep_concurrent(struct tc *tc)
{
    static const unsigned ms[] = {400, 100, 300, 50, 200};
    struct sleeper s[ARRAY_SIZE(ms)];
    void *cookies[ARRAY_SIZE(ms)];
    uint64_t t0 = now_ms();
    for (unsigned i = 0; i < ARRAY_SIZE(ms); i++) {
        s[i] = (struct sleeper){ms[i], 0};
        cookies[i] = spawn(sleeper_main, &s[i]);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(ms); i++) {
        join(cookies[i]);
    }
    for (unsigned i = 0; i < ARRAY_SIZE(ms); i++) {
        uint64_t took = s[i].woke - t0;
        CHECK(tc, took >= ms[i] && took < ms[i] + 1500, "%u ms sleeper woke after %lu ms", ms[i],
              (unsigned long)took);
        for (unsigned j = 0; j < ARRAY_SIZE(ms); j++) {
            CHECK(tc, ms[i] >= ms[j] || s[i].woke <= s[j].woke,
                  "%u ms sleeper woke after the %u ms one", ms[i], ms[j]);
        }
    }
}
