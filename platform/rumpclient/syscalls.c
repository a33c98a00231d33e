/*
 * The rsc_sys_* calls a client carries to its server: for each, NetBSD's system call
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
    SYS_dup = 41,
    SYS_ioctl = 54,
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
    SYS_socketpair = 135,
    SYS_mkdir = 136,
    SYS_rmdir = 137,
    SYS_pread = 173,
    SYS_pwrite = 174,
    SYS_lseek = 199,
    SYS_ftruncate = 201,
    SYS_reboot = 208,
    SYS_poll = 209,
    SYS_socket = 394, /* __socket30 */
    SYS_kevent = 435, /* __kevent50 */
    SYS_fstat = 440,  /* __fstat50 */
    SYS_pipe2 = 453,
    SYS_kqueue1 = 455,
    SYS_paccept = 456,
};

/* fcntl(2) commands with a number for argument (NetBSD's values). */
enum { F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4 };

#define WORD(x)          ((uint64_t)(int64_t)(x))
#define PTR(p)           ((uint64_t)(uintptr_t)(p))
#define NARGS(a)         (sizeof(a) / sizeof((a)[0]))
#define CALL(num, a)     rsc_call(num, a, NARGS(a), 0, 0)
#define CALLB(num, a, b) rsc_call(num, a, NARGS(a), b, NARGS(b))

/* --- Descriptors and files ------------------------------------------------------------------- */

long rsc_sys_read(int fd, void *buf, size_t nbyte)
{
    uint64_t a[] = {WORD(fd), PTR(buf), nbyte};
    const struct rsc_buf b[] = {{1, RSC_OUTRET, nbyte, 2, 0}};
    return CALLB(SYS_read, a, b);
}

long rsc_sys_pread(int fd, void *buf, size_t nbyte, int64_t offset)
{
    uint64_t a[] = {WORD(fd), PTR(buf), nbyte, 0, WORD(offset)};
    const struct rsc_buf b[] = {{1, RSC_OUTRET, nbyte, 2, 0}};
    return CALLB(SYS_pread, a, b);
}

/* Writes everything, one slot's worth per call; a short count if a later piece fails. */
static long write_all(int sysnum, int fd, const void *buf, size_t nbyte, int64_t offset)
{
    size_t done = 0;
    do {
        uint64_t a[] = {WORD(fd), PTR((const char *)buf + done), nbyte - done, 0,
                        WORD(offset + (int64_t)done)};
        const struct rsc_buf b[] = {{1, RSC_IN, nbyte - done, 2, 0}};
        long n = rsc_call(sysnum, a, sysnum == SYS_pwrite ? 5 : 3, b, 1);
        if (n < 0) {
            return done ? (long)done : -1;
        }
        done += (size_t)n;
        if (n == 0) {
            break;
        }
    } while (done < nbyte);
    return (long)done;
}

long rsc_sys_write(int fd, const void *buf, size_t nbyte)
{
    return write_all(SYS_write, fd, buf, nbyte, 0);
}

long rsc_sys_pwrite(int fd, const void *buf, size_t nbyte, int64_t offset)
{
    return write_all(SYS_pwrite, fd, buf, nbyte, offset);
}

int rsc_sys_open(const char *path, int flags, uint32_t mode)
{
    uint64_t a[] = {PTR(path), WORD(flags), mode};
    const struct rsc_buf b[] = {{0, RSC_STR, 0, -1, 0}};
    return (int)CALLB(SYS_open, a, b);
}

int rsc_sys_close(int fd)
{
    uint64_t a[] = {WORD(fd)};
    return (int)CALL(SYS_close, a);
}

int rsc_sys_dup2(int from, int to)
{
    uint64_t a[] = {WORD(from), WORD(to)};
    return (int)CALL(SYS_dup2, a);
}

/* Only the commands whose argument is a number (F_GETFL, F_SETFL, F_GETFD, F_SETFD). */
int rsc_sys_fcntl(int fd, int cmd, long arg)
{
    if (cmd < F_GETFD || cmd > F_SETFL) {
        errno = EOPNOTSUPP;
        return -1;
    }
    uint64_t a[] = {WORD(fd), WORD(cmd), WORD(arg)};
    return (int)CALL(SYS_fcntl, a);
}

