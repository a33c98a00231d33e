/*
 * meter: what the whole machine did during one echo connection, for bench/rsc. The
 * benchmark links apps/echo's own object with its rump_sys_accept and rump_sys_close calls
 * renamed to meter_accept and meter_close (objcopy --redefine-sym, rsc.mk), so the program
 * measured is the echo server itself, local or a netserver's client alike.
 *
 * From the accept of the first connection to its close it counts with the kernel's cycle
 * accounting (seL4_BenchmarkResetLog ... GetThreadUtilisation): the TSC cycles of the
 * period, those of the idle thread, kernel entries and thread switches of every process on
 * the machine (the netserver's too). Under QEMU's -icount shift=0 a TSC cycle is one guest
 * instruction, so busy cycles are the instructions the machine executed for the stream.
 * Needs a kernel with the accounting calls (ours; the pinned upstream build has none, and
 * its unknown system call would end the unikernel).
 */
#include <rumpglue.h>

#include <platform.h>
#include <sel4/sel4.h>
#include <stdio.h>
#include <unikernel.h>

int meter_accept(int s, struct sockaddr *name, socklen_t *namelen);
int meter_close(int fd);

static int metered = -1; /* the connection measured, while open */
static bool done;
static struct pf_sched_stats before;

int meter_accept(int s, struct sockaddr *name, socklen_t *namelen)
{
    int c = rump_sys_accept(s, name, namelen);
    if (c >= 0 && !done && metered < 0) {
        metered = c;
        pf_sched_stats(&before);
        seL4_BenchmarkResetLog();
    }
    return c;
}

int meter_close(int fd)
{
    if (fd == metered) {
        seL4_BenchmarkFinalizeLog();
        seL4_BenchmarkGetThreadUtilisation(UK_SLOT_TCB);
        seL4_Word total = seL4_GetMR(BENCHMARK_TOTAL_UTILISATION);
        seL4_Word idle = seL4_GetMR(BENCHMARK_IDLE_LOCALCPU_UTILISATION);
        seL4_Word entries = seL4_GetMR(BENCHMARK_TOTAL_NUMBER_KERNEL_ENTRIES);
        seL4_Word schedules = seL4_GetMR(BENCHMARK_TOTAL_NUMBER_SCHEDULES);
        seL4_Word idles = seL4_GetMR(BENCHMARK_IDLE_NUMBER_SCHEDULES);
        struct pf_sched_stats after;
        pf_sched_stats(&after);
        printf("meter: machine busy %lu of %lu cycles, %lu kernel entries, %lu thread "
               "switches, idle %lu times; this unikernel waited %lu times\n",
               (unsigned long)(idle < total ? total - idle : 0), (unsigned long)total,
               (unsigned long)entries, (unsigned long)schedules, (unsigned long)idles,
               (unsigned long)(after.idle_waits - before.idle_waits));
        metered = -1;
        done = true;
    }
    return rump_sys_close(fd);
}
