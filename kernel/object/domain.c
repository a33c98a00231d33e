/*
 * Scheduling domains: the domain schedule and the domain cap's invocations.
 *
 * Every thread belongs to one domain (0..CONFIG_NUM_DOMAINS-1). Only threads of the current
 * domain run; when none of them is runnable the CPU idles, even if other domains have work.
 * The schedule is a table of entries (domain, duration in kernel ticks); the current entry's
 * domain runs for its duration, then the next entry's. An entry of (0, 0) is an end marker:
 * the schedule goes back to its start index there, and at the table's last entry, which
 * always stays a marker. After boot entry 0 is (domain 0, the longest duration) and every
 * other entry a marker, so until someone configures a schedule only domain 0 runs, as with a
 * single domain.
 *
 * The domain cap (seL4_CapDomain, given to the root task) changes a thread's domain
 * (DomainSet_Set), edits entries (ScheduleConfigure) and picks the start index, switching to
 * it at once (ScheduleSetStart), with upstream's arguments, checks and errors.
 */
#include <kernel.h>
#include <arch.h>

/* An entry: the domain in the top 8 bits, the duration in the low 56 (as upstream). */
#define ENTRY_DOMAIN_SHIFT 56
#define MAX_DURATION       MASK(ENTRY_DOMAIN_SHIFT)
#define SCHEDULE_LENGTH    CONFIG_NUM_DOMAIN_SCHEDULES

_Static_assert(CONFIG_NUM_DOMAINS >= 1 && CONFIG_NUM_DOMAINS <= 256, "domain fits 8 bits");
_Static_assert(SCHEDULE_LENGTH >= 2, "room for one entry and the final end marker");

word_t current_domain;
static uint64_t schedule[SCHEDULE_LENGTH];
static word_t schedule_index; /* the entry running now */
static word_t schedule_start; /* where the schedule continues after an end marker */
static uint64_t domain_ticks_left;

static uint64_t entry_new(word_t domain, uint64_t duration)
{
    return (uint64_t)domain << ENTRY_DOMAIN_SHIFT | duration;
}

static void enter_entry(word_t index)
{
    schedule_index = index;
    current_domain = schedule[index] >> ENTRY_DOMAIN_SHIFT;
    domain_ticks_left = schedule[index] & MAX_DURATION;
}

void domain_init(void)
{
    schedule[0] = entry_new(0, MAX_DURATION);
    schedule_start = 0;
    enter_entry(0);
}

bool domain_tick(void)
{
    if (domain_ticks_left > 0) {
        domain_ticks_left--;
    }
    return domain_ticks_left == 0;
}

bool domain_expired(void)
{
    return domain_ticks_left == 0;
}

void domain_next(void)
{
    /* FPU registers never carry one domain's state into the next's time. */
    fpu_save_current_owner();
    word_t next = schedule_index + 1;
    enter_entry(schedule[next] == 0 ? schedule_start : next);
}

/* --- Invocations ---------------------------------------------------------------------- */

static exception_t decode_set(word_t length, word_t *buffer)
{
    if (length == 0) {
        return error_simple(seL4_TruncatedMessage, "DomainSet_Set needs the domain");
    }
    word_t domain = get_mr(current_thread, buffer, 0);
    if (domain >= CONFIG_NUM_DOMAINS) {
        return error_invalid_argument(0, "no such domain");
    }
    if (current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage, "DomainSet_Set needs the thread's cap");
    }
    cap_t cap = current_extra_caps.slots[0]->cap;
    if (cap_get_type(cap) != cap_thread) {
        return error_invalid_argument(1, "the thread cap is not a TCB cap");
    }
    thread_set_state(current_thread, ThreadState_Restart);
    sched_set_domain((tcb_t *)cap.thread.tcb, domain);
    return EXCEPTION_NONE;
}

static exception_t decode_schedule_configure(word_t length, word_t *buffer)
{
    if (length < 3) {
        return error_simple(seL4_TruncatedMessage,
                            "ScheduleConfigure needs index, domain and duration");
    }
    word_t index = get_mr(current_thread, buffer, 0);
    word_t domain = get_mr(current_thread, buffer, 1);
    uint64_t duration = get_mr(current_thread, buffer, 2);
    if (index >= SCHEDULE_LENGTH - 1) {
        return error_range(0, SCHEDULE_LENGTH - 2,
                           "no such schedule entry (the last one stays an end marker)");
    }
    if (domain >= CONFIG_NUM_DOMAINS) {
        return error_range(0, CONFIG_NUM_DOMAINS - 1, "no such domain");
    }
    if (duration > MAX_DURATION) {
        return error_invalid_argument(2, "the duration does not fit in 56 bits");
    }
    if (duration == 0 && domain != 0) {
        return error_invalid_argument(1, "an end marker (duration 0) must name domain 0");
    }
    if (index == schedule_start && duration == 0) {
        return error_invalid_argument(2, "the start entry cannot become an end marker");
    }
    thread_set_state(current_thread, ThreadState_Restart);
    schedule[index] = entry_new(domain, duration);
    return EXCEPTION_NONE;
}

static exception_t decode_schedule_set_start(word_t length, word_t *buffer)
{
    if (length < 1) {
        return error_simple(seL4_TruncatedMessage, "ScheduleSetStart needs the index");
    }
    word_t index = get_mr(current_thread, buffer, 0);
    if (index >= SCHEDULE_LENGTH) {
        return error_range(0, SCHEDULE_LENGTH - 1, "no such schedule entry");
    }
    if (schedule[index] == 0) {
        return error_invalid_argument(0, "the schedule cannot start at an end marker");
    }
    thread_set_state(current_thread, ThreadState_Restart);
    schedule_start = index;
    /*
     * The current entry ends now: the scheduler's next step lands on the last entry, always
     * an end marker, and so goes on at the new start.
     */
    schedule_index = SCHEDULE_LENGTH - 2;
    domain_ticks_left = 0;
    sched_reschedule_required();
    return EXCEPTION_NONE;
}

exception_t decode_domain_invocation(word_t label, word_t length, word_t *buffer)
{
    switch (label) {
    case seL4_DomainSetSet:
        return decode_set(length, buffer);
    case seL4_DomainScheduleConfigure:
        return decode_schedule_configure(length, buffer);
    case seL4_DomainScheduleSetStart:
        return decode_schedule_set_start(length, buffer);
    default:
        return error_illegal_operation("not a domain cap invocation");
    }
}
