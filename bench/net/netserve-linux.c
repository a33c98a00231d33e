/*
 * netserve's back end on Linux: a static program, /netserve in the Linux guest's initramfs
 * (linux-guest builds it). Sockets are netserve-sockets.c's; the guest's CPU accounting is
 * /proc/stat (all CPU time but idle and iowait); when the server ends it writes its status
 * to QEMU's isa-debug-exit port, as our systems do, so QEMU ends at once.
 *
 *   netserve [PORT]     default: port 7
 */
#define _GNU_SOURCE
#include "netserve.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <unistd.h>

/* QEMU's isa-debug-exit device, as tools/qemu-run configures it. */
#define DEBUG_EXIT_PORT 0xf4

/* The "cpu" line of /proc/stat: busy and total clock ticks since boot. */
static void cpu_ticks(unsigned long long *busy, unsigned long long *total)
{
    unsigned long long v[10] = {0};
    FILE *f = fopen("/proc/stat", "r");
    *busy = *total = 0;
    if (!f) {
        return;
    }
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    fclose(f);
    /* user nice system idle iowait irq softirq steal (guest times are inside user) */
    for (int i = 0; i < n && i < 8; i++) {
        *total += v[i];
        if (i != 3 && i != 4) {
            *busy += v[i];
        }
    }
}

static unsigned long long start_busy, start_total;

void ns_util_start(void)
{
    cpu_ticks(&start_busy, &start_total);
}

void ns_util_stop(char *line, size_t size)
{
    unsigned long long busy, total;
    cpu_ticks(&busy, &total);
    unsigned long long ns_per_tick = 1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK);
    snprintf(line, size, "%llu %llu procstat", (busy - start_busy) * ns_per_tick,
             (total - start_total) * ns_per_tick);
}

int main(int argc, char **argv)
{
    unsigned port = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : NETSERVE_PORT;
    setvbuf(stdout, 0, _IOLBF, 0);
    int status = netserve_run(port);
    /* isa-debug-exit: QEMU ends with (status << 1) | 1, which qemu-run turns back into 0/1. */
    if (ioperm(DEBUG_EXIT_PORT, 1, 1) == 0) {
        outb((unsigned char)status, DEBUG_EXIT_PORT);
    }
    return status;
}
