/*
 * Remote sockets, event queues (remote.h): a kqueue the program makes is the server's, so
 * that an event loop over its sockets (Redis's, NGINX's) waits in one call there. Changes
 * naming a local descriptor (a pipe, a file, a local socket) and the filters that concern
 * the program itself (EVFILT_PROC, EVFILT_SIGNAL, EVFILT_TIMER) go to a companion kqueue in
 * the local kernel, made the first time one is needed; a wait on a kqueue with both then
 * polls the two queues' descriptors (remote_poll: a mixed poll) and collects the events
 * of both. Changes are applied before the wait, each side's at once: one that fails makes
 * kevent return -1 with its error (NetBSD would put an EV_ERROR event in the list instead
 * when the list has room).
 */
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "posix.h"
#include "remote.h"

_Static_assert(sizeof(struct kevent) == RSC_KEVENT_SIZE, "struct kevent");

int __real__sys_kqueue1(int flags);
int __real__sys___kevent50(int kq, const struct kevent *changes, size_t nchanges,
                           struct kevent *events, size_t nevents, const struct timespec *ts);
int __real__sys_close(int fd);

/*
 * What the program's remote kqueue with the server's number n has: *companions[n]. Each
 * entry is allocated once and kept (only the table of pointers grows), so that a thread
 * blocked in a call keeps a valid entry while another thread's kqueue grows the table.
 */
struct companion {
    int local;       /* the local kqueue + 1, or 0 */
    bool has_remote; /* a change went to the server's queue */
};
static struct companion **companions;
static size_t ncompanions;

static struct companion *companion(int server_fd, bool make)
{
    if (server_fd < 0) {
        return 0;
    }
    if ((size_t)server_fd >= ncompanions && make) {
        size_t n = (size_t)server_fd * 2 + 16;
        struct companion **table = realloc(companions, n * sizeof(*table));
        if (!table) {
            return 0;
        }
        memset(table + ncompanions, 0, (n - ncompanions) * sizeof(*table));
        companions = table;
        ncompanions = n;
    }
    if ((size_t)server_fd >= ncompanions) {
        return 0;
    }
    if (!companions[server_fd] && make) {
        companions[server_fd] = calloc(1, sizeof(struct companion));
    }
    return companions[server_fd];
}

void remote_kqueue_closed(int server_fd)
{
    struct companion *c = companion(server_fd, false);
    if (c && c->local) {
        __real__sys_close(c->local - 1);
    }
    if (c) {
        *c = (struct companion){0, false};
    }
}

/* Filters whose ident is a descriptor. */
static bool names_fd(const struct kevent *k)
{
    return k->filter == EVFILT_READ || k->filter == EVFILT_WRITE || k->filter == EVFILT_VNODE ||
           k->filter == EVFILT_AIO;
}

static bool goes_remote(const struct kevent *k)
{
    return names_fd(k) && remote_fd((int)k->ident);
}

/* Applies the changes: the remote ones to the server's queue, the others to the companion. */
static int apply(int server_kq, struct companion *c, const struct kevent *changes, size_t n)
{
    static const struct timespec now = {0, 0};
    struct kevent *split = malloc((n ? n : 1) * sizeof(*split));
    if (!split) {
        errno = ENOMEM;
        return -1;
    }
    size_t nremote = 0, nlocal = 0;
    for (size_t i = 0; i < n; i++) {
        if (goes_remote(&changes[i])) {
            split[nremote] = changes[i];
            split[nremote++].ident = (uintptr_t)remote_to_server((int)changes[i].ident);
        }
    }
    int r = nremote ? rsc_sys_kevent(server_kq, split, nremote, 0, 0, &now) : 0;
    c->has_remote |= nremote > 0;
    for (size_t i = 0; r == 0 && i < n; i++) {
        if (!goes_remote(&changes[i])) {
            split[nlocal++] = changes[i];
        }
    }
    if (r == 0 && nlocal && !c->local) {
        int kq = __real__sys_kqueue1(O_CLOEXEC);
        r = kq < 0 ? -1 : 0;
        c->local = kq + 1;
    }
    if (r == 0 && nlocal) {
        r = __real__sys___kevent50(c->local - 1, split, nlocal, 0, 0, &now);
    }
    free(split);
    return r < 0 ? -1 : 0;
}

/* The server's events, with the program's numbers for descriptors. */
static int remote_events(int server_kq, struct kevent *events, size_t n, const struct timespec *ts)
{
    int got = rsc_sys_kevent(server_kq, 0, 0, events, n, ts);
    for (int i = 0; i < got; i++) {
        if (names_fd(&events[i])) {
            events[i].ident = (uintptr_t)remote_from_server((int)events[i].ident);
        }
    }
    return got;
}

/* Both queues have something to wait for: a mixed poll over their descriptors, then both. */
static int wait_both(int kq, struct companion *c, struct kevent *events, size_t n,
                     const struct timespec *ts)
{
    static const struct timespec now = {0, 0};
    int ms = remote_milliseconds(ts);
    if (ms == -2) {
        errno = EINVAL;
        return -1;
    }
    for (;;) {
        /* Both queues are read without waiting first (a busy loop's events are there), and
         * again after each wake-up, whichever side woke: a side that is always ready
         * cannot hide the other's events. */
        int got = __real__sys___kevent50(c->local - 1, 0, 0, events, n, &now);
        if (got >= 0 && (size_t)got < n) {
            int more = remote_events(remote_to_server(kq), events + got, n - (size_t)got, &now);
            got = more < 0 ? more : got + more;
        }
        if (got != 0 || ms == 0) {
            return got; /* events, -1, or nothing when not waiting */
        }
        struct pollfd fds[2] = {{c->local - 1, POLLIN, 0}, {kq, POLLIN, 0}};
        int ready = remote_poll(fds, 2, ms);
        if (ready <= 0) {
            return ready;
        }
    }
}

int __wrap__sys_kqueue1(int flags);
int __wrap__sys_kqueue1(int flags)
{
    return remote_from_server(rsc_sys_kqueue1(flags));
}
REMOTE_ALIASES(kqueue1);

int __wrap__sys_kqueue(void);
int __wrap__sys_kqueue(void)
{
    return __wrap__sys_kqueue1(0);
}
REMOTE_ALIASES(kqueue);

int __wrap__sys___kevent50(int kq, const struct kevent *changes, size_t nchanges,
                           struct kevent *events, size_t nevents, const struct timespec *ts);
int __wrap__sys___kevent50(int kq, const struct kevent *changes, size_t nchanges,
                           struct kevent *events, size_t nevents, const struct timespec *ts)
{
    if (!remote_fd(kq)) {
        return __real__sys___kevent50(kq, changes, nchanges, events, nevents, ts);
    }
    struct companion *c = companion(remote_to_server(kq), true);
    if (!c) {
        errno = ENOMEM;
        return -1;
    }
    if (nchanges && apply(remote_to_server(kq), c, changes, nchanges) < 0) {
        return -1;
    }
    if (nevents == 0) {
        return 0;
    }
    if (c->local && c->has_remote) {
        return wait_both(kq, c, events, nevents, ts);
    }
    if (c->local) {
        return __real__sys___kevent50(c->local - 1, 0, 0, events, nevents, ts);
    }
    return remote_events(remote_to_server(kq), events, nevents, ts);
}
REMOTE_ALIASES(__kevent50);
