/* poll, select and kqueue on pipes, sockets and files: timeouts, readiness, end of file. */
#include "ptest.h"

#include <sys/event.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

static void write_x(void *fd)
{
    (void)!write(*(int *)fd, "x", 1);
}

static void close_fd(void *fd)
{
    close(*(int *)fd);
}

TEST(poll_timeout)
{
    int p[2];
    struct pollfd pfd;
    CHECK(pipe(p) == 0);
    pfd = (struct pollfd){.fd = p[0], .events = POLLIN};
    uint64_t start = ptest_settle();
    CHECK(poll(&pfd, 1, 50) == 0);
    long ms = ptest_ms_since(start);
    CHECK_RANGE(ms, 50 - PTEST_EARLY_MS, 1000);
    CHECK(poll(&pfd, 1, 0) == 0); /* a zero timeout only looks */
    close(p[0]);
    close(p[1]);
}

TEST(poll_pipe_readiness)
{
    int p[2];
    CHECK(pipe(p) == 0);
    struct pollfd pfd[2] = {{.fd = p[0], .events = POLLIN}, {.fd = p[1], .events = POLLOUT}};
    CHECK(poll(pfd, 2, 0) == 1 && pfd[0].revents == 0 && pfd[1].revents == POLLOUT);
    CHECK(write(p[1], "ab", 2) == 2);
    CHECK(poll(pfd, 2, 0) == 2 && pfd[0].revents == POLLIN);
    char buf[4];
    CHECK(read(p[0], buf, sizeof(buf)) == 2 && poll(pfd, 1, 0) == 0);
    CHECK(close(p[1]) == 0);
    CHECK(poll(pfd, 1, 0) == 1 && (pfd[0].revents & POLLHUP)); /* the writer is gone */
    close(p[0]);
}

TEST(poll_wakes_on_write_by_another_thread)
{
    int p[2];
    CHECK(pipe(p) == 0);
    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    uint64_t start = ptest_settle();
    struct ptest_later *l = ptest_later(30, write_x, &p[1]);
    CHECK(l && poll(&pfd, 1, 5000) == 1 && pfd.revents == POLLIN);
    long ms = ptest_ms_since(start);
    CHECK_RANGE(ms, 30, 2000); /* nanosleep, which ends by the precise clock */
    ptest_join(l);
    close(p[0]);
    close(p[1]);
}

TEST(poll_bad_descriptor)
{
    struct pollfd pfd = {.fd = 99, .events = POLLIN};
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLNVAL);
}

/* A regular file is always ready, empty or not. */
TEST(poll_regular_file)
{
    int fd = open("/tmp/polled", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLOUT};
    CHECK(fd >= 0 && poll(&pfd, 1, 0) == 1 && pfd.revents == (POLLIN | POLLOUT));
    fd_set rd, wr;
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(fd, &rd);
    FD_SET(fd, &wr);
    struct timeval tv = {0, 0};
    CHECK(select(fd + 1, &rd, &wr, 0, &tv) == 2 && FD_ISSET(fd, &rd) && FD_ISSET(fd, &wr));
    close(fd);
    unlink("/tmp/polled");
}

TEST(poll_sockets)
{
    int port, l = ptest_tcp_listener(&port), s[2];
    struct pollfd pfd = {.fd = l, .events = POLLIN};
    CHECK(l >= 0 && poll(&pfd, 1, 0) == 0);
    CHECK(ptest_tcp_pair(s) == 0);
    pfd = (struct pollfd){.fd = s[1], .events = POLLIN | POLLOUT};
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLOUT);
    CHECK(write(s[0], "ping", 4) == 4);
    pfd.events = POLLIN; /* lo0 delivers a moment later: wait for it */
    CHECK(poll(&pfd, 1, 1000) == 1 && pfd.revents == POLLIN);
    pfd.events = POLLIN | POLLOUT;
    CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents == (POLLIN | POLLOUT));
    char buf[8];
    CHECK(read(s[1], buf, sizeof(buf)) == 4);
    struct ptest_later *later = ptest_later(20, close_fd, &s[0]);
    pfd.events = POLLIN;
    CHECK(later && poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN));
    CHECK(read(s[1], buf, sizeof(buf)) == 0); /* the peer closed: end of file */
    ptest_join(later);
    close(s[1]);
    close(l);
}

