/*
 * Time for unikernels: the TSC frequency (bootinfo's X86_TSC_FREQ chunk) and the wall-clock
 * time at boot, read once from the CMOS real-time clock (ports 0x70/0x71), paired with the
 * TSC value at that moment. Unikernels keep time from the TSC themselves.
 */
#include "roottask.h"

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define RTC_SECONDS  0x00
#define RTC_MINUTES  0x02
#define RTC_HOURS    0x04
#define RTC_DAY      0x07
#define RTC_MONTH    0x08
#define RTC_YEAR     0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_CENTURY  0x32
#define RTC_UPDATING 0x80 /* status A: an update is in progress, registers are unstable */
#define RTC_BINARY   0x04 /* status B: values are binary, not BCD */
#define RTC_24HOUR   0x02 /* status B: 24-hour clock */
#define RTC_PM       0x80 /* hours register in 12-hour mode */

struct boot_clock boot_clock;

static seL4_CPtr cmos;

static unsigned cmos_read(unsigned reg)
{
    ioport_out(cmos, CMOS_INDEX, 1, reg);
    return ioport_in(cmos, CMOS_DATA, 1);
}

struct rtc_time {
    unsigned sec, min, hour, day, month, year, century;
};

static void rtc_sample(struct rtc_time *t)
{
    while (cmos_read(RTC_STATUS_A) & RTC_UPDATING) {
    }
    t->sec = cmos_read(RTC_SECONDS);
    t->min = cmos_read(RTC_MINUTES);
    t->hour = cmos_read(RTC_HOURS);
    t->day = cmos_read(RTC_DAY);
    t->month = cmos_read(RTC_MONTH);
    t->year = cmos_read(RTC_YEAR);
    t->century = cmos_read(RTC_CENTURY);
}

static unsigned from_bcd(unsigned v)
{
    return (v >> 4) * 10 + (v & 0xf);
}

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian calendar). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static seL4_Word rtc_epoch_seconds(void)
{
    struct rtc_time a, b;
    /* Read until two samples agree: an update may land between the register reads. */
    rtc_sample(&b);
    do {
        a = b;
        rtc_sample(&b);
    } while (memcmp(&a, &b, sizeof(a)));

    unsigned status_b = cmos_read(RTC_STATUS_B);
    int pm = !(status_b & RTC_24HOUR) && (a.hour & RTC_PM);
    a.hour &= ~RTC_PM;
    if (!(status_b & RTC_BINARY)) {
        a.sec = from_bcd(a.sec);
        a.min = from_bcd(a.min);
        a.hour = from_bcd(a.hour);
        a.day = from_bcd(a.day);
        a.month = from_bcd(a.month);
        a.year = from_bcd(a.year);
        a.century = from_bcd(a.century);
    }
    if (!(status_b & RTC_24HOUR)) {
        a.hour = a.hour % 12 + (pm ? 12 : 0);
    }
    unsigned year = (a.century >= 19 && a.century <= 30 ? a.century : 20) * 100 + a.year;
    if (a.month < 1 || a.month > 12 || a.day < 1 || a.day > 31) {
        return 0;
    }
    int64_t days = days_from_civil(year, a.month, a.day);
    return (seL4_Word)(days * 86400 + a.hour * 3600 + a.min * 60 + a.sec);
}

void clock_init(const seL4_BootInfo *bi)
{
    boot_clock.tsc_hz = (seL4_Word)seL4_BootInfo_TSCFrequencyMHz(bi) * 1000000;
    cmos = ioport_issue(CMOS_INDEX, CMOS_DATA);
    boot_clock.epoch_seconds = rtc_epoch_seconds();
    boot_clock.tsc = runtime_rdtsc();
}
