/*
 * Scheduling domains (the pinned configuration has seL4_NumDomains = 16 and a schedule of
 * seL4_NumDomainSchedules = 100 entries): DomainSet_Set, the schedule invocations
 * ScheduleConfigure and ScheduleSetStart with their checks, and what the schedule does —
 * only the current domain's threads run, each entry lasts its duration in kernel ticks.
 *
 * The schedule is global kernel state: every test that changes it restores the boot-time
 * schedule (entry 0 = domain 0 for the longest duration, all others end markers, start 0)
 * when it ends, pass or fail. Every schedule a test installs gives domain 0 time, since the
 * supervising root thread and the test thread live there.
 */
#include "support.h"

#define MAX_DURATION ((1ul << 56) - 1) /* durations are 56-bit */

static void restore_boot_schedule(seL4_Word unused)
{
    (void)unused;
    seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 0, MAX_DURATION);
    seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 0);
    for (seL4_Word i = 1; i < seL4_NumDomainSchedules - 1; i++) {
        seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, i, 0, 0);
    }
}

/* Installs entries (domain, ticks) from index 0, an end marker after them, and starts at 0. */
static void install_schedule(const seL4_Word (*entries)[2], int n)
{
    defer_call(restore_boot_schedule, 0);
    for (int i = 0; i < n; i++) {
        CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, i, entries[i][0], entries[i][1]));
    }
    CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, n, 0, 0));
    CHECK_OK(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 0));
}

/* An invocation of the domain cap with a raw message of n <= 3 words (the third is 5). */
static seL4_Error domain_invoke(seL4_Word label, seL4_Word n, seL4_Word w0, seL4_Word w1)
{
    seL4_Word w[3] = {w0, w1, 5};
    return seL4_Invoke_(seL4_CapDomain, label, 0, n, w, 0);
}

/* --- DomainSet_Set ------------------------------------------------------------------- */

TEST(domain_set_checks)
{
    seL4_CPtr t = alloc_obj(seL4_TCBObject, 0);
    CHECK_OK(seL4_DomainSet_Set(seL4_CapDomain, 0, t));
    CHECK_OK(seL4_DomainSet_Set(seL4_CapDomain, seL4_NumDomains - 1, t));
    CHECK_ERR(seL4_DomainSet_Set(seL4_CapDomain, seL4_NumDomains, t), seL4_InvalidArgument);
    CHECK_MR(0, 0);
    CHECK_ERR(seL4_DomainSet_Set(seL4_CapDomain, 0, alloc_obj(seL4_EndpointObject, 0)),
              seL4_InvalidArgument);
    CHECK_MR(0, 1);
    /* No domain word; no thread cap. */
    CHECK_ERR(domain_invoke(seL4_DomainSetSet, 0, 0, 0), seL4_TruncatedMessage);
    CHECK_ERR(domain_invoke(seL4_DomainSetSet, 1, 0, 0), seL4_TruncatedMessage);
    /* Other labels, and the domain cap's invocations on another cap. */
    CHECK_ERR(domain_invoke(seL4_TCBSuspend, 1, 0, 0), seL4_IllegalOperation);
    CHECK_ERR(seL4_DomainSet_ScheduleSetStart(t, 0), seL4_IllegalOperation);
}

/* --- ScheduleConfigure / ScheduleSetStart: checks ------------------------------------- */