int rsc_sys_dup(int fd)
{
    uint64_t a[] = {WORD(fd)};
    return (int)CALL(SYS_dup, a);
}

/*
 * NetBSD's ioctl command says how many bytes its argument has and which way they go
 * (sys/ioccom.h): so many travel in, out or both; a command without them passes its
 * argument as a number.
 */
#define IOC_VOID     0x20000000ul
#define IOC_OUT      0x40000000ul
#define IOC_IN       0x80000000ul
#define IOC_LEN(cmd) (((cmd) >> 16) & 0x1fff)

int rsc_sys_ioctl(int fd, unsigned long cmd, void *arg)
{
    uint64_t a[] = {WORD(fd), cmd, PTR(arg)};
    const struct rsc_buf b[] = {{2, RSC_INOUT, IOC_LEN(cmd), -1, 0}};
    if ((cmd & (IOC_IN | IOC_OUT)) && IOC_LEN(cmd)) {
        return (int)CALLB(SYS_ioctl, a, b);
    }
    return (int)CALL(SYS_ioctl, a);
}

int rsc_sys_fstat(int fd, struct stat *sb)
{
    uint64_t a[] = {WORD(fd), PTR(sb)};
    const struct rsc_buf b[] = {{1, RSC_INOUT, RSC_STAT_SIZE, -1, 0}};
    return (int)CALLB(SYS_fstat, a, b);
}

/* Two descriptors of the server's, in fds[0] and fds[1] (pipe2 and socketpair). */
static int pair_call(int sysnum, uint64_t *a, unsigned nargs, unsigned fds_arg)
{
    const struct rsc_buf b[] = {{(int)fds_arg, RSC_INOUT, 2 * sizeof(int), -1, 0}};
    return (int)rsc_call(sysnum, a, nargs, b, 1);
}

int rsc_sys_pipe2(int *fds, int flags)
{
    uint64_t a[] = {PTR(fds), WORD(flags)};
    return pair_call(SYS_pipe2, a, NARGS(a), 0);
}

int rsc_sys_fsync(int fd)
{
    uint64_t a[] = {WORD(fd)};
    return (int)CALL(SYS_fsync, a);
}

void rsc_sys_sync(void)
{
    uint64_t a[] = {0};
    rsc_call(SYS_sync, a, 0, 0, 0);
}

int64_t rsc_sys_lseek(int fd, int64_t offset, int whence)
{
    uint64_t a[] = {WORD(fd), 0, WORD(offset), WORD(whence)};
    return (int64_t)CALL(SYS_lseek, a);
}

int rsc_sys_ftruncate(int fd, int64_t length)
{
    uint64_t a[] = {WORD(fd), 0, WORD(length)};
    return (int)CALL(SYS_ftruncate, a);
}

/* --- Names in the file system ---------------------------------------------------------------- */

static int path_call(int sysnum, const char *path, uint64_t second)
{
    uint64_t a[] = {PTR(path), second};
    const struct rsc_buf b[] = {{0, RSC_STR, 0, -1, 0}};
    return (int)CALLB(sysnum, a, b);
}

int rsc_sys_unlink(const char *path)
{
    return path_call(SYS_unlink, path, 0);
}

int rsc_sys_mkdir(const char *path, uint32_t mode)
{
    return path_call(SYS_mkdir, path, mode);
}

int rsc_sys_rmdir(const char *path)
{
    return path_call(SYS_rmdir, path, 0);
}

int rsc_sys_rename(const char *from, const char *to)
{
    uint64_t a[] = {PTR(from), PTR(to)};
    const struct rsc_buf b[] = {{0, RSC_STR, 0, -1, 0}, {1, RSC_STR, 0, -1, 0}};
    return (int)CALLB(SYS_rename, a, b);
}

/* --- Sockets --------------------------------------------------------------------------------- */

