/*
 * crashclient: a client of a server (apps/netserver) that dies holding what a client holds
 * there: a listening TCP socket on PORT bound without SO_REUSEADDR (so it binds only once
 * the socket of its instance before was closed), a file in the server's /tmp kept open, and
 * a call blocked in the server (accept, in a thread of its own).
 *
 * Each start of the unikernel first opens ABANDONED such sessions and leaves each as it is
 * by connecting again (rumpclient_reconnect: the server ends the old session as it ends a
 * dead client's), then opens one more and, while its start is one of the first CRASHES,
 * faults with it: the root task tears the unikernel down (the netserver sees its client
 * stop) and starts it again under its description's restart policy (`restart = on-failure
 * CRASHES quick`). The start after the last crash closes what its session holds, checks and
 * exits 0. So CRASHES real crashes, each the death of a session holding a socket, a file and
 * a blocked call; tests/netbsd/client-crash.system runs several of these side by side.
 *
 *   crashclient PORT CRASHES [ABANDONED]
 */
#include "nbcheck.h"

#include <errno.h>
#include <platform.h>
#include <rumpclient.h>
#include <stdio.h>
#include <stdlib.h>

#define BIND_TRIES 1000 /* 10 ms apart: a dead client's process may still be exiting */

static volatile uintptr_t unmapped = 0x10;
static unsigned bind_waits;

static void *accept_forever(void *arg)
{
    rump_sys_accept((int)(intptr_t)arg, 0, 0); /* ends with its session */
    return 0;
}

/* Takes a socket on port, a file and a blocked accept in the server; -1 on failure. */
static int hold(unsigned port, uint64_t run, unsigned session, int *s, int *fd)
{
    struct sockaddr_in sin = {
        .sin_len = sizeof(sin),
        .sin_family = RUMP_AF_INET,
        .sin_port = rump_htons((uint16_t)port),
    };
    *s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
    int tries = 0, r;
    while ((r = rump_sys_bind(*s, (struct sockaddr *)&sin, sizeof(sin))) < 0 &&
           errno == RUMP_EADDRINUSE && ++tries < BIND_TRIES) {
        pf_sleep_ns(10 * 1000 * 1000);
    }
    bind_waits = tries > (int)bind_waits ? (unsigned)tries : bind_waits;
    if (*s < 0 || r < 0 || rump_sys_listen(*s, 1) < 0) {
        /* The socket of an earlier session is still there: the server leaked it. */
        printf("crashclient: run %lu session %u: FAIL bind port %u (error %d)\n", run, session,
               port, errno);
        return -1;
    }
    char path[64];
    snprintf(path, sizeof(path), "/tmp/crash-%u-%lu-%u", port, run, session);
    *fd = rump_sys_open(path, RUMP_O_RDWR | RUMP_O_CREAT, 0600);
    if (*fd < 0 || rump_sys_write(*fd, path, sizeof(path)) != sizeof(path) ||
        rump_sys_unlink(path) < 0) {
        printf("crashclient: run %lu: FAIL a file in the server's /tmp (error %d)\n", run, errno);
        return -1;
    }
    int error;
    if (!pf_thread_create("accept", accept_forever, (void *)(intptr_t)*s, 16 * 1024, PF_PRIO_NORMAL,
                          0, &error)) {
        printf("crashclient: FAIL no thread (error %d)\n", error);
        return -1;
    }
    pf_sleep_ns(2 * 1000 * 1000); /* the accept reaches the server and blocks there */
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        printf("usage: crashclient PORT CRASHES [ABANDONED]\n");
        return 2;
    }
    unsigned port = (unsigned)strtoul(argv[1], 0, 10);
    uint64_t crashes = strtoul(argv[2], 0, 10);
    unsigned abandoned = argc > 3 ? (unsigned)strtoul(argv[3], 0, 10) : 0;
    uint64_t run = pf_channel_status(pf_channel(0))->end[UK_CHANNEL_CLIENT].epoch;
    int s = -1, fd = -1;
    for (unsigned k = 0; k <= abandoned; k++) {
        if (hold(port, run, k, &s, &fd) < 0) {
            return 0; /* exit 0: no more restarts, the test sees the FAIL */
        }
        if (k < abandoned && rumpclient_reconnect() != 0) {
            printf("crashclient: run %lu: FAIL connect again (error %d)\n", run, errno);
            return 0;
        }
    }
    if (run <= crashes) {
        *(volatile int *)unmapped = 1; /* the root task tears this unikernel down */
        return 1;
    }
    check(true, "this start bound the port its crashed predecessor held", bind_waits);
    check(rump_sys_close(fd) == 0 && rump_sys_close(s) == 0, "close what the last one holds", 0);
    printf("crashclient: run %lu, the last: %lu starts before it died in a crash holding a "
           "socket, a file and a blocked call (%u more sessions abandoned in each)\n",
           run, crashes, abandoned);
    return check_summary();
}
