/*
 * reconnect: a client that lives through a crash of its server (apps/fsserver with
 * CRASH_ON=/tmp/crash-server, restarted by the root task). Before the crash it writes and
 * fsyncs DIR/NAME-before; the client named "trigger" then waits until the other client has
 * done so and makes the server crash. Both check that a call in flight when the server
 * died fails with ECONNRESET (no hang), that later calls fail the same way, that they can
 * connect again, and that the fsync'd file is there in the new instance, which mounted the
 * disk read-only (it was not cleanly unmounted): writing there fails with EROFS, writing
 * to the new instance's /tmp works.
 *
 *   reconnect DIR OTHER     OTHER: the other client's name
 */
#include "nbcheck.h"

#include <errno.h>
#include <platform.h>
#include <rumpclient.h>
#include <stdio.h>
#include <string.h>

static void write_synced(const char *path, const char *text)
{
    char what[160];
    int fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
    ssize_t n = fd >= 0 ? rump_sys_write(fd, text, strlen(text)) : -1;
    int r = fd >= 0 ? rump_sys_fsync(fd) : -1;
    snprintf(what, sizeof(what), "write and fsync %s", path);
    check(n == (ssize_t)strlen(text) && r == 0, what, n);
    rump_sys_close(fd);
}

/* Waits (polling through the server) until PATH exists; 0 once it does. */
static int wait_for(const char *path)
{
    for (int i = 0; i < 500; i++) {
        int fd = rump_sys_open(path, RUMP_O_RDONLY);
        if (fd >= 0) {
            rump_sys_close(fd);
            return 0;
        }
        pf_sleep_ns(20 * 1000 * 1000);
    }
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        printf("usage: reconnect DIR OTHER\n");
        return 2;
    }
    const char *dir = argv[1], *name = pf_init()->name;
    char mine[128], ready[64], text[128], buf[128];
    snprintf(mine, sizeof(mine), "%s/%s-before", dir, name);
    snprintf(text, sizeof(text), "%s wrote this before the server crashed\n", name);
    int r = rumpclient_init();
    check(r == 0, "connect", r);
    int pid = rumpclient_pid();
    write_synced(mine, text);
    snprintf(ready, sizeof(ready), "/tmp/%s-ready", name);
    rump_sys_close(rump_sys_open(ready, RUMP_O_WRONLY | RUMP_O_CREAT, 0600));

    if (!strcmp(name, "trigger")) {
        snprintf(ready, sizeof(ready), "/tmp/%s-ready", argv[2]);
        check(wait_for(ready) == 0, "the other client has written its file", 0);
        int fd = rump_sys_open("/tmp/crash-server", RUMP_O_WRONLY | RUMP_O_CREAT, 0600);
        check(fd >= 0, "ask the server to crash", fd);
    }
    /* A call that blocks in the server (poll with nothing to wait for, 20 s) when it dies. */
    uint64_t t0 = pf_clock_monotonic();
    r = rump_sys_poll(0, 0, 20000);
    int error = errno;
    uint64_t ms = (pf_clock_monotonic() - t0) / 1000000;
    printf("poll in the server returned %d (errno %d) after %lu ms\n", r, error, ms);
    check(r < 0 && error == ECONNRESET, "the call in flight fails with ECONNRESET", r);
    check(ms < 10000, "and returns at once, not at its timeout", (long)ms);
    r = rump_sys_getpid();
    check(r < 0 && errno == ECONNRESET, "a later call fails with ECONNRESET too", r);

    r = rumpclient_reconnect();
    check(r == 0, "connect again to the restarted server", r);
    printf("connected again: pid %d (was %d)\n", rumpclient_pid(), pid);
    int fd = rump_sys_open(mine, RUMP_O_RDONLY);
    ssize_t n = fd >= 0 ? rump_sys_read(fd, buf, sizeof(buf)) : -1;
    check(n == (ssize_t)strlen(text) && !memcmp(buf, text, (size_t)n),
          "what it fsync'd before the crash is on the disk", n);
    rump_sys_close(fd);
    snprintf(mine, sizeof(mine), "%s/%s-after", dir, name);
    fd = rump_sys_open(mine, RUMP_O_WRONLY | RUMP_O_CREAT, 0644);
    check(fd < 0 && errno == EROFS, "the disk is read-only now: EROFS", fd);
    snprintf(mine, sizeof(mine), "/tmp/%s-after", name);
    snprintf(text, sizeof(text), "%s wrote this after the server's restart\n", name);
    write_synced(mine, text);
    return check_summary();
}
