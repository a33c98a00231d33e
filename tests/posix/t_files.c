/* Files and directories: tmpfs on /tmp, the disk the description mounts, the baked tree. */
#include "ptest.h"

#include <sys/stat.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

TEST(files_tmp_write_read)
{
    int fd = open("/tmp/ptest.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    CHECK(write(fd, "hello, file", 11) == 11);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char buf[32] = "";
    CHECK(read(fd, buf, sizeof(buf)) == 11);
    CHECK(!strcmp(buf, "hello, file"));
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode));
    CHECK(close(fd) == 0);
    CHECK(unlink("/tmp/ptest.txt") == 0);
    CHECK_ERRNO(open("/tmp/ptest.txt", O_RDONLY), ENOENT);
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

/* The description mounts a tree made from tests/posix/tree read-only, cwd is in it. */
TEST(files_baked_tree)
{
    char cwd[256];
    CHECK(getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, "/srv/tree"));
    FILE *f = fopen("greeting.txt", "r");
    char line[64] = "";
    CHECK(f && fgets(line, sizeof(line), f));
    CHECK(!strcmp(line, "baked into the image\n"));
    CHECK(f && fclose(f) == 0);
    CHECK_ERRNO(open("/srv/tree/new.txt", O_WRONLY | O_CREAT, 0644), EROFS);
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
}
