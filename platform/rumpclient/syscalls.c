/*
 * The rump_sys_* calls a client carries to its server: for each, NetBSD's system call
 * number, its argument words in the order of NetBSD's sys_*_args (one register-sized word
 * each, PAD words included), and what its pointer arguments point to, so that rsc_call can
 * carry the bytes there and back in the shared region. A call not listed here is not
 * linked: the program fails to link instead of passing a pointer the server cannot follow.
 *
 * read, recvfrom and pread return at most one slot's worth (a short count, as NetBSD may);
 * write and pwrite are split into as many calls as it takes; a datagram sendto larger
 * than a slot fails with EMSGSIZE.
 */
#include "client.h"

#include <stdarg.h>

/* NetBSD's system call numbers (sys/kern/syscalls.master of the pinned NetBSD). */
enum {
    SYS_read = 3,
    SYS_write = 4,
    SYS_open = 5,
    SYS_close = 6,
    SYS_unlink = 10,
    SYS_getpid = 20,
    SYS_recvfrom = 29,
    SYS_accept = 30,
    SYS_getpeername = 31,
    SYS_getsockname = 32,
    SYS_sync = 36,
    SYS_dup2 = 90,
    SYS_fcntl = 92,
    SYS_fsync = 95,
    SYS_connect = 98,
    SYS_bind = 104,
    SYS_setsockopt = 105,
    SYS_listen = 106,
    SYS_getsockopt = 118,
    SYS_rename = 128,
    SYS_sendto = 133,
    SYS_shutdown = 134,
    SYS_mkdir = 136,
    SYS_rmdir = 137,
    SYS_pread = 173,
    SYS_pwrite = 174,
    SYS_lseek = 199,
    SYS_ftruncate = 201,
    SYS_reboot = 208,
    SYS_poll = 209,
    SYS_socket = 394,
};

/* fcntl(2) commands with a number for argument (NetBSD's values). */
enum { F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4 };

#define WORD(x)          ((uint64_t)(int64_t)(x))
#define PTR(p)           ((uint64_t)(uintptr_t)(p))
#define NARGS(a)         (sizeof(a) / sizeof((a)[0]))
#define CALL(num, a)     rsc_call(num, a, NARGS(a), 0, 0)
#define CALLB(num, a, b) rsc_call(num, a, NARGS(a), b, NARGS(b))

/* --- Descriptors and files ------------------------------------------------------------------- */

ssize_t rump_sys_read(int fd, void *buf, size_t nbyte)
{
    uint64_t a[] = {WORD(fd), PTR(buf), nbyte};
    const struct rsc_buf b[] = {{1, RSC_OUTRET, nbyte, 2}};
    return CALLB(SYS_read, a, b);
}

ssize_t rump_sys_pread(int fd, void *buf, size_t nbyte, off_t offset)
{
    uint64_t a[] = {WORD(fd), PTR(buf), nbyte, 0, WORD(offset)};
    const struct rsc_buf b[] = {{1, RSC_OUTRET, nbyte, 2}};
    return CALLB(SYS_pread, a, b);
}

/* Writes everything, one slot's worth per call; a short count if a later piece fails. */
static ssize_t write_all(int sysnum, int fd, const void *buf, size_t nbyte, off_t offset)
{
    size_t done = 0;
    do {
        uint64_t a[] = {WORD(fd), PTR((const char *)buf + done), nbyte - done, 0,
                        WORD(offset + (off_t)done)};
        const struct rsc_buf b[] = {{1, RSC_IN, nbyte - done, 2}};
        long n = rsc_call(sysnum, a, sysnum == SYS_pwrite ? 5 : 3, b, 1);
        if (n < 0) {
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)n;
        if (n == 0) {
            break;
        }
    } while (done < nbyte);
    return (ssize_t)done;
}

ssize_t rump_sys_write(int fd, const void *buf, size_t nbyte)
{
    return write_all(SYS_write, fd, buf, nbyte, 0);
}

