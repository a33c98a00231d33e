/*
 * bake link: one unikernel ELF from an application's objects, the platform library and,
 * when asked, NetBSD rump kernel libraries. The result is checked with the root task's own
 * ELF checker so that a bad link fails here rather than at boot.
 */
#include "bake.h"
#include "../../roottask/shared/elfcheck.h"
#include <unikernel.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_output(const char *path)
{
    void *data;
    size_t size;
    char err[256];
    struct elf_image image;
    if (read_file(path, &data, &size) < 0) {
        bake_error("%s: cannot read the linked program", path);
        return -1;
    }
    int r = elf_check(data, size, UK_IMAGE_VADDR_MIN, UK_IMAGE_VADDR_MAX, &image, err, sizeof(err));
    free(data);
    if (r < 0) {
        bake_error("%s: not a loadable unikernel: %s", path, err);
        remove(path);
    }
    return r;
}

/* The platform's files, as platform/platform.mk links a unikernel. */
struct platform {
    char *crt;     /* the entry point, first on the command line */
    char *libs[4]; /* in one --start-group with the application's libraries */
    char *script;
    char *glue; /* the NetBSD glue (platform/rumpglue), whole-archive with a rump kernel */
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
}

static void platform_free(struct platform *pf)
{
    free(pf->crt);
    for (int i = 0; i < 4; i++) {
        free(pf->libs[i]);
    }
    free(pf->script);
    free(pf->glue);
}

static int check_platform(const struct platform *pf, int with_platform, int with_glue)
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

/* The command line and what it reads; see bake --help. */
struct link_options {
    const char *out, *script, *build, *srcdir, *ld, *deps;
    int no_platform, no_glue;
    struct command rump;  /* --rump lists */
    struct command extra; /* --lib files, for the group */
};

static int parse_link_options(int argc, char **argv, struct link_options *o)
{
    static const struct option options[] = {
        {"build", required_argument, 0, 'b'},
        {"srcdir", required_argument, 0, 's'},
        {"no-platform", no_argument, 0, 'n'},
        {"linker-script", required_argument, 0, 'T'},
        {"rump", required_argument, 0, 'r'},
        {"no-rump-glue", no_argument, 0, 'G'},
        {"lib", required_argument, 0, 'l'},
        {"deps", required_argument, 0, 'd'},
        {"ld", required_argument, 0, 'L'},
        {"verbose", no_argument, 0, 'v'},
        {0, 0, 0, 0},
    };
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:v", options, 0)) != -1) {
        switch (opt) {
        case 'o':
            o->out = optarg;
            break;
        case 'b':
            o->build = optarg;
            break;
        case 's':
            o->srcdir = optarg;
            break;
        case 'n':
            o->no_platform = 1;
            break;
        case 'T':
            o->script = optarg;
            break;
        case 'r':
            command_add(&o->rump, optarg);
            break;
        case 'G':
            o->no_glue = 1;
            break;
        case 'l':
            command_add(&o->extra, optarg);
            break;
        case 'd':
            o->deps = optarg;
            break;
        case 'L':
            o->ld = optarg;
            break;
        case 'v':
            bake_verbose = 1;
            break;
        default:
            return 2;
        }
    }
    if (!o->out || optind == argc) {
        bake_error("link needs -o OUT.elf and at least one object (see bake --help)");
        return 2;
    }
    if (o->no_platform && !o->script) {
        bake_error("--no-platform needs --linker-script");
        return 2;
    }
    return 0;
}

/*
 * Every input in link order: the entry object, the objects, rump kernel libraries inside
 * --whole-archive (their components and modules register through link sets that nothing
 * references by name; the glue registers through a constructor), then one group.
 */
static int link_inputs(const struct link_options *o, const struct platform *pf, char **objects,
                       int nobjects, struct command *in)
{
    if (!o->no_platform) {
        command_add(in, pf->crt);
    }
    for (int i = 0; i < nobjects; i++) {
        if (!file_exists(objects[i])) {
            bake_error("%s: no such file", objects[i]);
            return -1;
        }
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
        int r = rump_libraries(in, &components);
        command_free(&components);
        if (r < 0) {
            return -1;
        }
        command_add(in, "--no-whole-archive");
    }
    command_add(in, "--start-group");
    for (size_t i = 0; i < o->extra.count; i++) {
        command_add(in, o->extra.argv[i]);
    }
    for (int i = o->no_platform ? 2 : 0; i < 4; i++) {
        command_add(in, pf->libs[i]);
    }
    command_add(in, "--end-group");
    return 0;
}

int bake_link(int argc, char **argv)
{
    struct link_options o = {.build = "build", .srcdir = ".", .ld = getenv("LD")};
    if (!o.ld) {
        o.ld = "ld";
    }
    int status = parse_link_options(argc, argv, &o);
    if (status) {
        command_free(&o.rump);
        command_free(&o.extra);
        return status;
    }

    struct platform pf;
    struct command c = {0}, in = {0}, files = {0};
    status = 1;
    platform_defaults(&pf, o.build, o.srcdir);
    if (o.script) {
        free(pf.script);
        pf.script = strdup(o.script);
    }
    if (check_platform(&pf, !o.no_platform, o.rump.count && !o.no_glue && !o.no_platform) < 0 ||
        link_inputs(&o, &pf, argv + optind, argc - optind, &in) < 0) {
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
    command_free(&o.rump);
    command_free(&o.extra);
    platform_free(&pf);
    return status;
}
