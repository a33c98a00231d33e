/*
 * The benchmark root task: takes every RAM untyped, runs each figure with a fresh set of
 * objects, and ends with a closing line that says how many figures were produced.
 */
#include "bench.h"

struct rt_alloc bench_alloc;
uint64_t bench_samples[BENCH_RUNS];

static char helper_stack[16384] __attribute__((aligned(16)));
static char helper_tls[512] __attribute__((aligned(64)));
static int failures;

void bench_fail(const char *name, const char *what, seL4_Error err)
{
    printf("bench: %s FAILED: %s (error %d)\n", name, what, (int)err);
    failures++;
}

void bench_thread_config(struct rt_thread_config *cfg, seL4_Word prio)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->prio = prio;
    cfg->mcp = prio;
    cfg->ipc_vaddr = BENCH_IPC_VADDR;
    cfg->stack = helper_stack;
    cfg->stack_size = sizeof(helper_stack);
    cfg->tls_area = helper_tls;
}

seL4_Error bench_thread(struct rt_thread *t, seL4_Word prio, void (*fn)(void *), void *arg)
{
    struct rt_thread_config cfg;
    bench_thread_config(&cfg, prio);
    seL4_Error err = rt_thread_new(&bench_alloc, t, &cfg);
    return err == seL4_NoError ? rt_thread_start(t, fn, arg) : err;
}

static void init_alloc(const seL4_BootInfo *bi)
{
    /* The runtime keeps the last two empty slots (runtime_exit_qemu, runtime_console_uart). */
    rt_alloc_init(&bench_alloc, seL4_CapInitThreadCNode, bi->empty.start, bi->empty.end - 2);
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice) {
            rt_alloc_add_untyped(&bench_alloc, bi->untyped.start + i, d->paddr, d->sizeBits, 0);
        }
    }
}

int main(void)
{
    static void (*const figures[])(void) = {
        bench_rdtsc, bench_yield, bench_ipc_same_as, bench_ipc_cross_as, bench_signal_wait,
    };
    const seL4_BootInfo *bi = runtime_bootinfo();
    /* Print through COM1 itself: production kernels have no debug console. */
    runtime_console_uart();
    init_alloc(bi);
    if (seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, BENCH_ROOT_PRIO)) {
        printf("bench: cannot set the root thread's priority\n");
        return 1;
    }
    printf("bench: TSC %u MHz (bootinfo), %d timed runs per figure after %d warm-up runs\n",
           seL4_BootInfo_TSCFrequencyMHz(bi), BENCH_RUNS, BENCH_WARMUP);
    for (unsigned i = 0; i < ARRAY_SIZE(figures); i++) {
        figures[i]();
        rt_alloc_reset(&bench_alloc);
    }
    printf("bench: done, %u figures, %d failed\n", (unsigned)ARRAY_SIZE(figures), failures);
    return failures ? 1 : 0;
}
