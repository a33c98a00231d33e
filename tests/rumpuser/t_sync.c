/*
 * Mutexes, rwlocks and condition variables, and above all when they give up the virtual
 * CPU. The pattern: a helper thread blocks in the call under test while the test thread
 * marks the log; the order of the helper's upcalls relative to the marks shows whether the
 * CPU was released before blocking (otherwise the test thread could not have run rump code
 * to make its mark) and retaken only after the wakeup.
 */
#include "suite.h"
#include "tests.h"

enum op {
    OP_MUTEX_ENTER,
    OP_MUTEX_ENTER_NOWRAP,
    OP_RW_READ,
    OP_RW_WRITE,
    OP_CV_WAIT,
    OP_CV_WAIT_NOWRAP,
};

struct helper {
    struct tc *tc;
    enum op op;
    int flags; /* of the mutex m */
    struct rumpuser_mtx *m;
    struct rumpuser_rw *rw;
    struct rumpuser_cv *cv;
    struct pf_thread *thread;
    struct lwp *lwp;
    volatile bool ready, predicate;
};

/* Index of the first event of thread t of that kind (and mark) at or after `from`, or -1. */
static int find(struct pf_thread *t, enum hyp_event_kind kind, int mark, int from)
{
    for (unsigned i = (unsigned)from; i < hyp_log_count(); i++) {
        const struct hyp_event *e = hyp_log_at(i);
        if (e->thread == t && e->kind == kind && (kind != EV_MARK || e->mark == mark)) {
            return (int)i;
        }
    }
    return -1;
}

static void helper_main(void *p)
{
    struct helper *h = p;
    struct tc *tc = h->tc;
    h->thread = pf_thread_self();
    h->lwp = rumpuser_curlwp();
    hyp_log_mark(1);
    switch (h->op) {
    case OP_MUTEX_ENTER:
        rumpuser_mutex_enter(h->m);
        break;
    case OP_MUTEX_ENTER_NOWRAP:
        rumpuser_mutex_enter_nowrap(h->m);
        break;
    case OP_RW_READ:
    case OP_RW_WRITE:
        rumpuser_rw_enter(h->op == OP_RW_READ ? RUMPUSER_RW_READER : RUMPUSER_RW_WRITER, h->rw);
        break;
    case OP_CV_WAIT:
    case OP_CV_WAIT_NOWRAP:
        rumpuser_mutex_enter(h->m); /* free now: no upcalls */
        h->ready = true;
        while (!h->predicate) {
            if (h->op == OP_CV_WAIT) {
                rumpuser_cv_wait(h->cv, h->m);
            } else {
                rumpuser_cv_wait_nowrap(h->cv, h->m);
            }
        }
        break;
    }
    hyp_log_mark(3);
    if (h->op == OP_RW_READ || h->op == OP_RW_WRITE) {
        int held;
        rumpuser_rw_held(h->op == OP_RW_READ ? RUMPUSER_RW_READER : RUMPUSER_RW_WRITER, h->rw,
                         &held);
        CHECK(tc, held, "rwlock not held after rw_enter");
        rumpuser_rw_exit(h->rw);
    } else {
        if (h->flags & RUMPUSER_MTX_KMUTEX) {
            struct lwp *owner = 0;
            rumpuser_mutex_owner(h->m, &owner);
            CHECK(tc, owner == h->lwp, "mutex owner is not the lwp that entered it");
        }
        rumpuser_mutex_exit(h->m);
    }
}

/* Helper blocked in a wrapped call: its log must read 1 U S 3 with our mark 2 between U and S. */
static void check_wrapped(struct tc *tc, struct helper *h, const char *what)
{
    char log[32];
    hyp_log_string(h->thread, log, sizeof(log));
    int u = find(h->thread, EV_UNSCHED, 0, 0);
    int two = find(pf_thread_self(), EV_MARK, 2, 0);
    int s = find(h->thread, EV_SCHED, 0, u < 0 ? 0 : u);
    CHECK(tc, strcmp(log, "1US3") == 0, "%s: helper upcalls \"%s\", expected \"1US3\"", what, log);
    CHECK(tc, u >= 0 && two > u && s > two,
          "%s: CPU not released before blocking or retaken before the wakeup (U@%d 2@%d S@%d)",
          what, u, two, s);
}

