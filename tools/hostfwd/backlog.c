/*
 * hostfwd-backlog.so: preloaded into QEMU (qemu-run -p), it raises the listen backlog
 * QEMU's user network gives its host forwarding sockets.
 *
 * Why: libslirp (4.7, QEMU 7.2) listens on a `hostfwd=tcp:...` port with a backlog of 1.
 * When many host clients connect at once (redis-benchmark opens its 50 connections in one
 * loop), Linux drops the SYNs and handshake ACKs that find the two-entry accept queue full.
 * Clients whose handshake completed on their side by a SYN cookie then send their first
 * request into a connection the listener never accepted; their retransmissions leave in
 * lock step, so each round gets at most a couple of them in, and the rest wait for minutes
 * and are finally reset. The guest never sees those connections. apps/redis/README.md
 * has the measurements.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <sys/socket.h>

/* What any ordinary server asks for; Linux caps it at net.core.somaxconn. */
#define HOSTFWD_BACKLOG 128

int listen(int fd, int backlog)
{
    static int (*next_listen)(int, int);
    if (!next_listen) {
        next_listen = (int (*)(int, int))dlsym(RTLD_NEXT, "listen");
    }
    return next_listen(fd, backlog < HOSTFWD_BACKLOG ? HOSTFWD_BACKLOG : backlog);
}
