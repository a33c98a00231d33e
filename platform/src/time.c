/*
 * Clocks. The monotonic clock is the TSC (invariant under QEMU and on the hardware we
 * target) counted from the root task's boot_tsc; the wall clock is the root task's CMOS RTC
 * reading at that same moment plus the monotonic clock. Conversions use 32.32 fixed-point
 * factors computed once, so no 128-bit division (and no libgcc) is needed.
 */
#include "internal.h"

static uint64_t boot_tsc, boot_epoch;
static uint64_t ns_per_tick_q32;  /* ns per TSC tick, <<32 */
static uint64_t ticks_per_ns_q32; /* TSC ticks per ns, <<32 */

void pf_time_init(const struct uk_init *init)
{
    uint64_t hz = init->tsc_hz;
    if (hz < 1000000) {
        pf_panic("platform: implausible TSC frequency %lu Hz in uk_init", hz);
    }
    boot_tsc = init->boot_tsc;
    boot_epoch = init->boot_epoch_seconds;
    ns_per_tick_q32 = (PF_NSEC_PER_SEC << 32) / hz;
    ticks_per_ns_q32 =
        ((hz / PF_NSEC_PER_SEC) << 32) + ((hz % PF_NSEC_PER_SEC) << 32) / PF_NSEC_PER_SEC;
}

uint64_t pf_tsc_to_ns(uint64_t ticks)
{
    return (uint64_t)(((unsigned __int128)ticks * ns_per_tick_q32) >> 32);
}

uint64_t pf_ns_to_tsc(uint64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * ticks_per_ns_q32) >> 32);
}

uint64_t pf_clock_monotonic(void)
{
    uint64_t now = runtime_rdtsc();
    return now > boot_tsc ? pf_tsc_to_ns(now - boot_tsc) : 0;
}

uint64_t pf_mono_to_tsc(uint64_t ns)
{
    return boot_tsc + pf_ns_to_tsc(ns);
}

void pf_clock_wall(int64_t *sec, long *nsec)
{
    uint64_t ns = pf_clock_monotonic();
    *sec = (int64_t)(boot_epoch + ns / PF_NSEC_PER_SEC);
    *nsec = (long)(ns % PF_NSEC_PER_SEC);
}
