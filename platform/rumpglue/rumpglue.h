/*
 * NetBSD's system call interface for programs on the platform: what an application linked
 * with a rump kernel and the NetBSD glue (platform/rumpglue) includes.
 *
 * The rump kernel's public headers ($RUMP_SYSROOT/include/rump/) declare rump_sys_*,
 * rump_pub_* and the RUMP_-prefixed constants (RUMP_O_CREAT, RUMP_AF_INET, RUMP_MOUNT_TMPFS,
 * ...), but leave the types of their prototypes (off_t, mode_t, socklen_t, ...) and the
 * structures the calls take to the host's headers. There is no NetBSD userland here, so
 * this header supplies them with NetBSD's amd64 sizes and layouts, which is what the rump
 * kernel reads and writes.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <time.h> /* struct timespec and clockid_t: the same layout as NetBSD's on amd64 */

/* --- The types the rump headers name (NetBSD amd64) ---------------------------------------- */

typedef long ssize_t;
typedef int64_t off_t;
typedef uint32_t mode_t;
typedef uint32_t uid_t;
typedef uint32_t gid_t;
typedef int32_t pid_t;
typedef uint64_t dev_t;
typedef uint64_t ino_t;
typedef unsigned int socklen_t;
typedef int timer_t;
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
typedef unsigned long u_long;
typedef struct {
    uint32_t fds_bits[8];
} fd_set;
typedef struct {
    uint32_t __bits[4];
} sigset_t;

/* Not a POSIX host: the rump headers then include nothing of the host and name their
 * symbols with __RENAME themselves. */
#define RUMP_HOST_NOT_POSIX
#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/netconfig.h>

/* --- Structures of NetBSD's system calls --------------------------------------------------- */

struct in_addr {
    uint32_t s_addr; /* network byte order */
};

struct sockaddr {
    uint8_t sa_len;
    uint8_t sa_family;
    char sa_data[14];
};

struct sockaddr_in {
    uint8_t sin_len; /* sizeof(struct sockaddr_in) */
    uint8_t sin_family;
    uint16_t sin_port; /* network byte order */
    struct in_addr sin_addr;
    int8_t sin_zero[8];
};

struct timeval {
    int64_t tv_sec;
    int32_t tv_usec; /* NetBSD's suseconds_t */
};

struct pollfd {
    int fd;
    short events;
    short revents;
};

#define RUMP_POLLIN  0x0001
#define RUMP_POLLOUT 0x0004

/* statvfs1(2), getvfsstat(2): a mounted file system (flags RUMP_MNT_WAIT or _NOWAIT). */
struct statvfs {
    unsigned long f_flag, f_bsize, f_frsize, f_iosize;
    uint64_t f_blocks, f_bfree, f_bavail, f_bresvd; /* in f_frsize units */
    uint64_t f_files, f_ffree, f_favail, f_fresvd;
    uint64_t f_syncreads, f_syncwrites, f_asyncreads, f_asyncwrites;
    int32_t f_fsidx[2];
    unsigned long f_fsid, f_namemax;
    uid_t f_owner;
    uint32_t f_spare[4];
    char f_fstypename[32];
    char f_mntonname[1024];
    char f_mntfromname[1024];
};

/* mount(2) data of tmpfs (RUMP_MOUNT_TMPFS); version RUMP_TMPFS_ARGS_VERSION. */
#define RUMP_TMPFS_ARGS_VERSION 1
struct rump_tmpfs_args {
    int ta_version;
    ino_t ta_nodes_max; /* 0: the default */
    off_t ta_size_max;  /* 0: the default */
    uid_t ta_root_uid;
    gid_t ta_root_gid;
    mode_t ta_root_mode;
};
/* ext2fs and ffs (RUMP_MOUNT_EXT2FS, RUMP_MOUNT_FFS) take struct rump_ufs_args (rumpdefs.h). */

/* NetBSD's amd64 sizes, so a mistake in the layouts above cannot go unnoticed. */
_Static_assert(sizeof(struct sockaddr_in) == 16, "struct sockaddr_in");
_Static_assert(sizeof(struct timeval) == 16, "struct timeval");
_Static_assert(sizeof(struct timespec) == 16, "struct timespec");
_Static_assert(sizeof(struct statvfs) == 2256, "struct statvfs");
_Static_assert(sizeof(struct rump_tmpfs_args) == 40, "struct tmpfs_args");

#define RUMP_INADDR_ANY      0x00000000u
#define RUMP_INADDR_LOOPBACK 0x7f000001u

/* Byte order of the network (x86 is little-endian). */
static inline uint16_t rump_htons(uint16_t v)
{
    return __builtin_bswap16(v);
}

static inline uint32_t rump_htonl(uint32_t v)
{
    return __builtin_bswap32(v);
}

#define rump_ntohs rump_htons
#define rump_ntohl rump_htonl

/* A TCP socket listening on every address at port (SO_REUSEADDR); -1 with errno if not. */
static inline int rump_tcp_listen(unsigned port, int backlog)
{
    int s = rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in sin = {
        .sin_len = sizeof(sin),
        .sin_family = RUMP_AF_INET,
        .sin_port = rump_htons((uint16_t)port),
        .sin_addr = {rump_htonl(RUMP_INADDR_ANY)},
    };
    if (s < 0 ||
        rump_sys_setsockopt(s, RUMP_SOL_SOCKET, RUMP_SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        rump_sys_bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
        rump_sys_listen(s, backlog) < 0) {
        return -1;
    }
    return s;
}

/*
 * For a server (apps/netserver, apps/fsserver): serves NetBSD's system calls to every
 * unikernel with a channel to this one (rump_init_server("channel:"), a process each in
 * this rump kernel, platform/rumpuser/sp.c) until all of them have ended for good, then
 * returns 0 (an errno if serving could not start). `name` prefixes its messages. With
 * RUMPSP_REPORT=N in the environment it prints the server's counters after every N ended
 * sessions, and always once at the end.
 */
int rumpglue_serve(const char *name);

/*
 * What the glue does for the program: before main it has booted the rump kernel, mounted
 * tmpfs on /tmp and configured the network interfaces the environment names (see
 * platform/rumpglue/README.md); when main returns or the program calls exit(), it halts
 * the rump kernel (sync, unmount every file system) and the unikernel ends with the
 * program's status. Nothing to call.
 */
