/*
 * netserve's back end on a NetBSD rump kernel (a unikernel linked by bake, like apps/echo):
 * sockets are the rump kernel's system calls; the guest's CPU accounting is the kernel's
 * cycle accounting where the kernel has it (libsel4/README.md, "Cycle accounting") and the
 * platform's idle time everywhere.
 *
 *   netserve [PORT [kernel|platform]]   default: port 7, platform accounting only
 *
 * `kernel` must be given only on a kernel with the accounting system calls (ours): on one
 * without them (upstream seL4 in the pinned configuration) they are unknown-syscall faults.
 */
#include "netserve.h"

#include <platform.h>
#include <rumpglue.h>
#include <sel4/sel4.h>
#include <unikernel.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int use_kernel_accounting;

int ns_listen(unsigned port)
{
    return rump_tcp_listen(port, 8);
}

int ns_accept(int s)
{
    struct sockaddr_in peer;
    socklen_t len = sizeof(peer);
    int one = 1;
    int c = rump_sys_accept(s, (struct sockaddr *)&peer, &len);
    /* Small answers (1-byte round trips, "ok") go out at once. */
    if (c >= 0) {
        rump_sys_setsockopt(c, RUMP_IPPROTO_TCP, RUMP_TCP_NODELAY, &one, sizeof(one));
    }
    return c;
}

long ns_read(int fd, void *buf, size_t n)
{
    return rump_sys_read(fd, buf, n);
}

long ns_write(int fd, const void *buf, size_t n)
{
    return rump_sys_write(fd, buf, n);
}

void ns_close(int fd)
{
    rump_sys_close(fd);
}

static uint64_t start_ns;
static struct pf_sched_stats start_stats;

void ns_util_start(void)
{
    if (use_kernel_accounting) {
        seL4_BenchmarkResetLog();
    }
    pf_sched_stats(&start_stats);
    start_ns = pf_clock_monotonic();
}

void ns_util_stop(char *line, size_t size)
{
    struct pf_sched_stats s;
    uint64_t total = pf_clock_monotonic() - start_ns;
    pf_sched_stats(&s);
    uint64_t idle = s.idle_ns - start_stats.idle_ns;
    uint64_t busy = idle < total ? total - idle : 0;
    int n = 0;
    if (use_kernel_accounting) {
        /* Total and idle-thread TSC cycles of the period: what the whole machine did. */
        seL4_BenchmarkFinalizeLog();
        seL4_BenchmarkGetThreadUtilisation(UK_SLOT_TCB);
        seL4_Word k_total = seL4_GetMR(BENCHMARK_TOTAL_UTILISATION);
        seL4_Word k_idle = seL4_GetMR(BENCHMARK_IDLE_LOCALCPU_UTILISATION);
        n = snprintf(line, size, "%lu %lu kernel ",
                     (unsigned long)pf_tsc_to_ns(k_idle < k_total ? k_total - k_idle : 0),
                     (unsigned long)pf_tsc_to_ns(k_total));
        /* Where the time went, for whoever reads the console log (not part of the answer). */
        printf("netserve: kernel: %lu entries, %lu schedules, %lu of %lu cycles in the kernel\n",
               (unsigned long)seL4_GetMR(BENCHMARK_TOTAL_NUMBER_KERNEL_ENTRIES),
               (unsigned long)seL4_GetMR(BENCHMARK_TOTAL_NUMBER_SCHEDULES),
               (unsigned long)seL4_GetMR(BENCHMARK_TOTAL_KERNEL_UTILISATION),
               (unsigned long)k_total);
    }
    snprintf(line + n, size - (size_t)n, "%lu %lu platform", (unsigned long)busy,
             (unsigned long)total);
    printf("netserve: platform: %lu us, %lu thread switches, %lu idle waits, %lu polls\n",
           (unsigned long)(total / 1000), (unsigned long)(s.switches - start_stats.switches),
           (unsigned long)(s.idle_waits - start_stats.idle_waits),
           (unsigned long)(s.polls - start_stats.polls));
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : NETSERVE_PORT;
    if (argc > 2 && strcmp(argv[2], "kernel") == 0) {
        use_kernel_accounting = 1;
    } else if (argc > 2 && strcmp(argv[2], "platform") != 0) {
        printf("netserve: accounting '%s': expected kernel or platform\n", argv[2]);
        return 2;
    }
    return netserve_run(port);
}
