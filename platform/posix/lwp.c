/*
 * The lwp system calls libpthread makes, on the platform's threads.
 *
 * A NetBSD pthread is an lwp: libpthread allocates its stack (mmap) and its TLS block
 * (_rtld_tls_allocate), then asks the kernel for an lwp on them. Libpthread as Rumprun
 * builds it asks through rumprun_makelwp() instead of _lwp_create(); here that makes a
 * platform thread on the given stack and thread pointer, and a rump kernel lwp in the
 * program's process for its system calls. Parking, unparking, suspending and naming are
 * done on the platform's wait queues: every thread of the unikernel runs on one TCB, so
 * none of this needs a system call to the microkernel.
 *
 * lwp records are never returned to the heap: libpthread reads an exited thread's lwpctl
 * (through the pointer _lwp_ctl gave it) to decide whether its stack may be reused, so that
 * memory must stay valid; records are reused for new lwps instead.
 */
#include "posix.h"

#include <sys/lwp.h>
#include <sys/tls.h>
#include <errno.h>
#include <lwp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rump/rump.h>
#include <rump/rumpkern_if_pub.h>

/* libpthread, as Rumprun builds it, creates its lwps with this call. */
int rumprun_makelwp(void (*start)(void *), void *arg, void *private, void *stack_base,
                    size_t stack_size, unsigned long flags, lwpid_t *lid);

#define MAIN_LWP_ID 1

static struct posix_lwp *live, *free_records;
static lwpid_t next_id = MAIN_LWP_ID;
static struct pf_waitq suspend_queue = PF_WAITQ_INIT;

struct posix_lwp *posix_lwp_self(void)
{
    return pf_thread_data(pf_thread_self());
}

struct posix_lwp *posix_lwp_find(lwpid_t id)
{
    for (struct posix_lwp *l = live; l; l = l->next) {
        if (l->id == id) {
            return l;
        }
    }
    return 0;
}

void posix_lwp_foreach(void (*fn)(struct posix_lwp *, void *), void *arg)
{
    for (struct posix_lwp *l = live; l; l = l->next) {
        fn(l, arg);
    }
}

static struct posix_lwp *record_new(void)
{
    struct posix_lwp *l = free_records;
    if (l) {
        free_records = l->next;
    } else if (!(l = pf_malloc(sizeof(*l), 0))) {
        return 0;
    }
    memset(l, 0, sizeof(*l));
    l->id = next_id++;
    l->ctl.lc_curcpu = LWPCTL_CPU_NONE;
    return l;
}

static void record_link(struct posix_lwp *l, struct pf_thread *t)
{
    l->thread = t;
    pf_thread_set_data(t, l);
    l->next = live;
    live = l;
}

static void record_unlink(struct posix_lwp *l)
{
    for (struct posix_lwp **p = &live; *p; p = &(*p)->next) {
        if (*p == l) {
            *p = l->next;
            break;
        }
    }
    l->next = free_records;
    free_records = l;
}

/* The scheduler's switch hook: lc_curcpu says whether an lwp is on the (one) CPU. */
static void lwp_switch(struct pf_thread *prev, struct pf_thread *next)
{
    struct posix_lwp *p = pf_thread_data(prev), *n = pf_thread_data(next);
    if (p && p->ctl.lc_curcpu != LWPCTL_CPU_EXITED) {
        p->ctl.lc_curcpu = LWPCTL_CPU_NONE;
    }
    if (n) {
        n->ctl.lc_curcpu = 0;
        n->ctl.lc_pctr++;
    }
}

void posix_lwp_init(void)
{
    struct posix_lwp *l = record_new();
    if (!l) {
        posix_fail("no memory for the main lwp");
    }
    strlcpy(l->name, "main", sizeof(l->name));
    l->ctl.lc_curcpu = 0;
    record_link(l, pf_thread_self());
    struct pf_program_hooks hooks = pf_hooks;
    hooks.thread_switch = lwp_switch;
    pf_program_hooks_set(&hooks);
}

/* --- Creation and exit ---------------------------------------------------------------------- */

static void *lwp_trampoline(void *arg)
{
    struct posix_lwp *l = arg;
    rump_pub_lwproc_switch(l->rump_lwp);
    posix_lwp_suspend_point();
    l->start(l->arg);
    _lwp_exit();
    return 0;
}