/* Waits (giving up the CPU) until the helper has blocked in its call. */
static void let_helper_block(void)
{
    rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 30 * 1000 * 1000);
}

void test_mutex_basic(struct tc *tc)
{
    struct rumpuser_mtx *m;
    struct lwp *owner = (struct lwp *)1;
    rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
    rumpuser_mutex_owner(m, &owner);
    CHECK(tc, owner == 0, "a new mutex has an owner");
    CHECK_EQ(tc, rumpuser_mutex_tryenter(m), 0);
    rumpuser_mutex_owner(m, &owner);
    CHECK(tc, owner == rumpuser_curlwp(), "owner is not the current lwp");
    CHECK_EQ(tc, rumpuser_mutex_tryenter(m), EBUSY);
    rumpuser_mutex_exit(m);
    rumpuser_mutex_owner(m, &owner);
    CHECK(tc, owner == 0, "owner after exit");
    rumpuser_mutex_enter(m);
    rumpuser_mutex_exit(m);
    rumpuser_mutex_enter_nowrap(m);
    rumpuser_mutex_exit(m);
    rumpuser_mutex_destroy(m);
    rumpuser_mutex_init(&m, RUMPUSER_MTX_SPIN);
    rumpuser_mutex_enter(m);
    CHECK_EQ(tc, rumpuser_mutex_tryenter(m), EBUSY);
    rumpuser_mutex_exit(m);
    rumpuser_mutex_destroy(m);
    CHECK_EQ(tc, hyp_log_count(), 0); /* nothing blocked, so no upcalls */
}

void test_mutex_enter_releases_cpu(struct tc *tc)
{
    struct helper h = {.tc = tc, .op = OP_MUTEX_ENTER, .flags = RUMPUSER_MTX_KMUTEX};
    rumpuser_mutex_init(&h.m, h.flags);
    rumpuser_mutex_enter(h.m);
    void *cookie = spawn(helper_main, &h);
    let_helper_block();
    hyp_log_mark(2);
    rumpuser_mutex_exit(h.m);
    join(cookie);
    check_wrapped(tc, &h, "mutex_enter");
    rumpuser_mutex_destroy(h.m);
}

/*
 * mutex_enter_nowrap, and mutex_enter on a SPIN mutex, block holding the CPU. The holder
 * therefore releases the mutex from outside the rump kernel (without the CPU), as a
 * rump kernel's own scheduler does with its CPU mutex.
 */
void test_mutex_nowrap_keeps_cpu(struct tc *tc)
{
    static const struct {
        int flags;
        enum op op;
        const char *what;
    } cases[] = {{RUMPUSER_MTX_KMUTEX, OP_MUTEX_ENTER_NOWRAP, "mutex_enter_nowrap"},
                 {RUMPUSER_MTX_SPIN, OP_MUTEX_ENTER, "mutex_enter(SPIN)"},
                 {RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX, OP_MUTEX_ENTER, "mutex_enter(SPIN|K)"}};
    for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
        struct helper h = {.tc = tc, .op = cases[i].op, .flags = cases[i].flags};
        rumpuser_mutex_init(&h.m, h.flags);
        rumpuser_mutex_enter_nowrap(h.m);
        int nlocks;
        hyp_log_reset();
        test_hyp.hyp_backend_unschedule(0, &nlocks, 0);
        void *cookie = spawn(helper_main, &h);
        host_sleep_ms(30); /* the helper takes the CPU and blocks on the mutex */
        hyp_log_mark(2);
        rumpuser_mutex_exit(h.m);
        test_hyp.hyp_backend_schedule(nlocks, 0);
        join(cookie);
        char log[32];
        hyp_log_string(h.thread, log, sizeof(log));
        CHECK(tc, strcmp(log, "13") == 0, "%s: helper upcalls \"%s\", expected none", cases[i].what,
              log);
        CHECK(tc, find(pf_thread_self(), EV_MARK, 2, 0) < find(h.thread, EV_MARK, 3, 0),
              "%s: entered before the holder let go", cases[i].what);
        rumpuser_mutex_destroy(h.m);
    }
}

