/*
 * bake: the command line. See usage() or tools/README.md.
 */
#include "bake.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs(
        "usage: bake link  -o OUT.elf [options] OBJECT...\n"
        "       bake image -o OUTDIR --roottask ROOTTASK.o [options] SYSTEM\n"
        "       bake check [--images DIR]... SYSTEM\n"
        "\n"
        "link: link an application's objects with the unikernel platform into one unikernel\n"
        "ELF (entry object, objects, rump libraries whole-archive, then librumpuser,\n"
        "libplatform, runtime and libsel4 in one group), then check it the way the root task\n"
        "will. tools/tools.mk links every unikernel of the tree through this command.\n"
        "  --build DIR           build directory with the platform, runtime and libsel4\n"
        "                        libraries (default: build)\n"
        "  --srcdir DIR          source tree, for platform/unikernel.ld (default: .)\n"
        "  --no-platform         link without the platform (only runtime and libsel4): for\n"
        "                        self-contained programs such as the root task's test guests\n"
        "  --linker-script FILE  linker script (default: SRCDIR/platform/unikernel.ld;\n"
        "                        required with --no-platform)\n"
        "  --rump COMP[,COMP...] a NetBSD rump kernel: components by short name, found in\n"
        "                        $RUMP_SYSROOT/lib as librumpCOMP.a or librumpdev_COMP.a\n"
        "                        (vfs, fs_tmpfs, net_netinet, pci_virtio, virtio_if_vioif,\n"
        "                        ...; rumpvfs-style library names work too). librump.a and\n"
        "                        each component's faction (vfs, net, dev) are added; other\n"
        "                        dependencies must be listed (fs_ext2fs needs fs_ffs).\n"
        "                        Linked whole-archive, with the NetBSD glue\n"
        "                        BUILD/platform/librumpglue.a, which boots the rump kernel\n"
        "                        before main, mounts tmpfs (fs_tmpfs is added) and halts\n"
        "                        the kernel at exit. Repeatable\n"
        "  --no-rump-glue        without the glue: the program calls rump_init itself\n"
        "  --rump-client         no rump kernel: rump_sys_* go over a channel to a server\n"
        "                        (the client library BUILD/platform/librumpclient.a,\n"
        "                        platform/rumpclient); not with --rump\n"
        "  --posix               a POSIX program: linked with platform/posix, NetBSD's libc\n"
        "                        and libpthread and a rump kernel that is libc's kernel, all\n"
        "                        from $RUMPRUN_SYSROOT (Rumprun's installed userland). Implied\n"
        "                        by an object built with Rumprun's toolchain (its build-recipe\n"
        "                        note). --rump then names the kernel's components in\n"
        "                        $RUMPRUN_SYSROOT/rumprun-x86_64/lib/rumprun-hw (fs_tmpfs is\n"
        "                        added); without --rump a default set (platform/posix/README.md)\n"
        "  --remote-sockets      a POSIX program whose internet sockets are a server's: its\n"
        "                        socket calls go over a channel to a rump kernel serving\n"
        "                        them (apps/netserver), everything else to its own kernel\n"
        "                        (platform/posix/README.md, \"Remote sockets\")\n"
        "  --lib FILE            a library or object for the group (repeatable)\n"
        "  --deps FILE           write a make rule naming every input of OUT to FILE\n"
        "\n"
        "image: check a system description and the unikernel ELFs it names, and produce the\n"
        "bootable pair OUTDIR/kernel32.elf (a copy of --kernel) and OUTDIR/roottask.elf (the\n"
        "root task linked with a CPIO archive of the description and the ELFs; the archive is\n"
        "also left in OUTDIR/archive.cpio).\n"
        "  --roottask FILE       the root task as one relocatable object "
        "(build/roottask/roottask.o)\n"
        "  --linker-script FILE  linker script for the root task (default: runtime/user.ld)\n"
        "  --kernel FILE         kernel to copy to OUTDIR/kernel32.elf\n"
        "  --images DIR          look for images in DIR before the description's directory\n"
        "                        (repeatable)\n"
        "  --no-strip            keep section headers and symbols of the embedded ELFs\n"
        "  (a \"tree = DIR PATH\" line's directory is packed as an ext2 image with mke2fs -d)\n"
        "  --unchecked           embed the description without checking it, so that the root\n"
        "                        task's own checks can be tested\n"
        "\n"
        "check: parse and check a system description and its images, producing nothing.\n"
        "\n"
        "common options:\n"
        "  --ld PROGRAM          the linker (default: $LD, else ld)\n"
        "  -v, --verbose         print the commands run\n"
        "  -h, --help            this text\n"
        "\n"
        "The system description format is in README.md, \"System description reference\".\n",
        f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *mode = argv[1];
    if (!strcmp(mode, "-h") || !strcmp(mode, "--help") || !strcmp(mode, "help")) {
        usage(stdout);
        return 0;
    }
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        }
    }
    if (!strcmp(mode, "link")) {
        return bake_link(argc - 1, argv + 1);
    }
    if (!strcmp(mode, "image")) {
        return bake_image(argc - 1, argv + 1);
    }
    if (!strcmp(mode, "check")) {
        return bake_check(argc - 1, argv + 1);
    }
    bake_error("unknown mode '%s' (link, image or check; see bake --help)", mode);
    return 2;
}
