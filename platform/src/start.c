/*
 * Start-up of a unikernel: TLS and IPC buffer for the initial thread, then every platform
 * service in dependency order, a banner, and main() in a thread of its own. The initial
 * stack (UK_INITIAL_STACK_SIZE) is too small for a rump kernel's bootstrap, so the program
 * runtime (pf_program: the C runtime of src/program.c, or NetBSD's libc through
 * platform/posix) runs in a thread with a stack of pf_main_stack_size() bytes and the
 * initial context just parks itself.
 */
#include "internal.h"
#include <stdlib.h>

#define MAIN_STACK_MIN (64 * 1024)
#define BOOT_TLS_SIZE  4096

void pf_start(const struct uk_init *init) __attribute__((noreturn));

const struct uk_init *pf_uk;
struct pf_program_hooks pf_hooks;
static bool exit_begun;
static int exit_status;

void pf_exit_begin(int status)
{
    exit_begun = true;
    exit_status = status;
}

bool pf_exit_pending(int *status)
{
    *status = exit_status;
    return exit_begun;
}

void pf_program_hooks_set(const struct pf_program_hooks *hooks)
{
    pf_hooks = *hooks;
}

/* TLS of the initial context; threads get theirs from the heap. */
static char boot_tls[BOOT_TLS_SIZE] __attribute__((aligned(64)));

const struct uk_init *pf_init(void)
{
    return pf_uk;
}

/*
 * Before TLS exists libsel4 cannot reach the IPC buffer, so the message goes out through
 * the service endpoint in calls of at most four message registers, which travel in CPU
 * registers: 24 bytes a call. Then the unikernel exits with status 255.
 */
static void __attribute__((noreturn)) early_fail(const char *msg)
{
    size_t len = strlen(msg);
    for (size_t off = 0; off < len; off += 3 * sizeof(seL4_Word)) {
        seL4_Word n = len - off < 3 * sizeof(seL4_Word) ? len - off : 3 * sizeof(seL4_Word);
        seL4_Word mr[4] = {n, 0, 0, 0};
        memcpy(&mr[1], msg + off, n);
        seL4_CallWithMRs(UK_SLOT_SERVICE,
                         seL4_MessageInfo_new(UK_SVC_CONSOLE_WRITE, 0, 0, 1 + (n + 7) / 8), &mr[0],
                         &mr[1], &mr[2], &mr[3]);
    }
    seL4_Word status = 255;
    seL4_CallWithMRs(UK_SLOT_SERVICE, seL4_MessageInfo_new(UK_SVC_EXIT, 0, 0, 1), &status, 0, 0, 0);
    /* Only reached if the root task did not end it: stop without a word more. */
    seL4_TCB_Suspend(UK_SLOT_TCB);
    for (;;) {
        seL4_Yield();
    }
}

static void *main_thread(void *arg)
{
    pf_program.run(arg);
    __builtin_unreachable();
}

static void banner(const struct uk_init *init)
{
    printf("=== unikernel \"%s\" (instance %lu) on the seL4 unikernel platform ===\n", init->name,
           init->instance);
    printf("platform: %lu MiB memory, TSC %lu MHz, %lu IRQ(s), %lu PCI device(s), %lu file(s), "
           "%lu I/O port range(s)\n",
           (unsigned long)(pf_mem_total() >> 20), init->tsc_hz / 1000000, init->n_irqs, init->n_pci,
           init->n_files, init->n_ioports);
}

void pf_start(const struct uk_init *init)
{
    if (init->magic != UK_INIT_MAGIC || init->version != UK_INIT_VERSION) {
        early_fail("platform: bad uk_init (magic/version); not started by a compatible root "
                   "task\n");
    }
    if (pf_tls_area_size() > sizeof(boot_tls)) {
        early_fail("platform: TLS image too large for the initial context\n");
    }
    pf_uk = init;
    pf_tls_load(pf_tls_init(boot_tls));
    runtime_putchar = pf_putchar;

    pf_time_init(init);
    if (pf_mem_init(init) != 0) {
        pf_panic("platform: cannot set up memory");
    }
    pf_sched_init();
    pf_random_init();
    banner(init);

    int err;
    if (!pf_thread_create("main", main_thread, (void *)init, pf_main_stack_size(), PF_PRIO_NORMAL,
                          0, &err)) {
        pf_panic("platform: cannot create the main thread (error %d)", err);
    }
    /* The initial context has nothing more to do: it never becomes runnable again. */
    struct pf_waitq never = PF_WAITQ_INIT;
    pf_block(&never, 0);
    pf_panic("platform: initial context woken");
}

void pf_exit(int status)
{
    pf_console_flush();
    seL4_Word word = (seL4_Word)(unsigned)status;
    pf_svc_call(UK_SVC_EXIT, &word, 1, 0, 0);
    /* Only reached if the root task did not tear us down. */
    pf_console_raw("platform: exit request not honoured; suspending\n");
    seL4_TCB_Suspend(UK_SLOT_TCB);
    for (;;) {
        seL4_Yield();
    }
}

size_t pf_main_stack_size(void)
{
    const char *v = pf_getenv("PF_MAIN_STACK");
    if (!v) {
        return pf_program.main_stack;
    }
    char *end;
    unsigned long n = strtoul(v, &end, 0);
    if (*end == 'K' || *end == 'k') {
        n <<= 10;
    } else if (*end == 'M' || *end == 'm') {
        n <<= 20;
    }
    return n < MAIN_STACK_MIN ? MAIN_STACK_MIN : pf_round_up(n, PF_PAGE_SIZE);
}

const char *pf_getenv(const char *name)
{
    size_t n = strlen(name);
    for (seL4_Word i = 0; i < pf_uk->envc; i++) {
        const char *e = pf_uk->envp[i];
        if (e && strncmp(e, name, n) == 0 && e[n] == '=') {
            return e + n + 1;
        }
    }
    return 0;
}

/* Walks the frame-pointer chain (everything here is built with -fno-omit-frame-pointer). */
static void backtrace(void)
{
    const uintptr_t *fp = __builtin_frame_address(0);
    for (int depth = 0; fp && depth < 16; depth++) {
        uintptr_t ret = fp[1];
        if (!ret) {
            break;
        }
        printf("  #%d 0x%lx\n", depth, ret);
        const uintptr_t *up = (const uintptr_t *)fp[0];
        if (up <= fp) {
            break;
        }
        fp = up;
    }
}

void pf_panic(const char *fmt, ...)
{
    static int nested;
    pf_console_flush();
    if (nested++) {
        pf_console_raw("platform: panic while panicking\n");
        pf_exit(255);
    }
    va_list ap;
    va_start(ap, fmt);
    printf("\npanic: ");
    vprintf(fmt, ap);
    va_end(ap);
    printf("\nbacktrace (return addresses):\n");
    backtrace();
    pf_sched_dump();
    pf_exit(255);
}