void test_rw_basic(struct tc *tc)
{
    struct rumpuser_rw *rw;
    int held;
    rumpuser_rw_init(&rw);
    CHECK_EQ(tc, rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw), 0);
    CHECK_EQ(tc, rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw), 0);
    rumpuser_rw_held(RUMPUSER_RW_READER, rw, &held);
    CHECK(tc, held, "read-held not reported");
    rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
    CHECK(tc, !held, "write-held with only readers");
    CHECK_EQ(tc, rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, rw), EBUSY);
    CHECK_EQ(tc, rumpuser_rw_tryupgrade(rw), EBUSY); /* two readers */
    rumpuser_rw_exit(rw);
    CHECK_EQ(tc, rumpuser_rw_tryupgrade(rw), 0);
    rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
    CHECK(tc, held, "not write-held after upgrade");
    rumpuser_rw_held(RUMPUSER_RW_READER, rw, &held);
    CHECK(tc, !held, "still read-held after upgrade");
    CHECK_EQ(tc, rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw), EBUSY);
    rumpuser_rw_downgrade(rw);
    rumpuser_rw_held(RUMPUSER_RW_WRITER, rw, &held);
    CHECK(tc, !held, "write-held after downgrade");
    CHECK_EQ(tc, rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw), 0); /* shared again */
    rumpuser_rw_exit(rw);
    rumpuser_rw_exit(rw);
    rumpuser_rw_enter(RUMPUSER_RW_WRITER, rw);
    rumpuser_rw_exit(rw);
    rumpuser_rw_destroy(rw);
    CHECK_EQ(tc, hyp_log_count(), 0);
}

void test_rw_enter_releases_cpu(struct tc *tc)
{
    /* A reader waiting for a writer, then a writer waiting for a reader. */
    for (int writer_waits = 0; writer_waits < 2; writer_waits++) {
        struct helper h = {.tc = tc, .op = writer_waits ? OP_RW_WRITE : OP_RW_READ};
        rumpuser_rw_init(&h.rw);
        rumpuser_rw_enter(writer_waits ? RUMPUSER_RW_READER : RUMPUSER_RW_WRITER, h.rw);
        hyp_log_reset();
        void *cookie = spawn(helper_main, &h);
        let_helper_block();
        hyp_log_mark(2);
        rumpuser_rw_exit(h.rw);
        join(cookie);
        check_wrapped(tc, &h, writer_waits ? "rw_enter(WRITER)" : "rw_enter(READER)");
        rumpuser_rw_destroy(h.rw);
    }
}

/* A queued writer keeps new readers out, so writers are not starved. */
void test_rw_writer_preference(struct tc *tc)
{
    struct helper h = {.tc = tc, .op = OP_RW_WRITE};
    rumpuser_rw_init(&h.rw);
    rumpuser_rw_enter(RUMPUSER_RW_READER, h.rw);
    void *cookie = spawn(helper_main, &h);
    let_helper_block();
    CHECK_EQ(tc, rumpuser_rw_tryenter(RUMPUSER_RW_READER, h.rw), EBUSY);
    rumpuser_rw_exit(h.rw);
    join(cookie);
    CHECK_EQ(tc, rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, h.rw), 0);
    rumpuser_rw_exit(h.rw);
    rumpuser_rw_destroy(h.rw);
}

/* Signals the helper once it waits, from this thread (holding the CPU). */
static void signal_helper(struct tc *tc, struct helper *h, bool broadcast)
{
    while (!h->ready) {
        let_helper_block();
    }
    rumpuser_mutex_enter(h->m);
    int waiters = 0;
    rumpuser_cv_has_waiters(h->cv, &waiters);
    CHECK_EQ(tc, waiters, 1);
    h->predicate = true;
    hyp_log_mark(2);
    if (broadcast) {
        rumpuser_cv_broadcast(h->cv);
    } else {
        rumpuser_cv_signal(h->cv);
    }
    rumpuser_mutex_exit(h->m);
}

/*
 * cv_wait releases the CPU (with the mutex as interlock) and reacquires in the documented
 * order: for a SPIN|KMUTEX mutex the CPU before the mutex, otherwise the mutex first.
 */
