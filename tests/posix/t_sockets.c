/*
 * Sockets inside the unikernel: TCP and UDP over lo0 (IPv4 and IPv6), local sockets
 * (stream, datagram, socketpair, descriptor passing), options, and the errors they give.
 */
#include "ptest.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static struct sockaddr_in loopback(int port)
{
    return (struct sockaddr_in){.sin_family = AF_INET,
                                .sin_len = sizeof(struct sockaddr_in),
                                .sin_port = htons((uint16_t)port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
}

#define SA(p) ((struct sockaddr *)(p))

TEST(sockets_tcp_loopback)
{
    int port, l = ptest_tcp_listener(&port);
    CHECK(l >= 0 && port > 0);
    struct sockaddr_in to = loopback(port), name, peer, accepted;
    socklen_t len = sizeof(accepted);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c >= 0 && connect(c, SA(&to), sizeof(to)) == 0);
    int a = accept(l, SA(&accepted), &len);
    CHECK(a >= 0 && len == sizeof(accepted) && accepted.sin_family == AF_INET);
    len = sizeof(name);
    CHECK(getsockname(c, SA(&name), &len) == 0 && name.sin_port == accepted.sin_port);
    CHECK(name.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    len = sizeof(peer);
    CHECK(getpeername(c, SA(&peer), &len) == 0 && ntohs(peer.sin_port) == port);
    len = sizeof(peer);
    CHECK(getpeername(a, SA(&peer), &len) == 0 && peer.sin_port == name.sin_port);
    char buf[32] = "";
    CHECK(write(c, "question", 8) == 8 && read(a, buf, sizeof(buf)) == 8);
    CHECK(send(a, "answer", 6, 0) == 6 && recv(c, buf, sizeof(buf), 0) == 6);
    CHECK(!memcmp(buf, "answer", 6));
    close(a);
    close(c);
    close(l);
}

TEST(sockets_tcp_refused)
{
    int port, l = ptest_tcp_listener(&port);
    close(l); /* nothing listens there now */
    struct sockaddr_in to = loopback(port);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERRNO(connect(c, SA(&to), sizeof(to)), ECONNREFUSED);
    close(c);
}

TEST(sockets_tcp_nonblocking_connect)
{
    int port, l = ptest_tcp_listener(&port);
    struct sockaddr_in to = loopback(port);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c >= 0 && fcntl(c, F_SETFL, O_NONBLOCK) == 0);
    errno = 0;
    int r = connect(c, SA(&to), sizeof(to));
    CHECK(r == 0 || errno == EINPROGRESS);
    struct pollfd pfd = {.fd = c, .events = POLLOUT};
    CHECK(poll(&pfd, 1, 2000) == 1 && (pfd.revents & POLLOUT));
    int error = -1;
    socklen_t len = sizeof(error);
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0);
    CHECK_ERRNO(connect(c, SA(&to), sizeof(to)), EISCONN);
    char buf[4];
    CHECK_ERRNO(read(c, buf, sizeof(buf)), EAGAIN); /* nothing sent yet, and not blocking */
    int a = accept(l, 0, 0);
    CHECK(a >= 0);
    close(a);
    close(c);
    close(l);
}

TEST(sockets_tcp_nonblocking_connect_refused)
{
    int port, l = ptest_tcp_listener(&port);
    close(l);
    struct sockaddr_in to = loopback(port);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(c >= 0 && fcntl(c, F_SETFL, O_NONBLOCK) == 0);
    errno = 0;
    int r = connect(c, SA(&to), sizeof(to));
    int error = r == -1 ? errno : 0;
    if (error == EINPROGRESS) {
        struct pollfd pfd = {.fd = c, .events = POLLOUT};
        socklen_t len = sizeof(error);
        poll(&pfd, 1, 2000);
        getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &len);
    }
    CHECK(error == ECONNREFUSED);
    close(c);
}

/*
 * Binding a port that is bound already: refused, unless SO_REUSEADDR is set and the two
 * addresses differ (a wildcard and a specific one); an exact duplicate needs SO_REUSEPORT
 * on both. (NetBSD's check looks at bound sockets only: connections accepted on a port do
 * not hold it, with or without SO_REUSEADDR.)
 */
