/*
 * fsserver: a disk and a NetBSD file system for other unikernels. It mounts the disk,
 * then serves the system calls of every unikernel with a channel to this one (each gets a
 * process of its own in this kernel, with its own descriptors) until all of them have
 * ended for good; when main returns, the NetBSD glue's halt syncs and unmounts the disk.
 *
 *   fsserver [DISK [PATH [TYPE]]]   defaults: /dev/ld0d (the first virtio disk, whole),
 *                                   /data, ext2fs (or ffs)
 *
 * An ext2 file system that was not cleanly unmounted (the server crashed: what clients
 * fsync'd is on the disk, but the block and inode bitmaps may not be) is mounted read-only:
 * a rump kernel has no fsck, and NetBSD's ext2fs would hand out blocks or inodes twice.
 *
 * For failure tests, CRASH_ON=FILE in the environment makes the server fault (no sync, no
 * unmount) as soon as FILE exists in its rump kernel (a client creates it; rumpglue_serve).
 */
#include <rumpglue.h>

#include <errno.h>
#include <platform.h>
#include <stdio.h>
#include <string.h>

#define EXT2_MAGIC 0xef53
#define EXT2_CLEAN 0x0001

/* Whether DISK holds an ext2 file system whose superblock says it was not unmounted. */
static bool ext2_unclean(const char *disk)
{
    unsigned char sb[1024];
    int fd = rump_sys_open(disk, RUMP_O_RDONLY);
    ssize_t n = fd >= 0 ? rump_sys_pread(fd, sb, sizeof(sb), 1024) : -1;
    rump_sys_close(fd);
    if (n != (ssize_t)sizeof(sb) || (sb[56] | sb[57] << 8) != EXT2_MAGIC) {
        return false; /* the mount says what is wrong */
    }
    return !((sb[58] | sb[59] << 8) & EXT2_CLEAN);
}

int main(int argc, char **argv)
{
    const char *disk = argc > 1 ? argv[1] : "/dev/ld0d";
    const char *path = argc > 2 ? argv[2] : "/data";
    const char *type = argc > 3 ? argv[3] : "ext2fs";
    bool ext2 = !strcmp(type, "ext2fs");
    if (!ext2 && strcmp(type, "ffs")) {
        printf("fsserver: unknown file system type '%s' (ext2fs or ffs)\n", type);
        return 1;
    }
    int flags = ext2 && ext2_unclean(disk) ? RUMP_MNT_RDONLY : 0;
    struct rump_ufs_args args = {.fspec = (char *)disk};
    if ((rump_sys_mkdir(path, 0755) < 0 && errno != EEXIST) ||
        rump_sys_mount(ext2 ? RUMP_MOUNT_EXT2FS : RUMP_MOUNT_FFS, path, flags, &args,
                       sizeof(args)) < 0) {
        printf("fsserver: cannot mount %s (%s) on %s (error %d)\n", disk, type, path, errno);
        return 1;
    }
    printf("fsserver: %s (%s) mounted on %s%s\n", disk, type, path,
           flags ? " read-only: it was not cleanly unmounted (fsck it)" : "");
    return rumpglue_serve("fsserver") ? 1 : 0;
}
