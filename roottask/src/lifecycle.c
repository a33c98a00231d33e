/*
 * The life of a process after it started: exits, faults (the root task is every
 * unikernel's fault handler), teardown, restarts under the description's policy, and the
 * summary line when all have ended.
 *
 * Restarts back off, so that a unikernel that ends as soon as it starts (a crash loop, or
 * one that exits on purpose) cannot keep the root task — priority 255, above every
 * unikernel — busy tearing down and building: the first RESTART_QUICK restarts of a burst
 * are immediate, each later one waits twice as long as the one before, from
 * RESTART_DELAY_FIRST_MS up to RESTART_DELAY_MAX_MS, and never less than RESTART_DUTY times
 * what the last teardown and start took (so restart work is at most a tenth of the CPU
 * even for a large image). An instance that runs RESTART_STABLE_MS ends the burst. Every
 * delayed restart is reported with its delay. The root task serves everyone else while it
 * waits (the timer wakes it).
 *
 * A description may ask for quick restarts (`restart = always N quick`): no growing delays,
 * only the duty bound. The bound is what keeps the others' share of the CPU (each crash
 * loop takes at most a tenth); the doubling only makes a long crash loop cheaper still, and
 * would make N restarts of something meant to die and come back (a worker that exits
 * after each job, a test's crashing client) take hours.
 */
#include "roottask.h"

#define RESTART_QUICK          2
#define RESTART_DELAY_FIRST_MS 50
#define RESTART_DELAY_MAX_MS   10000
#define RESTART_DUTY           9
#define RESTART_STABLE_MS      10000

#define FAULT_CAP      1
#define FAULT_SYSCALL  2
#define FAULT_USER_EXC 3
#define FAULT_VM       5

#define VM_WRITE   0x2 /* page-fault error code bits */
#define VM_FETCH   0x10
#define VM_PRESENT 0x1

static const char *exception_name(seL4_Word vector)
{
    switch (vector) {
    case 0:
        return "divide error";
    case 3:
        return "breakpoint";
    case 6:
        return "invalid opcode";
    case 13:
        return "general protection fault";
    case 17:
        return "alignment check";
    default:
        return "exception";
    }
}

/* One-line description of the fault (kept in p->fault for the summary); returns its IP. */
static seL4_Word describe_fault(struct process *p, seL4_Word label, const seL4_Word *mr,
                                seL4_Word len)
{
    char *d = p->fault;
    size_t n = sizeof(p->fault);
    seL4_Word ip = len ? mr[0] : 0;
    switch (len >= 4 ? label : 0) {
    case FAULT_VM: {
        /* Without NX the error code has no fetch bit, but a fetch faults at its own IP. */
        int fetch = mr[2] || (mr[3] & VM_FETCH) || mr[0] == mr[1];
        snprintf(d, n, "vm fault (%s, %s) at address 0x%lx",
                 fetch              ? "instruction fetch"
                 : mr[3] & VM_WRITE ? "write"
                                    : "read",
                 mr[3] & VM_PRESENT ? "protection" : "not mapped", mr[1]);
        break;
    }
    case FAULT_CAP:
        snprintf(d, n, "cap fault on cptr 0x%lx (lookup failure %lu%s)", mr[1], mr[3],
                 mr[2] ? ", receive phase" : "");
        break;
    case FAULT_USER_EXC:
        snprintf(d, n, "%s (vector %lu, error code 0x%lx)", exception_name(mr[3]), mr[3],
                 len > 4 ? mr[4] : 0);
        break;
    case FAULT_SYSCALL:
        ip = len > 15 ? mr[15] : 0;
        snprintf(d, n, "unknown system call %ld", (long)(len > 18 ? mr[18] : 0));
        break;
    default:
        snprintf(d, n, "fault type %lu", label);
        break;
    }
    return ip;
}

static void print_registers(struct process *p, seL4_Word fault_ip)
{
    seL4_UserContext r;
    const char *name = p->uk->name;
    if (seL4_TCB_ReadRegisters(p->tcb, 0, 0, sizeof(r) / sizeof(seL4_Word), &r)) {
        say("%s: registers unavailable", name);
        return;
    }
    if (r.rip != fault_ip) {
        /* The fault came from another thread of the unikernel. */
        say("%s: faulting ip 0x%lx (not the initial thread; its registers follow)", name, fault_ip);
    }
    say("%s: rip 0x%016lx rsp 0x%016lx rflags 0x%016lx", name, r.rip, r.rsp, r.rflags);
    say("%s: rax 0x%016lx rbx 0x%016lx rcx 0x%016lx rdx 0x%016lx", name, r.rax, r.rbx, r.rcx,
        r.rdx);
    say("%s: rsi 0x%016lx rdi 0x%016lx rbp 0x%016lx r8  0x%016lx", name, r.rsi, r.rdi, r.rbp, r.r8);
    say("%s: r9  0x%016lx r10 0x%016lx r11 0x%016lx r12 0x%016lx", name, r.r9, r.r10, r.r11, r.r12);
    say("%s: r13 0x%016lx r14 0x%016lx r15 0x%016lx fs  0x%016lx", name, r.r13, r.r14, r.r15,
        r.fs_base);
}

void lifecycle_fault(struct process *p, seL4_Word label, const seL4_Word *mr, seL4_Word len)
{
    seL4_Word ip = describe_fault(p, label, mr, len);
    console_flush(p);
    say("%s: %s, ip 0x%lx", p->uk->name, p->fault, ip);
    print_registers(p, ip);
    p->state = PROC_FAULTED;
    lifecycle_ended(p);
}

