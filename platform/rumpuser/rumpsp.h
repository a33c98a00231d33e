/*
 * What the platform tells a program about its rump kernel's remote clients (the server of
 * rumpuser_sp_init, sp.c): counters for tests and benchmarks.
 */
#pragma once

#include <stdint.h>

struct rumpsp_stats {
    uint64_t sessions_begun; /* connections (a process each) */
    uint64_t sessions_ended; /* and how many of them have ended (their process exited) */
    uint64_t calls;          /* system calls run */
    uint64_t refused;        /* requests refused (malformed, not connected, forbidden) */
    unsigned sessions_live;  /* sessions whose process still exists */
    unsigned workers;        /* worker threads (each runs one call at a time) */
    unsigned workers_idle;
};

/* The counters of the server so far (all 0 before rump_init_server). */
void rumpsp_stats(struct rumpsp_stats *out);

/* Prints every session whose process still exists and every worker thread (diagnostics). */
void rumpsp_dump(void);
