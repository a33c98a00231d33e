/*
 * Data through remote sockets: bulk transfers larger than one call carries (writes are
 * split, reads come back short), the vector and message calls, datagrams.
 */
#include "ptest.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <unistd.h>

size_t rumpclient_capacity(void) __attribute__((weak)); /* as in r1_where.c */

TEST(transfer_bulk_both_ways)
{
    int fds[2];
    CHECK(ptest_tcp_pair(fds) == 0);
    long bad = -1, total = 1L << 20;
    /* 100 KiB writes: several calls each on a 256K channel. */
    struct ptest_sender *s = ptest_send_pattern(fds[0], total, 100 * 1024);
    CHECK(ptest_receive_pattern(fds[1], 64 * 1024, &bad) == total && bad == 0);
    CHECK(ptest_sender_done(s));
    printf("  1 MiB through the server in 100 KiB writes (%zu bytes per call)\n",
           rumpclient_capacity());
    close(fds[0]);
    close(fds[1]);
}

#define BIG 100000

struct big {
    int fd;
    long sent;
};

static void send_big(void *arg)
{
    struct big *b = arg;
    char *buf = calloc(1, BIG);
    b->sent = buf ? send(b->fd, buf, BIG, 0) : -1;
    free(buf);
}

TEST(transfer_vectors_and_messages)
{
    int fds[2];
    CHECK(ptest_tcp_pair(fds) == 0);
    char a[] = "scatter ", b[] = "and gather";
    struct iovec out[2] = {{a, 8}, {b, 10}};
    CHECK(writev(fds[0], out, 2) == 18);
    char x[5], y[20] = {0};
    struct iovec in[2] = {{x, 5}, {y, sizeof(y)}};
    CHECK(readv(fds[1], in, 2) == 18 && !memcmp(x, "scatt", 5) && !strcmp(y, "er and gather"));
    struct msghdr msg = {.msg_iov = out, .msg_iovlen = 2};
    CHECK(sendmsg(fds[1], &msg, 0) == 18);
    memset(y, 0, sizeof(y));
    struct msghdr got = {.msg_iov = in, .msg_iovlen = 2};
    CHECK(recvmsg(fds[0], &got, 0) == 18 && !strcmp(y, "er and gather"));
    /* A send larger than one call carries: several calls (a reader drains meanwhile). */
    struct big big = {fds[0], 0};
    struct ptest_later *l = ptest_later(0, send_big, &big);
    char buf[4096];
    long n = 0, r;
    while (n < BIG && (r = recv(fds[1], buf, sizeof(buf), 0)) > 0) {
        n += r;
    }
    ptest_join(l);
    CHECK(n == BIG && big.sent == BIG);
    close(fds[0]);
    close(fds[1]);
}

TEST(transfer_datagrams)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    int u = socket(AF_INET, SOCK_DGRAM, 0), v = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(bind(u, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
          getsockname(u, (struct sockaddr *)&sin, &len) == 0);
    CHECK(sendto(v, "datagram", 8, 0, (struct sockaddr *)&sin, sizeof(sin)) == 8);
    char buf[16];
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    CHECK(recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl) == 8 &&
          !memcmp(buf, "datagram", 8) && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    char *huge = calloc(1, 60000);
    CHECK_ERRNO(sendto(v, huge, 60000, 0, (struct sockaddr *)&sin, sizeof(sin)), EMSGSIZE);
    free(huge);
    close(u);
    close(v);
}