static int failed(const struct process *p)
{
    return p->state == PROC_FAULTED || p->exit_status != 0;
}

static int should_restart(const struct process *p)
{
    const struct sysdesc_unikernel *uk = p->uk;
    if (p->restarts >= uk->restart_max) {
        return 0;
    }
    return uk->restart == SYSDESC_RESTART_ALWAYS ||
           (uk->restart == SYSDESC_RESTART_ON_FAILURE && failed(p));
}

static uint64_t ms_to_tsc(uint64_t ms)
{
    return boot_clock.tsc_hz / 1000 * ms;
}

/*
 * TSC ticks to wait before restart number p->burst of the current burst, given what the
 * teardown and the start cost (in TSC ticks).
 */
static uint64_t restart_delay(const struct process *p, uint64_t cost)
{
    if (p->burst <= RESTART_QUICK) {
        return 0;
    }
    unsigned doublings = p->burst - RESTART_QUICK - 1;
    uint64_t ms = RESTART_DELAY_MAX_MS;
    if (p->uk->restart_quick) {
        ms = 0;
    } else if (doublings < 16 && (RESTART_DELAY_FIRST_MS << doublings) < RESTART_DELAY_MAX_MS) {
        ms = RESTART_DELAY_FIRST_MS << doublings;
    }
    uint64_t delay = ms_to_tsc(ms);
    return delay > RESTART_DUTY * cost ? delay : RESTART_DUTY * cost;
}

static void restart_now(struct process *p)
{
    uint64_t begin = runtime_rdtsc();
    p->exit_status = 0;
    p->fault[0] = 0;
    if (process_start(p) < 0) {
        process_teardown(p);
        p->state = PROC_FAULTED;
        snprintf(p->fault, sizeof(p->fault), "restart failed");
        say("%s stopped: %s", p->uk->name, p->fault);
        channels_gone(p);
        return;
    }
    p->started_at = runtime_rdtsc();
    p->start_cost = p->started_at - begin;
}

void lifecycle_ended(struct process *p)
{
    uint64_t begin = runtime_rdtsc();
    console_flush(p);
    timer_cancel(p);
    throttle_forget(p);
    if (p->state == PROC_EXITED) {
        say("%s exited with status %d", p->uk->name, p->exit_status);
    } else {
        say("%s stopped: %s", p->uk->name, p->fault);
    }
    process_teardown(p);
    if (!should_restart(p)) {
        channels_gone(p);
        return;
    }
    p->restarts++;
    if (begin - p->started_at >= ms_to_tsc(RESTART_STABLE_MS)) {
        p->burst = 0;
    }
    p->burst++;
    uint64_t delay = restart_delay(p, runtime_rdtsc() - begin + p->start_cost);
    if (!delay) {
        say("restarting %s (restart %u of %u)", p->uk->name, p->restarts, p->uk->restart_max);
        restart_now(p);
        return;
    }
    say("restarting %s in %lu ms (restart %u of %u; %u in a row, %s)", p->uk->name,
        (seL4_Word)(delay / ms_to_tsc(1)), p->restarts, p->uk->restart_max, p->burst,
        p->uk->restart_quick ? "quick: at a tenth of the CPU" : "backing off");
    p->state = PROC_RESTARTING;
    p->restart_at = runtime_rdtsc() + delay;
}

uint64_t lifecycle_restart_due(void)
{
    uint64_t next = 0;
    for (unsigned i = 0; i < nprocesses; i++) {
        struct process *p = &processes[i];
        if (p->state != PROC_RESTARTING) {
            continue;
        }
        if (p->restart_at <= runtime_rdtsc()) {
            restart_now(p);
        } else if (!next || p->restart_at < next) {
            next = p->restart_at;
        }
    }
    return next;
}

int lifecycle_all_done(void)
{
    for (unsigned i = 0; i < nprocesses; i++) {
        if (processes[i].state == PROC_RUNNING || processes[i].state == PROC_RESTARTING) {
            return 0;
        }
    }
    return 1;
}

int lifecycle_summary(void)
{
    char failures[512];
    size_t used = 0;
    unsigned ok = 0, bad = 0;
    failures[0] = 0;
    for (unsigned i = 0; i < nprocesses; i++) {
        const struct process *p = &processes[i];
        if (!failed(p)) {
            ok++;
            continue;
        }
        bad++;
        char why[112];
        if (p->state == PROC_FAULTED) {
            snprintf(why, sizeof(why), "%s", p->fault);
        } else {
            snprintf(why, sizeof(why), "exit %d", p->exit_status);
        }
        int n = snprintf(failures + used, sizeof(failures) - used, "%s%s: %s", bad > 1 ? ", " : "",
                         p->uk->name, why);
        if (n > 0 && used + (size_t)n < sizeof(failures)) {
            used += (size_t)n;
        }
    }
    if (bad) {
        printf("system: %u unikernel%s, %u exited 0, %u failed (%s)\n", nprocesses,
               nprocesses == 1 ? "" : "s", ok, bad, failures);
    } else {
        printf("system: %u unikernel%s, %u exited 0, 0 failed\n", nprocesses,
               nprocesses == 1 ? "" : "s", ok);
    }
    return bad ? 1 : 0;
}
