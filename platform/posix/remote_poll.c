/*
 * Remote sockets, waiting (remote.h): poll, pollts, select and pselect over descriptors of
 * either kind.
 *
 * A set of one kind is one call to its kernel. A mixed set is split, as NetBSD's
 * rumphijack does it: the caller polls its local descriptors in its own kernel, a helper
 * thread polls the remote ones on the server, and each side's set has one more
 * descriptor, the read end of a pipe of its own kernel. Whichever side returns first
 * (an event, the timeout, an error, the server gone: ECONNRESET at once) writes a byte
 * into the other side's pipe, which ends the other poll too; then the two results are
 * merged. Neither side spins and neither can be left waiting. Before that, both sides
 * are looked at without waiting, so a set that is ready (a busy event loop's) costs one
 * call on each side; the pipes and the helper are made only for a wait, and gone after
 * it (some ten calls more than a plain poll).
 *
 * The signal mask of pollts and pselect applies to a set of local descriptors only.
 */
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "posix.h"
#include "remote.h"

#define HELPER_STACK (64 * 1024)

/* The unwrapped entry points of the local kernel. */
int _sys_pipe2(int *fds, int flags); /* not wrapped: the local kernel's own */
int __real__sys_close(int fd);
ssize_t __real__sys_write(int fd, const void *buf, size_t n);
int __real__sys___pollts50(struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
                           const sigset_t *mask);
int __real__sys___pselect50(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
                            const sigset_t *mask);

/* One side of a mixed poll: its set (wake-up pipe last) and what its poll returned. */
struct side {
    struct pollfd *fds;
    nfds_t n;    /* descriptors of the program's set, the pipe not counted */
    int pipe[2]; /* this side's pipe: the other side writes into pipe[1] */
    int result, error;
};

struct mixed {
    struct side local, remote;
    int timeout;
};

/* The server's poll, in the helper thread; then it wakes the local side. */
static void *remote_side(void *arg)
{
    struct mixed *m = arg;
    m->remote.result = rsc_sys_poll(m->remote.fds, (unsigned)m->remote.n + 1, m->timeout);
    m->remote.error = errno;
    __real__sys_write(m->local.pipe[1], "", 1);
    return 0;
}

/* Copies each entry of fds to the side it belongs to (remote ones by the server's number). */
static void split(struct pollfd *fds, nfds_t nfds, struct mixed *m)
{
    for (nfds_t i = 0; i < nfds; i++) {
        if (fds[i].fd < 0) {
            continue;
        }
        struct side *s = remote_fd(fds[i].fd) ? &m->remote : &m->local;
        s->fds[s->n] = fds[i];
        if (s == &m->remote) {
            s->fds[s->n].fd = remote_to_server(fds[i].fd);
        }
        s->n++;
    }
}

/* Gives fds the revents both sides found, in the same order split took them; the count. */
static int merge(struct pollfd *fds, nfds_t nfds, struct mixed *m)
{
    nfds_t k[2] = {0, 0};
    int ready = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0) {
            continue;
        }
        int r = remote_fd(fds[i].fd);
        struct side *s = r ? &m->remote : &m->local;
        fds[i].revents = s->fds[k[r]++].revents;
        ready += fds[i].revents != 0;
    }
    return ready;
}

/* Both sides wait, each with its wake-up pipe; the first to return wakes the other. */
static int wait_both(struct mixed *m)
{
    int error = 0;
    if (_sys_pipe2(m->local.pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
        return errno;
    }
    if (rsc_sys_pipe2(m->remote.pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
        error = errno;
        goto close_local;
    }
    m->local.fds[m->local.n] = (struct pollfd){m->local.pipe[0], POLLIN, 0};
    m->remote.fds[m->remote.n] = (struct pollfd){m->remote.pipe[0], POLLIN, 0};
    pthread_attr_t attr;
    pthread_t helper;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, HELPER_STACK);
    error = pthread_create(&helper, &attr, remote_side, m);
    pthread_attr_destroy(&attr);
    if (error) {
        goto close_remote;
    }
    m->local.result = __real__sys_poll(m->local.fds, m->local.n + 1, m->timeout);
    m->local.error = errno;
    rsc_sys_write(m->remote.pipe[1], "", 1); /* fails at once if the server is gone */
    pthread_join(helper, 0);
close_remote:
    rsc_sys_close(m->remote.pipe[0]);
    rsc_sys_close(m->remote.pipe[1]);
close_local:
    __real__sys_close(m->local.pipe[0]);
    __real__sys_close(m->local.pipe[1]);
    return error;
}

static int poll_mixed(struct pollfd *fds, nfds_t nfds, int timeout, nfds_t nremote)
{
    struct mixed m = {.timeout = timeout};
    m.local.fds = calloc(nfds + 2, sizeof(struct pollfd));
    m.remote.fds = m.local.fds + (nfds - nremote) + 1;
    if (!m.local.fds) {
        errno = ENOMEM;
        return -1;
    }
    split(fds, nfds, &m);
    /* A look at both sides without waiting first: a busy event loop mostly ends here, with
     * no pipes and no helper. */
    int result = -1, error = 0;
    m.local.result = __real__sys_poll(m.local.fds, m.local.n, 0);
    m.local.error = errno;
    m.remote.result = m.local.result < 0 ? 0 : rsc_sys_poll(m.remote.fds, (unsigned)m.remote.n, 0);
    m.remote.error = errno;
    if (m.local.result == 0 && m.remote.result == 0 && timeout != 0) {
        error = wait_both(&m);
    }
    if (!error && (m.local.result < 0 || m.remote.result < 0)) {
        error = m.local.result < 0 ? m.local.error : m.remote.error;
    }
    if (!error) {
        result = merge(fds, nfds, &m);
    }
    free(m.local.fds);
    errno = error;
    return result;
}

/* Every descriptor is remote: one call on the server, with the server's numbers. */
static int poll_remote(struct pollfd *fds, nfds_t nfds, int timeout)
{
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].fd = fds[i].fd < 0 ? fds[i].fd : remote_to_server(fds[i].fd);
    }
    int r = rsc_sys_poll(fds, (unsigned)nfds, timeout);
    int error = errno;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].fd = remote_from_server(fds[i].fd);
    }
    errno = error;
    return r;
}

