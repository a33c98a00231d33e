/*
 * crashclient: a client of a server (apps/netserver) that crashes on purpose, again and
 * again (its description says restart = on-failure N). Each run takes what a client holds
 * in a server: a listening TCP socket on PORT bound without SO_REUSEADDR (so it binds only
 * if the socket of the run before was closed), a file in the server's /tmp kept open, and
 * a call blocked in the server (accept, in a second thread); then it faults. Run FINAL
 * (its start count, from the channel's status page) checks once more and exits 0.
 *
 *   crashclient PORT FINAL
 */
#include "nbcheck.h"

#include <errno.h>
#include <platform.h>
#include <rumpclient.h>
#include <stdio.h>
#include <stdlib.h>

static volatile uintptr_t unmapped = 0x10;

static void *accept_forever(void *arg)
{
    int s = (int)(intptr_t)arg;
    rump_sys_accept(s, 0, 0);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        printf("usage: crashclient PORT FINAL\n");
        return 2;
    }
    unsigned port = (unsigned)strtoul(argv[1], 0, 10);
    uint64_t final = strtoul(argv[2], 0, 10);
    uint64_t run = pf_channel_status(pf_channel(0))->end[UK_CHANNEL_CLIENT].epoch;
    bool quiet = run != 1 && run != final && run % 100;

    int s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
    struct sockaddr_in sin = {
        .sin_len = sizeof(sin),
        .sin_family = RUMP_AF_INET,
        .sin_port = rump_htons((uint16_t)port),
    };
    int r = rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin));
    if (s < 0 || r < 0 || rump_sys_listen(s, 1) < 0) {
        /* The socket of an earlier run is still there: the server leaked it. */
        printf("crashclient: run %lu: FAIL bind port %u (error %d)\n", run, port, errno);
        return 0; /* exit 0: no more restarts, the test sees the FAIL */
    }
    char path[48];
    snprintf(path, sizeof(path), "/tmp/crash-%lu", run);
    int fd = rump_sys_open(path, RUMP_O_RDWR | RUMP_O_CREAT, 0600);
    if (fd < 0 || rump_sys_write(fd, path, sizeof(path)) != sizeof(path) ||
        rump_sys_unlink(path) < 0) {
        printf("crashclient: run %lu: FAIL a file in the server's /tmp (error %d)\n", run, errno);
        return 0;
    }
    if (run == final) {
        check(true, "bound the port of every earlier run again", 0);
        check(rump_sys_close(fd) == 0 && rump_sys_close(s) == 0, "close what it holds", 0);
        printf("crashclient: run %lu, the last: no crash\n", run);
        return check_summary();
    }
    int error;
    if (!pf_thread_create("accept", accept_forever, (void *)(intptr_t)s, 64 * 1024, PF_PRIO_NORMAL,
                          0, &error)) {
        printf("crashclient: FAIL no thread (error %d)\n", error);
        return 0;
    }
    pf_sleep_ns(2 * 1000 * 1000); /* the accept reaches the server and blocks there */
    if (!quiet) {
        printf("crashclient: run %lu: socket on port %u, an open file, a blocked accept: "
               "crashing\n",
               run, port);
    }
    *(volatile int *)unmapped = 1;
    return 1;
}
