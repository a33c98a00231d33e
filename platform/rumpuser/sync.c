/*
 * rumpuser(3) mutexes, rwlocks and condition variables on platform wait queues.
 *
 * Platform threads never run concurrently (one TCB, cooperative switching), so a lock is a
 * plain owner field and a queue of sleepers; nothing needs atomics. Waking does not hand a
 * lock over: the woken thread tries again when it runs, which keeps every path simple and
 * cannot lose a wakeup because no other thread runs between a check and the pf_block().
 *
 * What the man page requires, and where it is done:
 *  - A wrapped call that has to block releases the rump kernel's virtual CPU first
 *    (pfru_unschedule) and takes it again before returning (pfru_schedule): mutex_enter on
 *    an adaptive mutex, rw_enter, cv_wait/cv_timedwait. The _nowrap variants and SPIN
 *    mutexes never make those upcalls.
 *  - KMUTEX mutexes record the owning lwp for rumpuser_mutex_owner().
 *  - cv_wait hands the mutex to the unschedule upcall as its interlock (the rump kernel's
 *    own scheduler mutex is acquired inside that upcall), and reacquires in the documented
 *    order: for SPIN|KMUTEX the virtual CPU first, then the mutex; otherwise the mutex
 *    first, then the CPU.
 */
#include "hyp.h"

struct rumpuser_mtx {
    struct pf_waitq waiters;
    struct pf_thread *holder; /* platform thread holding it, 0 if free */
    struct lwp *owner;        /* KMUTEX: rump lwp of the holder */
    int flags;
};

struct rumpuser_rw {
    struct pf_waitq readers_q, writers_q;
    struct pf_thread *writer;
    struct lwp *writer_lwp;
    int readers;         /* shared holders */
    int writers_waiting; /* blocks new readers, so writers are not starved */
};

struct rumpuser_cv {
    struct pf_waitq waiters;
    int nwaiters; /* threads between entering and leaving a wait, woken or not */
};

static void *alloc_zeroed(size_t size)
{
    void *p = pf_malloc(size, 0);
    if (!p) {
        pf_panic("rumpuser: out of memory for a lock object");
    }
    memset(p, 0, size);
    return p;
}

/* --- Mutexes --------------------------------------------------------------------------------- */

void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
    struct rumpuser_mtx *m = alloc_zeroed(sizeof(*m));
    m->flags = flags;
    *mtxp = m;
}

/*
 * The rump kernel takes and releases a mutex many times per packet (every one of its own
 * mutexes and spin locks is one of these), so the uncontended paths are inline and call
 * nothing: no wakeup when nobody waits.
 */
static inline void mutex_take(struct rumpuser_mtx *m, struct pf_thread *self)
{
    m->holder = self;
    if (m->flags & RUMPUSER_MTX_KMUTEX) {
        m->owner = pfru_curlwp;
    }
}

static void __attribute__((noreturn, noinline))
mutex_misuse(struct rumpuser_mtx *m, const char *what)
{
    pf_panic("rumpuser: mutex %p %s by \"%s\"", (void *)m, what, pf_thread_name(pf_thread_self()));
}

static inline void mutex_release(struct rumpuser_mtx *m)
{
    if (m->holder != pf_thread_self()) {
        mutex_misuse(m, "released, which does not hold it,");
    }
    m->holder = 0;
    m->owner = 0;
    if (!pf_waitq_empty(&m->waiters)) {
        pf_wake_one(&m->waiters);
    }
}

int rumpuser_mutex_tryenter(struct rumpuser_mtx *m)
{
    if (m->holder) {
        return EBUSY;
    }
    mutex_take(m, pf_thread_self());
    return 0;
}

void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *m)
{
    struct pf_thread *self = pf_thread_self();
    if (m->holder) {
        if (m->holder == self) {
            mutex_misuse(m, "entered twice");
        }
        do {
            pf_block(&m->waiters, 0);
        } while (m->holder);
    }
    mutex_take(m, self);
}

void rumpuser_mutex_enter(struct rumpuser_mtx *m)
{
    if (!m->holder) {
        mutex_take(m, pf_thread_self());
        return;
    }
    if (m->flags & RUMPUSER_MTX_SPIN) {
        rumpuser_mutex_enter_nowrap(m); /* spin mutexes never give up the CPU */
        return;
    }
    int nlocks;
    pfru_unschedule(&nlocks, 0);
    rumpuser_mutex_enter_nowrap(m);
    pfru_schedule(nlocks, 0);
}

void rumpuser_mutex_exit(struct rumpuser_mtx *m)
{
    mutex_release(m);
}

void rumpuser_mutex_destroy(struct rumpuser_mtx *m)
{
    if (m->holder || !pf_waitq_empty(&m->waiters)) {
        pf_panic("rumpuser: mutex %p destroyed while in use", (void *)m);
    }
    pf_free(m);
}

void rumpuser_mutex_owner(struct rumpuser_mtx *m, struct lwp **lp)
{
    *lp = m->owner;
}

/* --- Read/write locks ------------------------------------------------------------------------ */

void rumpuser_rw_init(struct rumpuser_rw **rwp)
{
    *rwp = alloc_zeroed(sizeof(struct rumpuser_rw));
}

