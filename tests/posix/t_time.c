/* Time: clocks, sleeps and their bounds, interval and POSIX timers, calendar time in UTC. */
#include "ptest.h"

#include <sys/resource.h>
#include <sys/time.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long ms_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

TEST(time_monotonic_clock)
{
    struct timespec a, b, res;
    CHECK(clock_gettime(CLOCK_MONOTONIC, &a) == 0 && clock_gettime(CLOCK_MONOTONIC, &b) == 0);
    CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
    CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
    CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
          res.tv_nsec <= 10000000);
    CHECK_ERRNO(clock_gettime((clockid_t)1234, &a), EINVAL);
}

/* The wall clock comes from the machine's clock: some time after this suite was written. */
TEST(time_realtime_clock)
{
    struct timespec ts;
    struct timeval tv;
    CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > 1700000000);
    time_t t = time(0);
    CHECK(gettimeofday(&tv, 0) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    CHECK(labs((long)(t - ts.tv_sec)) <= 1 && labs((long)(tv.tv_sec - ts.tv_sec)) <= 1);
}

TEST(time_nanosleep_bounds)
{
    struct timespec a, b, d = {0, 50 * 1000000L}, rem = {9, 9};
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK(nanosleep(&d, &rem) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = ms_between(&a, &b);
    CHECK_RANGE(ms, 50, 500);
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK(usleep(20000) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK(ms_between(&a, &b) >= 20);
    d = (struct timespec){0, 1000000000L};
    CHECK_ERRNO(nanosleep(&d, 0), EINVAL);
    d = (struct timespec){-1, 0};
    CHECK(nanosleep(&d, 0) == 0); /* NetBSD: a time already past returns at once */
}

TEST(time_clock_nanosleep_absolute)
{
    struct timespec a, deadline, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    deadline = a;
    deadline.tv_nsec += 40 * 1000000L;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, 0) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    CHECK(b.tv_sec > deadline.tv_sec ||
          (b.tv_sec == deadline.tv_sec && b.tv_nsec >= deadline.tv_nsec));
}

TEST(time_sleep_seconds)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    CHECK(sleep(1) == 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    long ms = ms_between(&a, &b);
    CHECK_RANGE(ms, 1000, 2000);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}

/* Waits (sigsuspend, SIGALRM unblocked) until `count` alarms came or `limit_ms` passed
 * since `start` (ns); the time since then. */
static long wait_alarms(int count, long limit_ms, uint64_t start)
{
    sigset_t block, during;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, &during);
    sigdelset(&during, SIGALRM);
    while (alarms < count && ptest_ms_since(start) < limit_ms) {
        sigsuspend(&during);
    }
    sigprocmask(SIG_UNBLOCK, &block, 0);
    return ptest_ms_since(start);
}

TEST(time_setitimer_one_shot)
{
    struct sigaction sa = {.sa_handler = on_alarm}, old;
    struct itimerval it = {.it_value = {0, 50000}}, now;
    CHECK(sigaction(SIGALRM, &sa, &old) == 0);
    alarms = 0;
    uint64_t start = ptest_settle();
    CHECK(setitimer(ITIMER_REAL, &it, 0) == 0);
    CHECK(getitimer(ITIMER_REAL, &now) == 0 && now.it_value.tv_usec > 0);
    long ms = wait_alarms(1, 3000, start);
    CHECK(alarms == 1);
    CHECK_RANGE(ms, 50 - PTEST_EARLY_MS, 1000);
    CHECK(getitimer(ITIMER_REAL, &now) == 0 && !timerisset(&now.it_value));
    sigaction(SIGALRM, &old, 0);
}

