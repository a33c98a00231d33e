/*
 * netserve's back end inside a POSIX unikernel, next to an unmodified program (bench/net's
 * iperf unikernel: bake links these objects with Debian's iperf; bench/README.md,
 * "bench/net"). A constructor starts netserve on a thread of its own before the program's
 * main runs, so the host can measure the unikernel's CPU utilisation around the program's
 * traffic and end the unikernel ("quit": exit(0), which halts the rump kernel and ends the
 * unikernel with the program). Sockets are netserve-sockets.c's.
 *
 * The CPU accounting is getrusage's: on this platform the unikernel's non-idle time
 * (platform/posix/README.md), the "platform" source of netserve-rump.c. The kernel's cycle
 * accounting is not reachable from a NetBSD-libc program (the platform object keeps libsel4
 * to itself); on our kernel the two agree within a percentage point for netserve's streams.
 */
#include "netserve.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static uint64_t start_busy, start_total;

static uint64_t busy_ns(void)
{
    struct rusage r;
    if (getrusage(RUSAGE_SELF, &r) != 0) {
        return 0;
    }
    return (uint64_t)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000000000u +
           (uint64_t)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1000u;
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void ns_util_start(void)
{
    start_busy = busy_ns();
    start_total = now_ns();
}

void ns_util_stop(char *line, size_t size)
{
    uint64_t busy = busy_ns() - start_busy, total = now_ns() - start_total;
    snprintf(line, size, "%llu %llu rusage", (unsigned long long)busy, (unsigned long long)total);
}

static void *serve(void *arg)
{
    (void)arg;
    exit(netserve_run(NETSERVE_PORT));
}

__attribute__((constructor)) static void start(void)
{
    pthread_t t;
    if (pthread_create(&t, 0, serve, 0) != 0) {
        printf("netserve: cannot start its thread\n");
        exit(1);
    }
}