void test_cv_wait_releases_cpu(struct tc *tc)
{
    static const int flavours[] = {RUMPUSER_MTX_KMUTEX, RUMPUSER_MTX_SPIN,
                                   RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX};
    for (unsigned i = 0; i < ARRAY_SIZE(flavours); i++) {
        struct helper h = {.tc = tc, .op = OP_CV_WAIT, .flags = flavours[i]};
        rumpuser_mutex_init(&h.m, h.flags);
        rumpuser_cv_init(&h.cv);
        hyp_watch_mutex(h.m);
        hyp_log_reset();
        void *cookie = spawn(helper_main, &h);
        signal_helper(tc, &h, i == 1);
        join(cookie);
        hyp_watch_mutex(0);
        char log[32];
        hyp_log_string(h.thread, log, sizeof(log));
        CHECK(tc, strcmp(log, "1US3") == 0, "flags %d: helper upcalls \"%s\"", flavours[i], log);
        int u = find(h.thread, EV_UNSCHED, 0, 0), s = find(h.thread, EV_SCHED, 0, 0);
        CHECK(tc, u >= 0 && hyp_log_at((unsigned)u)->interlock == h.m,
              "flags %d: the mutex was not passed as the interlock", flavours[i]);
        bool spin_kmutex = flavours[i] == (RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX);
        CHECK(tc, s >= 0 && hyp_log_at((unsigned)s)->interlock_held == !spin_kmutex,
              "flags %d: mutex %s when the CPU was retaken", flavours[i],
              spin_kmutex ? "already held" : "not yet held");
        int waiters = -1;
        rumpuser_cv_has_waiters(h.cv, &waiters);
        CHECK_EQ(tc, waiters, 0);
        rumpuser_cv_destroy(h.cv);
        rumpuser_mutex_destroy(h.m);
    }
}

void test_cv_wait_nowrap_keeps_cpu(struct tc *tc)
{
    struct helper h = {
        .tc = tc, .op = OP_CV_WAIT_NOWRAP, .flags = RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX};
    rumpuser_mutex_init(&h.m, h.flags);
    rumpuser_cv_init(&h.cv);
    int nlocks;
    test_hyp.hyp_backend_unschedule(0, &nlocks, 0);
    hyp_log_reset();
    void *cookie = spawn(helper_main, &h);
    while (!h.ready) {
        host_sleep_ms(10);
    }
    host_sleep_ms(10);
    rumpuser_mutex_enter_nowrap(h.m);
    h.predicate = true;
    rumpuser_cv_signal(h.cv);
    rumpuser_mutex_exit(h.m);
    test_hyp.hyp_backend_schedule(nlocks, 0);
    join(cookie);
    char log[32];
    hyp_log_string(h.thread, log, sizeof(log));
    CHECK(tc, strcmp(log, "13") == 0, "helper upcalls \"%s\", expected none", log);
    rumpuser_cv_destroy(h.cv);
    rumpuser_mutex_destroy(h.m);
}

void test_cv_timedwait(struct tc *tc)
{
    struct rumpuser_mtx *m;
    struct rumpuser_cv *cv;
    rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
    rumpuser_cv_init(&cv);
    rumpuser_mutex_enter(m);
    hyp_log_reset();
    uint64_t t0 = now_ms();
    CHECK_EQ(tc, rumpuser_cv_timedwait(cv, m, 0, 150 * 1000 * 1000), ETIMEDOUT);
    uint64_t took = now_ms() - t0;
    CHECK(tc, took >= 150 && took < 2000, "150 ms timeout took %lu ms", (unsigned long)took);
    struct lwp *owner;
    rumpuser_mutex_owner(m, &owner);
    CHECK(tc, owner == rumpuser_curlwp(), "mutex not reacquired after a timeout");
    char log[16];
    hyp_log_string(pf_thread_self(), log, sizeof(log));
    CHECK(tc, strcmp(log, "US") == 0, "timedwait upcalls \"%s\"", log);
    /* A zero timeout still releases and retakes everything. */
    CHECK_EQ(tc, rumpuser_cv_timedwait(cv, m, 0, 0), ETIMEDOUT);
    rumpuser_mutex_exit(m);
    rumpuser_cv_destroy(cv);
    rumpuser_mutex_destroy(m);
}

