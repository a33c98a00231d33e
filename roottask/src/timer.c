/*
 * The shared timer. One hardware timer, owned by the root task, serves every unikernel's
 * deadline: the PIT's channel 0 (I/O ports 0x40-0x43, ISA IRQ 0 through the IOAPIC).
 * The PIT needs no memory mapping and no ACPI table beyond the interrupt override, exists
 * on every PC machine QEMU emulates, and its one-shot mode fits a deadline list directly;
 * its 16-bit counter (at most ~55 ms) only means a far deadline takes a few wakeups.
 *
 * Deadlines are TSC values (the unikernels' clock). They are kept sorted; whenever the
 * earliest changes the PIT is re-armed for it, and at each wakeup every passed deadline's
 * unikernel gets UK_NOTIFY_TIMER on its notification.
 */
#include "roottask.h"

#define PIT_CHANNEL0  0x40
#define PIT_COMMAND   0x43
#define PIT_LAST_PORT 0x43
#define PIT_HZ        1193182ul
#define PIT_MAX_COUNT 0xffffu
/* Channel 0, low then high byte, mode 0 (interrupt on terminal count), binary. */
#define PIT_ONE_SHOT 0x30
#define PIT_ISA_IRQ  0

struct irq_route timer_route;
static seL4_CPtr pit_ports, pit_irq;
static struct process *queue[SYSDESC_MAX_UNIKERNELS]; /* by deadline, earliest first */
static unsigned queued;
static uint64_t armed_for;     /* deadline the PIT is counting down to; 0 = idle */
static uint64_t root_deadline; /* the root task's own (restarts, held-back replies); 0 = none */

/* Starts a one-shot countdown of count PIT ticks; its end raises the interrupt once. */
static void pit_count_down(uint64_t count)
{
    ioport_out(pit_ports, PIT_COMMAND, 1, PIT_ONE_SHOT);
    ioport_out(pit_ports, PIT_CHANNEL0, 1, count & 0xff);
    ioport_out(pit_ports, PIT_CHANNEL0, 1, count >> 8);
}

static void arm(uint64_t now, uint64_t deadline)
{
    uint64_t delta = deadline > now ? deadline - now : 0;
    uint64_t ticks = PIT_MAX_COUNT;
    if (boot_clock.tsc_hz && delta < boot_clock.tsc_hz) {
        ticks = delta * PIT_HZ / boot_clock.tsc_hz + 1;
    }
    if (ticks > PIT_MAX_COUNT) {
        ticks = PIT_MAX_COUNT;
    }
    pit_count_down(ticks);
    armed_for = deadline;
}

static void dequeue(struct process *p)
{
    for (unsigned i = 0; i < queued; i++) {
        if (queue[i] == p) {
            memmove(&queue[i], &queue[i + 1], (queued - i - 1) * sizeof(queue[0]));
            queued--;
            return;
        }
    }
}

void timer_init(void)
{
    pit_ports = ioport_issue(PIT_CHANNEL0, PIT_LAST_PORT);
    pit_irq = irq_claim_isa(PIT_ISA_IRQ, service_notification(), BADGE_TIMER_IRQ, &timer_route);
    if (!pit_irq) {
        fatal("cannot get the PIT's interrupt");
    }
    /* The firmware may have left channel 0 periodic; one-shot mode fires once and stops. */
    pit_count_down(PIT_MAX_COUNT);
}

seL4_Word timer_set(struct process *p, uint64_t deadline)
{
    dequeue(p);
    p->timer_deadline = deadline;
    if (deadline) {
        unsigned i = queued++;
        while (i > 0 && queue[i - 1]->timer_deadline > deadline) {
            queue[i] = queue[i - 1];
            i--;
        }
        queue[i] = p;
    }
    return 0;
}

void timer_cancel(struct process *p)
{
    timer_set(p, 0);
}

void timer_interrupt(void)
{
    armed_for = 0;
    seL4_IRQHandler_Ack(pit_irq);
}

void timer_set_root(uint64_t deadline)
{
    root_deadline = deadline;
}

void timer_check(void)
{
    uint64_t now = runtime_rdtsc();
    while (queued && queue[0]->timer_deadline <= now) {
        struct process *p = queue[0];
        dequeue(p);
        p->timer_deadline = 0;
        seL4_Signal(p->timer_signal);
    }
    uint64_t next = queued ? queue[0]->timer_deadline : 0;
    if (root_deadline && (!next || root_deadline < next)) {
        next = root_deadline;
    }
    if (next && (!armed_for || next < armed_for)) {
        arm(now, next);
    }
}
