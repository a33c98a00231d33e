/*
 * The supervisor: the root thread as fault handler and keeper of the fuzz world, with a
 * watchdog thread that tells it when the world has stopped making progress.
 */
#pragma once

#include "fuzz.h"

/* What the run found. */
struct fz_outcome {
    uint64_t invocations;   /* issued by the fuzz thread */
    uint64_t kernel_faults; /* hangs, failed rebuilds, ABI violations (0 on a clean run) */
};

/* Takes the untypeds and slots it needs and starts the watchdog. 0, or -1 (printed). */
int fz_supervisor_init(void);

/* Builds the world and supervises it until the fuzz thread has issued `limit` invocations
 * or something went wrong; prints statistics (and a report of what went wrong). */
void fz_supervisor_run(uint64_t limit, struct fz_outcome *out);

/* Destroys the world and everything the supervisor made, and gives the root thread back
 * its initial priority and binding, so that the kernel test suite can run afterwards. */
void fz_supervisor_teardown(void);
