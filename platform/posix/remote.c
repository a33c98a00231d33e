/*
 * Remote sockets, the descriptor calls (remote.h says how they are reached): a socket of
 * the internet families (AF_INET, AF_INET6) is made on the server, every other one (local
 * sockets, routing sockets) in the program's own kernel; each call that takes a
 * descriptor goes where the descriptor lives. Calls that make one descriptor from another
 * (accept, paccept, dup, dup2) stay on its side: dup2 between a local and a remote
 * descriptor fails with ENOTSUP.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include "posix.h"
#include "remote.h"

_Static_assert(sizeof(struct stat) == RSC_STAT_SIZE, "struct stat");
_Static_assert(sizeof(struct pollfd) == RSC_POLLFD_SIZE, "struct pollfd");
_Static_assert(sizeof(sigset_t) == RSC_SIGSET_SIZE, "sigset_t");
_Static_assert(sizeof(struct iovec) == sizeof(struct rsc_iovec), "struct iovec");
_Static_assert(sizeof(struct msghdr) == sizeof(struct rsc_msghdr) &&
                   offsetof(struct msghdr, msg_iov) == offsetof(struct rsc_msghdr, iov) &&
                   offsetof(struct msghdr, msg_control) == offsetof(struct rsc_msghdr, control) &&
                   offsetof(struct msghdr, msg_flags) == offsetof(struct rsc_msghdr, flags),
               "struct msghdr");

/* The wrapper of NAME and the local kernel's entry point, both with NetBSD's prototype. */
#define DECLARE(ret, name, params) \
    ret __real__sys_##name params; \
    ret __wrap__sys_##name params

/* A call whose first argument is the descriptor and whose others travel as they are. */
#define BY_FD(ret, name, params, ...)                                                 \
    DECLARE(ret, name, params);                                                       \
    ret __wrap__sys_##name params                                                     \
    {                                                                                 \
        return remote_fd(fd) ? (ret)rsc_sys_##name(remote_to_server(fd), __VA_ARGS__) \
                             : __real__sys_##name(fd, __VA_ARGS__);                   \
    }                                                                                 \
    REMOTE_ALIASES(name)

/* The same for a call that returns a new descriptor of the same side. */
#define NEW_FD(name, params, ...)                                                          \
    DECLARE(int, name, params);                                                            \
    int __wrap__sys_##name params                                                          \
    {                                                                                      \
        return remote_fd(fd)                                                               \
                   ? remote_from_server(rsc_sys_##name(remote_to_server(fd), __VA_ARGS__)) \
                   : __real__sys_##name(fd, __VA_ARGS__);                                  \
    }                                                                                      \
    REMOTE_ALIASES(name)

/* --- Making sockets -------------------------------------------------------------------------- */

DECLARE(int, __socket30, (int domain, int type, int protocol));
int __wrap__sys___socket30(int domain, int type, int protocol)
{
    if (domain == AF_INET || domain == AF_INET6) {
        return remote_from_server(rsc_sys_socket(domain, type, protocol));
    }
    return __real__sys___socket30(domain, type, protocol);
}
REMOTE_ALIASES(__socket30);

NEW_FD(accept, (int fd, struct sockaddr *name, socklen_t *namelen), name, namelen);
NEW_FD(paccept,
       (int fd, struct sockaddr *name, socklen_t *namelen, const sigset_t *mask, int flags), name,
       namelen, mask, flags);

/* --- Descriptors ----------------------------------------------------------------------------- */

BY_FD(ssize_t, read, (int fd, void *buf, size_t n), buf, n);
BY_FD(ssize_t, write, (int fd, const void *buf, size_t n), buf, n);

/* A call whose pointer argument is a structure rsc_client.h names differently. */
#define BY_FD_AS(ret, name, params, ptr_type, ptr, other)                                      \
    DECLARE(ret, name, params);                                                                \
    ret __wrap__sys_##name params                                                              \
    {                                                                                          \
        return remote_fd(fd) ? (ret)rsc_sys_##name(remote_to_server(fd), (ptr_type)ptr, other) \
                             : __real__sys_##name(fd, ptr, other);                             \
    }                                                                                          \
    REMOTE_ALIASES(name)

BY_FD_AS(ssize_t, readv, (int fd, const struct iovec *iov, int n), const struct rsc_iovec *, iov,
         n);
BY_FD_AS(ssize_t, writev, (int fd, const struct iovec *iov, int n), const struct rsc_iovec *, iov,
         n);

DECLARE(int, __fstat50, (int fd, struct stat *sb));
int __wrap__sys___fstat50(int fd, struct stat *sb)
{
    return remote_fd(fd) ? rsc_sys_fstat(remote_to_server(fd), sb) : __real__sys___fstat50(fd, sb);
}
REMOTE_ALIASES(__fstat50);

DECLARE(int, close, (int fd));
int __wrap__sys_close(int fd)
{
    if (!remote_fd(fd)) {
        return __real__sys_close(fd);
    }
    remote_kqueue_closed(remote_to_server(fd));
    return rsc_sys_close(remote_to_server(fd));
}
REMOTE_ALIASES(close);

DECLARE(int, dup, (int fd));
int __wrap__sys_dup(int fd)
{
    return remote_fd(fd) ? remote_from_server(rsc_sys_dup(remote_to_server(fd)))
                         : __real__sys_dup(fd);
}
REMOTE_ALIASES(dup);

DECLARE(int, dup2, (int from, int to));
int __wrap__sys_dup2(int from, int to)
{
    if (!remote_fd(from) && !remote_fd(to)) {
        return __real__sys_dup2(from, to);
    }
    if (!remote_fd(from) || !remote_fd(to)) {
        errno = ENOTSUP; /* one kernel's descriptor cannot become the other's */
        return -1;
    }
    return remote_from_server(rsc_sys_dup2(remote_to_server(from), remote_to_server(to)));
}
REMOTE_ALIASES(dup2);

/* Remote: the commands whose argument is a number (F_GETFL, F_SETFL, F_GETFD, F_SETFD). */
DECLARE(int, fcntl, (int fd, int cmd, ...));
int __wrap__sys_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return remote_fd(fd) ? rsc_sys_fcntl(remote_to_server(fd), cmd, (long)arg)
                         : __real__sys_fcntl(fd, cmd, arg);
}
REMOTE_ALIASES(fcntl);