TEST(domain_schedule_configure_checks)
{
    defer_call(restore_boot_schedule, 0);
    CHECK_ERR(domain_invoke(seL4_DomainScheduleConfigure, 2, 1, 1), seL4_TruncatedMessage);
    /* The last entry always stays an end marker. */
    CHECK_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, seL4_NumDomainSchedules - 1, 0, 5),
              seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_NumDomainSchedules - 2);
    CHECK_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, ~0ul, 0, 5), seL4_RangeError);
    CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, seL4_NumDomainSchedules - 2, 0, 5));
    CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, seL4_NumDomainSchedules - 2, 0, 0));
    /* The domain: below seL4_NumDomains (a full word, not truncated to 8 bits). */
    CHECK_ERR(domain_invoke(seL4_DomainScheduleConfigure, 3, 1, seL4_NumDomains), seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_NumDomains - 1);
    seL4_Word words[3] = {1, 0x100, 5};
    CHECK_ERR(seL4_Invoke_(seL4_CapDomain, seL4_DomainScheduleConfigure, 0, 3, words, 0),
              seL4_RangeError);
    /* The duration: 56 bits at most; zero only for an end marker (domain 0). */
    CHECK_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 1, MAX_DURATION + 1),
              seL4_InvalidArgument);
    CHECK_MR(0, 2);
    CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 1, MAX_DURATION));
    CHECK_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 3, 0), seL4_InvalidArgument);
    CHECK_MR(0, 1);
    CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 0, 0));
    /* The start entry (0 after boot) cannot become an end marker. */
    CHECK_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 0, 0, 0), seL4_InvalidArgument);
    CHECK_MR(0, 2);
    /* Range is checked before the domain, the domain before the duration. */
    CHECK_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, seL4_NumDomainSchedules,
                                               seL4_NumDomains, 0),
              seL4_RangeError);
    CHECK_MR(1, seL4_NumDomainSchedules - 2);
    CHECK_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, seL4_NumDomains, 0),
              seL4_RangeError);
    CHECK_MR(1, seL4_NumDomains - 1);
}

TEST(domain_schedule_set_start_checks)
{
    defer_call(restore_boot_schedule, 0);
    CHECK_ERR(domain_invoke(seL4_DomainScheduleSetStart, 0, 0, 0), seL4_TruncatedMessage);
    CHECK_ERR(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, seL4_NumDomainSchedules),
              seL4_RangeError);
    CHECK_MR(0, 0);
    CHECK_MR(1, seL4_NumDomainSchedules - 1);
    /* End markers: a boot-time one, and the last entry. */
    CHECK_ERR(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 5), seL4_InvalidArgument);
    CHECK_MR(0, 0);
    CHECK_ERR(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, seL4_NumDomainSchedules - 1),
              seL4_InvalidArgument);
    /* Restarting at the boot entry is allowed (and changes nothing visible). */
    CHECK_OK(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 0));
    /* Once the start moves, the old start entry may become an end marker. */
    CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 0, 1000));
    CHECK_OK(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 1));
    CHECK_ERR(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 0, 0), seL4_InvalidArgument);
}

/* --- What the schedule does ------------------------------------------------------------ */

/* A helper of priority `prio` in `domain` running fn; created here, started there. */
static struct helper *helper_in_domain(seL4_Word domain, seL4_Word prio, helper_fn fn, seL4_Word a0)
{
    struct helper *h = helper_new(prio, 0);
    CHECK_OK(seL4_DomainSet_Set(seL4_CapDomain, domain, h->tcb));
    helper_start(h, fn, a0, 0, 0, 0);
    return h;
}

TEST(domain_threads_run_only_in_their_domain)
{
    static volatile long spins;
    spins = 0;
    /* Boot schedule: only domain 0 ever runs, so a domain-1 spinner never does, even while
     * domain 0 has nothing to run (then the CPU idles). */
    helper_in_domain(1, ROOT_PRIO + 1, fn_spin, (seL4_Word)&spins);
    CHECK(counter_frozen(&spins));
    CHECK_EQ(spins, 0);
    /* Give domain 1 every other 2 ms. */
    static const seL4_Word alternate[][2] = {{0, 1}, {1, 1}};
    install_schedule(alternate, 2);
    CHECK_GE(wait_at_least(&spins, 1, 1000), 1);
    /* Back to domain 0 alone: the spinner stops again. */
    restore_boot_schedule(0);
    CHECK(counter_frozen(&spins));
}

static volatile long domain1_ran;

static seL4_Word fn_note_ran(seL4_Word a0, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a0;
    (void)a1;
    (void)a2;
    (void)a3;
    domain1_ran = 1;
    return 0;
}

TEST(domain_set_start_switches_at_once)
{
    domain1_ran = 0;
    defer_call(restore_boot_schedule, 0);
    helper_in_domain(1, ROOT_PRIO, fn_note_ran, 0);
    CHECK_EQ(domain1_ran, 0);
    /* Entries 1: domain 1 for 5 ticks, 2: domain 0 for 5 ticks, 3: end marker. */
    CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 1, 1, 5));
    CHECK_OK(seL4_DomainSet_ScheduleConfigure(seL4_CapDomain, 2, 0, 5));
    CHECK_EQ(domain1_ran, 0); /* configuring changes nothing until the schedule gets there */
    /* The switch happens before the call returns: domain 1's entry came first. */
    CHECK_OK(seL4_DomainSet_ScheduleSetStart(seL4_CapDomain, 1));
    CHECK_EQ(domain1_ran, 1);
}