ssize_t rump_sys_pwrite(int fd, const void *buf, size_t nbyte, off_t offset)
{
    return write_all(SYS_pwrite, fd, buf, nbyte, offset);
}

int rump_sys_open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = va_arg(ap, mode_t);
    va_end(ap);
    uint64_t a[] = {PTR(path), WORD(flags), mode};
    const struct rsc_buf b[] = {{0, RSC_STR, 0, -1}};
    return (int)CALLB(SYS_open, a, b);
}

int rump_sys_close(int fd)
{
    uint64_t a[] = {WORD(fd)};
    return (int)CALL(SYS_close, a);
}

int rump_sys_dup2(int from, int to)
{
    uint64_t a[] = {WORD(from), WORD(to)};
    return (int)CALL(SYS_dup2, a);
}

/* Only the commands whose argument is a number (F_GETFL, F_SETFL, F_GETFD, F_SETFD). */
int rump_sys_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    if (cmd < F_GETFD || cmd > F_SETFL) {
        errno = EOPNOTSUPP;
        return -1;
    }
    uint64_t a[] = {WORD(fd), WORD(cmd), WORD(arg)};
    return (int)CALL(SYS_fcntl, a);
}

int rump_sys_fsync(int fd)
{
    uint64_t a[] = {WORD(fd)};
    return (int)CALL(SYS_fsync, a);
}

void rump_sys_sync(void)
{
    uint64_t a[] = {0};
    rsc_call(SYS_sync, a, 0, 0, 0);
}

off_t rump_sys_lseek(int fd, off_t offset, int whence)
{
    uint64_t a[] = {WORD(fd), 0, WORD(offset), WORD(whence)};
    return (off_t)CALL(SYS_lseek, a);
}

int rump_sys_ftruncate(int fd, off_t length)
{
    uint64_t a[] = {WORD(fd), 0, WORD(length)};
    return (int)CALL(SYS_ftruncate, a);
}

/* --- Names in the file system ---------------------------------------------------------------- */

static int path_call(int sysnum, const char *path, uint64_t second)
{
    uint64_t a[] = {PTR(path), second};
    const struct rsc_buf b[] = {{0, RSC_STR, 0, -1}};
    return (int)CALLB(sysnum, a, b);
}

int rump_sys_unlink(const char *path)
{
    return path_call(SYS_unlink, path, 0);
}

int rump_sys_mkdir(const char *path, mode_t mode)
{
    return path_call(SYS_mkdir, path, mode);
}

int rump_sys_rmdir(const char *path)
{
    return path_call(SYS_rmdir, path, 0);
}

int rump_sys_rename(const char *from, const char *to)
{
    uint64_t a[] = {PTR(from), PTR(to)};
    const struct rsc_buf b[] = {{0, RSC_STR, 0, -1}, {1, RSC_STR, 0, -1}};
    return (int)CALLB(SYS_rename, a, b);
}

/* --- Sockets --------------------------------------------------------------------------------- */

int rump_sys_socket(int domain, int type, int protocol)
{
    uint64_t a[] = {WORD(domain), WORD(type), WORD(protocol)};
    return (int)CALL(SYS_socket, a);
}

static int address_in(int sysnum, int s, const struct sockaddr *name, socklen_t namelen)
{
    uint64_t a[] = {WORD(s), PTR(name), namelen};
    const struct rsc_buf b[] = {{1, RSC_IN, namelen, -1}};
    return (int)CALLB(sysnum, a, b);
}

int rump_sys_bind(int s, const struct sockaddr *name, socklen_t namelen)
{
    return address_in(SYS_bind, s, name, namelen);
}

int rump_sys_connect(int s, const struct sockaddr *name, socklen_t namelen)
{
    return address_in(SYS_connect, s, name, namelen);
}

int rump_sys_listen(int s, int backlog)
{
    uint64_t a[] = {WORD(s), WORD(backlog)};
    return (int)CALL(SYS_listen, a);
}

