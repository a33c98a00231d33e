/*
 * crashclient: a client of a server (apps/netserver) whose sessions die holding what a
 * client holds there: a listening TCP socket on PORT bound without SO_REUSEADDR (so it
 * binds only once the socket of the session before was closed), a file in the server's
 * /tmp kept open, and a call blocked in the server (accept, in a thread of its own).
 *
 * Each start of the unikernel opens SESSIONS such sessions one after the other. All but
 * the last are abandoned as they are: the client connects again (rumpclient_reconnect),
 * and the server ends the old session exactly as it ends a crashed client's (its process
 * told to exit, the blocked call woken, every descriptor closed). The last session of
 * each start dies with the unikernel, which faults; its description restarts it
 * (restart = on-failure CRASHES). The start after the last crash closes everything and
 * exits 0. So SESSIONS x (CRASHES + 1) sessions die holding a socket, a file and a blocked
 * call, CRASHES of them in a crash. (1000 crashes would take hours: the root task backs
 * off restarts of a unikernel that keeps crashing.)
 *
 *   crashclient PORT SESSIONS CRASHES
 */
#include "nbcheck.h"

#include <errno.h>
#include <platform.h>
#include <rumpclient.h>
#include <stdio.h>
#include <stdlib.h>

#define BIND_TRIES 300 /* 10 ms apart: an ended session's process may still be exiting */

static volatile uintptr_t unmapped = 0x10;
static unsigned bind_waits;

static void *accept_forever(void *arg)
{
    rump_sys_accept((int)(intptr_t)arg, 0, 0); /* ends with its session: ECONNRESET */
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
    snprintf(path, sizeof(path), "/tmp/crash-%lu-%u", run, session);
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
    if (argc != 4) {
        printf("usage: crashclient PORT SESSIONS CRASHES\n");
        return 2;
    }
    unsigned port = (unsigned)strtoul(argv[1], 0, 10);
    unsigned sessions = (unsigned)strtoul(argv[2], 0, 10);
    uint64_t crashes = strtoul(argv[3], 0, 10);
    uint64_t run = pf_channel_status(pf_channel(0))->end[UK_CHANNEL_CLIENT].epoch;
    int s = -1, fd = -1;
    for (unsigned k = 1; k <= sessions; k++) {
        if (hold(port, run, k, &s, &fd) < 0) {
            return 0; /* exit 0: no more restarts, the test sees the FAIL */
        }
        if (k < sessions && rumpclient_reconnect() != 0) {
            printf("crashclient: run %lu: FAIL connect again (error %d)\n", run, errno);
            return 0;
        }
    }
    if (run <= crashes) {
        printf("crashclient: run %lu: %u sessions abandoned holding a socket, a file and a "
               "blocked accept (binding waited up to %u ms); crashing with the last\n",
               run, sessions - 1, bind_waits * 10);
        pf_console_flush();
        *(volatile int *)unmapped = 1;
        return 1;
    }
    check(true, "every session bound the port of the one before", bind_waits);
    check(rump_sys_close(fd) == 0 && rump_sys_close(s) == 0, "close what the last one holds", 0);
    printf("crashclient: run %lu, the last: %lu sessions ended holding a socket, a file and a "
           "blocked call, %lu of them in a crash\n",
           run, run * sessions - 1, crashes);
    return check_summary();
}