TEST(sockets_tcp_reuseaddr)
{
    int one = 1, any = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in at = loopback(0);
    socklen_t len = sizeof(at);
    at.sin_addr.s_addr = htonl(INADDR_ANY);
    CHECK(bind(any, SA(&at), sizeof(at)) == 0 && listen(any, 2) == 0);
    CHECK(getsockname(any, SA(&at), &len) == 0);
    struct sockaddr_in specific = loopback(ntohs(at.sin_port));
    int s = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(s, SA(&specific), sizeof(specific)), EADDRINUSE);
    CHECK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    CHECK(bind(s, SA(&specific), sizeof(specific)) == 0 && listen(s, 2) == 0);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(c, SA(&specific), sizeof(specific)) == 0);
    int a = accept(s, 0, 0); /* the more specific listener gets the connection */
    CHECK(a >= 0);
    int dup = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(setsockopt(dup, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    CHECK_ERRNO(bind(dup, SA(&at), sizeof(at)), EADDRINUSE);
    close(dup);
    close(a);
    close(c);
    close(s);
    close(any);
}

TEST(sockets_reuseport)
{
    int one = 1, a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in at = loopback(0);
    socklen_t len = sizeof(at);
    CHECK(setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) == 0);
    CHECK(bind(a, SA(&at), sizeof(at)) == 0 && getsockname(a, SA(&at), &len) == 0);
    CHECK_ERRNO(bind(b, SA(&at), sizeof(at)), EADDRINUSE);
    CHECK(setsockopt(b, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) == 0);
    CHECK(bind(b, SA(&at), sizeof(at)) == 0);
    close(a);
    close(b);
}

TEST(sockets_tcp_shutdown)
{
    int s[2];
    char buf[16];
    CHECK(ptest_tcp_pair(s) == 0);
    CHECK(shutdown(s[0], SHUT_WR) == 0);
    CHECK(read(s[1], buf, sizeof(buf)) == 0); /* the peer sees end of file */
    CHECK(write(s[1], "still", 5) == 5 && read(s[0], buf, sizeof(buf)) == 5); /* half open */
    CHECK_ERRNO(send(s[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    CHECK_ERRNO(shutdown(s[0], 7), EINVAL);
    close(s[0]);
    close(s[1]);
}

/* A peer that closed: the first write goes out and draws a reset; once it is back, a
 * write fails with EPIPE (NetBSD checks the closed send side before the pending error) and
 * SIGPIPE comes with it. */
static volatile sig_atomic_t got_sigpipe;

static void on_sigpipe(int sig)
{
    (void)sig;
    got_sigpipe = 1;
}

TEST(sockets_tcp_write_to_closed_peer)
{
    int s[2];
    struct sigaction sa = {.sa_handler = on_sigpipe}, old;
    CHECK(sigaction(SIGPIPE, &sa, &old) == 0 && ptest_tcp_pair(s) == 0);
    CHECK(close(s[1]) == 0);
    got_sigpipe = 0;
    int r = 0;
    for (int i = 0; i < 5 && r >= 0; i++) {
        r = (int)write(s[0], "data", 4);
        usleep(10000); /* the reset comes back; usleep leaves errno alone */
    }
    CHECK(r == -1 && errno == EPIPE);
    CHECK(got_sigpipe);
    close(s[0]);
    sigaction(SIGPIPE, &old, 0);
}

/* One MiB through lo0 between two threads, every byte checked. */
TEST(sockets_tcp_bulk_transfer)
{
    int s[2];
    long bad = -1;
    CHECK(ptest_tcp_pair(s) == 0);
    struct ptest_sender *sender = ptest_send_pattern(s[0], 1024 * 1024, 8192);
    CHECK(sender && ptest_receive_pattern(s[1], 3000, &bad) == 1024 * 1024 && bad == 0);
    CHECK(ptest_sender_done(sender));
    close(s[0]);
    close(s[1]);
}

TEST(sockets_tcp_options)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), v = 1, got = 0;
    socklen_t len = sizeof(got);
    CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v)) == 0);
    CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &got, &len) == 0 && got != 0);
    CHECK(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof(v)) == 0);
    len = sizeof(got);
    CHECK(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &got, &len) == 0 && got != 0);
    v = 65536;
    len = sizeof(got);
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == 0);
    CHECK(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &got, &len) == 0 && got >= 65536);
    len = sizeof(got);
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &got, &len) == 0 && got == SOCK_STREAM);
    CHECK_ERRNO(setsockopt(s, SOL_SOCKET, 0x7777, &v, sizeof(v)), ENOPROTOOPT);
    close(s);
}

