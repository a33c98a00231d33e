/*
 * Which kernel each call reaches: internet sockets are the netserver's (descriptors from
 * 128 up), files, pipes and local sockets the program's own; names resolve from the local
 * /etc; each descriptor call goes where its descriptor lives.
 */
#include "ptest.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#define REMOTE_BASE 128

/* The client library's own calls (platform/rumpclient/rsc_client.h), which the platform
 * object brings at bake time: weak, as Rumprun's driver links the program without it. */
int rsc_sys_open(const char *path, int flags, uint32_t mode) __attribute__((weak));
int rumpclient_pid(void) __attribute__((weak));
const char *rumpclient_banner(void) __attribute__((weak));

TEST(where_sockets_are_remote)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(s >= REMOTE_BASE);
    printf("  an internet socket is descriptor %d; the server's pid for us is %d (%s)\n", s,
           rumpclient_pid(), rumpclient_banner());
    CHECK(rumpclient_pid() > 0);
    int u = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(u >= REMOTE_BASE && u != s);
    int type = 0;
    socklen_t len = sizeof(type);
    CHECK(getsockopt(u, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM);
    struct stat st;
    CHECK(fstat(s, &st) == 0 && S_ISSOCK(st.st_mode));
    CHECK(close(u) == 0 && close(s) == 0);
    CHECK_ERRNO(close(s), EBADF); /* the server's answer for a closed descriptor */
}

TEST(where_local_sockets_and_pipes_stay)
{
    int sv[2], p[2];
    CHECK(socketpair(AF_LOCAL, SOCK_STREAM, 0, sv) == 0 && sv[0] < REMOTE_BASE &&
          sv[1] < REMOTE_BASE);
    CHECK(write(sv[0], "ab", 2) == 2);
    char buf[4];
    CHECK(read(sv[1], buf, sizeof(buf)) == 2 && !memcmp(buf, "ab", 2));
    CHECK(pipe(p) == 0 && p[0] < REMOTE_BASE && p[1] < REMOTE_BASE);
    close(sv[0]);
    close(sv[1]);
    close(p[0]);
    close(p[1]);
}

TEST(where_files_stay_local)
{
    const char *path = "/tmp/remote-sockets-test";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && fd < REMOTE_BASE);
    CHECK(write(fd, "stays here\n", 11) == 11);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 11);
    CHECK(close(fd) == 0);
    char buf[32];
    CHECK(ptest_read_file(path, buf, sizeof(buf)) == 11 && !strcmp(buf, "stays here\n"));
    /* The server has no such file: the file went to this unikernel's own tmpfs. */
    errno = 0;
    int there = rsc_sys_open(path, O_RDONLY, 0);
    CHECK(there < 0 && errno == ENOENT);
    CHECK(unlink(path) == 0);
}

TEST(where_names_resolve_locally)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = 0;
    CHECK(getaddrinfo("localhost", "7", &hints, &ai) == 0 && ai);
    if (ai) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;
        CHECK(sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(sin->sin_port) == 7);
        freeaddrinfo(ai);
    }
    ai = 0;
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    CHECK(getaddrinfo("10.0.2.15", "7001", &hints, &ai) == 0 && ai);
    if (ai) {
        struct sockaddr_in *sin = (struct sockaddr_in *)ai->ai_addr;
        CHECK(sin->sin_addr.s_addr == inet_addr("10.0.2.15") && ntohs(sin->sin_port) == 7001);
        freeaddrinfo(ai);
    }
}

/* A name server on the netserver's loopback (remote.system's `nameserver = 127.0.0.1`):
 * answers one query for an A record with 10.1.2.3. */
static void answer_one_query(void *fd)
{
    unsigned char msg[512];
    struct sockaddr_in from;
    socklen_t len = sizeof(from);
    ssize_t n = recvfrom(*(int *)fd, msg, sizeof(msg) - 16, 0, (struct sockaddr *)&from, &len);
    static const unsigned char answer[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3};
    if (n < 12) {
        return;
    }
    msg[2] = 0x81; /* a response, recursion desired */
    msg[3] = 0x80; /* recursion available, no error */
    msg[7] = 1;    /* one answer */
    memcpy(msg + n, answer, sizeof(answer));
    sendto(*(int *)fd, msg, (size_t)n + sizeof(answer), 0, (struct sockaddr *)&from, len);
}

TEST(where_dns_over_remote_udp)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons(53), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int ns = socket(AF_INET, SOCK_DGRAM, 0);
    CHECK(ns >= REMOTE_BASE && bind(ns, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    struct ptest_later *l = ptest_later(0, answer_one_query, &ns);
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *ai = 0;
    /* In no /etc file: the resolver asks 127.0.0.1:53 over a UDP socket, which is remote. */
    CHECK(getaddrinfo("www.remote.test", "80", &hints, &ai) == 0 && ai);
    if (ai) {
        struct sockaddr_in *got = (struct sockaddr_in *)ai->ai_addr;
        CHECK(got->sin_addr.s_addr == inet_addr("10.1.2.3"));
        freeaddrinfo(ai);
    }
    ptest_join(l);
    close(ns);
}

TEST(where_descriptor_calls_follow)
{
    int fds[2];
    CHECK(ptest_tcp_pair(fds) == 0 && fds[0] >= REMOTE_BASE && fds[1] >= REMOTE_BASE);
    int on = 1, n = -1;
    CHECK(ioctl(fds[1], FIONBIO, &on) == 0);
    CHECK(fcntl(fds[1], F_GETFL) & O_NONBLOCK);
    char buf[8];
    CHECK_ERRNO(read(fds[1], buf, sizeof(buf)), EAGAIN);
    CHECK(write(fds[0], "hello", 5) == 5);
    struct pollfd pfd = {fds[1], POLLIN, 0};
    CHECK(poll(&pfd, 1, 5000) == 1 && pfd.revents == POLLIN);
    CHECK(ioctl(fds[1], FIONREAD, &n) == 0 && n == 5);
    CHECK(fcntl(fds[1], F_SETFL, 0) == 0 && !(fcntl(fds[1], F_GETFL) & O_NONBLOCK));
    int d = dup(fds[1]);
    CHECK(d >= REMOTE_BASE && read(d, buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5));
    CHECK(dup2(fds[0], d) == d);
    CHECK(write(d, "x", 1) == 1 && read(fds[1], buf, 1) == 1 && buf[0] == 'x');
    CHECK_ERRNO(dup2(fds[0], 5), ENOTSUP);
    struct sockaddr_in me, peer;
    socklen_t ml = sizeof(me), pl = sizeof(peer);
    CHECK(getsockname(fds[0], (struct sockaddr *)&me, &ml) == 0 &&
          getpeername(fds[1], (struct sockaddr *)&peer, &pl) == 0 && me.sin_port == peer.sin_port &&
          me.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    CHECK(shutdown(fds[0], SHUT_WR) == 0);
    CHECK(read(fds[1], buf, sizeof(buf)) == 0);
    close(d);
    close(fds[0]);
    close(fds[1]);
}