struct timed_waiter {
    struct rumpuser_mtx *m;
    struct rumpuser_cv *cv;
    volatile bool ready, go;
    int result;
};

static void timed_waiter_main(void *p)
{
    struct timed_waiter *w = p;
    rumpuser_mutex_enter(w->m);
    w->ready = true;
    w->result = 0;
    while (!w->go && w->result == 0) {
        w->result = rumpuser_cv_timedwait(w->cv, w->m, 5, 0);
    }
    rumpuser_mutex_exit(w->m);
}

void test_cv_timedwait_signalled(struct tc *tc)
{
    struct timed_waiter w = {0};
    rumpuser_mutex_init(&w.m, RUMPUSER_MTX_KMUTEX);
    rumpuser_cv_init(&w.cv);
    uint64_t t0 = now_ms();
    void *cookie = spawn(timed_waiter_main, &w);
    while (!w.ready) {
        let_helper_block();
    }
    rumpuser_mutex_enter(w.m);
    w.go = true;
    rumpuser_cv_signal(w.cv);
    rumpuser_mutex_exit(w.m);
    join(cookie);
    CHECK_EQ(tc, w.result, 0);
    CHECK(tc, now_ms() - t0 < 2000, "signalled wait took %lu ms", (unsigned long)(now_ms() - t0));
    rumpuser_cv_destroy(w.cv);
    rumpuser_mutex_destroy(w.m);
}

struct crowd {
    struct rumpuser_mtx *m;
    struct rumpuser_cv *cv;
    int waiting, woken;
    bool go;
};

static void crowd_main(void *p)
{
    struct crowd *c = p;
    rumpuser_mutex_enter(c->m);
    c->waiting++;
    while (!c->go) {
        rumpuser_cv_wait(c->cv, c->m);
    }
    c->woken++;
    rumpuser_mutex_exit(c->m);
}

void test_cv_broadcast(struct tc *tc)
{
    enum { N = 12 };
    struct crowd c = {0};
    void *cookies[N];
    rumpuser_mutex_init(&c.m, RUMPUSER_MTX_KMUTEX);
    rumpuser_cv_init(&c.cv);
    for (int i = 0; i < N; i++) {
        cookies[i] = spawn(crowd_main, &c);
    }
    while (c.waiting < N) {
        let_helper_block();
    }
    rumpuser_mutex_enter(c.m);
    int waiters = 0;
    rumpuser_cv_has_waiters(c.cv, &waiters);
    CHECK_EQ(tc, waiters, N);
    rumpuser_cv_signal(c.cv); /* one spurious-looking wakeup: it re-waits */
    c.go = true;
    rumpuser_cv_broadcast(c.cv);
    rumpuser_mutex_exit(c.m);
    for (int i = 0; i < N; i++) {
        join(cookies[i]);
    }
    CHECK_EQ(tc, c.woken, N);
    rumpuser_cv_destroy(c.cv);
    rumpuser_mutex_destroy(c.m);
}

struct sched_waiter {
    struct rumpuser_cv *cv;
    volatile bool waiting;
    bool mutex_free_after;
};

/* What a rump kernel's scheduler does: cv_wait with its CPU mutex as interlock, unheld. */
static void sched_waiter_main(void *p)
{
    struct sched_waiter *w = p;
    w->waiting = true;
    rumpuser_cv_wait(w->cv, hyp_cpu_mutex());
    w->mutex_free_after = rumpuser_mutex_tryenter(hyp_cpu_mutex()) == 0;
    if (w->mutex_free_after) {
        rumpuser_mutex_exit(hyp_cpu_mutex());
    }
}

void test_cv_scheduler_interlock(struct tc *tc)
{
    struct sched_waiter w = {0};
    rumpuser_cv_init(&w.cv);
    void *cookie = spawn(sched_waiter_main, &w);
    while (!w.waiting) {
        let_helper_block();
    }
    let_helper_block();
    rumpuser_cv_signal(w.cv);
    join(cookie);
    CHECK(tc, w.mutex_free_after, "the CPU mutex was left held after the wait");
    rumpuser_cv_destroy(w.cv);
}
