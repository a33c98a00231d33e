/*
 * Remote sockets (bake link --remote-sockets; README.md, "Remote sockets"): the program's
 * internet sockets live in a server's rump kernel (apps/netserver), reached over a channel
 * through the client library (platform/rumpclient/rsc_client.h), while everything else
 * stays in the program's own rump kernel.
 *
 * bake wraps (ld --wrap) every name under which libc and libpthread reach the rump
 * kernel's entry point of each call below (NAME, _NAME and _sys_NAME): the wrappers
 * (__wrap__sys_NAME, with the other two as aliases) are in remote.c, remote_poll.c and
 * remote_kqueue.c, and reach the local kernel through __real__sys_NAME. The list in
 * tools/bake/link.c (remote_wrapped) must name exactly these.
 *
 * Descriptors: the server's descriptor n is the program's REMOTE_FD_BASE + n, as NetBSD's
 * rumphijack does it; the local kernel's stay below (its RLIMIT_NOFILE is lowered to
 * REMOTE_FD_BASE), so a number alone says where a descriptor lives.
 */
#pragma once

#include <sys/types.h>
#include <sys/time.h>
#include <poll.h>
#include <stdbool.h>

#include <rsc_client.h>

#define REMOTE_FD_BASE 128 /* half of FD_SETSIZE: select works with both kinds */

static inline bool remote_fd(int fd)
{
    return fd >= REMOTE_FD_BASE;
}

/* The server's number of a remote descriptor, and the program's of a server's. */
static inline int remote_to_server(int fd)
{
    return fd - REMOTE_FD_BASE;
}

static inline int remote_from_server(int fd)
{
    return fd < 0 ? fd : fd + REMOTE_FD_BASE;
}

/* __wrap_NAME and __wrap__NAME are other names of __wrap__sys_NAME. */
#define REMOTE_ALIASES(name)                                                           \
    extern __typeof(__wrap__sys_##name) __wrap_##name                                  \
        __attribute__((alias("__wrap__sys_" #name)));                                  \
    extern __typeof(__wrap__sys_##name) __wrap__##name __attribute__((alias("__wrap__" \
                                                                            "sys_" #name)))

/*
 * remote_poll.c: poll over descriptors of both kinds, timeout in milliseconds (-1: none).
 * A set of one kind is one call to its kernel; a mixed set waits in both at once (a helper
 * thread waits in the server) and whichever answers first wakes the other.
 */
int remote_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

/* A timeout for poll in milliseconds (rounded up) from a timespec: -1 for none (0), -2 for
 * an invalid one. */
int remote_milliseconds(const struct timespec *ts);

/* The local kernel's poll (remote_poll.c uses the unwrapped entry point). */
int __real__sys_poll(struct pollfd *fds, nfds_t nfds, int timeout);

/* remote_kqueue.c: the server closed its descriptor n (the companion queue goes too). */
void remote_kqueue_closed(int server_fd);
