/*
 * Local APIC and the kernel timer. The PIT (channel 2, gated through port 0x61, so no
 * interrupt is involved) measures how fast the TSC and the APIC timer run; the APIC timer
 * then ticks periodically every CONFIG_TIMER_TICK_MS on VECTOR_TIMER.
 */
#include <arch.h>
#include <machine.h>
#include <printk.h>

#define LAPIC_ID         0x020
#define LAPIC_EOI        0x0b0
#define LAPIC_SVR        0x0f0
#define LAPIC_LVT_TIMER  0x320
#define LAPIC_LVT_LINT0  0x350
#define LAPIC_LVT_LINT1  0x360
#define LAPIC_LVT_ERROR  0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0
#define LAPIC_TPR        0x080

#define PIT_HZ 1193182u

static volatile uint32_t *lapic;
uint64_t tsc_hz;

static void lapic_write(uint32_t reg, uint32_t v)
{
    lapic[reg / 4] = v;
}

static uint32_t lapic_read(uint32_t reg)
{
    return lapic[reg / 4];
}

void lapic_init(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | BIT(11)); /* global enable (xAPIC mode) */
    lapic = kvspace_map_device(base & ~MASK(12));
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_SVR, 0x100 | VECTOR_SPURIOUS);
    lapic_write(LAPIC_LVT_LINT0, BIT(16));
    lapic_write(LAPIC_LVT_LINT1, BIT(16));
    lapic_write(LAPIC_LVT_ERROR, BIT(16));
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}

#define PIT_PERIOD_MS 50

/* Reads PIT channel 0's current count (latched). */
static uint16_t pit_count(void)
{
    outb(0x43, 0x00);
    uint16_t lo = inb(0x40);
    return lo | (uint16_t)inb(0x40) << 8;
}

/* Waits until the down-counting channel 0 reloads (the count jumps up). */
static void pit_wait_wraparound(void)
{
    uint16_t old = pit_count(), now = old;
    while (now <= old) {
        old = now;
        now = pit_count();
    }
}

/*
 * Measures the TSC and the APIC timer against one PIT period of PIT_PERIOD_MS (channel 0,
 * rate generator), then starts the periodic kernel tick.
 */
void timer_calibrate_and_start(void)
{
    uint16_t divisor = PIT_HZ * PIT_PERIOD_MS / 1000;
    outb(0x43, 0x34); /* channel 0, lo/hi, mode 2 */
    outb(0x40, divisor & 0xff);
    outb(0x40, divisor >> 8);
    lapic_write(LAPIC_TIMER_DIV, 0x3); /* divide by 16 */
    lapic_write(LAPIC_LVT_TIMER, BIT(16));

    pit_wait_wraparound();
    lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
    uint64_t tsc0 = rdtsc();
    pit_wait_wraparound();
    uint64_t tsc1 = rdtsc();
    uint32_t apic_elapsed = 0xffffffff - lapic_read(LAPIC_TIMER_CUR);

    tsc_hz = (tsc1 - tsc0) * 1000 / PIT_PERIOD_MS;
    uint64_t apic_hz = (uint64_t)apic_elapsed * 1000 / PIT_PERIOD_MS;
    uint32_t per_tick = (uint32_t)(apic_hz * CONFIG_TIMER_TICK_MS / 1000);
    kinfo("TSC %lu MHz, APIC timer %lu kHz, tick %u ms\n", tsc_hz / 1000000, apic_hz / 1000,
          CONFIG_TIMER_TICK_MS);
    lapic_write(LAPIC_LVT_TIMER, BIT(17) | VECTOR_TIMER); /* periodic */
    lapic_write(LAPIC_TIMER_INIT, per_tick ? per_tick : 1);
}

/* The 8259 PICs: remap away from the exception vectors, then mask every line. */
void pic_disable(void)
{
    outb(0x20, 0x11);
    outb(0xa0, 0x11);
    outb(0x21, 0x20);
    outb(0xa1, 0x28);
    outb(0x21, 0x04);
    outb(0xa1, 0x02);
    outb(0x21, 0x01);
    outb(0xa1, 0x01);
    outb(0x21, 0xff);
    outb(0xa1, 0xff);
}
