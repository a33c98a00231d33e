/*
 * bake link: one unikernel ELF from an application's objects, the platform library and,
 * when asked, NetBSD rump kernel libraries. The result is checked with the root task's own
 * ELF checker so that a bad link fails here rather than at boot.
 *
 * Two kinds of program: the platform's own (objects compiled against platform/include,
 * linked with its small C library), and POSIX programs built with Rumprun's toolchain
 * against NetBSD's libc (recipe.c recognises them). A POSIX program is linked with the
 * platform as one object whose only global names are its interface, the POSIX layer,
 * NetBSD's libpthread and libc, and a rump kernel built as that libc's kernel, all from
 * $RUMPRUN_SYSROOT (platform/posix/README.md).
 */
#include "bake.h"
#include "../../roottask/shared/elfcheck.h"
#include <unikernel.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A link whose result the root task would refuse fails here, and leaves no output. */
static int check_output(const char *path)
{
    struct elf_image image;
    if (check_elf_file(path, UK_IMAGE_VADDR_MIN, UK_IMAGE_VADDR_MAX, "not a loadable unikernel",
                       &image) < 0) {
        remove(path);
        return -1;
    }
    return 0;
}

/* The platform's files, as platform/README.md's link recipe names them. */
struct platform {
    char *crt;     /* the entry point, first on the command line */
    char *libs[4]; /* in one --start-group with the application's libraries */
    char *script;
    char *glue;   /* the NetBSD glue (platform/rumpglue), whole-archive with a rump kernel */
    char *client; /* the client library of remote system calls (platform/rumpclient) */
};

static void platform_defaults(struct platform *pf, const char *build, const char *srcdir)
{
    static const char *const libs[] = {"platform/librumpuser.a", "platform/libplatform.a",
                                       "runtime/runtime.a", "libsel4/libsel4.a"};
    pf->crt = path_join(build, "platform/src/crt0.o");
    for (int i = 0; i < 4; i++) {
        pf->libs[i] = path_join(build, libs[i]);
    }
    pf->script = path_join(srcdir, "platform/unikernel.ld");
    pf->glue = path_join(build, "platform/librumpglue.a");
    pf->client = path_join(build, "platform/librumpclient.a");
}

static void platform_free(struct platform *pf)
{
    free(pf->crt);
    for (int i = 0; i < 4; i++) {
        free(pf->libs[i]);
    }
    free(pf->script);
    free(pf->glue);
    free(pf->client);
}

static int check_platform(const struct platform *pf, int with_platform, int with_glue,
                          int with_client)
{
    const char *missing = !file_exists(pf->script) ? pf->script : 0;
    for (int i = with_platform ? 0 : 2; !missing && i < 4; i++) {
        missing = !file_exists(pf->libs[i]) ? pf->libs[i] : 0;
    }
    if (!missing && with_platform && !file_exists(pf->crt)) {
        missing = pf->crt;
    }
    if (missing) {
        bake_error("%s not found: build the tree first (make), point --build at its build "
                   "directory%s",
                   missing, with_platform ? ", or link without the platform (--no-platform)" : "");
        return -1;
    }
    if (with_glue && !file_exists(pf->glue)) {
        bake_error("%s not found: the NetBSD glue is built only when RUMP_SYSROOT is set "
                   "(make RUMP_SYSROOT=...), or link without it (--no-rump-glue)",
                   pf->glue);
        return -1;
    }
    if (with_client && !file_exists(pf->client)) {
        bake_error("%s not found: the client library is built only when RUMP_SYSROOT is set "
                   "(make RUMP_SYSROOT=...)",
                   pf->client);
        return -1;
    }
    return 0;
}

/* A make rule "OUT: every input", and an empty rule per input so a deleted one is no error. */
static int write_deps(const char *deps, const char *out, const struct command *inputs)
{
    struct buffer b = {0};
    buffer_append(&b, out, strlen(out));
    buffer_append(&b, ":", 1);
    for (size_t i = 0; i < inputs->count; i++) {
        buffer_append(&b, " ", 1);
        buffer_append(&b, inputs->argv[i], strlen(inputs->argv[i]));
    }
    buffer_append(&b, "\n", 1);
    for (size_t i = 0; i < inputs->count; i++) {
        buffer_append(&b, "\n", 1);
        buffer_append(&b, inputs->argv[i], strlen(inputs->argv[i]));
        buffer_append(&b, ":\n", 2);
    }
    int r = write_file(deps, b.data, b.size);
    free(b.data);
    return r;
}