static volatile long server_calls;

static seL4_Word fn_server(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_Word badge;
    seL4_Recv(ep, &badge);
    for (;;) {
        server_calls++;
        seL4_SetMR(0, 0x5e4e);
        seL4_ReplyRecv(ep, seL4_MessageInfo_new(0, 0, 0, 1), &badge);
    }
    return 0;
}

static seL4_Word fn_client(seL4_Word ep, seL4_Word a1, seL4_Word a2, seL4_Word a3)
{
    (void)a1;
    (void)a2;
    (void)a3;
    seL4_SetMR(0, 1);
    seL4_Call(ep, seL4_MessageInfo_new(0, 0, 0, 1)); /* short: a fast path candidate */
    return seL4_GetMR(0);
}

TEST(domain_ipc_waits_for_the_receivers_domain)
{
    server_calls = 0;
    seL4_CPtr ep = alloc_obj(seL4_EndpointObject, 0);
    /*
     * The server, above its client's priority, starts in domain 0 and waits in Recv; then
     * it moves to domain 1. The client's short Call finds it waiting, as the fast path
     * wants, but in another domain.
     */
    struct helper *server = helper_run(ROOT_PRIO + 1, fn_server, ep, 0, 0, 0);
    CHECK_OK(seL4_DomainSet_Set(seL4_CapDomain, 1, server->tcb));
    struct helper *client = helper_run(ROOT_PRIO, fn_client, ep, 0, 0, 0);
    /* Domain 1 never runs: the message waits with the server, the client for its reply. */
    yield_n(10);
    spin_us(5000);
    yield_n(10);
    CHECK_EQ(server_calls, 0);
    CHECK_EQ(client->finished, 0);
    /* Once domain 1 has time, the call completes. */
    static const seL4_Word alternate[][2] = {{0, 1}, {1, 1}};
    install_schedule(alternate, 2);
    CHECK(helper_wait(client, 1000));
    CHECK_EQ(client->result, 0x5e4e);
    CHECK_EQ(server_calls, 1);
}

/*
 * Temporal isolation: a spinner in domain 1 at a priority above everything in domain 0
 * except the root, and a 50/50 schedule of 5 ticks (10 ms) each. The test thread (domain 0)
 * keeps a heartbeat: it watches the TSC and counts the gaps when it did not run. It gets
 * about half the CPU and never waits much longer than domain 1's 10 ms entry.
 */
/* One 400 ms window of the heartbeat: the time away in gaps over 1 ms, and the worst gap. */
static void heartbeat_window(uint64_t *away, uint64_t *total, uint64_t *worst)
{
    uint64_t gap_threshold = ms_to_tsc(1), start = tsc_now(), last = start;
    uint64_t end = start + ms_to_tsc(400);
    *away = *worst = 0;
    while (last < end) {
        uint64_t now = tsc_now();
        if (now - last > gap_threshold) {
            *away += now - last;
            *worst = now - last > *worst ? now - last : *worst;
        }
        last = now;
    }
    *total = last - start;
}

TEST(domain_heartbeat_keeps_its_share)
{
    static volatile long spins;
    spins = 0;
    helper_in_domain(1, seL4_MaxPrio - 1, fn_spin, (seL4_Word)&spins);
    static const seL4_Word halves[][2] = {{0, 5}, {1, 5}};
    install_schedule(halves, 2);
    /*
     * QEMU's TCG runs the guest at a varying speed, and when the host deschedules QEMU the
     * TSC jumps as if the guest had been away: a window with such a jump is measured again
     * (at most three). Without the schedule the spinner, above the test thread's priority,
     * takes the CPU in every window (away near 100%, gaps without end).
     */
    uint64_t away, total, worst;
    for (int window = 0; window < 3; window++) {
        heartbeat_window(&away, &total, &worst);
        if (away * 100 >= total * 25 && away * 100 <= total * 75 && worst <= ms_to_tsc(40)) {
            break;
        }
    }
    CHECK_GE(spins, 1);
    CHECK_GE(away * 100, total * 25);
    CHECK_LE(away * 100, total * 75);
    CHECK_LE(worst, ms_to_tsc(40));
}
