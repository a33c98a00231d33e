/*
 * Temporal isolation: CPU shares through seL4 domains (kernel/README.md, "Domains").
 *
 * A unikernel whose description gives it "share = N" gets a domain of its own (1, 2, ...
 * in description order) and N kernel ticks (N × 2 ms) of every round of the domain
 * schedule; only its threads run then, however many it makes and whatever their
 * priorities. Domain 0 is the root task's, shared with every unikernel without a share:
 * it gets one tick per round, plus one for each unikernel in it. A unikernel's requests to
 * the root task (console, timer, PCI) are answered in domain 0's time, so each costs it up
 * to a round.
 *
 * Without any share nothing is configured: the kernel's boot schedule runs domain 0 alone
 * and every thread is in it, as before domains existed.
 */
#include "roottask.h"

static unsigned nshared;

int domains_plan(void)
{
    for (unsigned i = 0; i < nprocesses; i++) {
        struct process *p = &processes[i];
        p->domain = p->uk->share ? ++nshared : 0;
    }
    if (!nshared) {
        return 0;
    }
    /*
     * The kernel must have a domain for each: try the highest in an entry the schedule
     * never reaches (it ends at entry 1 until domains_start), then make it a marker again.
     */
    seL4_Word spare = seL4_NumDomainSchedules - 2;
    seL4_Error err =
        seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, spare, (seL4_Uint8)nshared, 1);
    if (!err) {
        err = seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, spare, 0, 0);
    }
    if (err) {
        for (unsigned i = 0; i < nprocesses; i++) {
            if (processes[i].domain == nshared) {
                return desc_error(processes[i].uk->share_line,
                                  "share: the kernel has no domain %u for '%s' (schedule entry: "
                                  "error %d; it needs %u domains)",
                                  nshared, processes[i].uk->name, err, nshared + 1);
            }
        }
    }
    return 0;
}

static void configure(seL4_Word index, unsigned domain, seL4_Word ticks)
{
    seL4_Error err =
        seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, index, (seL4_Uint8)domain, ticks);
    if (err) {
        fatal("domain schedule entry %lu (domain %u, %lu ticks): error %d", index, domain, ticks,
              err);
    }
}

void domains_start(void)
{
    if (!nshared) {
        return;
    }
    seL4_Word root_ticks = 1 + (nprocesses - nshared), round = root_ticks;
    configure(0, 0, root_ticks);
    seL4_Word index = 1;
    for (unsigned i = 0; i < nprocesses; i++) {
        const struct process *p = &processes[i];
        if (p->domain) {
            configure(index++, p->domain, p->uk->share);
            round += p->uk->share;
        }
    }
    configure(index, 0, 0); /* the end marker: the round starts over at entry 0 */
    seL4_Error err = seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 0);
    if (err) {
        fatal("cannot start the domain schedule: error %d", err);
    }
    say("domain schedule: a round of %lu ms, %lu ms of it for the root task and %u unikernel%s "
        "without a share",
        round * seL4_TimerTickMs, root_ticks * seL4_TimerTickMs, nprocesses - nshared,
        nprocesses - nshared == 1 ? "" : "s");
}

int domains_place(const struct process *p)
{
    if (!p->domain) {
        return 0;
    }
    seL4_Error err = seL4_DomainSet_Set(seL4_CapDomain, (seL4_Uint8)p->domain, p->tcb);
    if (err) {
        say("%s: cannot move its thread to domain %u: error %d", p->uk->name, p->domain, err);
        return -1;
    }
    return 0;
}
