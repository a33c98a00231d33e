/*
 * The command line of every bake mode: one table of options, each marked with the modes
 * that take it and the field of struct bake_args it fills, so getopt is driven in one
 * place. main.c's usage text describes them.
 */
#include "bake.h"

#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>

enum kind {
    STRING, /* const char *: the last one given counts */
    FLAG,   /* int: set to 1 */
    LIST,   /* struct command: every one given, in order */
};

static const struct {
    const char *name; /* --name, or 0 */
    char short_name;  /* -c, or 0 */
    enum kind kind;
    unsigned modes;
    size_t field; /* offset in struct bake_args */
} options[] = {
    {0, 'o', STRING, BAKE_LINK | BAKE_IMAGE, offsetof(struct bake_args, out)},
    {"ld", 0, STRING, BAKE_LINK | BAKE_IMAGE, offsetof(struct bake_args, ld)},
    {"linker-script", 0, STRING, BAKE_LINK | BAKE_IMAGE, offsetof(struct bake_args, script)},
    {"verbose", 'v', FLAG, BAKE_LINK | BAKE_IMAGE | BAKE_CHECK,
     offsetof(struct bake_args, verbose)},
    {"build", 0, STRING, BAKE_LINK, offsetof(struct bake_args, build)},
    {"srcdir", 0, STRING, BAKE_LINK, offsetof(struct bake_args, srcdir)},
    {"no-platform", 0, FLAG, BAKE_LINK, offsetof(struct bake_args, no_platform)},
    {"rump", 0, LIST, BAKE_LINK, offsetof(struct bake_args, rump)},
    {"no-rump-glue", 0, FLAG, BAKE_LINK, offsetof(struct bake_args, no_glue)},
    {"rump-client", 0, FLAG, BAKE_LINK, offsetof(struct bake_args, rump_client)},
    {"posix", 0, FLAG, BAKE_LINK, offsetof(struct bake_args, posix)},
    {"remote-sockets", 0, FLAG, BAKE_LINK, offsetof(struct bake_args, remote_sockets)},
    {"lib", 0, LIST, BAKE_LINK, offsetof(struct bake_args, libs)},
    {"deps", 0, STRING, BAKE_LINK, offsetof(struct bake_args, deps)},
    {"roottask", 0, STRING, BAKE_IMAGE, offsetof(struct bake_args, roottask)},
    {"kernel", 0, STRING, BAKE_IMAGE, offsetof(struct bake_args, kernel)},
    {"images", 0, LIST, BAKE_IMAGE | BAKE_CHECK, offsetof(struct bake_args, image_dirs)},
    {"no-strip", 0, FLAG, BAKE_IMAGE, offsetof(struct bake_args, no_strip)},
    {"unchecked", 0, FLAG, BAKE_IMAGE, offsetof(struct bake_args, unchecked)},
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

int bake_parse_args(int argc, char **argv, unsigned mode, struct bake_args *a)
{
    struct option longopts[NOPTIONS + 1];
    char shortopts[2 * NOPTIONS + 1];
    size_t nlong = 0, nshort = 0;
    for (size_t i = 0; i < NOPTIONS; i++) {
        if (!(options[i].modes & mode)) {
            continue; /* getopt refuses it in this mode */
        }
        int has_arg = options[i].kind == FLAG ? no_argument : required_argument;
        if (options[i].name) {
            longopts[nlong++] = (struct option){options[i].name, has_arg, 0, (int)(256 + i)};
        }
        if (options[i].short_name) {
            shortopts[nshort++] = options[i].short_name;
            if (has_arg == required_argument) {
                shortopts[nshort++] = ':';
            }
        }
    }
    longopts[nlong] = (struct option){0, 0, 0, 0};
    shortopts[nshort] = 0;

    *a = (struct bake_args){.ld = getenv("LD") ? getenv("LD") : "ld"};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, shortopts, longopts, 0)) != -1) {
        size_t i = 0;
        while (i < NOPTIONS && opt != (int)(256 + i) &&
               !(options[i].short_name && opt == options[i].short_name)) {
            i++;
        }
        if (i == NOPTIONS) {
            return -1; /* getopt said what was wrong */
        }
        void *field = (char *)a + options[i].field;
        switch (options[i].kind) {
        case STRING:
            *(const char **)field = optarg;
            break;
        case FLAG:
            *(int *)field = 1;
            break;
        case LIST:
            command_add(field, optarg);
            break;
        }
    }
    bake_verbose |= a->verbose;
    a->first = optind;
    return 0;
}

void bake_args_free(struct bake_args *a)
{
    command_free(&a->rump);
    command_free(&a->libs);
    command_free(&a->image_dirs);
}