/* Checks the link command line; 2 (a usage error) if it cannot work. */
static int check_link_args(int argc, const struct bake_args *a)
{
    if (!a->out || a->first == argc) {
        bake_error("link needs -o OUT.elf and at least one object (see bake --help)");
        return 2;
    }
    if (a->no_platform && !a->script) {
        bake_error("--no-platform needs --linker-script");
        return 2;
    }
    if (a->remote_sockets && (a->rump_client || a->no_platform)) {
        bake_error("--remote-sockets is for POSIX programs, which have a rump kernel of their "
                   "own: not with --rump-client or --no-platform");
        return 2;
    }
    if (a->rump_client && (a->rump.count || a->no_platform || a->posix)) {
        bake_error("--rump-client links no rump kernel and needs the platform: not with --rump, "
                   "--no-platform or --posix");
        return 2;
    }
    return 0;
}

/*
 * Functions of the rump kernel the platform replaces (ld --wrap), each defined in
 * platform/rumpuser/ as __wrap_NAME: the PCI drivers' calls of NetBSD's bus_space register
 * accessors (bus_space.c: I/O ports through their capabilities instead of executing IN/OUT,
 * a fault each), and the TCP/IP stack's Internet checksum (cksum.c: a quarter of the
 * instructions). A kernel without the component has no such calls and nothing changes.
 */
static void add_platform_wraps(struct command *in)
{
    static const char *const wrapped[] = {"rumpns_bus_space_read_1",  "rumpns_bus_space_read_2",
                                          "rumpns_bus_space_read_4",  "rumpns_bus_space_write_1",
                                          "rumpns_bus_space_write_2", "rumpns_bus_space_write_4",
                                          "rumpns_cpu_in_cksum"};
    for (size_t i = 0; i < sizeof(wrapped) / sizeof(wrapped[0]); i++) {
        char option[64];
        snprintf(option, sizeof(option), "--wrap=%s", wrapped[i]);
        command_add(in, option);
    }
}

/*
 * Remote sockets (--remote-sockets, platform/posix/remote.h): every name under which libc
 * and libpthread reach the rump kernel's entry point of these calls (NAME, _NAME and
 * _sys_NAME) goes to the POSIX layer's wrapper, which sends the call where its descriptor
 * lives. platform/posix/remote*.c defines a wrapper for exactly these.
 */
static void add_remote_wraps(struct command *in)
{
    static const char *const wrapped[] = {
        "__socket30",  "accept",     "paccept",    "read",       "write",       "readv",
        "writev",      "__fstat50",  "close",      "dup",        "dup2",        "fcntl",
        "ioctl",       "bind",       "connect",    "listen",     "shutdown",    "getpeername",
        "getsockname", "setsockopt", "getsockopt", "sendto",     "recvfrom",    "sendmsg",
        "recvmsg",     "poll",       "__pollts50", "__select50", "__pselect50", "kqueue",
        "kqueue1",     "__kevent50"};
    static const char *const forms[] = {"--wrap=%s", "--wrap=_%s", "--wrap=_sys_%s"};
    for (size_t i = 0; i < sizeof(wrapped) / sizeof(wrapped[0]); i++) {
        for (size_t f = 0; f < 3; f++) {
            char option[64];
            snprintf(option, sizeof(option), forms[f], wrapped[i]);
            command_add(in, option);
        }
    }
}

/*
 * Every input in link order: the entry object, the objects, rump kernel libraries inside
 * --whole-archive (their components and modules register through link sets that nothing
 * references by name; the glue registers through a constructor), then one group.
 */
