/*
 * rumpuser(3) clocks: RELWALL is the wall clock (and a sleep on it is relative), ABSMONO the
 * monotonic clock (and a sleep on it lasts until an absolute time). A sleep blocks, so it
 * gives the virtual CPU back for its duration.
 */
#include "hyp.h"

int rumpuser_clock_gettime(int clock, int64_t *sec, long *nsec)
{
    switch (clock) {
    case RUMPUSER_CLOCK_RELWALL:
        pf_clock_wall(sec, nsec);
        return 0;
    case RUMPUSER_CLOCK_ABSMONO: {
        uint64_t ns = pf_clock_monotonic();
        *sec = (int64_t)(ns / PF_NSEC_PER_SEC);
        *nsec = (long)(ns % PF_NSEC_PER_SEC);
        return 0;
    }
    default:
        return EINVAL;
    }
}

int rumpuser_clock_sleep(int clock, int64_t sec, long nsec)
{
    uint64_t ns = sec < 0 ? 0 : (uint64_t)sec * PF_NSEC_PER_SEC + (uint64_t)(nsec > 0 ? nsec : 0);
    uint64_t deadline;
    switch (clock) {
    case RUMPUSER_CLOCK_RELWALL:
        deadline = pf_clock_monotonic() + ns;
        break;
    case RUMPUSER_CLOCK_ABSMONO:
        deadline = ns;
        break;
    default:
        return EINVAL;
    }
    int nlocks;
    pfru_unschedule(&nlocks, 0);
    if (pf_clock_monotonic() < deadline) {
        pf_sleep_until(deadline);
    } else {
        pf_yield(); /* a sleep into the past still lets others run */
    }
    pfru_schedule(nlocks, 0);
    return 0;
}
