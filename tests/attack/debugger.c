/*
 * debugger: makes every debug and cycle-accounting system call — DebugHalt and
 * DebugNameThread on a notification among them, which halt a debug kernel. Booted on a
 * production kernel, each must be an unknown system call (a fault this unikernel handles
 * itself); nothing may halt, print or report.
 */
#include "probe.h"

static const struct {
    const char *what;
    long number;
    seL4_Word arg;
} calls[] = {
    {"DebugPutChar", seL4_SysDebugPutChar, 'X'},
    {"DebugDumpScheduler", seL4_SysDebugDumpScheduler, 0},
    {"DebugHalt", seL4_SysDebugHalt, 0},
    {"DebugCapIdentify", seL4_SysDebugCapIdentify, UK_SLOT_TCB},
    {"DebugSnapshot", seL4_SysDebugSnapshot, 0},
    {"DebugNameThread on a notification", seL4_SysDebugNameThread, UK_SLOT_NOTIFICATION},
    {"BenchmarkResetLog", -19, 0},
    {"BenchmarkFinalizeLog", -20, 0},
    {"BenchmarkGetThreadUtilisation", -23, UK_SLOT_TCB},
    {"BenchmarkResetThreadUtilisation", -24, UK_SLOT_TCB},
};

int main(void)
{
    int err = probe_init();
    if (err) {
        printf("no probe thread (error %d)\n", err);
        return 100;
    }
    for (unsigned i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        seL4_Word detail;
        enum probe_outcome o =
            probe_run(probe_syscall, (seL4_Word)calls[i].number, calls[i].arg, &detail);
        char how[64];
        snprintf(how, sizeof(how), "%s %ld", probe_outcome_name(o), (long)detail);
        attempt(calls[i].what, o != PROBE_UNKNOWN_SC || (long)detail != calls[i].number, how);
    }
    return attempts_summary();
}
