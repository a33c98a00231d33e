/*
 * victim: the heartbeat every attack case watches, a unikernel on the platform as any
 * other. It wakes every PERIOD ms (the platform's sleep: the root task's shared timer and
 * its notification) for DURATION ms and measures the worst gap between two beats, and how
 * long after the root task began to build it it got to run main (its start-up: memory,
 * entropy seeding, threads; uk_init.start_tsc, so a restarted instance counts from its
 * own start). It exits 0 only if the worst gap is at most GAP_BOUND
 * ms and the start at most START_BOUND ms.
 *
 *   argv = victim PERIOD DURATION GAP_BOUND START_BOUND
 */
#include <platform.h>
#include <runtime.h>
#include <stdio.h>
#include <stdlib.h>

#define MS 1000000ull

int main(int argc, char **argv)
{
    if (argc != 5) {
        printf("usage: victim PERIOD DURATION GAP_BOUND START_BOUND (ms)\n");
        return 2;
    }
    uint64_t period = strtoul(argv[1], 0, 0), duration = strtoul(argv[2], 0, 0),
             gap_bound = strtoul(argv[3], 0, 0), start_bound = strtoul(argv[4], 0, 0);
    const struct uk_init *ui = pf_init();
    uint64_t started = pf_tsc_to_ns(runtime_rdtsc() - ui->start_tsc) / MS;
    printf("up %lu ms after the root task began to build it\n", (unsigned long)started);

    uint64_t begin = pf_clock_monotonic(), last = begin, worst = 0;
    unsigned beats = 0;
    for (uint64_t next = begin + period * MS; next <= begin + duration * MS; next += period * MS) {
        pf_sleep_until(next);
        uint64_t now = pf_clock_monotonic();
        if (now - last > worst) {
            worst = now - last;
        }
        if (now - last > (period + period / 2) * MS) {
            printf("late: beat %u came %lu ms after the one before\n", beats + 1,
                   (unsigned long)((now - last) / MS));
        }
        last = now;
        if (++beats % 10 == 0) {
            printf("beat %u\n", beats);
        }
    }
    worst /= MS;
    int ok = worst <= gap_bound && started <= start_bound;
    printf("%u beats of %lu ms, worst gap %lu ms (bound %lu), start %lu ms (bound %lu): "
           "%s\n",
           beats, (unsigned long)period, (unsigned long)worst, (unsigned long)gap_bound,
           (unsigned long)started, (unsigned long)start_bound,
           ok ? "within bounds" : "OUT OF BOUNDS");
    return ok ? 0 : 1;
}
