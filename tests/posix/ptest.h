/*
 * The POSIX test suite's framework (tests/posix/README.md): a test is a function declared
 * with TEST(name) in any t_*.c file; the runner (main.c) runs them in link order (files in
 * name order, tests in the order written). Checks do not end a test: each CHECK counts as
 * one assertion passed or failed, and a failure prints file, line, the expression and errno.
 * The closing line counts assertions.
 */
#pragma once

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct ptest {
    const char *name;
    void (*fn)(void);
};

#define TEST(name)                                                                       \
    static void ptest_fn_##name(void);                                                   \
    static const struct ptest ptest_desc_##name                                          \
        __attribute__((used, section("ptests"), aligned(8))) = {#name, ptest_fn_##name}; \
    static void ptest_fn_##name(void)

void ptest_result(int ok, const char *file, int line, const char *what, int saved_errno);

/* One assertion; errno as it was when the condition was evaluated goes into the message. */
#define CHECK(cond)                                          \
    do {                                                     \
        int ok_ = (cond) != 0;                               \
        ptest_result(ok_, __FILE__, __LINE__, #cond, errno); \
    } while (0)

/* A call that must fail with the given errno. */
#define CHECK_ERRNO(call, expected)                                    \
    do {                                                               \
        errno = 0;                                                     \
        long r_ = (long)(call);                                        \
        int e_ = errno;                                                \
        ptest_result(r_ == -1 && e_ == (expected), __FILE__, __LINE__, \
                     #call " fails with " #expected, e_);              \
    } while (0)

/* lo <= value < hi; a failure says what the value was (timings, counts). */
#define CHECK_RANGE(value, lo, hi) \
    ptest_range((long)(value), (long)(lo), (long)(hi), __FILE__, __LINE__, #value)
void ptest_range(long value, long lo, long hi, const char *file, int line, const char *what);

/* Skips the rest of a test, saying why (counts as neither passed nor failed). */
void ptest_skip(const char *why);

/* main's arguments, as the system description gave them. */
extern int ptest_argc;
extern char **ptest_argv;

/* --- Helpers several areas share (support.c) ----------------------------------------------- */

/*
 * Timeouts the rump kernel counts in its clock ticks (hz = 100: poll, select, kevent,
 * interval and POSIX timers, alarm) run from its tick count, which lags while the
 * unikernel's threads run without blocking and then catches up (platform/posix/README.md,
 * Limits). ptest_settle waits 20 ms on the platform's own clock, so that the tick count is
 * current, and returns ptest_now_ns(): a test of such a timeout arms it after that and may
 * still see it end up to two ticks early (NetBSD counts whole ticks from the one in
 * progress, and the clock thread's next tick may be due): PTEST_EARLY_MS.
 */
#define PTEST_EARLY_MS 20
uint64_t ptest_settle(void);

/* CLOCK_MONOTONIC in nanoseconds, and milliseconds since an earlier reading of it. */
uint64_t ptest_now_ns(void);
long ptest_ms_since(uint64_t start_ns);

/* A TCP listener on 127.0.0.1 at a port the kernel picks; *port gets it (host order). */
int ptest_tcp_listener(int *port);
/* A connected pair of TCP sockets over lo0: fds[0] the client's end, fds[1] the server's. */
int ptest_tcp_pair(int fds[2]);

/* Runs fn(arg) in a new thread after delay_ms (0: at once); join with ptest_join. */
struct ptest_later;
struct ptest_later *ptest_later(int delay_ms, void (*fn)(void *), void *arg);
void ptest_join(struct ptest_later *later);

/* Bulk transfers: a stream of `total` bytes of a known pattern written to fd by a new
 * thread, in writes of `chunk` bytes, after which it ends the stream (shutdown(SHUT_WR)
 * for a socket, close for anything else, e.g. a pipe's write end). ptest_sender_done joins
 * it: 1 if every write took all it was given. */
struct ptest_sender;
struct ptest_sender *ptest_send_pattern(int fd, long total, size_t chunk);
int ptest_sender_done(struct ptest_sender *sender);
/* Reads fd to its end, `chunk` bytes at a time: the count read; *bad, how many of them are
 * not the pattern's byte at their position. */
long ptest_receive_pattern(int fd, size_t chunk, long *bad);

/* A file's whole contents into buf (at most size - 1 bytes, NUL-terminated); its length. */
long ptest_read_file(const char *path, char *buf, size_t size);