int remote_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    nfds_t nlocal = 0, nremote = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        nremote += fds[i].fd >= 0 && remote_fd(fds[i].fd);
        nlocal += fds[i].fd >= 0 && !remote_fd(fds[i].fd);
    }
    if (nremote == 0) {
        return __real__sys_poll(fds, nfds, timeout);
    }
    return nlocal ? poll_mixed(fds, nfds, timeout, nremote) : poll_remote(fds, nfds, timeout);
}

int remote_milliseconds(const struct timespec *ts)
{
    if (!ts) {
        return -1;
    }
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000) {
        return -2; /* EINVAL */
    }
    if (ts->tv_sec >= INT_MAX / 1000 - 1) {
        return INT_MAX;
    }
    return (int)(ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000);
}

/* --- The calls ------------------------------------------------------------------------------- */

int __wrap__sys_poll(struct pollfd *fds, nfds_t nfds, int timeout);
int __wrap__sys_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
    return remote_poll(fds, nfds, timeout);
}
REMOTE_ALIASES(poll);

int __wrap__sys___pollts50(struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
                           const sigset_t *mask);
int __wrap__sys___pollts50(struct pollfd *fds, nfds_t nfds, const struct timespec *ts,
                           const sigset_t *mask)
{
    bool any_remote = false;
    for (nfds_t i = 0; i < nfds; i++) {
        any_remote |= fds[i].fd >= 0 && remote_fd(fds[i].fd);
    }
    int ms = remote_milliseconds(ts);
    if (!any_remote || ms == -2) {
        return __real__sys___pollts50(fds, nfds, ts, mask);
    }
    return remote_poll(fds, nfds, ms);
}
REMOTE_ALIASES(__pollts50);

/* select's sets as a poll set: the descriptors below nfds in any of them; their count. */
static nfds_t select_to_poll(int nfds, fd_set *r, fd_set *w, fd_set *e, struct pollfd *fds)
{
    nfds_t n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short events = (r && FD_ISSET(fd, r) ? POLLIN : 0) | (w && FD_ISSET(fd, w) ? POLLOUT : 0) |
                       (e && FD_ISSET(fd, e) ? POLLRDBAND : 0);
        if (events) {
            fds[n++] = (struct pollfd){fd, events, 0};
        }
    }
    return n;
}

/* The sets from poll's answer, as NetBSD's select reports (a hang-up or error is ready). */
static int poll_to_select(const struct pollfd *fds, nfds_t n, fd_set *r, fd_set *w, fd_set *e)
{
    int ready = 0;
    for (nfds_t i = 0; i < n; i++) {
        if (fds[i].revents & POLLNVAL) {
            errno = EBADF;
            return -1;
        }
    }
    for (nfds_t i = 0; i < n; i++) {
        int fd = fds[i].fd;
        short ev = fds[i].revents, any = POLLHUP | POLLERR;
        bool rd = (fds[i].events & POLLIN) && (ev & (POLLIN | any));
        bool wr = (fds[i].events & POLLOUT) && (ev & (POLLOUT | any));
        bool ex = (fds[i].events & POLLRDBAND) && (ev & POLLRDBAND);
        if (r && FD_ISSET(fd, r) && !rd) {
            FD_CLR(fd, r);
        }
        if (w && FD_ISSET(fd, w) && !wr) {
            FD_CLR(fd, w);
        }
        if (e && FD_ISSET(fd, e) && !ex) {
            FD_CLR(fd, e);
        }
        ready += rd + wr + ex;
    }
    return ready;
}

/* select and pselect with remote descriptors: through poll. */
static int select_remote(int nfds, fd_set *r, fd_set *w, fd_set *e, int ms)
{
    struct pollfd *fds = calloc((size_t)nfds, sizeof(*fds));
    if (!fds) {
        errno = ENOMEM;
        return -1;
    }
    nfds_t n = select_to_poll(nfds, r, w, e, fds);
    int result = remote_poll(fds, n, ms);
    if (result >= 0) {
        result = poll_to_select(fds, n, r, w, e);
    }
    free(fds);
    return result;
}

int __wrap__sys___pselect50(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
                            const sigset_t *mask);
int __wrap__sys___pselect50(int nfds, fd_set *r, fd_set *w, fd_set *e, const struct timespec *ts,
                            const sigset_t *mask)
{
    int ms = remote_milliseconds(ts);
    if (nfds <= REMOTE_FD_BASE || ms == -2) {
        return __real__sys___pselect50(nfds, r, w, e, ts, mask);
    }
    return select_remote(nfds, r, w, e, ms);
}
REMOTE_ALIASES(__pselect50);

int __real__sys___select50(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
int __wrap__sys___select50(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv);
int __wrap__sys___select50(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    if (nfds <= REMOTE_FD_BASE ||
        (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000))) {
        return __real__sys___select50(nfds, r, w, e, tv);
    }
    struct timespec ts;
    if (tv) {
        TIMEVAL_TO_TIMESPEC(tv, &ts);
    }
    return select_remote(nfds, r, w, e, remote_milliseconds(tv ? &ts : 0));
}
REMOTE_ALIASES(__select50);