TEST(poll_listener_ready_on_connection)
{
    int port, l = ptest_tcp_listener(&port);
    struct pollfd pfd = {.fd = l, .events = POLLIN};
    CHECK(l >= 0 && poll(&pfd, 1, 0) == 0);
    struct sockaddr_in sin = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c >= 0 && connect(c, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    CHECK(poll(&pfd, 1, 1000) == 1 && pfd.revents == POLLIN); /* a connection to accept */
    int a = accept(l, 0, 0);
    CHECK(a >= 0 && poll(&pfd, 1, 0) == 0);
    close(a);
    close(c);
    close(l);
}

TEST(select_timeout_and_readiness)
{
    int p[2];
    fd_set rd, wr;
    CHECK(pipe(p) == 0);
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    struct timeval tv = {0, 50000};
    uint64_t start = ptest_settle();
    CHECK(select(p[0] + 1, &rd, 0, 0, &tv) == 0 && !FD_ISSET(p[0], &rd));
    long ms = ptest_ms_since(start);
    CHECK_RANGE(ms, 50 - PTEST_EARLY_MS, 1000);
    CHECK(write(p[1], "y", 1) == 1);
    FD_ZERO(&rd);
    FD_ZERO(&wr);
    FD_SET(p[0], &rd);
    FD_SET(p[1], &wr);
    tv = (struct timeval){1, 0};
    int max = p[0] > p[1] ? p[0] : p[1];
    CHECK(select(max + 1, &rd, &wr, 0, &tv) == 2 && FD_ISSET(p[0], &rd) && FD_ISSET(p[1], &wr));
    int closed = dup(p[0]); /* a descriptor in the table, then not open */
    CHECK(closed >= 0 && close(closed) == 0);
    FD_ZERO(&rd);
    FD_SET(closed, &rd);
    tv = (struct timeval){0, 0};
    CHECK_ERRNO(select(closed + 1, &rd, 0, 0, &tv), EBADF);
    close(p[0]);
    close(p[1]);
}

TEST(select_socket_wakes)
{
    int s[2];
    CHECK(ptest_tcp_pair(s) == 0);
    struct ptest_later *l = ptest_later(20, write_x, &s[0]);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(s[1], &rd);
    struct timeval tv = {5, 0};
    CHECK(l && select(s[1] + 1, &rd, 0, 0, &tv) == 1 && FD_ISSET(s[1], &rd));
    ptest_join(l);
    close(s[0]);
    close(s[1]);
}

TEST(kqueue_pipe)
{
    int p[2], kq = kqueue();
    struct kevent ev, got;
    CHECK(kq >= 0 && pipe(p) == 0);
    EV_SET(&ev, p[0], EVFILT_READ, EV_ADD, 0, 0, 0);
    CHECK(kevent(kq, &ev, 1, 0, 0, 0) == 0);
    struct timespec ts = {0, 50000000};
    uint64_t start = ptest_settle();
    CHECK(kevent(kq, 0, 0, &got, 1, &ts) == 0);
    long ms = ptest_ms_since(start);
    CHECK_RANGE(ms, 50 - PTEST_EARLY_MS, 1000);
    CHECK(write(p[1], "abc", 3) == 3);
    CHECK(kevent(kq, 0, 0, &got, 1, &ts) == 1 && got.ident == (uintptr_t)p[0] && got.data == 3);
    CHECK(close(p[1]) == 0);
    CHECK(kevent(kq, 0, 0, &got, 1, &ts) == 1 && (got.flags & EV_EOF));
    close(p[0]);
    close(kq);
}

TEST(kqueue_socket_and_file)
{
    int kq = kqueue(), s[2];
    int fd = open("/tmp/kq", O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct kevent ev[2], got[2];
    CHECK(kq >= 0 && fd >= 0 && write(fd, "12345", 5) == 5 && lseek(fd, 1, SEEK_SET) == 1);
    CHECK(ptest_tcp_pair(s) == 0);
    EV_SET(&ev[0], s[1], EVFILT_READ, EV_ADD, 0, 0, 0);
    EV_SET(&ev[1], fd, EVFILT_READ, EV_ADD, 0, 0, 0);
    struct timespec ts = {1, 0};
    CHECK(kevent(kq, ev, 2, got, 2, &ts) == 1 && got[0].ident == (uintptr_t)fd);
    CHECK(got[0].data == 4); /* a file: bytes from the offset to the end */
    struct ptest_later *l = ptest_later(20, write_x, &s[0]);
    EV_SET(&ev[0], fd, EVFILT_READ, EV_DELETE, 0, 0, 0);
    CHECK(l && kevent(kq, ev, 1, got, 2, &ts) == 1 && got[0].ident == (uintptr_t)s[1]);
    CHECK(got[0].data == 1);
    ptest_join(l);
    close(s[0]);
    close(s[1]);
    close(fd);
    close(kq);
    unlink("/tmp/kq");
}

TEST(kqueue_timer)
{
    int kq = kqueue();
    struct kevent ev, got;
    EV_SET(&ev, 1, EVFILT_TIMER, EV_ADD | EV_ONESHOT, 0, 50, 0); /* 50 ms */
    uint64_t start = ptest_settle();
    CHECK(kq >= 0 && kevent(kq, &ev, 1, &got, 1, 0) == 1 && got.filter == EVFILT_TIMER);
    long ms = ptest_ms_since(start);
    CHECK_RANGE(ms, 50 - PTEST_EARLY_MS, 1000);
    close(kq);
}
