/*
 * The client library of remote system calls in plain C types: the connection
 * (rumpclient_*) and the calls (rsc_sys_*), each NetBSD's call of that name run on the
 * server. Two kinds of program use it, so it names no header of either's:
 *   - a unikernel without a rump kernel (bake link --rump-client) calls rump_sys_*, which
 *     rumpclient.h declares with NetBSD's types and rump_sys.c maps onto these;
 *   - a POSIX program whose internet sockets are remote (bake link --remote-sockets) has a
 *     rump kernel of its own, which defines rump_sys_* itself; its libc's socket calls reach
 *     these through platform/posix/remote*.c.
 *
 * Types: ssize_t is long, off_t int64_t, mode_t and socklen_t uint32_t, pid_t int. The
 * structures are NetBSD's (amd64 layout) and travel by pointer; the sizes the library needs
 * to copy them are below, and rump_sys.c and platform/posix check them against NetBSD's
 * headers. Calls return what NetBSD's do, or -1 with errno (NetBSD's numbers) set;
 * ECONNRESET once the server stopped (rumpclient_reconnect).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct sockaddr;
struct pollfd;
struct stat;
struct kevent;
struct timespec;

/* NetBSD's amd64 sizes of the structures the calls copy. */
#define RSC_POLLFD_SIZE   8
#define RSC_STAT_SIZE     152
#define RSC_KEVENT_SIZE   40
#define RSC_SIGSET_SIZE   16
#define RSC_TIMESPEC_SIZE 16

/* NetBSD's struct iovec and struct msghdr (amd64). */
struct rsc_iovec {
    void *base;
    size_t len;
};

struct rsc_msghdr {
    void *name;
    uint32_t namelen;
    struct rsc_iovec *iov;
    int iovlen;
    void *control;
    uint32_t controllen;
    int flags;
};

/*
 * Connects to the server: the unikernel named by RUMP_SERVER in the environment, or else
 * the one server this unikernel has a channel to. While that server has not started yet,
 * it waits (at most RUMPCLIENT_WAIT seconds, default 60). Returns 0 or an errno: ENOENT
 * (no such channel), ECONNREFUSED (the server ended for good), ETIMEDOUT. The first call
 * connects by itself if the program did not.
 */
int rumpclient_init(void);

/*
 * After a call failed with ECONNRESET (the server stopped: crashed or restarted, and with
 * it every descriptor this client had there), every call fails the same way until the
 * program connects again with this: it waits for the server to run again and begins a new
 * session (a new process, no descriptors). Returns as rumpclient_init.
 */
int rumpclient_reconnect(void);

/* The server's pid for this client's process and its banner ("NetBSD 7.99.34 amd64"). */
int rumpclient_pid(void);
const char *rumpclient_banner(void);

/* Bytes one call can carry (a read returns at most this much, a write is split). */
size_t rumpclient_capacity(void);

/* --- The calls (README.md of platform/rumpclient lists their limits) ---------------------- */

long rsc_sys_read(int fd, void *buf, size_t nbyte);
long rsc_sys_write(int fd, const void *buf, size_t nbyte);
long rsc_sys_readv(int fd, const struct rsc_iovec *iov, int iovcnt);
long rsc_sys_writev(int fd, const struct rsc_iovec *iov, int iovcnt);
long rsc_sys_pread(int fd, void *buf, size_t nbyte, int64_t offset);
long rsc_sys_pwrite(int fd, const void *buf, size_t nbyte, int64_t offset);
int rsc_sys_open(const char *path, int flags, uint32_t mode);
int rsc_sys_close(int fd);
int rsc_sys_dup(int fd);
int rsc_sys_dup2(int from, int to);
int rsc_sys_fcntl(int fd, int cmd, long arg);
int rsc_sys_ioctl(int fd, unsigned long cmd, void *arg);
int rsc_sys_fstat(int fd, struct stat *sb);
int rsc_sys_fsync(int fd);
void rsc_sys_sync(void);
int64_t rsc_sys_lseek(int fd, int64_t offset, int whence);
int rsc_sys_ftruncate(int fd, int64_t length);
int rsc_sys_pipe2(int *fds, int flags);

int rsc_sys_unlink(const char *path);
int rsc_sys_mkdir(const char *path, uint32_t mode);
int rsc_sys_rmdir(const char *path);
int rsc_sys_rename(const char *from, const char *to);

int rsc_sys_socket(int domain, int type, int protocol);
int rsc_sys_socketpair(int domain, int type, int protocol, int *sv);
int rsc_sys_bind(int s, const struct sockaddr *name, uint32_t namelen);
int rsc_sys_connect(int s, const struct sockaddr *name, uint32_t namelen);
int rsc_sys_listen(int s, int backlog);
int rsc_sys_accept(int s, struct sockaddr *name, uint32_t *namelen);
int rsc_sys_paccept(int s, struct sockaddr *name, uint32_t *namelen, const void *sigmask,
                    int flags);
int rsc_sys_getpeername(int s, struct sockaddr *name, uint32_t *namelen);
int rsc_sys_getsockname(int s, struct sockaddr *name, uint32_t *namelen);
int rsc_sys_setsockopt(int s, int level, int name, const void *val, uint32_t valsize);
int rsc_sys_getsockopt(int s, int level, int name, void *val, uint32_t *valsize);
long rsc_sys_sendto(int s, const void *buf, size_t len, int flags, const struct sockaddr *to,
                    uint32_t tolen);
long rsc_sys_recvfrom(int s, void *buf, size_t len, int flags, struct sockaddr *from,
                      uint32_t *fromlen);
long rsc_sys_sendmsg(int s, const struct rsc_msghdr *msg, int flags);
long rsc_sys_recvmsg(int s, struct rsc_msghdr *msg, int flags);
int rsc_sys_shutdown(int s, int how);

int rsc_sys_poll(struct pollfd *fds, unsigned nfds, int timeout);
int rsc_sys_kqueue1(int flags);
int rsc_sys_kevent(int kq, const struct kevent *changes, size_t nchanges, struct kevent *events,
                   size_t nevents, const struct timespec *timeout);

int rsc_sys_getpid(void);
int rsc_sys_reboot(int opt, char *bootstr);
