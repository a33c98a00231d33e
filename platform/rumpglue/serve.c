/*
 * A rump kernel that serves other unikernels: rump_init_server("channel:") starts the
 * server of remote system calls (platform/rumpuser/sp*.c) on every channel this unikernel
 * is the server of, and the program waits until each client has ended for good (the root
 * task's status page says gone), so a system of clients and servers ends by itself.
 *
 * For failure tests, CRASH_ON=FILE in the environment makes the server fault (no sync, no
 * unmount) as soon as FILE exists in its rump kernel: a client creates it.
 */
#include "glue.h"

#include <errno.h>
#include <platform.h>
#include <rumpsp.h>
#include <stdio.h>
#include <stdlib.h>

#pragma weak rump_init_server

static unsigned clients_left(void)
{
    unsigned left = 0;
    for (unsigned i = 0; i < pf_channel_count(); i++) {
        const struct uk_channel *c = pf_channel(i);
        left += c->role == UK_CHANNEL_SERVER &&
                pf_channel_status(c)->end[UK_CHANNEL_CLIENT].state != UK_END_GONE;
    }
    return left;
}

/* "NetBSD: N processes, N open files (N file structures)" (census.c), or why it could not
 * be counted. */
static void census(char *out, size_t size)
{
    struct rg_census c;
    int error = rg_census(&c);
    if (error) {
        snprintf(out, size, "NetBSD: no census (error %d)", error);
    } else {
        snprintf(out, size, "NetBSD: %u processes, %u open files (%u file structures)", c.processes,
                 c.files, c.file_structures);
    }
}

static void report(const char *name, const char *when)
{
    struct rumpsp_stats s;
    struct pf_sched_stats t;
    char held[96];
    rumpsp_stats(&s);
    pf_sched_stats(&t);
    census(held, sizeof(held));
    printf("%s: %s: %llu sessions, %llu ended, %u live; %llu calls, %llu refused; ", name, when,
           (unsigned long long)s.sessions_begun, (unsigned long long)s.sessions_ended,
           s.sessions_live, (unsigned long long)s.calls, (unsigned long long)s.refused);
    printf("%s; %u workers; %zu KiB free; idle %llu ms (%llu waits), %llu thread switches, "
           "%llu timer settings\n",
           held, s.workers, pf_mem_free() >> 10, (unsigned long long)(t.idle_ns / 1000000),
           (unsigned long long)t.idle_waits, (unsigned long long)t.switches,
           (unsigned long long)t.timer_sets);
}

static volatile uintptr_t unmapped = 0x10;

static void *crash_watch(void *arg)
{
    const char *file = arg;
    for (;;) {
        int fd = rump_sys_open(file, RUMP_O_RDONLY);
        if (fd >= 0) {
            printf("%s exists: crashing (CRASH_ON)\n", file);
            pf_console_flush();
            *(volatile int *)unmapped = 1;
        }
        pf_sleep_ns(20 * 1000 * 1000);
    }
    return 0;
}

int rumpglue_serve(const char *name)
{
    if (!rump_init_server) {
        printf("%s: this rump kernel cannot serve (link the kern_sysproxy component)\n", name);
        return ENOSYS;
    }
    /* What the kernel holds before any client: each report after is compared with it. */
    char held[96];
    census(held, sizeof(held));
    int error = rump_init_server("channel:");
    if (error) {
        printf("%s: cannot serve its channels (error %d)\n", name, error);
        return error;
    }
    const char *crash_on = pf_getenv("CRASH_ON");
    if (crash_on && !pf_thread_create("crash-on", crash_watch, (void *)crash_on, 64 * 1024,
                                      PF_PRIO_NORMAL, 0, &error)) {
        printf("%s: no thread for CRASH_ON (error %d)\n", name, error);
        return error;
    }
    printf("%s: serving %u client%s (%s; %zu KiB free)\n", name, clients_left(),
           clients_left() == 1 ? "" : "s", held, pf_mem_free() >> 10);
    const char *every = pf_getenv("RUMPSP_REPORT");
    uint64_t period = every ? strtoul(every, 0, 10) : 0, reported = 0;
    /* Looked at every 50 ms, not woken by the channels, which signal every call. */
    for (;;) {
        struct rumpsp_stats s;
        rumpsp_stats(&s);
        if (period && s.sessions_ended / period > reported) {
            reported = s.sessions_ended / period;
            char when[48];
            snprintf(when, sizeof(when), "after %llu sessions",
                     (unsigned long long)(reported * period));
            report(name, when);
        }
        if (!clients_left()) {
            break;
        }
        pf_sleep_ns(50 * 1000 * 1000);
    }
    /* The last sessions end as the dispatcher sees their clients gone. */
    for (int i = 0; i < 100; i++) {
        struct rumpsp_stats s;
        rumpsp_stats(&s);
        if (!s.sessions_live) {
            break;
        }
        pf_sleep_ns(10 * 1000 * 1000);
    }
    report(name, "every client is gone");
    struct rumpsp_stats s;
    rumpsp_stats(&s);
    if (s.sessions_live) {
        rumpsp_dump(); /* what holds them: a server bug */
        pf_sched_dump();
    }
    return 0;
}
