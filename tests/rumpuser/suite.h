/*
 * The rumpuser conformance suite: a unikernel linked the way a rump kernel is linked (its
 * objects, then librumpuser and the platform), standing in for the rump kernel. hyp.c
 * plays the rump kernel's side of the interface -- the upcalls, a virtual CPU guarded the
 * way NetBSD's rump scheduler guards it -- and logs every upcall so tests can check when
 * the virtual CPU was released and retaken.
 */
#pragma once

#include <platform.h>
#include <runtime.h>
#include <errno.h>
#include "rumpuser_if.h"

/* --- Test cases ----------------------------------------------------------------------------- */

struct tc {
    const char *name;
    int failed;
    char why[160];
};

/* Records the first failed check of the running test, with its line. */
void tc_fail(struct tc *tc, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define CHECK(tc, cond, ...)                      \
    do {                                          \
        if (!(cond)) {                            \
            tc_fail((tc), __LINE__, __VA_ARGS__); \
        }                                         \
    } while (0)

#define CHECK_EQ(tc, a, b) \
    CHECK(tc, (long)(a) == (long)(b), "%s == %ld, expected %s == %ld", #a, (long)(a), #b, (long)(b))

/* --- The rump kernel stand-in (hyp.c) ------------------------------------------------------- */

struct lwp {
    int id;
};

extern const struct rumpuser_hyperup test_hyp;

/* Upcalls as a rump kernel thread makes them around its own work. */
void hyp_enter(struct lwp *l); /* take the virtual CPU and make l the current lwp */
void hyp_leave(void);          /* the reverse */
struct lwp *hyp_new_lwp(void);
bool hyp_cpu_held(void); /* by the calling thread */
/* The SPIN mutex guarding the virtual CPU (what a rump kernel passes as an interlock). */
struct rumpuser_mtx *hyp_cpu_mutex(void);
/* Problems the stand-in saw (CPU taken twice, released by a non-holder, ...); 0 if none. */
const char *hyp_violation(void);

enum hyp_event_kind {
    EV_UNSCHED,    /* hyp_backend_unschedule */
    EV_SCHED,      /* hyp_backend_schedule */
    EV_SCHEDULE,   /* hyp_schedule */
    EV_UNSCHEDULE, /* hyp_unschedule */
    EV_NEWLWP,     /* hyp_lwproc_newlwp */
    EV_MARK,       /* test's own marker */
};

struct hyp_event {
    enum hyp_event_kind kind;
    struct pf_thread *thread;
    void *interlock;
    int mark;
    bool interlock_held; /* EV_SCHED: the interlock mutex was held by the thread at the upcall */
};

void hyp_log_reset(void);
void hyp_log_mark(int mark);
unsigned hyp_log_count(void);
const struct hyp_event *hyp_log_at(unsigned i);
/* Events of one thread, in order, as a string of letters: U(nsched) S(ched) s(chedule)
 * u(nschedule) N(ewlwp) and digits for marks. */
void hyp_log_string(struct pf_thread *t, char *buf, size_t size);

/* Lets hyp.c know a mutex whose holder it may check at EV_SCHED (0: none). */
void hyp_watch_mutex(struct rumpuser_mtx *m);

/* --- Helpers (main.c) ---------------------------------------------------------------------- */

/* Runs fn(arg) in a new rump-style thread (with the CPU and an lwp); joinable. */
void *spawn(void (*fn)(void *), void *arg);
void join(void *cookie);
/* Sleeps without any upcall (a host-level sleep, not a hypercall). */
void host_sleep_ms(unsigned ms);
uint64_t now_ms(void);
