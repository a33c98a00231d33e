/*
 * The netserver crashes (remote-crash.system: CRASH_ON, restarted once): a mixed poll
 * waiting on it returns at once with ECONNRESET, as does every call on a remote
 * descriptor after it, while local descriptors go on working; after
 * rumpclient_reconnect the program has internet sockets again. Runs only when argv[1] is
 * "crash" (remote.system runs the others).
 */
#include "ptest.h"

#include <sys/socket.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

/* The client library's own calls, as in r1_where.c. */
int rsc_sys_open(const char *path, int flags, uint32_t mode) __attribute__((weak));
int rumpclient_reconnect(void) __attribute__((weak));

static void crash_the_server(void *unused)
{
    (void)unused;
    rsc_sys_open("/tmp/crash-netserver", O_WRONLY | O_CREAT, 0644);
}

TEST(crash_server_resets_remote_calls)
{
    if (ptest_argc < 2 || strcmp(ptest_argv[1], "crash")) {
        ptest_skip("the netserver crashes only in remote-crash.system");
        return;
    }
    int p[2], tcp[2];
    CHECK(pipe(p) == 0 && ptest_tcp_pair(tcp) == 0);
    struct pollfd fds[2] = {{p[0], POLLIN, 0}, {tcp[1], POLLIN, 0}};
    uint64_t start = ptest_now_ns();
    struct ptest_later *l = ptest_later(100, crash_the_server, 0);
    CHECK_ERRNO(poll(fds, 2, 60000), ECONNRESET);
    CHECK_RANGE(ptest_ms_since(start), 0, 10000);
    ptest_join(l);
    char c;
    CHECK_ERRNO(read(tcp[1], &c, 1), ECONNRESET);
    CHECK_ERRNO(socket(AF_INET, SOCK_STREAM, 0), ECONNRESET);
    CHECK(write(p[1], "L", 1) == 1 && read(p[0], &c, 1) == 1 && c == 'L'); /* local: fine */
    CHECK(rumpclient_reconnect() == 0);
    printf("  connected again after the netserver's restart\n");
    int fds2[2];
    CHECK(ptest_tcp_pair(fds2) == 0 && write(fds2[0], "R", 1) == 1 && read(fds2[1], &c, 1) == 1 &&
          c == 'R');
    close(fds2[0]);
    close(fds2[1]);
    close(p[0]);
    close(p[1]);
}
