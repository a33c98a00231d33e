/*
 * The rump kernel's side of the hypercall interface, reduced to what the tests need.
 *
 * Like NetBSD's rump kernel, it has one virtual CPU guarded by a rumpuser SPIN mutex and a
 * condition variable (taken with the _nowrap calls, since the CPU itself is what the
 * wrapped calls give up), and it honours the interlock protocol: when a hypercall passes
 * the CPU mutex as the interlock of a release, the release acquires that mutex and leaves
 * it held; the matching schedule upcall is entered with it held and drops it.
 *
 * Every upcall is logged with the calling thread, so tests can see whether a blocking
 * hypercall released the CPU before blocking and retook it after, and whether a _nowrap
 * call made no upcall at all. Misuse it notices (a CPU taken twice, released by a thread
 * that does not hold it, nlocks not handed back) is kept as a violation the runner reports.
 */
#include "suite.h"

#define LOG_MAX    8192
#define MAX_LWPS   1024
#define NLOCKS_TAG 3 /* what backend_unschedule reports; backend_schedule must get it back */

static struct rumpuser_mtx *cpu_mtx;
static struct rumpuser_cv *cpu_cv;
static struct pf_thread *cpu_holder;
static int cpu_wanted;
static const char *violation;

static struct hyp_event events[LOG_MAX];
static unsigned n_events;
static struct rumpuser_mtx *watched;

static struct lwp lwps[MAX_LWPS];
static int n_lwps;
static __thread struct lwp *temporary_lwp; /* made by hyp_schedule, dropped by hyp_unschedule */

static void violate(const char *what)
{
    if (!violation) {
        violation = what;
    }
}

const char *hyp_violation(void)
{
    const char *v = violation;
    violation = 0;
    return v;
}

static void record(enum hyp_event_kind kind, void *interlock, bool held, int mark)
{
    if (n_events < LOG_MAX) {
        events[n_events++] = (struct hyp_event){kind, pf_thread_self(), interlock, mark, held};
    }
}

void hyp_log_reset(void)
{
    n_events = 0;
}

void hyp_log_mark(int mark)
{
    record(EV_MARK, 0, false, mark);
}

unsigned hyp_log_count(void)
{
    return n_events;
}

const struct hyp_event *hyp_log_at(unsigned i)
{
    return &events[i];
}

void hyp_log_string(struct pf_thread *t, char *buf, size_t size)
{
    static const char letters[] = "USsuN";
    size_t n = 0;
    for (unsigned i = 0; i < n_events && n + 1 < size; i++) {
        if (events[i].thread == t) {
            buf[n++] = events[i].kind == EV_MARK ? (char)('0' + events[i].mark % 10)
                                                 : letters[events[i].kind];
        }
    }
    buf[n] = 0;
}

void hyp_watch_mutex(struct rumpuser_mtx *m)
{
    watched = m;
}

struct lwp *hyp_new_lwp(void)
{
    if (n_lwps == MAX_LWPS) {
        violate("too many lwps for the stand-in");
        return &lwps[0];
    }
    lwps[n_lwps].id = n_lwps + 1;
    return &lwps[n_lwps++];
}

bool hyp_cpu_held(void)
{
    return cpu_holder == pf_thread_self();
}

/* --- The virtual CPU ------------------------------------------------------------------------- */

static void cpu_lock_init(void)
{
    if (!cpu_mtx) {
        rumpuser_mutex_init(&cpu_mtx, RUMPUSER_MTX_SPIN);
        rumpuser_cv_init(&cpu_cv);
    }
}

static void cpu_take(void *interlock)
{
    cpu_lock_init();
    if (interlock != cpu_mtx) {
        rumpuser_mutex_enter_nowrap(cpu_mtx);
    }
    while (cpu_holder) {
        if (cpu_holder == pf_thread_self()) {
            violate("virtual CPU taken twice by one thread");
            break;
        }
        cpu_wanted++;
        rumpuser_cv_wait_nowrap(cpu_cv, cpu_mtx);
        cpu_wanted--;
    }
    cpu_holder = pf_thread_self();
    rumpuser_mutex_exit(cpu_mtx);
}

