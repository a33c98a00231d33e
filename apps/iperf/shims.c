/*
 * Link-time shims for iperf 2 (apps/iperf/README.md, "How it is built"): what iperf calls
 * and Rumprun's NetBSD libc lacks. Compiled with Rumprun's toolchain, linked into iperf's
 * own link (configure's LIBS).
 */
#include <errno.h>

/*
 * daemon(3): iperf -D detaches into the background with it. Rumprun's libc leaves it out
 * (it forks); a unikernel has no other process to leave running, and fork fails with
 * ENOSYS here (platform/posix/README.md), so daemon fails the same way and iperf says so.
 */
int daemon(int nochdir, int noclose)
{
    (void)nochdir;
    (void)noclose;
    errno = ENOSYS;
    return -1;
}