int rumprun_makelwp(void (*start)(void *), void *arg, void *private, void *stack_base,
                    size_t stack_size, unsigned long flags, lwpid_t *lid)
{
    struct posix_lwp *self = posix_lwp_self(), *l = record_new();
    if (!l) {
        return EAGAIN;
    }
    l->start = start;
    l->arg = arg;
    l->suspended = (flags & LWP_SUSPENDED) != 0;
    if (self) {
        l->sigmask = self->sigmask; /* a new thread inherits its creator's mask */
    }
    snprintf(l->name, sizeof(l->name), "lwp%d", (int)l->id);

    /* rump_pub_lwproc_newlwp binds the new lwp to the caller: take it and switch back. */
    struct lwp *mine = rump_pub_lwproc_curlwp();
    int error = rump_pub_lwproc_newlwp(posix_pid);
    if (error) {
        record_unlink(l);
        return error;
    }
    l->rump_lwp = rump_pub_lwproc_curlwp();
    rump_pub_lwproc_switch(mine);

    struct pf_thread *t = pf_thread_create_on(l->name, lwp_trampoline, l, stack_base, stack_size,
                                              (uintptr_t) private, 0, &error);
    if (!t) {
        rump_pub_lwproc_switch(l->rump_lwp);
        rump_pub_lwproc_releaselwp();
        rump_pub_lwproc_switch(mine);
        record_unlink(l);
        return error;
    }
    record_link(l, t);
    *lid = l->id;
    return 0;
}

int _lwp_exit(void)
{
    struct posix_lwp *l = posix_lwp_self();
    l->ctl.lc_curcpu = LWPCTL_CPU_EXITED;
    rump_pub_lwproc_releaselwp();
    pf_thread_set_data(l->thread, 0);
    record_unlink(l);
    pf_thread_exit(0);
}

/* --- TLS blocks: the platform's layout, which is the one NetBSD's libc expects ------------- */

struct tls_tcb *_rtld_tls_allocate(void)
{
    void *area = pf_malloc(pf_tls_area_size(), 64);
    if (!area) {
        posix_fail("no memory for a thread's TLS block");
    }
    return (struct tls_tcb *)pf_tls_init(area);
}

void _rtld_tls_free(struct tls_tcb *tcb)
{
    pf_free(pf_tls_area((uintptr_t)tcb));
}

void *_lwp_getprivate(void)
{
    void *tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}

/* Static executables set up their TLS here; every thread of ours has it already. */
void __libc_static_tls_setup(void);
void __libc_static_tls_setup(void)
{
}

/* --- Identity and control -------------------------------------------------------------------- */

lwpid_t _lwp_self(void)
{
    return posix_lwp_self()->id;
}

int _lwp_ctl(int features, struct lwpctl **ctl)
{
    (void)features; /* LWPCTL_FEATURE_CURCPU and _PCTR are both kept */
    *ctl = &posix_lwp_self()->ctl;
    return 0;
}

static struct posix_lwp *lookup(lwpid_t id)
{
    struct posix_lwp *l = posix_lwp_find(id);
    if (!l) {
        errno = ESRCH;
    }
    return l;
}

int _lwp_setname(lwpid_t id, const char *name)
{
    struct posix_lwp *l = lookup(id ? id : _lwp_self());
    if (!l) {
        return -1;
    }
    strlcpy(l->name, name, sizeof(l->name));
    return 0;
}

int _lwp_getname(lwpid_t id, char *name, size_t len)
{
    struct posix_lwp *l = lookup(id ? id : _lwp_self());
    if (!l) {
        return -1;
    }
    strlcpy(name, l->name, len);
    return 0;
}

/* --- Parking: what libpthread's mutexes and condition variables sleep on ------------------- */

/*
 * Monotonic deadline (ns, the platform's clock) of a park timeout; 0 = none. An absolute
 * timeout is on the caller's clock as the rump kernel keeps it: both its wall clock and its
 * monotonic clock (which starts when the rump kernel boots, not when the platform's does)
 * differ from the platform's, so the time left is measured on the caller's clock.
 */
static uint64_t park_deadline(clockid_t clock, int flags, const struct timespec *ts)
{
    uint64_t now = pf_clock_monotonic();
    if (!(flags & TIMER_ABSTIME)) {
        return now + (uint64_t)ts->tv_sec * PF_NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
    }
    struct timespec then;
    if (clock_gettime(clock, &then) != 0) {
        return now; /* a clock the kernel does not know: time out at once */
    }
    int64_t delta = (int64_t)(ts->tv_sec - then.tv_sec) * (int64_t)PF_NSEC_PER_SEC +
                    (ts->tv_nsec - then.tv_nsec);
    return delta > 0 ? now + (uint64_t)delta : now;
}

int _lwp_unpark(lwpid_t id, const void *hint)
{
    (void)hint;
    struct posix_lwp *l = lookup(id);
    if (!l) {
        return -1;
    }
    if (l->parked) {
        l->parked = false;
        pf_wake_all(&l->park_queue);
    } else {
        l->unpark_pending = true;
    }
    return 0;
}

ssize_t _lwp_unpark_all(const lwpid_t *ids, size_t n, const void *hint)
{
    if (!ids) {
        return 1024; /* the most libpthread may pass at once */
    }
    for (size_t i = 0; i < n; i++) {
        _lwp_unpark(ids[i], hint);
    }
    return 0;
}

