/*
 * rscbench: what a NetBSD system call costs, timed inside the program. Linked with a rump
 * kernel of its own (rscbench-local) every rump_sys_* is a function call into that kernel;
 * linked as a client (rscbench-remote, bake link --rump-client) it goes over a channel to a
 * server unikernel and back (platform/rumpclient, rsc_protocol.h). Same source, same calls:
 *
 *   getpid           no arguments, no data: the bare round trip
 *   pwrite+pread 4K  4 KiB to a tmpfs file and back: data through the shared region
 *
 * Each figure is the median over ROUNDS rounds of ITERATIONS calls, per call, in TSC cycles
 * and nanoseconds. `make bench-rsc` runs both links and prints the ratios.
 *
 *   rscbench MODE        MODE names the link in the output ("local" or "remote")
 */
#include <rumpglue.h>

#include <errno.h>
#include <platform.h>
#include <runtime.h>
#include <stdio.h>
#include <string.h>

#define ITERATIONS 200
#define ROUNDS     7

static uint64_t samples[ROUNDS];
static char block[4096];
static int fd = -1;

static void report(const char *mode, const char *what, void (*op)(void))
{
    for (int i = 0; i < ITERATIONS / 4; i++) {
        op(); /* warm-up (the first remote call connects) */
    }
    for (int r = 0; r < ROUNDS; r++) {
        uint64_t t0 = runtime_rdtsc();
        for (int i = 0; i < ITERATIONS; i++) {
            op();
        }
        samples[r] = (runtime_rdtsc() - t0) / ITERATIONS;
    }
    for (int i = 1; i < ROUNDS; i++) {
        for (int j = i; j > 0 && samples[j] < samples[j - 1]; j--) {
            uint64_t t = samples[j];
            samples[j] = samples[j - 1];
            samples[j - 1] = t;
        }
    }
    printf("rscbench: %s %s: %lu cycles %lu ns per call (min %lu cycles)\n", mode, what,
           (unsigned long)samples[ROUNDS / 2], (unsigned long)pf_tsc_to_ns(samples[ROUNDS / 2]),
           (unsigned long)samples[0]);
}

static void getpid_op(void)
{
    rump_sys_getpid();
}

static void file_op(void)
{
    if (rump_sys_pwrite(fd, block, sizeof(block), 0) != sizeof(block) ||
        rump_sys_pread(fd, block, sizeof(block), 0) != sizeof(block)) {
        printf("rscbench: pwrite/pread failed (errno %d)\n", errno);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "?";
    memset(block, 'x', sizeof(block));
    report(mode, "getpid", getpid_op);
    fd = rump_sys_open("/tmp/rscbench", RUMP_O_RDWR | RUMP_O_CREAT, 0600);
    if (fd < 0) {
        printf("rscbench: cannot open /tmp/rscbench (errno %d)\n", errno);
        return 1;
    }
    report(mode, "pwrite+pread 4K", file_op);
    rump_sys_close(fd);
    rump_sys_unlink("/tmp/rscbench");
    return 0;
}
