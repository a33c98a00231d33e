/*
 * Files and directories: tmpfs on /tmp, the ext2 disk the description mounts on /data, the
 * read-only tree baked into the image (the working directory).
 */
#include "ptest.h"

#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* Creates path with the given contents; 0 on success. */
static int make_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    size_t len = strlen(text);
    int ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
    return fd >= 0 && close(fd) == 0 && ok ? 0 : -1;
}

TEST(files_tmp_write_read)
{
    int fd = open("/tmp/ptest.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello, file", 11) == 11);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char buf[32] = "";
    CHECK(read(fd, buf, sizeof(buf)) == 11);
    CHECK(!strcmp(buf, "hello, file"));
    CHECK(read(fd, buf, sizeof(buf)) == 0); /* at the end */
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));
    CHECK(close(fd) == 0);
    CHECK(unlink("/tmp/ptest.txt") == 0);
    CHECK_ERRNO(open("/tmp/ptest.txt", O_RDONLY), ENOENT);
}

TEST(files_open_flags)
{
    CHECK(make_file("/tmp/flags", "abc") == 0);
    CHECK_ERRNO(open("/tmp/flags", O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
    int fd = open("/tmp/flags", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && lseek(fd, 0, SEEK_SET) == 0 && write(fd, "def", 3) == 3 && close(fd) == 0);
    char buf[16];
    CHECK(ptest_read_file("/tmp/flags", buf, sizeof(buf)) == 6 && !strcmp(buf, "abcdef"));
    fd = open("/tmp/flags", O_WRONLY | O_TRUNC);
    struct stat st;
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0 && close(fd) == 0);
    CHECK_ERRNO(open("/tmp/flags", O_RDONLY | O_DIRECTORY), ENOTDIR);
    CHECK_ERRNO(open("/tmp", O_WRONLY), EISDIR);
    CHECK(unlink("/tmp/flags") == 0);
}

TEST(files_lseek_and_holes)
{
    int fd = open("/tmp/holes", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, "start", 5) == 5);
    CHECK(lseek(fd, 10000, SEEK_SET) == 10000 && write(fd, "end", 3) == 3);
    CHECK(lseek(fd, 0, SEEK_END) == 10003 && lseek(fd, -3, SEEK_CUR) == 10000);
    char buf[64];
    memset(buf, 'x', sizeof(buf));
    CHECK(pread(fd, buf, sizeof(buf), 5000) == sizeof(buf));
    int zeros = 0;
    for (size_t i = 0; i < sizeof(buf); i++) {
        zeros += buf[i] == 0;
    }
    CHECK(zeros == sizeof(buf)); /* the hole reads as zeroes */
    CHECK(pwrite(fd, "S", 1, 0) == 1 && pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "Start", 5));
    CHECK(lseek(fd, 0, SEEK_CUR) == 10000); /* pread/pwrite leave the offset */
    CHECK(close(fd) == 0 && unlink("/tmp/holes") == 0);
}

TEST(files_directories)
{
    CHECK(mkdir("/tmp/pdir", 0755) == 0);
    CHECK_ERRNO(mkdir("/tmp/pdir", 0755), EEXIST);
    int fd = open("/tmp/pdir/a", O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0 && close(fd) == 0);
    DIR *d = opendir("/tmp/pdir");
    int found = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        found += !strcmp(e->d_name, "a");
    }
    CHECK(d && found == 1);
    CHECK(d && closedir(d) == 0);
    CHECK(rename("/tmp/pdir/a", "/tmp/pdir/b") == 0);
    CHECK(access("/tmp/pdir/b", F_OK) == 0);
    CHECK_ERRNO(rmdir("/tmp/pdir"), ENOTEMPTY);
    CHECK(unlink("/tmp/pdir/b") == 0 && rmdir("/tmp/pdir") == 0);
}

/* readdir sees every entry once, "." and ".." included; rewinddir starts over. */
TEST(files_readdir_many)
{
    char path[64];
    int made = 0;
    CHECK(mkdir("/tmp/many", 0755) == 0);
    for (int i = 0; i < 40; i++) {
        snprintf(path, sizeof(path), "/tmp/many/f%02d", i);
        made += make_file(path, "x") == 0;
    }
    CHECK(made == 40);
    DIR *d = opendir("/tmp/many");
    unsigned char seen[40] = {0};
    int entries = 0, dots = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        entries++;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
            dots++;
        } else if (e->d_name[0] == 'f') {
            seen[atoi(e->d_name + 1) % 40]++;
        }
    }
    int once = 0;
    for (int i = 0; i < 40; i++) {
        once += seen[i] == 1;
    }
    CHECK(entries == 42 && dots == 2 && once == 40);
    rewinddir(d);
    int again = 0;
    while (d && readdir(d)) {
        again++;
    }
    CHECK(again == 42);
    CHECK(d && closedir(d) == 0);
    for (int i = 0; i < 40; i++) {
        snprintf(path, sizeof(path), "/tmp/many/f%02d", i);
        unlink(path);
    }
    CHECK(rmdir("/tmp/many") == 0);
}

