/*
 * /etc: the few files NetBSD's libc reads to answer getpwnam, getgrnam, getaddrinfo,
 * getservbyname and getprotobyname, written at start-up on the rump kernel's root file
 * system. The user database has root, daemon and nobody; NetBSD's getpwnam reads it only
 * from the hashed databases pwd_mkdb would make (spwd.db for root, pwd.db for others),
 * so this writes those with libc's own db(3) in pwd_mkdb's record format. hosts names
 * localhost and the unikernel's host name; resolv.conf lists the description's name
 * servers (config.c adds them). A tree baked into the image may replace any of them.
 */
#include "posix.h"

#include <sys/stat.h>
#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct user {
    const char *name, *gecos, *dir, *shell;
    uid_t uid;
    gid_t gid;
};

static const struct user users[] = {
    {"root", "Charlie &", "/root", "/bin/sh", 0, 0},
    {"daemon", "The devil himself", "/", "/sbin/nologin", 1, 1},
    {"nobody", "Unprivileged user", "/nonexistent", "/sbin/nologin", 32767, 39},
};

static const char group_file[] = "wheel:*:0:root\n"
                                 "daemon:*:1:daemon\n"
                                 "tty:*:4:\n"
                                 "staff:*:20:root\n"
                                 "nogroup:*:39:\n"
                                 "nobody:*:32766:\n"
                                 "users:*:100:\n";

static const char services_file[] = "echo\t\t7/tcp\n"
                                    "echo\t\t7/udp\n"
                                    "discard\t\t9/tcp\n"
                                    "ftp\t\t21/tcp\n"
                                    "ssh\t\t22/tcp\n"
                                    "telnet\t\t23/tcp\n"
                                    "smtp\t\t25/tcp\n"
                                    "domain\t\t53/tcp\n"
                                    "domain\t\t53/udp\n"
                                    "bootps\t\t67/udp\n"
                                    "bootpc\t\t68/udp\n"
                                    "http\t\t80/tcp\t\twww\n"
                                    "ntp\t\t123/udp\n"
                                    "https\t\t443/tcp\n"
                                    "iperf\t\t5001/tcp\n"
                                    "iperf3\t\t5201/tcp\n"
                                    "redis\t\t6379/tcp\n"
                                    "http-alt\t8080/tcp\n";

static const char protocols_file[] = "ip\t0\tIP\n"
                                     "icmp\t1\tICMP\n"
                                     "tcp\t6\tTCP\n"
                                     "udp\t17\tUDP\n"
                                     "ipv6\t41\tIPv6\n"
                                     "ipv6-icmp\t58\tIPv6-ICMP\n";

static const char nsswitch_file[] = "group:\t\tfiles\n"
                                    "hosts:\t\tfiles dns\n"
                                    "networks:\tfiles\n"
                                    "passwd:\t\tfiles\n"
                                    "protocols:\tfiles\n"
                                    "services:\tfiles\n";

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    size_t len = strlen(text);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) != 0) {
        posix_fail("cannot write %s (error %d)", path, errno);
    }
}

/* One record as pwd_mkdb stores it: strings NUL-terminated, numbers in host order. */
static size_t pack_user(char *buf, const struct user *u)
{
    char *p = buf;
#define STR(s) (p = stpcpy(p, (s)) + 1)
#define NUM(v)                              \
    do {                                    \
        __typeof__(v) value_ = (v);         \
        memcpy(p, &value_, sizeof(value_)); \
        p += sizeof(value_);                \
    } while (0)
    STR(u->name);
    STR("*"); /* no passwords: nothing here logs in */
    NUM((int32_t)u->uid);
    NUM((int32_t)u->gid);
    NUM((int64_t)0); /* change */
    STR("");         /* class */
    STR(u->gecos);
    STR(u->dir);
    STR(u->shell);
    NUM((int64_t)0); /* expire */
    NUM((int32_t)0); /* flags: uid and gid given */
#undef STR
#undef NUM
    return (size_t)(p - buf);
}

static void put(DB *db, const char *path, const void *k, size_t klen, const void *v, size_t vlen)
{
    DBT key = {.data = (void *)(uintptr_t)k, .size = klen};
    DBT value = {.data = (void *)(uintptr_t)v, .size = vlen};
    if (db->put(db, &key, &value, R_NOOVERWRITE) != 0) {
        posix_fail("cannot write %s (error %d)", path, errno);
    }
}

/* The three keys pwd_mkdb makes per user (by name, by position, by uid) and the version. */
static void write_user_db(const char *path, bool secure)
{
    DB *db = dbopen(path, O_RDWR | O_CREAT | O_TRUNC, secure ? 0600 : 0644, DB_HASH, 0);
    if (!db) {
        posix_fail("cannot create %s (error %d)", path, errno);
    }
    int version = 1; /* 64-bit change and expire times */
    put(db, path, "VERSION", sizeof("VERSION"), &version, sizeof(version));
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
        char record[512], key[64];
        size_t len = pack_user(record, &users[i]);
        size_t nlen = strlen(users[i].name);
        int32_t num = (int32_t)i + 1, uid = (int32_t)users[i].uid;
        key[0] = _PW_KEYBYNAME;
        memcpy(key + 1, users[i].name, nlen);
        put(db, path, key, nlen + 1, record, len);
        key[0] = _PW_KEYBYNUM;
        memcpy(key + 1, &num, sizeof(num));
        put(db, path, key, 1 + sizeof(num), record, len);
        key[0] = _PW_KEYBYUID;
        memcpy(key + 1, &uid, sizeof(uid));
        put(db, path, key, 1 + sizeof(uid), record, len);
    }
    if (db->close(db) != 0) {
        posix_fail("cannot write %s (error %d)", path, errno);
    }
}

static void write_passwd_files(void)
{
    char passwd[1024] = "", master[1024] = "", line[256];
    for (size_t i = 0; i < sizeof(users) / sizeof(users[0]); i++) {
        const struct user *u = &users[i];
        snprintf(line, sizeof(line), "%s:*:%u:%u:%s:%s:%s\n", u->name, (unsigned)u->uid,
                 (unsigned)u->gid, u->gecos, u->dir, u->shell);
        strlcat(passwd, line, sizeof(passwd));
        snprintf(line, sizeof(line), "%s:*:%u:%u::0:0:%s:%s:%s\n", u->name, (unsigned)u->uid,
                 (unsigned)u->gid, u->gecos, u->dir, u->shell);
        strlcat(master, line, sizeof(master));
    }
    write_file("/etc/passwd", passwd, 0644);
    write_file("/etc/master.passwd", master, 0600);
    write_user_db("/etc/pwd.db", false);
    write_user_db("/etc/spwd.db", true);
}

void posix_etc_write(const char *hostname)
{
    if (mkdir("/etc", 0755) != 0 && errno != EEXIST) {
        posix_fail("cannot create /etc (error %d)", errno);
    }
    write_passwd_files();
    write_file("/etc/group", group_file, 0644);
    write_file("/etc/services", services_file, 0644);
    write_file("/etc/protocols", protocols_file, 0644);
    write_file("/etc/nsswitch.conf", nsswitch_file, 0644);
    char hosts[256];
    snprintf(hosts, sizeof(hosts), "127.0.0.1\tlocalhost %s\n::1\t\tlocalhost %s\n", hostname,
             hostname);
    write_file("/etc/hosts", hosts, 0644);
}