static int link_inputs(const struct bake_args *o, const struct platform *pf, char **objects,
                       int nobjects, struct command *in)
{
    if (!o->no_platform) {
        command_add(in, pf->crt);
    }
    for (int i = 0; i < nobjects; i++) {
        command_add(in, objects[i]);
    }
    if (o->rump.count) {
        struct command components = {0};
        for (size_t i = 0; i < o->rump.count; i++) {
            command_add(&components, o->rump.argv[i]);
        }
        command_add(in, "--whole-archive");
        if (!o->no_glue && !o->no_platform) {
            command_add(in, pf->glue);
            command_add(&components, "fs_tmpfs"); /* the glue mounts it on /tmp */
        }
        struct rump_libdir where = {"RUMP_SYSROOT", getenv("RUMP_SYSROOT"), 0, 0};
        char *dir = where.sysroot ? path_join(where.sysroot, "lib") : 0;
        where.dir = dir;
        int r = rump_libraries(in, &components, &where);
        free(dir);
        command_free(&components);
        if (r < 0) {
            return -1;
        }
        command_add(in, "--no-whole-archive");
        if (!o->no_platform) {
            add_platform_wraps(in);
        }
    }
    command_add(in, "--start-group");
    for (size_t i = 0; i < o->libs.count; i++) {
        command_add(in, o->libs.argv[i]);
    }
    if (o->rump_client) {
        command_add(in, pf->client);
    }
    for (int i = o->no_platform ? 2 : 0; i < 4; i++) {
        command_add(in, pf->libs[i]);
    }
    command_add(in, "--end-group");
    return 0;
}

/*
 * What a POSIX program's rump kernel has unless --rump says otherwise: file systems (tmpfs
 * for /tmp, FFS, ext2 and ISO 9660 for disks and baked trees), /dev/random, TCP/IP for
 * IPv4 and IPv6, local sockets, the DHCP client, and the virtio and e1000 drivers.
 */
#define POSIX_COMPONENTS                                                                  \
    "vfs,fs_tmpfs,fs_ffs,fs_ext2fs,fs_cd9660,dev_disk,dev_rnd,net,net_net,net_netinet,"   \
    "net_netinet6,net_local,net_config,dev_bpf,pci,pci_virtio,virtio_if_vioif,virtio_ld," \
    "pci_if_wm,dev_miiphy"

/*
 * A POSIX program in link order: the platform object (entry point included), the objects,
 * the rump kernel inside --whole-archive, then the POSIX layer, NetBSD's libpthread and
 * libc in one group. tmpfs is always in the kernel: the POSIX layer mounts it on /tmp.
 */
static int posix_inputs(const struct bake_args *o, char **objects, int nobjects, struct command *in)
{
    const char *sysroot = getenv("RUMPRUN_SYSROOT");
    if (!sysroot || !*sysroot) {
        bake_error("a POSIX program needs RUMPRUN_SYSROOT set to the directory Rumprun's "
                   "build installed (holding rumprun-x86_64/lib/libc.a)");
        return -1;
    }
    char *platform = path_join(o->build, "platform/posix/platform.o");
    char *layer = path_join(o->build, "platform/posix/libposix.a");
    char *adapted = path_join(o->build, "platform/posix");
    char *target = path_join(sysroot, "rumprun-x86_64/lib");
    char *kernel = path_join(target, "rumprun-hw");
    char *pthread = path_join(target, "libpthread.a"), *libc = path_join(target, "libc.a");
    int r = -1;
    const char *missing = !file_exists(platform) ? platform : !file_exists(layer) ? layer : 0;
    if (missing) {
        bake_error("%s not found: build the tree with RUMPRUN_SYSROOT set (make "
                   "RUMPRUN_SYSROOT=...), or point --build at its build directory",
                   missing);
        goto done;
    }
    if (!file_exists(libc) || !file_exists(pthread)) {
        bake_error("RUMPRUN_SYSROOT=%s is not Rumprun's installed userland: no %s", sysroot, libc);
        goto done;
    }
    command_add(in, "--eh-frame-hdr"); /* C++ exceptions find unwind tables through it */
    command_add(in, platform);
    for (int i = 0; i < nobjects; i++) {
        command_add(in, objects[i]);
    }
    struct command components = {0};
    command_add(&components, o->rump.count ? "fs_tmpfs" : POSIX_COMPONENTS);
    for (size_t i = 0; i < o->rump.count; i++) {
        command_add(&components, o->rump.argv[i]);
    }
    struct rump_libdir where = {"RUMPRUN_SYSROOT", sysroot, kernel, adapted};
    command_add(in, "--whole-archive");
    r = rump_libraries(in, &components, &where);
    command_free(&components);
    command_add(in, "--no-whole-archive");
    add_platform_wraps(in);
    if (o->remote_sockets) {
        add_remote_wraps(in);
    }
    command_add(in, "--start-group");
    command_add(in, layer);
    for (size_t i = 0; i < o->libs.count; i++) {
        command_add(in, o->libs.argv[i]);
    }
    command_add(in, pthread);
    command_add(in, libc);
    command_add(in, "--end-group");
done:
    free(platform);
    free(layer);
    free(adapted);
    free(target);
    free(kernel);
    free(pthread);
    free(libc);
    return r;
}