int rsc_sys_socket(int domain, int type, int protocol)
{
    uint64_t a[] = {WORD(domain), WORD(type), WORD(protocol)};
    return (int)CALL(SYS_socket, a);
}

static int address_in(int sysnum, int s, const struct sockaddr *name, uint32_t namelen)
{
    uint64_t a[] = {WORD(s), PTR(name), namelen};
    const struct rsc_buf b[] = {{1, RSC_IN, namelen, -1, 0}};
    return (int)CALLB(sysnum, a, b);
}

int rsc_sys_bind(int s, const struct sockaddr *name, uint32_t namelen)
{
    return address_in(SYS_bind, s, name, namelen);
}

int rsc_sys_connect(int s, const struct sockaddr *name, uint32_t namelen)
{
    return address_in(SYS_connect, s, name, namelen);
}

int rsc_sys_listen(int s, int backlog)
{
    uint64_t a[] = {WORD(s), WORD(backlog)};
    return (int)CALL(SYS_listen, a);
}

/* accept, getpeername, getsockname: an address buffer whose length comes and goes in *len. */
static int address_out(int sysnum, int s, struct sockaddr *name, uint32_t *len)
{
    uint64_t a[] = {WORD(s), PTR(name), PTR(len)};
    const struct rsc_buf b[] = {{1, RSC_INOUT, len ? *len : 0, -1, 0},
                                {2, RSC_INOUT, sizeof(*len), -1, 0}};
    return (int)CALLB(sysnum, a, b);
}

int rsc_sys_accept(int s, struct sockaddr *name, uint32_t *anamelen)
{
    return address_out(SYS_accept, s, name, anamelen);
}

int rsc_sys_getpeername(int s, struct sockaddr *name, uint32_t *len)
{
    return address_out(SYS_getpeername, s, name, len);
}

int rsc_sys_getsockname(int s, struct sockaddr *name, uint32_t *len)
{
    return address_out(SYS_getsockname, s, name, len);
}

int rsc_sys_setsockopt(int s, int level, int name, const void *val, uint32_t valsize)
{
    uint64_t a[] = {WORD(s), WORD(level), WORD(name), PTR(val), valsize};
    const struct rsc_buf b[] = {{3, RSC_IN, valsize, -1, 0}};
    return (int)CALLB(SYS_setsockopt, a, b);
}

int rsc_sys_getsockopt(int s, int level, int name, void *val, uint32_t *avalsize)
{
    uint64_t a[] = {WORD(s), WORD(level), WORD(name), PTR(val), PTR(avalsize)};
    const struct rsc_buf b[] = {{3, RSC_INOUT, avalsize ? *avalsize : 0, -1, 0},
                                {4, RSC_INOUT, sizeof(*avalsize), -1, 0}};
    return (int)CALLB(SYS_getsockopt, a, b);
}

/* SOCK_STREAM: its bytes may travel in several calls (SOL_SOCKET, SO_TYPE: NetBSD's). */
static bool is_stream(int s)
{
    int type = 0;
    uint32_t len = sizeof(type);
    return rsc_sys_getsockopt(s, 0xffff, 0x1008, &type, &len) == 0 && type == 1;
}

/*
 * A datagram larger than one call carries fails with EMSGSIZE; a stream's bytes are sent
 * one call's worth at a time (a short count if a later piece fails), as write does.
 */
long rsc_sys_sendto(int s, const void *buf, size_t len, int flags, const struct sockaddr *to,
                    uint32_t tolen)
{
    uint64_t a[] = {WORD(s), PTR(buf), len, WORD(flags), PTR(to), tolen};
    const struct rsc_buf b[] = {{4, RSC_IN, tolen, -1, 0}, {1, RSC_IN, len, -1, 0}};
    size_t capacity = rumpclient_capacity(), address = ((size_t)tolen + 15) & ~(size_t)15;
    size_t piece = capacity > address ? capacity - address : 0; /* the address goes first */
    if (len <= piece || piece == 0 || !is_stream(s)) {
        return CALLB(SYS_sendto, a, b);
    }
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < piece ? len - done : piece;
        long sent = rsc_sys_sendto(s, (const char *)buf + done, n, flags, to, tolen);
        if (sent < 0) {
            return done ? (long)done : -1;
        }
        done += (size_t)sent;
        if ((size_t)sent < n) {
            break;
        }
    }
    return (long)done;
}

