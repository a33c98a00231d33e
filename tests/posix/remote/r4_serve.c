/*
 * The host's echo rounds (tests/netbsd/run-system -p): a TCP server on port 7001 of the
 * netserver's NIC, which the host reaches through QEMU's forwarded port, waiting with a
 * mixed poll (its sockets and a local pipe nobody writes) for the first half of the
 * connections and with a kqueue (the same) for the rest. argv[1]: how many connections.
 */
#include "ptest.h"

#include <sys/event.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <netinet/in.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

/* Waits until fd is readable, also watching a local pipe that never is. */
static int wait_readable(int fd, int idle, int kq)
{
    if (kq < 0) {
        struct pollfd fds[2] = {{idle, POLLIN, 0}, {fd, POLLIN, 0}};
        return poll(fds, 2, 30000) == 1 && fds[1].revents == POLLIN ? 0 : -1;
    }
    struct kevent ch[2], ev;
    EV_SET(&ch[0], idle, EVFILT_READ, EV_ADD, 0, 0, 0);
    EV_SET(&ch[1], fd, EVFILT_READ, EV_ADD | EV_ONESHOT, 0, 0, 0);
    struct timespec ts = {30, 0};
    return kevent(kq, ch, 2, &ev, 1, &ts) == 1 && (int)ev.ident == fd ? 0 : -1;
}

static int serve_one(int listener, int idle, int kq)
{
    if (wait_readable(listener, idle, kq) != 0) {
        return -1;
    }
    int c = accept(listener, 0, 0);
    char line[256];
    size_t n = 0;
    ssize_t r = 0;
    while (c >= 0 && n < sizeof(line) && (n == 0 || line[n - 1] != '\n')) {
        if (wait_readable(c, idle, kq) != 0 || (r = read(c, line + n, sizeof(line) - n)) <= 0) {
            break;
        }
        n += (size_t)r;
    }
    int ok = c >= 0 && n > 0 && line[n - 1] == '\n' && write(c, line, n) == (ssize_t)n;
    if (c >= 0) {
        close(c);
    }
    return ok ? 0 : -1;
}

TEST(serve_the_host)
{
    int rounds = ptest_argc > 1 ? atoi(ptest_argv[1]) : 0;
    if (rounds <= 0) {
        ptest_skip("no connections asked for (argv[1])");
        return;
    }
    struct addrinfo hints = {.ai_family = AF_INET,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
                    *ai = 0;
    CHECK(getaddrinfo(0, "7001", &hints, &ai) == 0 && ai);
    if (!ai) {
        return;
    }
    int l = socket(ai->ai_family, ai->ai_socktype, 0), one = 1, idle[2];
    CHECK(l >= 0 && setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    CHECK(bind(l, ai->ai_addr, ai->ai_addrlen) == 0 && listen(l, 8) == 0);
    freeaddrinfo(ai);
    CHECK(pipe(idle) == 0);
    int kq = kqueue();
    CHECK(kq >= 0);
    printf("echo: listening on port 7001 of the netserver's NIC\n");
    int served = 0;
    for (int i = 0; i < rounds; i++) {
        served += serve_one(l, idle[0], i < rounds / 2 ? -1 : kq) == 0;
    }
    CHECK(served == rounds);
    printf("  served %d connections from the host (%d with poll, %d with kqueue)\n", served,
           rounds / 2, rounds - rounds / 2);
    close(kq);
    close(idle[0]);
    close(idle[1]);
    close(l);
}
