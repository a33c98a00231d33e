/*
 * The debug system calls of the debug configuration (upstream's KernelDebugBuild and
 * KernelPrinting): PutChar, DumpScheduler, Halt, Snapshot, CapIdentify, NameThread; and the
 * list of every live thread that DumpScheduler prints. The production configuration has
 * none of this: there these numbers are unknown system calls, as upstream's.
 */
#include <kernel.h>
#include <arch.h>
#include <printk.h>

#ifdef CONFIG_DEBUG_BUILD

tcb_t *debug_threads;

void debug_thread_add(tcb_t *t)
{
    t->debug_prev = 0;
    t->debug_next = debug_threads;
    if (debug_threads) {
        debug_threads->debug_prev = t;
    }
    debug_threads = t;
}

void debug_thread_remove(tcb_t *t)
{
    if (t->debug_prev) {
        t->debug_prev->debug_next = t->debug_next;
    } else if (debug_threads == t) {
        debug_threads = t->debug_next;
    }
    if (t->debug_next) {
        t->debug_next->debug_prev = t->debug_prev;
    }
    t->debug_next = t->debug_prev = 0;
}

static const char *state_name(enum thread_state s)
{
    static const char *const names[] = {"inactive",
                                        "running",
                                        "restart",
                                        "blocked on recv",
                                        "blocked on send",
                                        "blocked on reply",
                                        "blocked on notification",
                                        "idle"};
    return names[s];
}

static void dump_scheduler(void)
{
    kprintf("%-24s %-24s %4s %6s %s\n", "thread", "name", "prio", "domain", "state");
    for (tcb_t *t = debug_threads; t; t = t->debug_next) {
        kprintf("%p %-24s %4lu %6lu %s%s\n", (void *)t, t->name, t->priority, t->domain,
                state_name(t->state), t == current_thread ? " (current)" : "");
    }
}

static void NORETURN halt_with(const char *why)
{
    kprintf("%s: halting (thread %p \"%s\")\n", why, (void *)current_thread, current_thread->name);
    panic("halted");
}

/* Upstream halts the machine on a bad DebugNameThread too. */
static void name_thread(tcb_t *t)
{
    lookup_result_t r = lookup_slot(t, t->ctx.rdi);
    if (r.status != EXCEPTION_NONE || cap_get_type(r.slot->cap) != cap_thread) {
        halt_with("DebugNameThread on a cap that is not a TCB");
    }
    word_t *buffer = lookup_ipc_buffer(t, true);
    if (!buffer) {
        halt_with("DebugNameThread without an IPC buffer");
    }
    const char *name = (const char *)(buffer + 1);
    size_t max = seL4_MsgMaxLength * sizeof(word_t), len = 0;
    while (len < max && name[len]) {
        len++;
    }
    if (len == max) {
        halt_with("DebugNameThread with an unterminated name");
    }
    tcb_t *target = (tcb_t *)r.slot->cap.thread.tcb;
    len = MIN(len, TCB_NAME_LEN - 1);
    memcpy(target->name, name, len);
    target->name[len] = 0;
}

bool debug_syscall(long number)
{
    tcb_t *t = current_thread;
    switch (number) {
    case seL4_SysDebugPutChar:
        serial_putc((char)t->ctx.rdi);
        return true;
    case seL4_SysDebugDumpScheduler:
        dump_scheduler();
        return true;
    case seL4_SysDebugHalt:
        halt_with("DebugHalt");
    case seL4_SysDebugSnapshot:
        return true;
    case seL4_SysDebugCapIdentify: {
        lookup_result_t r = lookup_slot(t, t->ctx.rdi);
        t->ctx.rdi = r.status == EXCEPTION_NONE ? cap_debug_identify(r.slot->cap) : 0;
        return true;
    }
    case seL4_SysDebugNameThread:
        name_thread(t);
        return true;
    default:
        return false;
    }
}

#endif /* CONFIG_DEBUG_BUILD */