/* accept, getpeername, getsockname: an address buffer whose length comes and goes in *len. */
static int address_out(int sysnum, int s, struct sockaddr *name, socklen_t *len)
{
    uint64_t a[] = {WORD(s), PTR(name), PTR(len)};
    const struct rsc_buf b[] = {{1, RSC_INOUT, len ? *len : 0, -1},
                                {2, RSC_INOUT, sizeof(*len), -1}};
    return (int)CALLB(sysnum, a, b);
}

int rump_sys_accept(int s, struct sockaddr *name, socklen_t *anamelen)
{
    return address_out(SYS_accept, s, name, anamelen);
}

int rump_sys_getpeername(int s, struct sockaddr *name, socklen_t *len)
{
    return address_out(SYS_getpeername, s, name, len);
}

int rump_sys_getsockname(int s, struct sockaddr *name, socklen_t *len)
{
    return address_out(SYS_getsockname, s, name, len);
}

int rump_sys_setsockopt(int s, int level, int name, const void *val, socklen_t valsize)
{
    uint64_t a[] = {WORD(s), WORD(level), WORD(name), PTR(val), valsize};
    const struct rsc_buf b[] = {{3, RSC_IN, valsize, -1}};
    return (int)CALLB(SYS_setsockopt, a, b);
}

int rump_sys_getsockopt(int s, int level, int name, void *val, socklen_t *avalsize)
{
    uint64_t a[] = {WORD(s), WORD(level), WORD(name), PTR(val), PTR(avalsize)};
    const struct rsc_buf b[] = {{3, RSC_INOUT, avalsize ? *avalsize : 0, -1},
                                {4, RSC_INOUT, sizeof(*avalsize), -1}};
    return (int)CALLB(SYS_getsockopt, a, b);
}

ssize_t rump_sys_sendto(int s, const void *buf, size_t len, int flags, const struct sockaddr *to,
                        socklen_t tolen)
{
    uint64_t a[] = {WORD(s), PTR(buf), len, WORD(flags), PTR(to), tolen};
    const struct rsc_buf b[] = {{4, RSC_IN, tolen, -1}, {1, RSC_IN, len, -1}};
    return CALLB(SYS_sendto, a, b);
}

ssize_t rump_sys_recvfrom(int s, void *buf, size_t len, int flags, struct sockaddr *from,
                          socklen_t *fromlenaddr)
{
    uint64_t a[] = {WORD(s), PTR(buf), len, WORD(flags), PTR(from), PTR(fromlenaddr)};
    const struct rsc_buf b[] = {{4, RSC_INOUT, fromlenaddr ? *fromlenaddr : 0, -1},
                                {5, RSC_INOUT, sizeof(*fromlenaddr), -1},
                                {1, RSC_OUTRET, len, 2}};
    return CALLB(SYS_recvfrom, a, b);
}

int rump_sys_shutdown(int s, int how)
{
    uint64_t a[] = {WORD(s), WORD(how)};
    return (int)CALL(SYS_shutdown, a);
}

int rump_sys_poll(struct pollfd *fds, u_int nfds, int timeout)
{
    uint64_t a[] = {PTR(fds), nfds, WORD(timeout)};
    const struct rsc_buf b[] = {{0, RSC_INOUT, nfds * sizeof(*fds), -1}};
    return (int)CALLB(SYS_poll, a, b);
}

/* --- Processes ------------------------------------------------------------------------------- */

pid_t rump_sys_getpid(void)
{
    uint64_t a[] = {0};
    return (pid_t)rsc_call(SYS_getpid, a, 0, 0, 0);
}

/* Servers refuse it (EPERM): one client may not halt a kernel others use. */
int rump_sys_reboot(int opt, char *bootstr)
{
    uint64_t a[] = {WORD(opt), PTR(bootstr)};
    const struct rsc_buf b[] = {{1, RSC_STR, 0, -1}};
    return (int)CALLB(SYS_reboot, a, b);
}
