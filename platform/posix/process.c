/*
 * The process: its end and its resource usage.
 */
#include "posix.h"

#include <sys/reboot.h>
#include <sys/resource.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --- The end --------------------------------------------------------------------------------- */

/*
 * exit() has run the atexit handlers and flushed stdio; _exit does what the kernel does at
 * a process's end: shared file mappings are written back, then the rump kernel is halted
 * (it syncs and unmounts every file system, drivers stop their devices) and the unikernel
 * ends with the program's status.
 */
void posix_terminate(int status)
{
    static bool halting;
    if (halting) {
        pf_exit(status); /* a second exit while halting (from a handler, a thread) */
    }
    halting = true;
    posix_mman_sync_all();
    pf_exit_begin(status);
    reboot(RB_AUTOBOOT, 0); /* ends in rumpuser_exit(0), which exits with `status` */
    pf_exit(status);
}

void _exit(int status)
{
    posix_terminate(status & 0xff);
}
__strong_alias(_Exit, _exit);

/* --- Resource usage ------------------------------------------------------------------------ */

/*
 * CPU time is the time the unikernel's TCB did not spend idle (every thread runs on it),
 * counted as user time; the maximum resident size is the most memory the platform's page
 * allocator ever had handed out.
 */
int __getrusage50(int who, struct rusage *usage)
{
    if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN) {
        errno = EINVAL;
        return -1;
    }
    memset(usage, 0, sizeof(*usage));
    if (who == RUSAGE_CHILDREN) {
        return 0;
    }
    struct pf_sched_stats stats;
    pf_sched_stats(&stats);
    uint64_t busy = pf_clock_monotonic() - stats.idle_ns;
    usage->ru_utime.tv_sec = (time_t)(busy / PF_NSEC_PER_SEC);
    usage->ru_utime.tv_usec = (suseconds_t)(busy % PF_NSEC_PER_SEC / 1000);
    usage->ru_maxrss = (long)((pf_mem_total() - pf_mem_free_min()) / 1024);
    usage->ru_nvcsw = (long)stats.switches;
    return 0;
}

/* Every thread has the same priority: only 0 exists (lowering is allowed and ignored). */
int getpriority(int which, id_t who)
{
    (void)which;
    (void)who;
    errno = 0;
    return 0;
}

int setpriority(int which, id_t who, int prio)
{
    (void)which;
    (void)who;
    if (prio < 0) {
        errno = EACCES;
        return -1;
    }
    return 0;
}

/* brk/sbrk: the heap is the platform's, there is no break to move. */
void *__minbrk;

void *_sbrk(intptr_t incr);
void *_sbrk(intptr_t incr)
{
    (void)incr;
    errno = ENOMEM;
    return (void *)-1;
}