/* rename replaces its target atomically, moves directories, and refuses what it must. */
TEST(files_rename)
{
    char buf[16];
    CHECK(make_file("/tmp/old", "old") == 0 && make_file("/tmp/new", "new") == 0);
    CHECK(rename("/tmp/new", "/tmp/old") == 0);
    CHECK(ptest_read_file("/tmp/old", buf, sizeof(buf)) == 3 && !strcmp(buf, "new"));
    CHECK_ERRNO(access("/tmp/new", F_OK), ENOENT);
    CHECK(mkdir("/tmp/d1", 0755) == 0 && rename("/tmp/old", "/tmp/d1/old") == 0);
    CHECK(rename("/tmp/d1", "/tmp/d2") == 0 && access("/tmp/d2/old", F_OK) == 0);
    CHECK_ERRNO(rename("/tmp/nothing", "/tmp/d2/x"), ENOENT);
    CHECK(mkdir("/tmp/d3", 0755) == 0);
    CHECK_ERRNO(rename("/tmp/d2", "/tmp/d2/old/x"), ENOTDIR);
    CHECK_ERRNO(rename("/tmp/d3", "/tmp/d2"), ENOTEMPTY);
    CHECK_ERRNO(rename("/tmp/d2/old", "/tmp/d3"), EISDIR);
    CHECK(unlink("/tmp/d2/old") == 0 && rmdir("/tmp/d2") == 0 && rmdir("/tmp/d3") == 0);
}

TEST(files_stat_fields)
{
    struct stat st, st2;
    CHECK(make_file("/tmp/st", "12345") == 0 && chmod("/tmp/st", 0640) == 0);
    CHECK(stat("/tmp/st", &st) == 0);
    CHECK(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640);
    CHECK(st.st_size == 5 && st.st_nlink == 1 && st.st_uid == 0 && st.st_blksize > 0);
    CHECK(stat("/tmp", &st2) == 0 && S_ISDIR(st2.st_mode) && st2.st_dev == st.st_dev);
    struct timeval times[2] = {{1000000000, 0}, {1234567890, 0}};
    CHECK(utimes("/tmp/st", times) == 0 && stat("/tmp/st", &st) == 0);
    CHECK(st.st_mtime == 1234567890 && st.st_atime == 1000000000);
    int fd = open("/tmp/st", O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, "6", 1) == 1 && fstat(fd, &st) == 0 && close(fd) == 0);
    CHECK(st.st_mtime > 1234567890 && st.st_size == 6); /* a write updates mtime */
    CHECK(unlink("/tmp/st") == 0);
}