TEST(sockets_tcp_errors)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    char buf[4];
    CHECK_ERRNO(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    CHECK_ERRNO(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERRNO(accept(s, 0, 0), EINVAL); /* not listening */
    CHECK_ERRNO(recv(s, buf, sizeof(buf), 0), ENOTCONN);
    struct sockaddr_in far = loopback(80);
    far.sin_addr.s_addr = inet_addr("192.0.2.1"); /* not an address of this host */
    CHECK_ERRNO(bind(s, SA(&far), sizeof(far)), EADDRNOTAVAIL);
    int fd = open("/tmp/notsock", O_RDWR | O_CREAT, 0644);
    CHECK_ERRNO(send(fd, "x", 1, 0), ENOTSOCK);
    close(fd);
    unlink("/tmp/notsock");
    close(s);
}

TEST(sockets_udp_loopback)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in at = loopback(0), a_name, from;
    socklen_t len = sizeof(a_name);
    CHECK(bind(a, SA(&at), sizeof(at)) == 0 && getsockname(a, SA(&a_name), &len) == 0);
    CHECK(sendto(b, "one", 3, 0, SA(&a_name), sizeof(a_name)) == 3);
    CHECK(sendto(b, "second", 6, 0, SA(&a_name), sizeof(a_name)) == 6);
    char buf[16];
    len = sizeof(from);
    CHECK(recvfrom(a, buf, sizeof(buf), 0, SA(&from), &len) == 3); /* datagram boundaries */
    CHECK(from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && from.sin_port != 0);
    CHECK(recv(a, buf, 2, 0) == 2); /* the rest of a datagram is dropped ... */
    CHECK_ERRNO(recv(a, buf, sizeof(buf), MSG_DONTWAIT), EAGAIN); /* ... nothing is left */
    CHECK(connect(a, SA(&from), len) == 0 && send(a, "back", 4, 0) == 4);
    CHECK(recv(b, buf, sizeof(buf), 0) == 4 && !memcmp(buf, "back", 4));
    close(a);
    close(b);
}

TEST(sockets_udp_truncation_flag)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in at = loopback(0), name;
    socklen_t len = sizeof(name);
    CHECK(bind(a, SA(&at), sizeof(at)) == 0 && getsockname(a, SA(&name), &len) == 0);
    CHECK(sendto(b, "0123456789", 10, 0, SA(&name), sizeof(name)) == 10);
    char buf[4];
    struct iovec iov = {buf, sizeof(buf)};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    CHECK(recvmsg(a, &msg, 0) == 4 && (msg.msg_flags & MSG_TRUNC));
    close(a);
    close(b);
}

TEST(sockets_tcp_ipv6_loopback)
{
    int l = socket(AF_INET6, SOCK_STREAM, 0), c = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 at = {
        .sin6_family = AF_INET6, .sin6_len = sizeof(at), .sin6_addr = in6addr_loopback};
    socklen_t len = sizeof(at);
    CHECK(l >= 0 && bind(l, SA(&at), sizeof(at)) == 0 && listen(l, 1) == 0);
    CHECK(getsockname(l, SA(&at), &len) == 0 && at.sin6_port != 0);
    CHECK(connect(c, SA(&at), sizeof(at)) == 0);
    int a = accept(l, 0, 0);
    char buf[8];
    CHECK(a >= 0 && write(c, "six", 3) == 3 && read(a, buf, sizeof(buf)) == 3);
    close(a);
    close(c);
    close(l);
}