static void cpu_release(void *interlock)
{
    cpu_lock_init();
    rumpuser_mutex_enter_nowrap(cpu_mtx);
    if (cpu_holder != pf_thread_self()) {
        violate("virtual CPU released by a thread that does not hold it");
    }
    cpu_holder = 0;
    if (cpu_wanted) {
        rumpuser_cv_broadcast(cpu_cv);
    }
    /* With the CPU mutex as interlock it stays held: the hypercall releases it. */
    if (interlock != cpu_mtx) {
        rumpuser_mutex_exit(cpu_mtx);
    }
}

struct rumpuser_mtx *hyp_cpu_mutex(void)
{
    cpu_lock_init();
    return cpu_mtx;
}

/* Whether the calling thread holds m (probed without side effects). */
static bool mutex_held_here(struct rumpuser_mtx *m)
{
    if (rumpuser_mutex_tryenter(m) == 0) {
        rumpuser_mutex_exit(m);
        return false;
    }
    return true;
}

/* --- Upcalls --------------------------------------------------------------------------------- */

static void up_backend_unschedule(int nlocks, int *countp, void *interlock)
{
    if (nlocks != 0) {
        violate("backend_unschedule called with nlocks != 0");
    }
    record(EV_UNSCHED, interlock, false, 0);
    *countp = NLOCKS_TAG;
    cpu_release(interlock);
}

static void up_backend_schedule(int nlocks, void *interlock)
{
    if (nlocks != NLOCKS_TAG) {
        violate("backend_schedule did not get back the nlocks of backend_unschedule");
    }
    bool held = interlock && interlock == watched && mutex_held_here(interlock);
    cpu_take(interlock);
    record(EV_SCHED, interlock, held, 0);
}

static void up_schedule(void)
{
    if (!rumpuser_curlwp()) {
        temporary_lwp = hyp_new_lwp();
        rumpuser_curlwpop(RUMPUSER_LWP_SET, temporary_lwp);
    }
    cpu_take(0);
    record(EV_SCHEDULE, 0, false, 0);
}

static void up_unschedule(void)
{
    cpu_release(0);
    record(EV_UNSCHEDULE, 0, false, 0);
    if (temporary_lwp) {
        rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, temporary_lwp);
        temporary_lwp = 0;
    }
}

static int up_newlwp(int32_t pid)
{
    (void)pid;
    struct lwp *old = rumpuser_curlwp();
    if (old) {
        rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, old);
    }
    temporary_lwp = 0;
    rumpuser_curlwpop(RUMPUSER_LWP_SET, hyp_new_lwp());
    record(EV_NEWLWP, 0, false, 0);
    return 0;
}

static void up_unexpected(void)
{
    violate("an upcall the platform has no reason to make");
}

static void up_switch(struct lwp *l)
{
    (void)l;
    up_unexpected();
}

static int up_rfork(void *a, int b, const char *c)
{
    (void)a;
    (void)b;
    (void)c;
    up_unexpected();
    return ENOTSUP;
}

static struct lwp *up_curlwp(void)
{
    up_unexpected();
    return rumpuser_curlwp();
}

static int up_syscall(int a, void *b, long *c)
{
    (void)a;
    (void)b;
    (void)c;
    up_unexpected();
    return ENOSYS;
}

static void up_execnotify(const char *s)
{
    (void)s;
    up_unexpected();
}

static int32_t up_getpid(void)
{
    up_unexpected();
    return 1;
}

const struct rumpuser_hyperup test_hyp = {
    .hyp_schedule = up_schedule,
    .hyp_unschedule = up_unschedule,
    .hyp_backend_unschedule = up_backend_unschedule,
    .hyp_backend_schedule = up_backend_schedule,
    .hyp_lwproc_switch = up_switch,
    .hyp_lwproc_release = up_unexpected,
    .hyp_lwproc_rfork = up_rfork,
    .hyp_lwproc_newlwp = up_newlwp,
    .hyp_lwproc_curlwp = up_curlwp,
    .hyp_syscall = up_syscall,
    .hyp_lwpexit = up_unexpected,
    .hyp_execnotify = up_execnotify,
    .hyp_getpid = up_getpid,
};

/* --- Thread context, as a rump kernel thread has it ------------------------------------------ */

void hyp_enter(struct lwp *l)
{
    rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
    rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
    cpu_take(0);
}

void hyp_leave(void)
{
    struct lwp *l = rumpuser_curlwp();
    cpu_release(0);
    rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
    rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, l);
}
