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
#include <sys/stat.h>
#include <unistd.h>

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Adds $RUMP_SYSROOT/lib/libNAME.a for each NAME of a comma-separated list. */
static int add_rump_libraries(struct command *c, const char *list)
{
    const char *sysroot = getenv("RUMP_SYSROOT");
    if (!sysroot || !*sysroot) {
        bake_error("--rump needs RUMP_SYSROOT set to the rump kernel sysroot "
                   "(the directory holding lib/librump.a)");
        return -1;
    }
    char *libdir = path_join(sysroot, "lib");
    int ok = is_directory(libdir);
    if (!ok) {
        bake_error("RUMP_SYSROOT=%s is not a rump kernel sysroot: %s is not a directory", sysroot,
                   libdir);
    }
    char *names = strdup(list);
    for (char *save = 0, *name = strtok_r(names, ",", &save); ok && name;
         name = strtok_r(0, ",", &save)) {
        char file[256];
        snprintf(file, sizeof(file), "lib%s.a", name);
        char *path = path_join(libdir, file);
        if (file_exists(path)) {
            command_add(c, path);
        } else {
            bake_error("rump library %s not found in %s (RUMP_SYSROOT=%s)", file, libdir, sysroot);
            ok = 0;
        }
        free(path);
    }
    free(names);
    free(libdir);
    return ok ? 0 : -1;
}

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
}

static void platform_free(struct platform *pf)
{
    free(pf->crt);
    for (int i = 0; i < 4; i++) {
        free(pf->libs[i]);
    }
    free(pf->script);
}

static int check_platform(const struct platform *pf, int with_platform)
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
    return 0;
}

int bake_link(int argc, char **argv)
{
    static const struct option options[] = {
        {"build", required_argument, 0, 'b'},
        {"srcdir", required_argument, 0, 's'},
        {"no-platform", no_argument, 0, 'n'},
        {"linker-script", required_argument, 0, 'T'},
        {"rump", required_argument, 0, 'r'},
        {"lib", required_argument, 0, 'l'},
        {"ld", required_argument, 0, 'L'},
        {"verbose", no_argument, 0, 'v'},
        {0, 0, 0, 0},
    };
    const char *out = 0, *script = 0, *rump = 0, *build = "build", *srcdir = ".";
    const char *ld = getenv("LD") ? getenv("LD") : "ld";
    int no_platform = 0, opt;
    struct command extra = {0};

    optind = 1;
    while ((opt = getopt_long(argc, argv, "o:v", options, 0)) != -1) {
        switch (opt) {
        case 'o':
            out = optarg;
            break;
        case 'b':
            build = optarg;
            break;
        case 's':
            srcdir = optarg;
            break;
        case 'n':
            no_platform = 1;
            break;
        case 'T':
            script = optarg;
            break;
        case 'r':
            rump = optarg;
            break;
        case 'l':
            command_add(&extra, optarg);
            break;
        case 'L':
            ld = optarg;
            break;
        case 'v':
            bake_verbose = 1;
            break;
        default:
            return 2;
        }
    }
    if (!out || optind == argc) {
        bake_error("link needs -o OUT.elf and at least one object (see bake --help)");
        return 2;
    }
    if (no_platform && !script) {
        bake_error("--no-platform needs --linker-script");
        return 2;
    }

    struct platform pf;
    struct command c = {0};
    int status = 1;
    platform_defaults(&pf, build, srcdir);
    if (script) {
        free(pf.script);
        pf.script = strdup(script);
    }
    if (check_platform(&pf, !no_platform) < 0) {
        goto done;
    }
    for (int i = optind; i < argc; i++) {
        if (!file_exists(argv[i])) {
            bake_error("%s: no such file", argv[i]);
            goto done;
        }
    }

    add_link_prefix(&c, ld, pf.script, out);
    if (!no_platform) {
        command_add(&c, pf.crt);
    }
    for (int i = optind; i < argc; i++) {
        command_add(&c, argv[i]);
    }
    if (rump) {
        /* Rump components register themselves through link sets and constructors that
         * nothing references by name, so their archives are linked whole. */
        command_add(&c, "--whole-archive");
        if (add_rump_libraries(&c, rump) < 0) {
            goto done;
        }
        command_add(&c, "--no-whole-archive");
    }
    command_add(&c, "--start-group");
    for (size_t i = 0; i < extra.count; i++) {
        command_add(&c, extra.argv[i]);
    }
    for (int i = no_platform ? 2 : 0; i < 4; i++) {
        command_add(&c, pf.libs[i]);
    }
    command_add(&c, "--end-group");
    if (run_program(c.argv) == 0 && check_output(out) == 0) {
        status = 0;
    }
done:
    command_free(&c);
    command_free(&extra);
    platform_free(&pf);
    return status;
}
