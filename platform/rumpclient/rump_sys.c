/*
 * The rump_sys_* names of the calls, for unikernels without a rump kernel (bake link
 * --rump-client): NetBSD's prototypes (rumpglue.h, the rump kernel's public headers) on
 * the library's rsc_sys_* calls. A POSIX program with remote sockets has a rump kernel of
 * its own that defines rump_sys_* itself, so this file is in librumpclient.a only; and
 * compiled against the rump headers, it checks that the structure sizes rsc_client.h
 * copies are NetBSD's.
 */
#include "rumpclient.h"

#include <stdarg.h>

_Static_assert(sizeof(struct pollfd) == RSC_POLLFD_SIZE, "struct pollfd");
_Static_assert(sizeof(struct timespec) == RSC_TIMESPEC_SIZE, "struct timespec");
_Static_assert(sizeof(sigset_t) == RSC_SIGSET_SIZE, "sigset_t");
_Static_assert(sizeof(socklen_t) == sizeof(uint32_t), "socklen_t");

ssize_t rump_sys_read(int fd, void *buf, size_t nbyte)
{
    return rsc_sys_read(fd, buf, nbyte);
}

ssize_t rump_sys_write(int fd, const void *buf, size_t nbyte)
{
    return rsc_sys_write(fd, buf, nbyte);
}

ssize_t rump_sys_readv(int fd, const struct iovec *iov, int iovcnt)
{
    return rsc_sys_readv(fd, (const struct rsc_iovec *)iov, iovcnt);
}

ssize_t rump_sys_writev(int fd, const struct iovec *iov, int iovcnt)
{
    return rsc_sys_writev(fd, (const struct rsc_iovec *)iov, iovcnt);
}

ssize_t rump_sys_pread(int fd, void *buf, size_t nbyte, off_t offset)
{
    return rsc_sys_pread(fd, buf, nbyte, offset);
}

ssize_t rump_sys_pwrite(int fd, const void *buf, size_t nbyte, off_t offset)
{
    return rsc_sys_pwrite(fd, buf, nbyte, offset);
}

int rump_sys_open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_arg(ap, mode_t);
    va_end(ap);
    return rsc_sys_open(path, flags, mode);
}

int rump_sys_close(int fd)
{
    return rsc_sys_close(fd);
}

int rump_sys_dup(int fd)
{
    return rsc_sys_dup(fd);
}

int rump_sys_dup2(int from, int to)
{
    return rsc_sys_dup2(from, to);
}

int rump_sys_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    return rsc_sys_fcntl(fd, cmd, arg);
}

int rump_sys_ioctl(int fd, u_long cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return rsc_sys_ioctl(fd, cmd, arg);
}

int rump_sys_fstat(int fd, struct stat *sb)
{
    return rsc_sys_fstat(fd, sb);
}

int rump_sys_fsync(int fd)
{
    return rsc_sys_fsync(fd);
}

void rump_sys_sync(void)
{
    rsc_sys_sync();
}

off_t rump_sys_lseek(int fd, off_t offset, int whence)
{
    return rsc_sys_lseek(fd, offset, whence);
}

int rump_sys_ftruncate(int fd, off_t length)
{
    return rsc_sys_ftruncate(fd, length);
}

int rump_sys_pipe2(int *fds, int flags)
{
    return rsc_sys_pipe2(fds, flags);
}

int rump_sys_unlink(const char *path)
{
    return rsc_sys_unlink(path);
}

int rump_sys_mkdir(const char *path, mode_t mode)
{
    return rsc_sys_mkdir(path, mode);
}

int rump_sys_rmdir(const char *path)
{
    return rsc_sys_rmdir(path);
}

int rump_sys_rename(const char *from, const char *to)
{
    return rsc_sys_rename(from, to);
}

int rump_sys_socket(int domain, int type, int protocol)
{
    return rsc_sys_socket(domain, type, protocol);
}

int rump_sys_socketpair(int domain, int type, int protocol, int *sv)
{
    return rsc_sys_socketpair(domain, type, protocol, sv);
}

int rump_sys_bind(int s, const struct sockaddr *name, socklen_t namelen)
{
    return rsc_sys_bind(s, name, namelen);
}

int rump_sys_connect(int s, const struct sockaddr *name, socklen_t namelen)
{
    return rsc_sys_connect(s, name, namelen);
}

int rump_sys_listen(int s, int backlog)
{
    return rsc_sys_listen(s, backlog);
}

int rump_sys_accept(int s, struct sockaddr *name, socklen_t *namelen)
{
    return rsc_sys_accept(s, name, namelen);
}

int rump_sys_paccept(int s, struct sockaddr *name, socklen_t *namelen, const sigset_t *mask,
                     int flags)
{
    return rsc_sys_paccept(s, name, namelen, mask, flags);
}

int rump_sys_getpeername(int s, struct sockaddr *name, socklen_t *namelen)
{
    return rsc_sys_getpeername(s, name, namelen);
}

int rump_sys_getsockname(int s, struct sockaddr *name, socklen_t *namelen)
{
    return rsc_sys_getsockname(s, name, namelen);
}

int rump_sys_setsockopt(int s, int level, int name, const void *val, socklen_t valsize)
{
    return rsc_sys_setsockopt(s, level, name, val, valsize);
}

int rump_sys_getsockopt(int s, int level, int name, void *val, socklen_t *valsize)
{
    return rsc_sys_getsockopt(s, level, name, val, valsize);
}

ssize_t rump_sys_sendto(int s, const void *buf, size_t len, int flags, const struct sockaddr *to,
                        socklen_t tolen)
{
    return rsc_sys_sendto(s, buf, len, flags, to, tolen);
}

ssize_t rump_sys_recvfrom(int s, void *buf, size_t len, int flags, struct sockaddr *from,
                          socklen_t *fromlen)
{
    return rsc_sys_recvfrom(s, buf, len, flags, from, fromlen);
}

ssize_t rump_sys_sendmsg(int s, const struct msghdr *msg, int flags)
{
    return rsc_sys_sendmsg(s, (const struct rsc_msghdr *)msg, flags);
}

ssize_t rump_sys_recvmsg(int s, struct msghdr *msg, int flags)
{
    return rsc_sys_recvmsg(s, (struct rsc_msghdr *)msg, flags);
}

int rump_sys_shutdown(int s, int how)
{
    return rsc_sys_shutdown(s, how);
}

int rump_sys_poll(struct pollfd *fds, u_int nfds, int timeout)
{
    return rsc_sys_poll(fds, nfds, timeout);
}

int rump_sys_kqueue(void)
{
    return rsc_sys_kqueue1(0);
}

int rump_sys_kqueue1(int flags)
{
    return rsc_sys_kqueue1(flags);
}

int rump_sys_kevent(int kq, const struct kevent *changes, size_t nchanges, struct kevent *events,
                    size_t nevents, const struct timespec *timeout)
{
    return rsc_sys_kevent(kq, changes, nchanges, events, nevents, timeout);
}

pid_t rump_sys_getpid(void)
{
    return rsc_sys_getpid();
}

int rump_sys_reboot(int opt, char *bootstr)
{
    return rsc_sys_reboot(opt, bootstr);
}