/* 1 if the inputs are a POSIX program (--posix, or one was built by Rumprun's toolchain). */
static int is_posix(const struct bake_args *o, char **objects, int nobjects)
{
    int posix = o->posix;
    for (int i = 0; i < nobjects; i++) {
        int r = recipe_check(objects[i]);
        if (r < 0) {
            return -1;
        }
        posix |= r;
    }
    if (!posix && o->remote_sockets) {
        bake_error("--remote-sockets is for POSIX programs (--posix, or objects built with "
                   "Rumprun's toolchain)");
        return -1;
    }
    if (posix && (o->no_platform || o->no_glue)) {
        bake_error("a POSIX program is always linked with the platform and the POSIX layer "
                   "(--no-platform and --no-rump-glue do not apply)");
        return -1;
    }
    return posix;
}

int bake_link(int argc, char **argv)
{
    struct bake_args o;
    int status = bake_parse_args(argc, argv, BAKE_LINK, &o) < 0 ? 2 : check_link_args(argc, &o);
    if (status) {
        bake_args_free(&o);
        return status;
    }
    if (!o.build) {
        o.build = "build";
    }
    if (!o.srcdir) {
        o.srcdir = ".";
    }

    struct platform pf;
    struct command c = {0}, in = {0}, files = {0};
    status = 1;
    platform_defaults(&pf, o.build, o.srcdir);
    if (o.script) {
        free(pf.script);
        pf.script = strdup(o.script);
    }
    char **objects = argv + o.first;
    int nobjects = argc - o.first;
    for (int i = 0; i < nobjects; i++) {
        if (!file_exists(objects[i])) {
            bake_error("%s: no such file", objects[i]);
            goto done;
        }
    }
    int posix = is_posix(&o, objects, nobjects);
    if (posix < 0) {
        goto done;
    }
    if (posix) {
        if (posix_inputs(&o, objects, nobjects, &in) < 0) {
            goto done;
        }
    } else if (check_platform(&pf, !o.no_platform, o.rump.count && !o.no_glue && !o.no_platform,
                              o.rump_client) < 0 ||
               link_inputs(&o, &pf, objects, nobjects, &in) < 0) {
        goto done;
    }
    add_link_prefix(&c, o.ld, pf.script, o.out);
    for (size_t i = 0; i < in.count; i++) {
        command_add(&c, in.argv[i]);
        if (in.argv[i][0] != '-') {
            command_add(&files, in.argv[i]);
        }
    }
    command_add(&files, pf.script);
    if (run_program(c.argv) != 0) {
        if (o.rump.count) {
            bake_error("undefined symbols from rump libraries usually mean a component needs "
                       "another one (fs_ext2fs needs fs_ffs, virtio_ld needs dev_disk): see "
                       "README.md, NetBSD");
        }
        goto done;
    }
    if (check_output(o.out) == 0 && (!o.deps || write_deps(o.deps, o.out, &files) == 0)) {
        status = 0;
    }
done:
    command_free(&c);
    command_free(&in);
    command_free(&files);
    bake_args_free(&o);
    platform_free(&pf);
    return status;
}