int rumpuser_rw_tryenter(int lk, struct rumpuser_rw *rw)
{
    if (lk == RUMPUSER_RW_WRITER) {
        if (rw->writer || rw->readers) {
            return EBUSY;
        }
        rw->writer = pf_thread_self();
        rw->writer_lwp = pfru_curlwp;
        return 0;
    }
    if (rw->writer || rw->writers_waiting) {
        return EBUSY;
    }
    rw->readers++;
    return 0;
}

void rumpuser_rw_enter(int lk, struct rumpuser_rw *rw)
{
    if (rumpuser_rw_tryenter(lk, rw) == 0) {
        return;
    }
    int nlocks;
    pfru_unschedule(&nlocks, 0);
    if (lk == RUMPUSER_RW_WRITER) {
        rw->writers_waiting++;
        while (rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, rw) != 0) {
            pf_block(&rw->writers_q, 0);
        }
        rw->writers_waiting--;
    } else {
        while (rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw) != 0) {
            pf_block(&rw->readers_q, 0);
        }
    }
    pfru_schedule(nlocks, 0);
}

/* Lets the next holders try: a waiting writer if there is one, else every reader. */
static inline void rw_wake(struct rumpuser_rw *rw)
{
    if (rw->writers_waiting) {
        if (!rw->readers) {
            pf_wake_one(&rw->writers_q);
        }
    } else if (!pf_waitq_empty(&rw->readers_q)) {
        pf_wake_all(&rw->readers_q);
    }
}

void rumpuser_rw_exit(struct rumpuser_rw *rw)
{
    if (rw->writer) {
        rw->writer = 0;
        rw->writer_lwp = 0;
    } else if (rw->readers > 0) {
        rw->readers--;
    } else {
        pf_panic("rumpuser: rwlock %p released but not held", (void *)rw);
    }
    rw_wake(rw);
}

/* Succeeds only for the sole reader, which becomes the writer. */
int rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{
    if (rw->writer || rw->readers != 1) {
        return EBUSY;
    }
    rw->readers = 0;
    rw->writer = pf_thread_self();
    rw->writer_lwp = pfru_curlwp;
    return 0;
}

void rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{
    if (rw->writer != pf_thread_self()) {
        pf_panic("rumpuser: rwlock %p downgraded by a thread not holding it", (void *)rw);
    }
    rw->writer = 0;
    rw->writer_lwp = 0;
    rw->readers = 1;
    /* Other readers may share it now, unless a writer is queued (it goes next). */
    if (!rw->writers_waiting) {
        pf_wake_all(&rw->readers_q);
    }
}

void rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
    if (rw->writer || rw->readers || rw->writers_waiting) {
        pf_panic("rumpuser: rwlock %p destroyed while in use", (void *)rw);
    }
    pf_free(rw);
}

/* The writer is known exactly; readers are only counted, so "held" means "read-locked". */
void rumpuser_rw_held(int lk, struct rumpuser_rw *rw, int *heldp)
{
    if (lk == RUMPUSER_RW_WRITER) {
        *heldp = rw->writer && rw->writer_lwp == pfru_curlwp;
    } else {
        *heldp = rw->readers > 0;
    }
}

/* --- Condition variables --------------------------------------------------------------------- */

void rumpuser_cv_init(struct rumpuser_cv **cvp)
{
    *cvp = alloc_zeroed(sizeof(struct rumpuser_cv));
}

void rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
    if (cv->nwaiters) {
        pf_panic("rumpuser: condition variable %p destroyed with waiters", (void *)cv);
    }
    pf_free(cv);
}

/* The common part of every wait: 0 when signalled, ETIMEDOUT at the deadline. */
static int cv_sleep(struct rumpuser_cv *cv, struct rumpuser_mtx *m, uint64_t deadline, bool wrap)
{
    int nlocks = 0, result;
    cv->nwaiters++;
    if (wrap) {
        pfru_unschedule(&nlocks, m);
    }
    mutex_release(m);
    result = pf_block(&cv->waiters, deadline);
    if (wrap && (m->flags & (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX)) ==
                    (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX)) {
        pfru_schedule(nlocks, m);
        rumpuser_mutex_enter_nowrap(m);
    } else {
        rumpuser_mutex_enter_nowrap(m);
        if (wrap) {
            pfru_schedule(nlocks, m);
        }
    }
    cv->nwaiters--;
    return result;
}

void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
    cv_sleep(cv, m, 0, true);
}

void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *m)
{
    cv_sleep(cv, m, 0, false);
}

int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *m, int64_t sec, int64_t nsec)
{
    /* Relative to now, read before anything here can block. */
    uint64_t ns = sec < 0 ? 0 : (uint64_t)sec * PF_NSEC_PER_SEC + (uint64_t)(nsec > 0 ? nsec : 0);
    uint64_t deadline = pf_clock_monotonic() + ns;
    return cv_sleep(cv, m, deadline ? deadline : 1, true); /* 0 would mean "no deadline" */
}

void rumpuser_cv_signal(struct rumpuser_cv *cv)
{
    if (!pf_waitq_empty(&cv->waiters)) {
        pf_wake_one(&cv->waiters);
    }
}

void rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
    if (!pf_waitq_empty(&cv->waiters)) {
        pf_wake_all(&cv->waiters);
    }
}

void rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp)
{
    *waitersp = cv->nwaiters;
}
