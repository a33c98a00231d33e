/*
 * Waiting on both kernels at once: poll and select over a local pipe and remote sockets
 * return for whichever side is ready first, time out when neither is, and a kqueue with
 * both kinds of descriptor reports both.
 */
#include "ptest.h"

#include <sys/event.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <poll.h>
#include <unistd.h>

static void write_x(void *fd)
{
    (void)!write(*(int *)fd, "x", 1);
}

struct both {
    int pipe[2], tcp[2];
};

static int both_open(struct both *b)
{
    return pipe(b->pipe) == 0 && ptest_tcp_pair(b->tcp) == 0 ? 0 : -1;
}

static void both_close(struct both *b)
{
    close(b->pipe[0]);
    close(b->pipe[1]);
    close(b->tcp[0]);
    close(b->tcp[1]);
}

/* A mixed poll over fds (one local descriptor, one remote) that a write into *writer
 * 100 ms later makes ready at fds[1], and only there. */
static void second_wakes(struct pollfd fds[2], int *writer)
{
    uint64_t start = ptest_settle();
    struct ptest_later *l = ptest_later(100, write_x, writer);
    CHECK(poll(fds, 2, 10000) == 1 && fds[1].revents == POLLIN && fds[0].revents == 0);
    CHECK_RANGE(ptest_ms_since(start), 100 - PTEST_EARLY_MS, 5000);
    ptest_join(l);
}

TEST(wait_mixed_poll_local_side_first)
{
    struct both b;
    CHECK(both_open(&b) == 0);
    struct pollfd fds[2] = {{b.tcp[1], POLLIN, 0}, {b.pipe[0], POLLIN, 0}};
    second_wakes(fds, &b.pipe[1]);
    both_close(&b);
}

TEST(wait_mixed_poll_remote_side_first)
{
    struct both b;
    CHECK(both_open(&b) == 0);
    struct pollfd fds[2] = {{b.pipe[0], POLLIN, 0}, {b.tcp[1], POLLIN, 0}};
    second_wakes(fds, &b.tcp[0]);
    CHECK(fds[0].fd == b.pipe[0] && fds[1].fd == b.tcp[1]); /* the caller's numbers, kept */
    /* Both ready at once, and one already ready: no wait at all. */
    CHECK(write(b.pipe[1], "y", 1) == 1);
    fds[0].revents = fds[1].revents = 0;
    CHECK(poll(fds, 2, -1) == 2 && fds[0].revents == POLLIN && fds[1].revents == POLLIN);
    both_close(&b);
}

TEST(wait_mixed_poll_timeout)
{
    struct both b;
    CHECK(both_open(&b) == 0);
    struct pollfd fds[3] = {{b.pipe[0], POLLIN, 0}, {-1, POLLIN, 0}, {b.tcp[1], POLLIN, 0}};
    uint64_t start = ptest_settle();
    CHECK(poll(fds, 3, 150) == 0);
    CHECK_RANGE(ptest_ms_since(start), 150 - PTEST_EARLY_MS, 3000);
    CHECK(fds[0].revents == 0 && fds[1].revents == 0 && fds[2].revents == 0);
    /* Writable on the remote side, nothing on the local one: at once. */
    fds[2].events = POLLOUT;
    CHECK(poll(fds, 3, 10000) == 1 && fds[2].revents == POLLOUT);
    both_close(&b);
}

TEST(wait_select_mixed)
{
    struct both b;
    CHECK(both_open(&b) == 0);
    fd_set r;
    FD_ZERO(&r);
    FD_SET(b.pipe[0], &r);
    FD_SET(b.tcp[1], &r);
    struct timeval tv = {0, 100000};
    int n = (b.tcp[1] > b.pipe[0] ? b.tcp[1] : b.pipe[0]) + 1;
    CHECK(select(n, &r, 0, 0, &tv) == 0);
    FD_SET(b.pipe[0], &r);
    FD_SET(b.tcp[1], &r);
    struct ptest_later *l = ptest_later(50, write_x, &b.tcp[0]);
    CHECK(select(n, &r, 0, 0, 0) == 1 && FD_ISSET(b.tcp[1], &r) && !FD_ISSET(b.pipe[0], &r));
    ptest_join(l);
    both_close(&b);
}

TEST(wait_kqueue_both_kinds)
{
    struct both b;
    CHECK(both_open(&b) == 0);
    int kq = kqueue();
    CHECK(kq >= 0);
    struct kevent ch[2], ev[4];
    EV_SET(&ch[0], b.pipe[0], EVFILT_READ, EV_ADD, 0, 0, 0);
    EV_SET(&ch[1], b.tcp[1], EVFILT_READ, EV_ADD, 0, 0, 7);
    CHECK(kevent(kq, ch, 2, 0, 0, 0) == 0);
    struct timespec ts = {0, 100 * 1000000L};
    CHECK(kevent(kq, 0, 0, ev, 4, &ts) == 0);
    struct ptest_later *l = ptest_later(50, write_x, &b.tcp[0]);
    CHECK(kevent(kq, 0, 0, ev, 4, 0) == 1 && (int)ev[0].ident == b.tcp[1] &&
          ev[0].filter == EVFILT_READ && ev[0].data == 1 && ev[0].udata == 7);
    ptest_join(l);
    char c;
    CHECK(read(b.tcp[1], &c, 1) == 1);
    l = ptest_later(50, write_x, &b.pipe[1]);
    CHECK(kevent(kq, 0, 0, ev, 4, 0) == 1 && (int)ev[0].ident == b.pipe[0]);
    ptest_join(l);
    CHECK(write(b.tcp[0], "z", 1) == 1); /* the pipe still holds its byte */
    struct pollfd arrived = {b.tcp[1], POLLIN, 0};
    CHECK(poll(&arrived, 1, 5000) == 1);
    int seen = 0, n = kevent(kq, 0, 0, ev, 4, &ts); /* both at once */
    for (int i = 0; i < n; i++) {
        seen |= ((int)ev[i].ident == b.pipe[0]) | ((int)ev[i].ident == b.tcp[1]) << 1;
    }
    CHECK(n == 2);
    CHECK(seen == 3);
    EV_SET(&ch[0], b.tcp[1], EVFILT_READ, EV_DELETE, 0, 0, 0);
    CHECK(kevent(kq, ch, 1, 0, 0, 0) == 0);
    CHECK(close(kq) == 0);
    both_close(&b);
}