TEST(sockets_unix_stream)
{
    struct sockaddr_un at = {.sun_family = AF_UNIX}, peer = {0};
    strlcpy(at.sun_path, "/tmp/ptest.sock", sizeof(at.sun_path));
    at.sun_len = (unsigned char)SUN_LEN(&at);
    int l = socket(AF_UNIX, SOCK_STREAM, 0), c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(l >= 0 && bind(l, SA(&at), at.sun_len) == 0 && listen(l, 1) == 0);
    struct stat st;
    CHECK(stat("/tmp/ptest.sock", &st) == 0 && S_ISSOCK(st.st_mode));
    CHECK(connect(c, SA(&at), at.sun_len) == 0);
    int a = accept(l, 0, 0);
    socklen_t len = sizeof(peer);
    CHECK(a >= 0 && getpeername(c, SA(&peer), &len) == 0);
    CHECK(!strcmp(peer.sun_path, "/tmp/ptest.sock"));
    char buf[16];
    CHECK(write(a, "local", 5) == 5 && read(c, buf, sizeof(buf)) == 5 && !memcmp(buf, "local", 5));
    close(a);
    close(c);
    close(l);
    int again = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERRNO(bind(again, SA(&at), at.sun_len), EADDRINUSE); /* the name stays ... */
    CHECK(unlink("/tmp/ptest.sock") == 0);                     /* ... until unlinked */
    CHECK_ERRNO(connect(again, SA(&at), at.sun_len), ENOENT);
    close(again);
}

TEST(sockets_unix_datagram)
{
    struct sockaddr_un at = {.sun_family = AF_UNIX};
    strlcpy(at.sun_path, "/tmp/ptest.dgram", sizeof(at.sun_path));
    at.sun_len = (unsigned char)SUN_LEN(&at);
    int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK(r >= 0 && bind(r, SA(&at), at.sun_len) == 0);
    CHECK(sendto(s, "first", 5, 0, SA(&at), at.sun_len) == 5);
    CHECK(sendto(s, "2nd", 3, 0, SA(&at), at.sun_len) == 3);
    char buf[16];
    CHECK(recv(r, buf, sizeof(buf), 0) == 5 && recv(r, buf, sizeof(buf), 0) == 3);
    close(r);
    close(s);
    unlink("/tmp/ptest.dgram");
}

TEST(sockets_socketpair)
{
    int sv[2], dv[2];
    char buf[16];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(write(sv[0], "there", 5) == 5 && read(sv[1], buf, sizeof(buf)) == 5);
    CHECK(write(sv[1], "back", 4) == 4 && read(sv[0], buf, sizeof(buf)) == 4);
    CHECK(close(sv[1]) == 0 && read(sv[0], buf, sizeof(buf)) == 0);
    close(sv[0]);
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv) == 0);
    CHECK(send(dv[0], "a", 1, 0) == 1 && send(dv[0], "bc", 2, 0) == 2);
    CHECK(recv(dv[1], buf, sizeof(buf), 0) == 1 && recv(dv[1], buf, sizeof(buf), 0) == 2);
    close(dv[0]);
    close(dv[1]);
    CHECK_ERRNO(socketpair(AF_INET, SOCK_STREAM, 0, sv), EOPNOTSUPP);
}

/* SCM_RIGHTS: a descriptor sent over a local socket refers to the same open file. */
TEST(sockets_unix_pass_descriptor)
{
    int sv[2], fd = open("/tmp/passed", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, "passed on", 9) == 9 &&
          socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    union {
        struct cmsghdr h;
        char space[CMSG_SPACE(sizeof(int))];
    } control;
    char byte = '!';
    struct iovec iov = {&byte, 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = &control,
                         .msg_controllen = CMSG_SPACE(sizeof(int))};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    CHECK(sendmsg(sv[0], &msg, 0) == 1);
    memset(&control, 0, sizeof(control));
    msg.msg_controllen = sizeof(control);
    CHECK(recvmsg(sv[1], &msg, 0) == 1 && byte == '!');
    c = CMSG_FIRSTHDR(&msg);
    int got = -1;
    CHECK(c && c->cmsg_type == SCM_RIGHTS);
    if (c) {
        memcpy(&got, CMSG_DATA(c), sizeof(int));
    }
    char buf[16] = "";
    CHECK(got >= 0 && got != fd && lseek(got, 0, SEEK_CUR) == 9); /* the same offset */
    CHECK(pread(got, buf, sizeof(buf), 0) == 9 && !strcmp(buf, "passed on"));
    close(got);
    close(fd);
    close(sv[0]);
    close(sv[1]);
    unlink("/tmp/passed");
}
