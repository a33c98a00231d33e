/*
 * The rump kernel's timecounter: the platform's monotonic clock.
 *
 * Without one, the rump kernel keeps time with NetBSD's dummy counter, advanced only by its
 * clock thread's ticks: clock_gettime, gettimeofday and time read in steps of 10 ms, and
 * not at all while a thread computes without blocking (the clock thread cannot run then).
 * Rumprun's hardware platform registered a counter for this (librumpkern_bmktc, not linked
 * here); this one counts microseconds of the platform's clock, whose 32 bits wrap after
 * 71 minutes, far longer than any stretch without a clock tick.
 */
#include "posix.h"

#include <rump/rump.h>

/* NetBSD's struct timecounter (sys/timetc.h, not among the installed headers). */
struct timecounter {
    unsigned (*get_timecount)(struct timecounter *tc);
    void (*poll_pps)(struct timecounter *tc);
    unsigned counter_mask;
    uint64_t frequency;
    const char *name;
    int quality;
    void *priv;
    struct timecounter *next;
};

/* The rump kernel's tc_init (its kernel names carry the rumpns_ prefix). */
void rumpns_tc_init(struct timecounter *tc);

static unsigned read_counter(struct timecounter *tc)
{
    (void)tc;
    return (unsigned)(pf_clock_monotonic() / 1000);
}

static struct timecounter platform_counter = {
    .get_timecount = read_counter,
    .counter_mask = ~0u,
    .frequency = 1000000,
    .name = "platform",
    .quality = 100, /* better than the dummy: the kernel switches to it at once */
};

void posix_timecounter_init(void)
{
    rump_schedule();
    rumpns_tc_init(&platform_counter);
    rump_unschedule();
}