TEST(files_links)
{
    struct stat st;
    char buf[64];
    CHECK(make_file("/tmp/target", "linked") == 0);
    CHECK(link("/tmp/target", "/tmp/hard") == 0);
    CHECK(stat("/tmp/hard", &st) == 0 && st.st_nlink == 2);
    CHECK(unlink("/tmp/target") == 0 && ptest_read_file("/tmp/hard", buf, sizeof(buf)) == 6);
    CHECK(symlink("/tmp/hard", "/tmp/soft") == 0);
    CHECK(lstat("/tmp/soft", &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(stat("/tmp/soft", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 6);
    ssize_t n = readlink("/tmp/soft", buf, sizeof(buf));
    CHECK(n == 9 && !memcmp(buf, "/tmp/hard", 9));
    CHECK(ptest_read_file("/tmp/soft", buf, sizeof(buf)) == 6 && !strcmp(buf, "linked"));
    CHECK(symlink("nowhere", "/tmp/dangling") == 0);
    CHECK_ERRNO(open("/tmp/dangling", O_RDONLY), ENOENT);
    /* NetBSD 7 says EFTYPE when O_NOFOLLOW meets a symbolic link (open(2)). */
    CHECK_ERRNO(open("/tmp/soft", O_RDONLY | O_NOFOLLOW), EFTYPE);
    CHECK(symlink("/tmp/loop2", "/tmp/loop1") == 0 && symlink("/tmp/loop1", "/tmp/loop2") == 0);
    CHECK_ERRNO(open("/tmp/loop1", O_RDONLY), ELOOP);
    CHECK(unlink("/tmp/soft") == 0 && unlink("/tmp/hard") == 0 && unlink("/tmp/dangling") == 0);
    unlink("/tmp/loop1");
    unlink("/tmp/loop2");
}

TEST(files_truncate)
{
    struct stat st;
    char buf[32];
    CHECK(make_file("/tmp/trunc", "0123456789") == 0);
    CHECK(truncate("/tmp/trunc", 4) == 0 && stat("/tmp/trunc", &st) == 0 && st.st_size == 4);
    int fd = open("/tmp/trunc", O_RDWR);
    CHECK(fd >= 0 && ftruncate(fd, 20) == 0 && fstat(fd, &st) == 0 && st.st_size == 20);
    memset(buf, 'x', sizeof(buf));
    CHECK(pread(fd, buf, sizeof(buf), 0) == 20);
    CHECK(!memcmp(buf, "0123\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 20)); /* grown with zeroes */
    CHECK_ERRNO(ftruncate(fd, -1), EINVAL);
    CHECK(close(fd) == 0 && unlink("/tmp/trunc") == 0);
}

TEST(files_descriptors)
{
    int fd = open("/tmp/dups", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int copy = dup(fd);
    CHECK(fd >= 0 && copy >= 0 && copy != fd);
    CHECK(write(fd, "abcd", 4) == 4 && lseek(copy, 0, SEEK_CUR) == 4); /* one shared offset */
    CHECK(dup2(fd, 30) == 30 && lseek(30, 1, SEEK_SET) == 1 && lseek(fd, 0, SEEK_CUR) == 1);
    CHECK(fcntl(fd, F_GETFD) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0);
    CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC && fcntl(copy, F_GETFD) == 0); /* per descriptor */
    CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
    CHECK(fcntl(fd, F_SETFL, O_APPEND) == 0 && (fcntl(copy, F_GETFL) & O_APPEND)); /* per file */
    int low = fcntl(fd, F_DUPFD, 20);
    CHECK(low >= 20);
    CHECK(close(fd) == 0 && close(copy) == 0 && close(30) == 0 && close(low) == 0);
    CHECK(unlink("/tmp/dups") == 0);
}

TEST(files_stdio)
{
    FILE *f = fopen("/tmp/stdio.txt", "w+");
    CHECK(f && fprintf(f, "%d %s\n", 42, "answer") == 10);
    int n = 0;
    char word[16] = "";
    CHECK(f && fseek(f, 0, SEEK_SET) == 0 && fscanf(f, "%d %15s", &n, word) == 2);
    CHECK(n == 42 && !strcmp(word, "answer"));
    CHECK(f && ftell(f) == 9 && fclose(f) == 0);
    char tmpl[] = "/tmp/ptest.XXXXXX";
    int fd = mkstemp(tmpl);
    CHECK(fd >= 0 && strncmp(tmpl, "/tmp/ptest.", 11) == 0 && strcmp(tmpl + 11, "XXXXXX"));
    CHECK(fd >= 0 && close(fd) == 0 && unlink(tmpl) == 0);
    FILE *t = tmpfile();
    CHECK(t && fputs("temporary", t) >= 0 && fclose(t) == 0);
    CHECK(unlink("/tmp/stdio.txt") == 0);
}

TEST(files_working_directory)
{
    char cwd[256], buf[32];
    CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/srv/tree"));
    int here = open(".", O_RDONLY);
    CHECK(here >= 0 && chdir("/tmp") == 0);
    CHECK(make_file("relative", "rel") == 0);
    CHECK(ptest_read_file("/tmp/relative", buf, sizeof(buf)) == 3);
    CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/tmp"));
    CHECK_ERRNO(chdir("/tmp/relative"), ENOTDIR);
    CHECK(unlink("relative") == 0 && fchdir(here) == 0 && close(here) == 0);
    CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/srv/tree"));
}

/* The description mounts a tree made from tests/posix/tree read-only, cwd is in it. */
TEST(files_baked_tree)
{
    FILE *f = fopen("greeting.txt", "r");
    char line[64] = "";
    CHECK(f && fgets(line, sizeof(line), f));
    CHECK(!strcmp(line, "baked into the image\n"));
    CHECK(f && fclose(f) == 0);
    struct stat st;
    CHECK(stat("/srv/tree/greeting.txt", &st) == 0 && st.st_size == 21);
    CHECK(stat("/srv/tree/conf/app.conf", &st) == 0 && S_ISREG(st.st_mode));
    CHECK(ptest_read_file("conf/app.conf", line, sizeof(line)) > 0 && strstr(line, "port = 8080"));
    DIR *d = opendir("/srv/tree");
    int names = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        names += !strcmp(e->d_name, "greeting.txt") || !strcmp(e->d_name, "conf");
    }
    CHECK(d && names == 2 && closedir(d) == 0);
    struct statvfs vfs;
    CHECK(statvfs("/srv/tree", &vfs) == 0 && (vfs.f_flag & ST_RDONLY));
    CHECK_ERRNO(open("/srv/tree/new.txt", O_WRONLY | O_CREAT, 0644), EROFS);
    CHECK_ERRNO(open("greeting.txt", O_WRONLY), EROFS);
    CHECK_ERRNO(unlink("greeting.txt"), EROFS);
    CHECK_ERRNO(mkdir("/srv/tree/dir", 0755), EROFS);
}

/* The disk (ld0, ext2) holds what the host put there; what is written here, the host checks. */
TEST(files_disk)
{
    FILE *f = fopen("/data/from-host.txt", "r");
    char line[64] = "";
    CHECK(f && fgets(line, sizeof(line), f) && !strcmp(line, "made by the host\n"));
    CHECK(f && fclose(f) == 0);
    f = fopen("/data/from-guest.txt", "w");
    CHECK(f && fputs("written by the POSIX test suite\n", f) >= 0);
    CHECK(f && fflush(f) == 0 && fsync(fileno(f)) == 0 && fclose(f) == 0);
    struct statvfs vfs;
    CHECK(statvfs("/data", &vfs) == 0 && !(vfs.f_flag & ST_RDONLY) && vfs.f_bsize >= 1024);
}

TEST(files_disk_directories_and_rename)
{
    char buf[32];
    CHECK(mkdir("/data/dir", 0755) == 0 && make_file("/data/dir/a", "on ext2") == 0);
    CHECK(rename("/data/dir/a", "/data/renamed.txt") == 0 && rmdir("/data/dir") == 0);
    CHECK(ptest_read_file("/data/renamed.txt", buf, sizeof(buf)) == 7);
    CHECK(symlink("renamed.txt", "/data/link") == 0);
    CHECK(readlink("/data/link", buf, sizeof(buf)) == 11);
    CHECK(truncate("/data/renamed.txt", 2) == 0);
    CHECK(ptest_read_file("/data/link", buf, sizeof(buf)) == 2 && !strcmp(buf, "on"));
    CHECK_ERRNO(rename("/data/renamed.txt", "/tmp/renamed.txt"), EXDEV);
}

/* Four MiB written in pieces, synced, read back: every byte where it was put. */
TEST(files_disk_large_file)
{
    enum { CHUNK = 64 * 1024, CHUNKS = 64 };
    unsigned char *buf = malloc(CHUNK);
    int fd = open("/data/large.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    int wrote = 0, good = 0;
    CHECK(buf && fd >= 0);
    for (int c = 0; buf && c < CHUNKS; c++) {
        for (int i = 0; i < CHUNK; i++) {
            buf[i] = (unsigned char)(c * 7 + i / 256);
        }
        wrote += write(fd, buf, CHUNK) == CHUNK;
    }
    CHECK(wrote == CHUNKS && fsync(fd) == 0 && fdatasync(fd) == 0);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    for (int c = 0; buf && c < CHUNKS; c++) {
        int ok = read(fd, buf, CHUNK) == CHUNK;
        for (int i = 0; ok && i < CHUNK; i++) {
            ok = buf[i] == (unsigned char)(c * 7 + i / 256);
        }
        good += ok;
    }
    CHECK(good == CHUNKS);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == CHUNK * CHUNKS);
    CHECK(close(fd) == 0 && unlink("/data/large.bin") == 0);
    free(buf);
}

/* Offsets past 4 GiB: 64-bit off_t through libc and the file system (a sparse file). */
TEST(files_disk_offsets_past_4g)
{
    const off_t far = (off_t)5 << 30;
    int fd = open("/data/sparse.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    char buf[8] = "";
    CHECK(fd >= 0 && pwrite(fd, "far", 3, far) == 3);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == far + 3);
    CHECK(st.st_blocks < 1024); /* sparse: the hole takes no blocks */
    CHECK(pread(fd, buf, 3, far) == 3 && !memcmp(buf, "far", 3));
    CHECK(lseek(fd, 0, SEEK_END) == far + 3);
    CHECK(close(fd) == 0 && unlink("/data/sparse.bin") == 0);
}