TEST(time_setitimer_interval)
{
    struct sigaction sa = {.sa_handler = on_alarm}, old;
    struct itimerval it = {.it_value = {0, 20000}, .it_interval = {0, 20000}},
                     off = {{0, 0}, {0, 0}};
    CHECK(sigaction(SIGALRM, &sa, &old) == 0);
    alarms = 0;
    uint64_t start = ptest_settle();
    CHECK(setitimer(ITIMER_REAL, &it, 0) == 0);
    long ms = wait_alarms(4, 3000, start);
    CHECK(setitimer(ITIMER_REAL, &off, 0) == 0);
    CHECK(alarms >= 4);
    CHECK_RANGE(ms, 80 - PTEST_EARLY_MS, 3000); /* the fourth is due at 80 ms */
    sigaction(SIGALRM, &old, 0);
}

TEST(time_alarm)
{
    struct sigaction sa = {.sa_handler = on_alarm}, old;
    CHECK(sigaction(SIGALRM, &sa, &old) == 0);
    alarms = 0;
    uint64_t start = ptest_settle();
    CHECK(alarm(5) == 0 && alarm(1) >= 4); /* the earlier alarm's seconds left */
    long ms = wait_alarms(1, 3000, start);
    CHECK(alarms == 1);
    CHECK_RANGE(ms, 900, 2500);
    CHECK(alarm(0) == 0);
    sigaction(SIGALRM, &old, 0);
}

static volatile sig_atomic_t timer_signals;

static void on_timer(int sig)
{
    (void)sig;
    timer_signals++;
}

TEST(time_posix_timer)
{
    struct sigaction sa = {.sa_handler = on_timer}, old;
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR2};
    timer_t timer;
    CHECK(sigaction(SIGUSR2, &sa, &old) == 0);
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0);
    struct itimerspec spec = {.it_value = {0, 50000000}}, left;
    timer_signals = 0;
    uint64_t start = ptest_settle();
    CHECK(timer_settime(timer, 0, &spec, 0) == 0);
    CHECK(timer_gettime(timer, &left) == 0 && left.it_value.tv_nsec > 0);
    sigset_t none;
    sigemptyset(&none);
    while (!timer_signals && ptest_ms_since(start) < 3000) {
        usleep(5000);
    }
    long ms = ptest_ms_since(start);
    CHECK(timer_signals == 1);
    CHECK_RANGE(ms, 50 - PTEST_EARLY_MS, 1000);
    CHECK(timer_delete(timer) == 0);
    CHECK_ERRNO(timer_gettime(timer, &left), EINVAL);
    sigaction(SIGUSR2, &old, 0);
}

/* No TZ and no zone files: local time is UTC. */
TEST(time_calendar_utc)
{
    time_t t = 1234567890; /* 2009-02-13 23:31:30 UTC */
    struct tm g, l;
    CHECK(gmtime_r(&t, &g) && g.tm_year == 109 && g.tm_mon == 1 && g.tm_mday == 13);
    CHECK(g.tm_hour == 23 && g.tm_min == 31 && g.tm_sec == 30 && g.tm_wday == 5);
    CHECK(localtime_r(&t, &l) && l.tm_hour == 23 && l.tm_gmtoff == 0);
    CHECK(mktime(&l) == t && timegm(&g) == t);
    char buf[64];
    CHECK(strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S %Z", &l) > 0);
    CHECK(!strncmp(buf, "2009-02-13 23:31:30 ", 20) && (strstr(buf, "UTC") || strstr(buf, "GMT")));
    CHECK(setenv("TZ", "UTC", 1) == 0);
    tzset();
    CHECK(localtime_r(&t, &l) && l.tm_hour == 23);
    unsetenv("TZ");
    tzset();
}

TEST(time_cpu_usage)
{
    struct rusage a, b;
    CHECK(getrusage(RUSAGE_SELF, &a) == 0);
    volatile unsigned long spin = 0;
    for (unsigned long i = 0; i < 5000000; i++) {
        spin += i;
    }
    CHECK(getrusage(RUSAGE_SELF, &b) == 0);
    CHECK(timercmp(&b.ru_utime, &a.ru_utime, >)); /* computing takes CPU time */
    CHECK(b.ru_maxrss > 0);
    CHECK_ERRNO(getrusage(12345, &a), EINVAL);
}
