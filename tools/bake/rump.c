/*
 * bake link --rump: which NetBSD rump kernel libraries a list of component names means.
 *
 * A component is named the way NetBSD names its library without the "librump" prefix
 * (vfs, fs_tmpfs, net_netinet, dev_disk, kern_sysproxy) or, for device drivers, without
 * "librumpdev_" too (pci, pci_virtio, virtio_if_vioif, pci_if_wm, virtio_ld, miiphy); a
 * full library name (rumpvfs, rumpdev_pci) works as well. librump.a, and the faction each
 * component belongs to, are added: a component cannot link without them. Dependencies
 * between components (fs_ext2fs uses fs_ffs, virtio_ld uses dev_disk) are the caller's to
 * list: bake adds nothing it cannot derive from the name.
 */
#include "bake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Adds libdir/file unless the list has it already. */
static void add_unique(struct command *libs, const char *libdir, const char *file)
{
    char *path = path_join(libdir, file);
    for (size_t i = 0; i < libs->count; i++) {
        if (!strcmp(libs->argv[i], path)) {
            free(path);
            return;
        }
    }
    command_add(libs, path);
    free(path);
}

/* The library file a component name means, or 0 (*tried says what was looked for). */
static char *component_file(const char *libdir, const char *name, char *tried, size_t size)
{
    char file[256];
    /* A library name as it is; a driver may leave out its "dev_" (but not twice). */
    int full = starts_with(name, "rump"), device = starts_with(name, "dev");
    const char *const formats[] = {full ? "lib%s.a" : "librump%s.a",
                                   full || device ? 0 : "librumpdev_%s.a"};
    tried[0] = 0;
    for (int i = 0; i < 2 && formats[i]; i++) {
        snprintf(file, sizeof(file), formats[i], name);
        char *path = path_join(libdir, file);
        int found = file_exists(path);
        free(path);
        if (found) {
            return strdup(file);
        }
        snprintf(tried + strlen(tried), size - strlen(tried), "%s%s", i ? " or " : "", file);
    }
    return 0;
}

/*
 * The factions (librumpvfs, librumpnet, librumpdev) a library needs. Device drivers need
 * the file system faction too: librumpdev's power management syncs file systems.
 */
static void add_factions(struct command *libs, const char *libdir, const char *file)
{
    if (starts_with(file, "librumpnet")) {
        add_unique(libs, libdir, "librumpnet.a");
    }
    if (starts_with(file, "librumpdev")) {
        add_unique(libs, libdir, "librumpdev.a");
    }
    if (starts_with(file, "librumpfs_") || starts_with(file, "librumpvfs") ||
        starts_with(file, "librumpdev")) {
        add_unique(libs, libdir, "librumpvfs.a");
    }
}

/* The directory that holds `file`: the override directory if it has it. */
static const char *library_dir(const struct rump_libdir *where, const char *file)
{
    if (where->override) {
        char *path = path_join(where->override, file);
        int found = file_exists(path);
        free(path);
        if (found) {
            return where->override;
        }
    }
    return where->dir;
}

int rump_libraries(struct command *libs, const struct command *lists,
                   const struct rump_libdir *where)
{
    if (!where->sysroot || !*where->sysroot) {
        bake_error("--rump needs %s set to the rump kernel's sysroot", where->variable);
        return -1;
    }
    const char *libdir = where->dir;
    char *base = path_join(libdir, "librump.a");
    int ok = is_directory(libdir) && file_exists(base);
    if (!ok) {
        bake_error("%s=%s does not hold a rump kernel: no %s", where->variable, where->sysroot,
                   base);
    }
    struct command factions = {0};
    struct buffer all = {0}; /* the lists, comma-separated */
    for (size_t i = 0; i < lists->count; i++) {
        buffer_append(&all, lists->argv[i], strlen(lists->argv[i]));
        buffer_append(&all, ",", 1);
    }
    buffer_append(&all, "", 1);
    char *names = (char *)all.data;
    for (char *save = 0, *name = strtok_r(names, ",", &save); ok && name;
         name = strtok_r(0, ",", &save)) {
        char tried[600];
        char *file = component_file(libdir, name, tried, sizeof(tried));
        if (file) {
            add_unique(libs, library_dir(where, file), file);
            add_factions(&factions, libdir, file);
            free(file);
        } else {
            bake_error("rump component '%s': %s not found in %s (%s=%s)", name, tried, libdir,
                       where->variable, where->sysroot);
            ok = 0;
        }
    }
    for (size_t i = 0; ok && i < factions.count; i++) {
        add_unique(libs, "", factions.argv[i]);
    }
    if (ok) {
        add_unique(libs, "", base);
    }
    command_free(&factions);
    free(names);
    free(base);
    return ok ? 0 : -1;
}
