/*
 * Declarations shared between the POSIX layer's source files (not part of its interface).
 *
 * The POSIX layer is compiled against NetBSD's headers (the userland Rumprun's build
 * produces, $RUMPRUN_SYSROOT) and against the platform's interface; it is linked between
 * a program built with Rumprun's toolchain, NetBSD's libc and libpthread, and a rump
 * kernel built as that libc's kernel. See README.md in this directory.
 */
#pragma once

#include <sys/types.h>
#include <sys/lwpctl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <platform.h>

#define POSIX_PREFIX "posix: "

/* --- lwp.c: the lwps libpthread runs on ---------------------------------------------------- */

struct posix_lwp {
    struct pf_thread *thread;
    lwpid_t id;
    struct lwpctl ctl;    /* libpthread reads lc_curcpu: running (0), not running, exited */
    struct lwp *rump_lwp; /* the rump kernel's lwp this thread runs system calls as */
    void (*start)(void *);
    void *arg;

    /* _lwp_park/_lwp_unpark: an unpark that comes first makes the next park return. */
    struct pf_waitq park_queue;
    bool parked, unpark_pending, interrupted;
    bool suspended; /* _lwp_suspend: held at its next delivery point */

    /* Signals (signal.c): this thread's mask and the signals sent to it alone. */
    sigset_t sigmask, sigpending;

    char name[32];
    struct posix_lwp *next; /* all live lwps, or the free list */
};

/* The calling thread's lwp (0 for a thread of the platform or the rump kernel). */
struct posix_lwp *posix_lwp_self(void);
struct posix_lwp *posix_lwp_find(lwpid_t id);
/* Makes the calling platform thread lwp 1, the process's main thread. */
void posix_lwp_init(void);
/* Calls fn(lwp, arg) for every live lwp. */
void posix_lwp_foreach(void (*fn)(struct posix_lwp *, void *), void *arg);
/* Wakes a parked lwp with EINTR (a signal for it arrived). */
void posix_lwp_interrupt(struct posix_lwp *l);
/* Holds the calling lwp while another has suspended it (_lwp_suspend). */
void posix_lwp_suspend_point(void);

/* --- signal.c ------------------------------------------------------------------------------ */

/* Sends sig to the process (l == 0) or to one lwp; runs what is deliverable to the caller. */
void posix_signal_send(struct posix_lwp *l, int sig);
/* Runs the handlers (or default actions) of every signal the calling lwp may take now. */
void posix_signal_deliver(void);
/* Whether the calling lwp has a signal it may take now (for interruptible waits). */
bool posix_signal_deliverable(void);
/* The rump kernel's rumpuser_kill hook. */
void posix_signal_from_kernel(int64_t pid, int sig);

/* --- process.c, mman.c ----------------------------------------------------------------------- */

/* Ends the program: halts the rump kernel (syncing file systems), then the unikernel. */
__attribute__((noreturn)) void posix_terminate(int status);
/* Writes every shared writable file mapping back to its file. */
void posix_mman_sync_all(void);

/* --- start.c ------------------------------------------------------------------------------- */

/* pid of the program's process in the rump kernel. */
extern pid_t posix_pid;
/* Prints "posix: MESSAGE" on the console (before and after the C library is up). */
void posix_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* posix_say, then ends the unikernel with status 1 (configuration errors at start-up). */
__attribute__((noreturn)) void posix_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* --- timecounter.c ------------------------------------------------------------------------ */

/* Gives the booted rump kernel the platform's monotonic clock as its timecounter. */
void posix_timecounter_init(void);

/* --- config.c, etc.c ------------------------------------------------------------------------ */

/* File systems, /etc, network and working directory from the system description. */
void posix_configure(const struct uk_init *init);
/* Writes /etc (passwd and its databases, group, hosts, services, resolv.conf, ...). */
void posix_etc_write(const char *hostname);
