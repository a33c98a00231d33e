/*
 * The rump kernel as a server of remote system calls (rsc_protocol.h), shared by sp.c
 * (the rumpuser_sp_* hypercalls, sessions and their processes) and sp_dispatch.c (the
 * dispatcher and the worker threads that run the calls).
 */
#pragma once

#include "hyp.h"
#include "rumpsp.h"
#include <rsc_protocol.h>

/* One channel this unikernel serves. */
struct sp_client {
    const struct uk_channel *chan;
    volatile uint8_t *region;
    uint64_t size;
    struct sp_session *session; /* the current connection, or 0 */
};

/*
 * One connection of a client: NetBSD's process for it in the rump kernel, kept alive by
 * the connection itself and by every call in flight.
 */
struct sp_session {
    struct sp_client *client;
    uint64_t client_epoch; /* the client's start the session belongs to */
    uint32_t nslots, slot_size;
    struct lwp *mainlwp;
    int32_t pid;
    unsigned refs;
    bool dead; /* ended: no more copies into or out of the region, no more results */
    struct sp_session *next_live; /* every session whose process still exists (diagnostics) */
};

extern struct sp_client sp_clients[UK_MAX_CHANNELS];
extern unsigned sp_nclients;
extern uint64_t sp_epoch;  /* this server's start (its epoch on the status pages) */
extern char sp_banner[64]; /* "NetBSD 7.99.34 amd64", sent to every client */
extern struct rumpsp_stats sp_stats;

/* The session is still the client's: not ended, and the client not restarted meanwhile. */
bool sp_session_alive(const struct sp_session *s);
/* The region bytes [offset, offset + len) of a live session, or 0. */
volatile uint8_t *sp_region_range(const struct sp_session *s, uint64_t offset, uint64_t len);

/* Starts a session for the client's current epoch (a new process); an errno on failure. */
int sp_session_begin(struct sp_client *c, uint32_t nslots, uint32_t slot_size,
                     struct sp_session **out);
/* Ends the client's current session: its process is told to exit and goes with the last
 * call still running in it. */
void sp_session_end(struct sp_client *c);
void sp_session_hold(struct sp_session *s);
void sp_session_release(struct sp_session *s);
/*
 * The calling thread's lwp in a session's process: made by sp_lwp_bind (an errno if the
 * process is exiting), kept across calls of the same session (making an lwp costs several
 * times a system call), and released by sp_lwp_unbind, which the process needs from every
 * holder before it can exit.
 */
int sp_lwp_bind(struct sp_session *s);
/* Runs system call sysnum in the calling thread's lwp; returns the error, fills retval. */
int sp_lwp_syscall(int sysnum, void *args, int64_t *retval);
void sp_lwp_unbind(void);

/* Prints every worker: the session whose lwp it keeps, the call it runs (diagnostics). */
void sp_dispatch_dump(void);

/* Starts the dispatcher thread. */
int sp_dispatch_start(void);
/* The session ended: workers that keep an lwp of it let go. */
void sp_dispatch_session_ended(struct sp_session *s);
