/*
 * rumpuser(3) threads: each rump kernel thread is a platform thread, and the rump
 * kernel's notion of the current lwp is kept per thread in TLS (the rump kernel itself is
 * built with RUMP_CURLWP=__thread and only informs us, but the locks here need the owner).
 */
#include "hyp.h"

/* Enough for NetBSD kernel threads (their native stacks are 16 KiB) with a wide margin. */
#define RUMP_THREAD_STACK (64 * 1024)

__thread struct lwp *pfru_curlwp;

int rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name, int mustjoin,
                           int priority, int cpuidx, void **cookie)
{
    /*
     * The rump kernel schedules its threads onto its virtual CPU itself; priorities here
     * would only let a busy high-priority thread starve the one holding that CPU. All rump
     * threads are therefore equal; cpuidx has no meaning with one TCB.
     */
    (void)priority;
    (void)cpuidx;
    int error;
    struct pf_thread *t = pf_thread_create(name, fn, arg, RUMP_THREAD_STACK, PF_PRIO_NORMAL,
                                           mustjoin ? PF_THREAD_JOINABLE : 0, &error);
    if (!t) {
        return error;
    }
    if (mustjoin) {
        *cookie = t;
    }
    return 0;
}

void rumpuser_thread_exit(void)
{
    pf_thread_exit(0);
}

int rumpuser_thread_join(void *cookie)
{
    int nlocks, error;
    pfru_unschedule(&nlocks, 0);
    error = pf_thread_join(cookie, 0);
    pfru_schedule(nlocks, 0);
    return error;
}

void rumpuser_curlwpop(int op, struct lwp *l)
{
    switch (op) {
    case RUMPUSER_LWP_SET:
        pfru_curlwp = l;
        break;
    case RUMPUSER_LWP_CLEAR:
        pfru_curlwp = 0;
        break;
    default: /* CREATE and DESTROY are informational */
        break;
    }
}

struct lwp *rumpuser_curlwp(void)
{
    return pfru_curlwp;
}
