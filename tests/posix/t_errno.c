/* The errno values failing calls give, as NetBSD documents them. */
#include "ptest.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

TEST(errno_paths)
{
    char longname[NAME_MAX + 10];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    char longpath[PATH_MAX + 10] = "/tmp/";
    memset(longpath + 5, 'p', sizeof(longpath) - 6);
    longpath[sizeof(longpath) - 1] = 0;
    char path[NAME_MAX + 20];
    snprintf(path, sizeof(path), "/tmp/%s", longname);
    CHECK_ERRNO(open("/no/such/dir/file", O_RDONLY), ENOENT);
    CHECK_ERRNO(open("", O_RDONLY), ENOENT);
    CHECK_ERRNO(open(path, O_RDONLY | O_CREAT, 0644), ENAMETOOLONG);
    CHECK_ERRNO(open(longpath, O_RDONLY), ENAMETOOLONG);
    int fd = open("/tmp/errfile", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    close(fd);
    CHECK_ERRNO(open("/tmp/errfile/below", O_RDONLY), ENOTDIR);
    CHECK_ERRNO(mkdir("/tmp/errfile", 0755), EEXIST);
    CHECK_ERRNO(rmdir("/tmp/errfile"), ENOTDIR);
    CHECK(mkdir("/tmp/edir", 0755) == 0);
    CHECK_ERRNO(unlink("/tmp/edir"), EPERM); /* NetBSD: unlink of a directory */
    CHECK_ERRNO(rmdir("/tmp/edir/."), EINVAL);
    CHECK_ERRNO(link("/tmp/edir", "/tmp/dirlink"), EPERM);
    CHECK(rmdir("/tmp/edir") == 0);
    CHECK_ERRNO(open("/dev/no-such-device", O_RDONLY), ENOENT);
    unlink("/tmp/errfile");
}

TEST(errno_descriptors)
{
    char buf[4];
    CHECK_ERRNO(close(-1), EBADF);
    CHECK_ERRNO(close(123), EBADF);
    CHECK_ERRNO(read(123, buf, 1), EBADF);
    CHECK_ERRNO(dup2(123, 5), EBADF);
    CHECK_ERRNO(fcntl(123, F_GETFL), EBADF);
    int fd = open("/tmp/wo", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK_ERRNO(read(fd, buf, 1), EBADF); /* open for writing only */
    CHECK_ERRNO(lseek(fd, 0, 99), EINVAL);
    CHECK_ERRNO(lseek(fd, -10, SEEK_SET), EINVAL);
    CHECK_ERRNO(fcntl(fd, 9999), EINVAL);
    close(fd);
    fd = open("/tmp/wo", O_RDONLY);
    CHECK_ERRNO(write(fd, "x", 1), EBADF);
    CHECK_ERRNO(ftruncate(fd, 0), EINVAL); /* NetBSD: not open for writing */
    close(fd);
    unlink("/tmp/wo");
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_ERRNO(lseek(p[0], 0, SEEK_CUR), ESPIPE);
    CHECK_ERRNO(listen(p[0], 1), ENOTSOCK);
    close(p[0]);
    close(p[1]);
}

TEST(errno_directories_across_file_systems)
{
    CHECK(mkdir("/tmp/xdev", 0755) == 0);
    CHECK_ERRNO(rename("/tmp/xdev", "/data/xdev"), EXDEV);
    CHECK_ERRNO(link("/srv/tree/greeting.txt", "/tmp/greeting"), EXDEV);
    CHECK(rmdir("/tmp/xdev") == 0);
    CHECK_ERRNO(rmdir("/tmp"), EBUSY); /* a mount point */
}

TEST(errno_strerror)
{
    CHECK(!strcmp(strerror(ENOENT), "No such file or directory"));
    CHECK(!strcmp(strerror(ENOSYS), "Function not implemented"));
    char buf[64];
    CHECK(strerror_r(EPIPE, buf, sizeof(buf)) == 0 && !strcmp(buf, "Broken pipe"));
}

/* A call that succeeds leaves errno alone (POSIX: no function sets it to 0). */
TEST(errno_kept_by_successful_calls)
{
    char buf[4];
    int p[2];
    errno = EDOM;
    CHECK(getpid() > 0 && pipe(p) == 0 && write(p[1], "x", 1) == 1 && read(p[0], buf, 1) == 1);
    CHECK(close(p[0]) == 0 && close(p[1]) == 0 && usleep(1000) == 0);
    CHECK(errno == EDOM);
}
