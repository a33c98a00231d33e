/*
 * rumpuser(3) basics: initialisation, parameters, console, termination, errno, signals,
 * daemonisation and module bootstrap.
 */
#include "hyp.h"

struct rumpuser_hyperup pfru_hyp;
void (*pfru_blocking)(void);
bool pfru_verbose;

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
    if (version != RUMPUSER_VERSION) {
        printf("rumpuser: the rump kernel wants hypercall interface %d, this platform "
               "implements %d\n",
               version, RUMPUSER_VERSION);
        return EINVAL;
    }
    pfru_hyp = *hyp;
    const char *verbose = pf_getenv("RUMP_VERBOSE");
    pfru_verbose = verbose && *verbose && *verbose != '0';
    return 0;
}

/*
 * Default memory limit for the rump kernel: what is free now, less a reserve for what the
 * platform itself allocates later outside the rump kernel's accounting (thread stacks,
 * TLS, lock objects): an eighth, at least 2 MiB and at most 32 MiB.
 */
static size_t default_memlimit(void)
{
    size_t free = pf_mem_free();
    size_t reserve = free / 8;
    reserve = reserve < (2u << 20) ? (2u << 20) : reserve > (32u << 20) ? (32u << 20) : reserve;
    return free > 2 * reserve ? free - reserve : free / 2;
}

int rumpuser_getparam(const char *name, void *buf, size_t buflen)
{
    char tmp[UK_NAME_MAX + 24];
    const char *value = pf_getenv(name);
    if (strcmp(name, RUMPUSER_PARAM_NCPU) == 0) {
        /* One TCB runs every thread, so more virtual CPUs would only add switching. */
        value = pf_getenv("RUMP_NCPU") ? pf_getenv("RUMP_NCPU") : "1";
    } else if (strcmp(name, RUMPUSER_PARAM_HOSTNAME) == 0) {
        value = pf_getenv("RUMP_HOSTNAME");
        if (!value) {
            const struct uk_init *init = pf_init();
            snprintf(tmp, sizeof(tmp), "%s-%lu", init->name, init->instance);
            value = tmp;
        }
    } else if (strcmp(name, "RUMP_MEMLIMIT") == 0 && !value) {
        snprintf(tmp, sizeof(tmp), "%lu", (unsigned long)default_memlimit());
        value = tmp;
    }
    if (!value) {
        return ENOENT;
    }
    if (strlen(value) >= buflen) {
        return E2BIG;
    }
    strlcpy(buf, value, buflen);
    return 0;
}

void rumpuser_putchar(int c)
{
    pf_putchar(c);
}

void rumpuser_dprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

void rumpuser_exit(int value)
{
    if (value == RUMPUSER_PANIC) {
        pf_panic("rump kernel panic");
    }
    /* The rump kernel ends with 0 after a normal halt. When it halts because the program is
     * exiting (reboot from an atexit handler), the program's status is the unikernel's. */
    int status;
    if (value == 0 && pf_exit_pending(&status)) {
        value = status;
    }
    pf_exit(value);
}

/*
 * The rump kernel calls this at the end of every system call (rump_sys_*, or NetBSD libc's
 * calls when it is libc's kernel), outside the kernel, with 0 after a success: the
 * thread's errno (which is NetBSD libc's too, pf_errno), and the point where the program
 * runtime delivers signals. errno takes errors only: a successful call leaves it as it
 * was, as NetBSD's own system call stubs do and POSIX requires (no function sets errno to
 * 0).
 */
void rumpuser_seterrno(int error)
{
    if (error) {
        errno = error;
    }
    if (pf_hooks.syscall_done) {
        pf_hooks.syscall_done();
    }
}

/* Signals go to the program runtime, if it has signals; a bare rump kernel has no process. */
int rumpuser_kill(int64_t pid, int sig)
{
    if (pf_hooks.signal) {
        pf_hooks.signal(pid, sig);
        return 0;
    }
    if (pfru_verbose) {
        printf("rumpuser: signal %d for pid %ld ignored (no signals in a unikernel)\n", sig,
               (long)pid);
    }
    return 0;
}

/* Nothing to detach from: the unikernel is already "in the background". */
int rumpuser_daemonize_begin(void)
{
    return 0;
}

int rumpuser_daemonize_done(int error)
{
    (void)error;
    return 0;
}

/*
 * Everything is linked statically: rump_init() finds the linked-in modules and components
 * itself through their link sets, so there are no shared objects to report here.
 */
void rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload,
                           rump_compload_fn compload)
{
    (void)modinit;
    (void)symload;
    (void)compload;
}
