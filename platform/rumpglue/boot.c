/*
 * The rump kernel's life in a unikernel: booted before main, halted when the program
 * exits. What Rumprun's rumprun_boot and its exit path did, on the platform's start-up
 * (constructors before main, atexit handlers after it).
 */
#include "glue.h"

#include <errno.h>
#include <platform.h>
#include <stdio.h>
#include <stdlib.h>

bool rg_verbose;

/*
 * rump_sys_reboot without RB_HALT syncs and unmounts every file system (vfs_shutdown),
 * runs the shutdown hooks (drivers stop their devices) and ends in rumpuser_exit(0), which
 * ends the unikernel with the status exit() was given.
 */
static void halt(void)
{
    rump_sys_reboot(RUMP_RB_AUTOBOOT, 0);
    printf("rumpglue: rump kernel did not halt\n");
}

/* tmpfs on /tmp (the rump kernel's root file system already has the directory). */
static void mount_tmp(void)
{
    struct rump_tmpfs_args args = {
        .ta_version = RUMP_TMPFS_ARGS_VERSION,
        .ta_root_mode = 01777,
    };
    if (rump_sys_mount(RUMP_MOUNT_TMPFS, "/tmp", 0, &args, sizeof(args)) == 0) {
        if (rg_verbose) {
            printf("rumpglue: tmpfs mounted on /tmp\n");
        }
    } else if (errno == ENODEV || errno == EOPNOTSUPP) {
        /* Not linked in (no fs_tmpfs component): the program does without. */
        if (rg_verbose) {
            printf("rumpglue: no tmpfs in this rump kernel; /tmp is on the root file system\n");
        }
    } else {
        rg_fail("cannot mount tmpfs on /tmp", errno);
    }
}

void rg_fail(const char *what, int error)
{
    printf("rumpglue: %s (error %d)\n", what, error);
    exit(1);
}

/* A constructor, so that main finds the rump kernel up without calling anything. */
__attribute__((constructor)) static void boot(void)
{
    const char *v = pf_getenv("RUMP_VERBOSE");
    rg_verbose = v && *v && *v != '0';
    uint64_t t0 = pf_clock_monotonic();
    int r = rump_init();
    if (r != 0) {
        rg_fail("rump_init failed", r);
    }
    if (atexit(halt) != 0) {
        rg_fail("cannot register the halt handler", errno);
    }
    if (rg_verbose) {
        printf("rumpglue: rump kernel up in %lu ms\n",
               (unsigned long)((pf_clock_monotonic() - t0) / 1000000));
    }
    mount_tmp();
    rg_net_configure();
}
