/*
 * The NetBSD glue's test guest: a program like any application on a rump kernel (the glue
 * has booted the kernel, mounted tmpfs and will halt it when main returns), checking what
 * its command line names, in order:
 *
 *   tmpfs                 /tmp is a tmpfs; a file written there reads back
 *   loopback              TCP over lo0: connect, accept and echo inside this unikernel
 *   ext2 DEV TEXT         mounts the ext2 file system on DEV at /mnt; /mnt/host.txt (put
 *                         there by the host) must hold TEXT; writes /mnt/guest.txt, unmounts;
 *                         mounts again and writes /mnt/atexit.txt without unmounting, which
 *                         the glue's halt must sync and unmount
 *   status N              end with status N when every check passed
 *
 * One line per check, then "N passed, N failed"; main returns 1 if any check failed.
 */
#include "nbcheck.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOPBACK_PORT 7777

static void statvfs_is(const char *path, const char *fstype)
{
    static struct statvfs st;
    char what[96];
    int r = rump_sys_statvfs1(path, &st, RUMP_MNT_WAIT);
    snprintf(what, sizeof(what), "%s is a mounted %s", path, fstype);
    check(r == 0 && !strcmp(st.f_fstypename, fstype) && !strcmp(st.f_mntonname, path), what, r);
}

static void tmpfs(void)
{
    statvfs_is("/tmp", "tmpfs");
    check_file_round_trip("/tmp/roundtrip", 100000);
}

static int stream_socket(void)
{
    return rump_sys_socket(RUMP_AF_INET, RUMP_SOCK_STREAM, 0);
}

/*
 * One thread plays both ends: connect completes through the listen queue before accept
 * (the handshake runs in the rump kernel's soft interrupt threads), and the messages are
 * small enough for the socket buffers.
 */
static void loopback(void)
{
    static const char msg[] = "over lo0 and back";
    char buf[sizeof(msg)] = {0}, back[sizeof(msg)] = {0};
    struct sockaddr_in a = {
        .sin_len = sizeof(a),
        .sin_family = RUMP_AF_INET,
        .sin_port = rump_htons(LOOPBACK_PORT),
        .sin_addr = {rump_htonl(RUMP_INADDR_LOOPBACK)},
    };
    int l = stream_socket(), c = stream_socket();
    int r = rump_sys_bind(l, (struct sockaddr *)&a, sizeof(a));
    check(l >= 0 && r == 0 && rump_sys_listen(l, 1) == 0, "listen on 127.0.0.1:7777", r);
    r = rump_sys_connect(c, (struct sockaddr *)&a, sizeof(a));
    check(c >= 0 && r == 0, "connect to 127.0.0.1:7777", r);
    check(rump_sys_write(c, msg, sizeof(msg)) == sizeof(msg), "client sends", 0);
    int s = rump_sys_accept(l, 0, 0);
    check(s >= 0, "accept", s);
    ssize_t n = rump_sys_read(s, buf, sizeof(buf));
    check(n == sizeof(msg) && !memcmp(buf, msg, sizeof(msg)), "server receives", n);
    check(rump_sys_write(s, buf, (size_t)n) == n, "server echoes", 0);
    n = rump_sys_read(c, back, sizeof(back));
    check(n == sizeof(msg) && !memcmp(back, msg, sizeof(msg)), "client receives the echo", n);
    rump_sys_close(s);
    n = rump_sys_read(c, back, sizeof(back));
    check(n == 0, "client sees the server close", n);
    rump_sys_close(c);
    rump_sys_close(l);
}

static void mount_ext2(const char *dev)
{
    struct rump_ufs_args args = {.fspec = (char *)dev};
    char what[96];
    int r = rump_sys_mount(RUMP_MOUNT_EXT2FS, "/mnt", 0, &args, sizeof(args));
    snprintf(what, sizeof(what), "mount %s (ext2fs) on /mnt", dev);
    check(r == 0, what, r);
}

static void write_file(const char *path, const char *text)
{
    char what[96];
    int fd = rump_sys_open(path, RUMP_O_WRONLY | RUMP_O_CREAT | RUMP_O_TRUNC, 0644);
    ssize_t n = fd >= 0 ? rump_sys_write(fd, text, strlen(text)) : -1;
    snprintf(what, sizeof(what), "write %s", path);
    check(n == (ssize_t)strlen(text) && rump_sys_close(fd) == 0, what, n);
}

static void ext2(const char *dev, const char *expected)
{
    static char buf[512];
    check(rump_sys_mkdir("/mnt", 0755) == 0, "mkdir /mnt", 0);
    mount_ext2(dev);
    statvfs_is("/mnt", "ext2fs");
    int fd = rump_sys_open("/mnt/host.txt", RUMP_O_RDONLY);
    ssize_t n = fd >= 0 ? rump_sys_read(fd, buf, sizeof(buf) - 1) : -1;
    rump_sys_close(fd);
    buf[n > 0 ? n : 0] = 0;
    check(n == (ssize_t)strlen(expected) && !strcmp(buf, expected),
          "read /mnt/host.txt: the host's text", n);
    write_file("/mnt/guest.txt", "written by NetBSD's ext2fs in a unikernel\n");
    int r = rump_sys_unmount("/mnt", 0);
    check(r == 0, "unmount /mnt", r);
    mount_ext2(dev);
    write_file("/mnt/atexit.txt", "left for the halt to sync\n");
}

static void usage(void)
{
    printf("usage: nbtest [tmpfs] [loopback] [ext2 DEVICE TEXT] [status N]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int status = 0;
    check(rump_sys_getpid() > 0, "the glue booted the rump kernel before main", 0);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "tmpfs")) {
            tmpfs();
        } else if (!strcmp(argv[i], "loopback")) {
            loopback();
        } else if (!strcmp(argv[i], "ext2") && i + 2 < argc) {
            ext2(argv[i + 1], argv[i + 2]);
            i += 2;
        } else if (!strcmp(argv[i], "status") && i + 1 < argc) {
            status = atoi(argv[++i]);
        } else {
            usage();
        }
    }
    return check_summary() ? 1 : status;
}
