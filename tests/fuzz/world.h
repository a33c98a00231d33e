/*
 * The fuzz world as the supervisor builds it: a VSpace and a two-level CSpace of its own, the
 * fuzz thread, victim threads, and a realistic mix of caps (see README.md for the list).
 * Everything comes from the arena allocator, so one revoke of its untypeds (a rebuild)
 * destroys whatever the fuzz thread made of it.
 */
#pragma once

#include <rt_alloc.h>
#include "fuzz.h"

struct fz_world {
    struct rt_alloc arena;
    seL4_CPtr fault_ep;                            /* the supervisor's endpoint (root CNode) */
    seL4_CPtr shared[FZ_FUZZERS][FZ_SHARED_PAGES]; /* frames of each fz_shared (root CNode) */
    seL4_CPtr config;                              /* frame of struct fz_config (root CNode) */
    seL4_CPtr cmos; /* the supervisor's copy of the world's CMOS port cap, or 0 */
    /* The current world (caps in the root CNode, from the arena). */
    seL4_CPtr r, a, b; /* the fuzz CNodes, unguarded */
    seL4_CPtr pml4, victim_pml4;
    seL4_CPtr fuzzer[FZ_FUZZERS], fuzzer_ipc[FZ_FUZZERS]; /* TCBs, IPC buffer frames */
    seL4_CPtr victim[FZ_VICTIMS], victim_ipc[FZ_VICTIMS];
    /* The first operation of a build or restart that failed, and its error. */
    const char *failed;
    seL4_Error error;
};

/* Destroys the previous world (if any) and builds and starts a new one. 0, or -1 with
 * failed/error set: every step uses fresh objects, so a failure is the kernel's fault. */
int fz_world_build(struct fz_world *w);

/* Restarts fuzz thread k at its entry point; `full` also restores its CSpace, VSpace, IPC
 * buffer, fault endpoint cap, priority and flags, which it may have changed with
 * invocations on its own TCB or CSpace. 0 or -1 as above. */
int fz_world_restart(struct fz_world *w, unsigned k, int full);

/* Restarts victim i at its entry point (after it faulted). 0 or -1 as above. */
int fz_world_restart_victim(struct fz_world *w, unsigned i);

/* Suspends the fuzz threads and the victims. */
void fz_world_stop(struct fz_world *w);

/* Destroys the world and everything derived from it. */
void fz_world_destroy(struct fz_world *w);
