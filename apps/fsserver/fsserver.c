/*
 * fsserver: a disk and a NetBSD file system for other unikernels. It mounts the disk,
 * then serves the system calls of every unikernel with a channel to this one (each gets a
 * process of its own in this kernel, with its own descriptors) until all of them have
 * ended for good; when main returns, the NetBSD glue's halt syncs and unmounts the disk.
 *
 *   fsserver [DISK [PATH [TYPE]]]   defaults: /dev/ld0d (the first virtio disk, whole),
 *                                   /data, ext2fs (or ffs)
 */
#include <rumpglue.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    const char *disk = argc > 1 ? argv[1] : "/dev/ld0d";
    const char *path = argc > 2 ? argv[2] : "/data";
    const char *type = argc > 3 ? argv[3] : "ext2fs";
    const char *mount_type = !strcmp(type, "ffs") ? RUMP_MOUNT_FFS : RUMP_MOUNT_EXT2FS;
    if (strcmp(type, "ffs") && strcmp(type, "ext2fs")) {
        printf("fsserver: unknown file system type '%s' (ext2fs or ffs)\n", type);
        return 1;
    }
    struct rump_ufs_args args = {.fspec = (char *)disk};
    if ((rump_sys_mkdir(path, 0755) < 0 && errno != EEXIST) ||
        rump_sys_mount(mount_type, path, 0, &args, sizeof(args)) < 0) {
        printf("fsserver: cannot mount %s (%s) on %s (error %d)\n", disk, type, path, errno);
        return 1;
    }
    printf("fsserver: %s (%s) mounted on %s\n", disk, type, path);
    return rumpglue_serve("fsserver") ? 1 : 0;
}
