/*
 * Shared by the hypercall implementations: the upcall table from rumpuser_init() and the
 * release/retake of the rump kernel's virtual CPU around a hypercall that blocks.
 */
#pragma once

#include <platform.h>
#include <runtime.h>
#include <errno.h>
#include "rumpuser_if.h"

extern struct rumpuser_hyperup pfru_hyp;
extern bool pfru_verbose; /* RUMP_VERBOSE set in the environment */
/* The rump kernel's current lwp of the running thread (rumpuser_curlwp), for the locks. */
extern __thread struct lwp *pfru_curlwp;
/* Called when a thread is about to block in a hypercall, or 0 (sp_dispatch.c: a worker running
 * a call must not leave the channels unwatched while it waits). */
extern void (*pfru_blocking)(void);

/*
 * rumpuser(3): a hypercall that may block first gives the virtual CPU back (so other rump
 * threads, e.g. the one that will wake us, can run) and takes one again before returning.
 * `interlock` is passed through: the rump kernel may hand its scheduler mutex here and
 * then acquires it inside the unschedule upcall.
 */
static inline void pfru_unschedule(int *nlocks, void *interlock)
{
    pfru_hyp.hyp_backend_unschedule(0, nlocks, interlock);
    if (pfru_blocking) {
        pfru_blocking();
    }
}

static inline void pfru_schedule(int nlocks, void *interlock)
{
    pfru_hyp.hyp_backend_schedule(nlocks, interlock);
}