/*
 * A park cut short by a signal: as NetBSD's kernel does on the way out of the system call,
 * the handlers run before it returns EINTR (libpthread then parks again). Without this the
 * signal stays pending, the next park returns at once, and the thread spins.
 */
static int interrupted(void)
{
    posix_signal_deliver();
    errno = EINTR;
    return -1;
}

int ___lwp_park60(clockid_t clock, int flags, const struct timespec *ts, lwpid_t unpark,
                  const void *hint, const void *unparkhint)
{
    (void)hint;
    struct posix_lwp *l = posix_lwp_self();
    if (unpark) {
        _lwp_unpark(unpark, unparkhint);
    }
    if (l->unpark_pending) {
        l->unpark_pending = false;
        errno = EALREADY;
        return -1;
    }
    if (posix_signal_deliverable()) {
        return interrupted();
    }
    uint64_t deadline = ts ? park_deadline(clock, flags, ts) : 0;
    if (ts && deadline <= pf_clock_monotonic()) {
        errno = ETIMEDOUT;
        return -1;
    }
    l->parked = true;
    l->interrupted = false;
    int r = pf_block(&l->park_queue, deadline);
    l->parked = false;
    if (r == ETIMEDOUT) {
        errno = ETIMEDOUT;
        return -1;
    }
    return l->interrupted ? interrupted() : 0;
}

void posix_lwp_interrupt(struct posix_lwp *l)
{
    if (l->parked) {
        l->parked = false;
        l->interrupted = true;
        pf_wake_all(&l->park_queue);
    }
}

int _lwp_wakeup(lwpid_t id)
{
    struct posix_lwp *l = lookup(id);
    if (!l) {
        return -1;
    }
    if (!l->parked) {
        errno = ENODEV; /* NetBSD: the lwp is not sleeping interruptibly */
        return -1;
    }
    posix_lwp_interrupt(l);
    return 0;
}

/* --- Suspension -------------------------------------------------------------------------- */

void posix_lwp_suspend_point(void)
{
    struct posix_lwp *l = posix_lwp_self();
    while (l && l->suspended) {
        pf_block(&suspend_queue, 0);
    }
}

int _lwp_suspend(lwpid_t id)
{
    struct posix_lwp *l = lookup(id);
    if (!l) {
        return -1;
    }
    l->suspended = true;
    posix_lwp_suspend_point(); /* holds the caller at once if it suspended itself */
    return 0;
}

int _lwp_continue(lwpid_t id)
{
    struct posix_lwp *l = lookup(id);
    if (!l) {
        return -1;
    }
    l->suspended = false;
    pf_wake_all(&suspend_queue); /* each woken lwp checks its own flag */
    return 0;
}

/* --- Scheduling: one CPU, threads of equal priority ---------------------------------------- */

int _sys_sched_yield(void);
int _sys_sched_yield(void)
{
    pf_yield();
    return 0;
}
__strong_alias(sched_yield, _sys_sched_yield);

int _sched_getparam(pid_t pid, lwpid_t lid, int *policy, struct sched_param *param);
int _sched_getparam(pid_t pid, lwpid_t lid, int *policy, struct sched_param *param)
{
    (void)pid;
    (void)lid;
    *policy = SCHED_OTHER;
    memset(param, 0, sizeof(*param));
    return 0;
}

int _sched_setparam(pid_t pid, lwpid_t lid, int policy, const struct sched_param *param);
int _sched_setparam(pid_t pid, lwpid_t lid, int policy, const struct sched_param *param)
{
    (void)pid;
    (void)lid;
    if (policy != SCHED_OTHER && policy != SCHED_NONE) {
        errno = EPERM; /* real-time classes would need priorities underneath */
        return -1;
    }
    (void)param;
    return 0;
}

int _sched_getaffinity(pid_t pid, lwpid_t lid, size_t size, cpuset_t *set);
int _sched_getaffinity(pid_t pid, lwpid_t lid, size_t size, cpuset_t *set)
{
    (void)pid;
    (void)lid;
    (void)size;
    cpuset_zero(set);
    cpuset_set(0, set);
    return 0;
}

int _sched_setaffinity(pid_t pid, lwpid_t lid, size_t size, const cpuset_t *set);
int _sched_setaffinity(pid_t pid, lwpid_t lid, size_t size, const cpuset_t *set)
{
    (void)pid;
    (void)lid;
    (void)size;
    if (!cpuset_isset(0, set)) {
        errno = EINVAL; /* CPU 0 is the only one */
        return -1;
    }
    return 0;
}

int _sched_protect(int priority);
int _sched_protect(int priority)
{
    (void)priority;
    return 0;
}

/* Restartable atomic sequences: libc falls back to its own atomics without them. */
int rasctl(void *addr, size_t len, int op);
int rasctl(void *addr, size_t len, int op)
{
    (void)addr;
    (void)len;
    (void)op;
    errno = ENOSYS;
    return -1;
}