long rsc_sys_recvfrom(int s, void *buf, size_t len, int flags, struct sockaddr *from,
                      uint32_t *fromlenaddr)
{
    uint64_t a[] = {WORD(s), PTR(buf), len, WORD(flags), PTR(from), PTR(fromlenaddr)};
    const struct rsc_buf b[] = {{4, RSC_INOUT, fromlenaddr ? *fromlenaddr : 0, -1, 0},
                                {5, RSC_INOUT, sizeof(*fromlenaddr), -1, 0},
                                {1, RSC_OUTRET, len, 2, 0}};
    return CALLB(SYS_recvfrom, a, b);
}

int rsc_sys_paccept(int s, struct sockaddr *name, uint32_t *anamelen, const void *sigmask,
                    int flags)
{
    uint64_t a[] = {WORD(s), PTR(name), PTR(anamelen), PTR(sigmask), WORD(flags)};
    const struct rsc_buf b[] = {{1, RSC_INOUT, anamelen ? *anamelen : 0, -1, 0},
                                {2, RSC_INOUT, sizeof(*anamelen), -1, 0},
                                {3, RSC_IN, RSC_SIGSET_SIZE, -1, 0}};
    return (int)CALLB(SYS_paccept, a, b);
}

int rsc_sys_socketpair(int domain, int type, int protocol, int *sv)
{
    uint64_t a[] = {WORD(domain), WORD(type), WORD(protocol), PTR(sv)};
    return pair_call(SYS_socketpair, a, NARGS(a), 3);
}

int rsc_sys_shutdown(int s, int how)
{
    uint64_t a[] = {WORD(s), WORD(how)};
    return (int)CALL(SYS_shutdown, a);
}

int rsc_sys_poll(struct pollfd *fds, unsigned nfds, int timeout)
{
    uint64_t a[] = {PTR(fds), nfds, WORD(timeout)};
    const struct rsc_buf b[] = {{0, RSC_INOUT, nfds * RSC_POLLFD_SIZE, -1, 0}};
    return (int)CALLB(SYS_poll, a, b);
}

/* --- Event queues --------------------------------------------------------------------------- */

int rsc_sys_kqueue1(int flags)
{
    uint64_t a[] = {WORD(flags)};
    return (int)CALL(SYS_kqueue1, a);
}

/* At most as many events come back as one call carries. */
int rsc_sys_kevent(int kq, const struct kevent *changes, size_t nchanges, struct kevent *events,
                   size_t nevents, const struct timespec *timeout)
{
    uint64_t a[] = {WORD(kq), PTR(changes), nchanges, PTR(events), nevents, PTR(timeout)};
    const struct rsc_buf b[] = {{1, RSC_IN, nchanges * RSC_KEVENT_SIZE, -1, 0},
                                {5, RSC_IN, RSC_TIMESPEC_SIZE, -1, 0},
                                {3, RSC_OUTRET, nevents * RSC_KEVENT_SIZE, 4, RSC_KEVENT_SIZE}};
    return (int)CALLB(SYS_kevent, a, b);
}

/* --- Processes ------------------------------------------------------------------------------- */

int rsc_sys_getpid(void)
{
    uint64_t a[] = {0};
    return (int)rsc_call(SYS_getpid, a, 0, 0, 0);
}

/* Servers refuse it (EPERM): one client may not halt a kernel others use. */
int rsc_sys_reboot(int opt, char *bootstr)
{
    uint64_t a[] = {WORD(opt), PTR(bootstr)};
    const struct rsc_buf b[] = {{1, RSC_STR, 0, -1, 0}};
    return (int)CALLB(SYS_reboot, a, b);
}