/* Remote: commands whose argument is a flat structure or a number (FIONBIO, FIONREAD, ...). */
DECLARE(int, ioctl, (int fd, unsigned long cmd, ...));
int __wrap__sys_ioctl(int fd, unsigned long cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return remote_fd(fd) ? rsc_sys_ioctl(remote_to_server(fd), cmd, arg)
                         : __real__sys_ioctl(fd, cmd, arg);
}
REMOTE_ALIASES(ioctl);

/* --- Sockets --------------------------------------------------------------------------------- */

BY_FD(int, bind, (int fd, const struct sockaddr *name, socklen_t len), name, len);
BY_FD(int, connect, (int fd, const struct sockaddr *name, socklen_t len), name, len);
BY_FD(int, listen, (int fd, int backlog), backlog);
BY_FD(int, shutdown, (int fd, int how), how);
BY_FD(int, getpeername, (int fd, struct sockaddr *name, socklen_t *len), name, len);
BY_FD(int, getsockname, (int fd, struct sockaddr *name, socklen_t *len), name, len);
BY_FD(int, setsockopt, (int fd, int level, int name, const void *val, socklen_t len), level, name,
      val, len);
BY_FD(int, getsockopt, (int fd, int level, int name, void *val, socklen_t *len), level, name, val,
      len);
BY_FD(ssize_t, sendto,
      (int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen),
      buf, len, flags, to, tolen);
BY_FD(ssize_t, recvfrom,
      (int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen), buf,
      len, flags, from, fromlen);
BY_FD_AS(ssize_t, sendmsg, (int fd, const struct msghdr *msg, int flags), const struct rsc_msghdr *,
         msg, flags);
BY_FD_AS(ssize_t, recvmsg, (int fd, struct msghdr *msg, int flags), struct rsc_msghdr *, msg,
         flags);

/* --- Start-up -------------------------------------------------------------------------------- */

/* The local kernel's descriptors stay below the remote ones (remote.h). */
static void __attribute__((constructor)) remote_start(void)
{
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_max = limit.rlim_max < REMOTE_FD_BASE ? limit.rlim_max : REMOTE_FD_BASE;
        limit.rlim_cur = limit.rlim_cur < limit.rlim_max ? limit.rlim_cur : limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}
