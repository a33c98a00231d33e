/*
 * The program runtime for programs built against NetBSD's libc: what happens between the
 * platform handing over its main thread and the program's main(), and after it.
 *
 *  1. The rump kernel boots (rump_init) with the "raise" signal model (signal.c), and the
 *     program gets a process of its own in it, whose lwp the main thread stays.
 *  2. argv and the environment from the system description are copied to the heap and
 *     laid out the way NetBSD's kernel hands them to a new program (ps_strings, auxiliary
 *     vector), so libc and libpthread find them where they look.
 *  3. libc initialises itself (_libc_init), then the system description's configuration
 *     is carried out (config.c: /tmp, /etc, file systems, network, working directory).
 *  4. The constructors run (libpthread's among them), then exit(main(argc, argv, envp)).
 *     exit runs the atexit handlers and the destructors, and ends in _exit (process.c).
 */
#include "posix.h"

#include <sys/exec.h>
#include <sys/exec_elf.h>
#include <sys/resource.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rumpkern_if_pub.h>

int main(int argc, char **argv, char **envp);
void _libc_init(void);

#define AUX_ENTRIES 9

/* The image's own ELF header (the linker script loads headers with the text). */
extern const Elf64_Ehdr __ehdr_start;

extern char **environ;
extern struct ps_strings *__ps_strings;
extern const char *__progname;

typedef void (*initfini_fn)(void);
extern const initfini_fn __init_array_start[] __attribute__((weak));
extern const initfini_fn __init_array_end[] __attribute__((weak));
extern const initfini_fn __fini_array_start[] __attribute__((weak));
extern const initfini_fn __fini_array_end[] __attribute__((weak));

/* C++ and gcc's atexit-based destructors name the image by this handle. */
void *__dso_handle;

pid_t posix_pid;

static void vsay(const char *fmt, va_list ap)
{
    char line[256];
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    if (n < 0) {
        return;
    }
    if ((size_t)n > sizeof(line) - 2) {
        n = sizeof(line) - 2;
    }
    line[n++] = '\n';
    pf_console_write(POSIX_PREFIX, sizeof(POSIX_PREFIX) - 1);
    pf_console_write(line, (size_t)n);
}

void posix_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
}

void posix_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsay(fmt, ap);
    va_end(ap);
    posix_terminate(1);
}

/* errno is per thread (every thread, lwp or not, has its own TLS block), and the platform's. */
int *__errno(void)
{
    return pf_errno();
}

/* Signals are delivered when a system call returns; the test is one load when none wait. */
static void syscall_done(void)
{
    posix_signal_deliver();
}

static void boot_kernel(void)
{
    struct pf_program_hooks hooks = pf_hooks;
    hooks.syscall_done = syscall_done;
    hooks.signal = posix_signal_from_kernel;
    pf_program_hooks_set(&hooks);

    rump_boot_setsigmodel(RUMP_SIGMODEL_RAISE);
    int error = rump_init();
    if (error) {
        posix_fail("the rump kernel did not boot (rump_init: error %d)", error);
    }
    posix_timecounter_init();
    /* A process of its own, with the kernel's console on descriptors 0, 1 and 2. */
    error = rump_pub_lwproc_rfork(RUMP_RFFDG);
    if (error) {
        posix_fail("cannot create the program's process (error %d)", error);
    }
    posix_lwp_self()->rump_lwp = rump_pub_lwproc_curlwp();
    posix_pid = getpid();
    /* Its own session and process group, as init gives every session it starts (the rump
     * kernel leaves a new process in process group 0, which no NetBSD program ever sees). */
    if (setsid() < 0) {
        posix_fail("cannot make the program a session leader (error %d)", errno);
    }
    /* The kernel's console is write-only: standard input is /dev/null instead, so that
     * reading it gives end of file rather than EBADF. */
    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, 0) != 0 || close(null) != 0) {
        posix_fail("cannot open /dev/null as standard input (error %d)", errno);
    }
}

/* Copies NULL-terminated strings to the heap into vec[0..n-1], vec[n] = NULL. */
static void copy_strings(char **vec, char *const *from, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(vec[i] = strdup(from[i]))) {
            posix_fail("no memory for the command line");
        }
    }
    vec[n] = 0;
}

/*
 * The start of a NetBSD program's stack: argv, a NULL, the environment, a NULL, then the
 * auxiliary vector. libc finds the last through __ps_strings (_dlauxinfo); libpthread the
 * main thread's stack through AT_STACKBASE in it and the stack size limit; dl_iterate_phdr
 * (and so C++ exception unwinding, which looks for PT_GNU_EH_FRAME) the program headers
 * through AT_PHDR and AT_PHNUM. The image is static and linked where it runs: AT_BASE 0.
 */
static char **set_up_arguments(const struct uk_init *init)
{
    size_t argc = init->argc, envc = init->envc;
    size_t words = argc + 1 + envc + 1;
    char **vec = calloc(1, words * sizeof(char *) + AUX_ENTRIES * sizeof(AuxInfo));
    static struct ps_strings ps;
    if (!vec) {
        posix_fail("no memory for the command line");
    }
    copy_strings(vec, init->argv, argc);
    copy_strings(vec + argc + 1, init->envp, envc);

    void *stack;
    size_t stack_size;
    pf_thread_stack(pf_thread_self(), &stack, &stack_size);
    const Elf64_Ehdr *eh = &__ehdr_start;
    AuxInfo *aux = (AuxInfo *)(vec + words);
    aux[0] = (AuxInfo){.a_type = AT_STACKBASE, .a_v = (uintptr_t)stack + stack_size};
    aux[1] = (AuxInfo){.a_type = AT_PAGESZ, .a_v = PF_PAGE_SIZE};
    aux[2] = (AuxInfo){.a_type = AT_PHDR, .a_v = (uintptr_t)eh + eh->e_phoff};
    aux[3] = (AuxInfo){.a_type = AT_PHENT, .a_v = eh->e_phentsize};
    aux[4] = (AuxInfo){.a_type = AT_PHNUM, .a_v = eh->e_phnum};
    aux[5] = (AuxInfo){.a_type = AT_ENTRY, .a_v = eh->e_entry};
    aux[6] = (AuxInfo){.a_type = AT_BASE, .a_v = 0};
    aux[7] = (AuxInfo){.a_type = AT_SUN_EXECNAME, .a_v = argc ? (uintptr_t)vec[0] : 0};
    aux[8] = (AuxInfo){.a_type = AT_NULL};

    ps.ps_argvstr = vec;
    ps.ps_nargvstr = (int)argc;
    ps.ps_envstr = vec + argc + 1;
    ps.ps_nenvstr = (int)envc;
    __ps_strings = &ps;
    environ = ps.ps_envstr;
    if (argc) {
        const char *slash = strrchr(vec[0], '/');
        __progname = slash ? slash + 1 : vec[0];
    }

    /* libpthread sizes the main thread's stack, and new threads' default, from the limit. */
    struct rlimit limit = {.rlim_cur = stack_size, .rlim_max = stack_size};
    if (setrlimit(RLIMIT_STACK, &limit) != 0) {
        posix_say("cannot set the stack limit (error %d)", errno);
    }
    return vec;
}

static void run_destructors(void)
{
    for (const initfini_fn *fn = __fini_array_end; fn > __fini_array_start;) {
        (*--fn)();
    }
}

static PF_NORETURN void run(const struct uk_init *init)
{
    posix_lwp_init();
    boot_kernel();
    char **argv = set_up_arguments(init);
    _libc_init();
    posix_configure(init);
    if (atexit(run_destructors) != 0) {
        posix_fail("cannot register the destructors");
    }
    for (const initfini_fn *fn = __init_array_start; fn < __init_array_end; fn++) {
        (*fn)();
    }
    exit(main((int)init->argc, argv, environ));
}

const struct pf_program pf_program = {
    .name = "NetBSD libc",
    .main_stack = 1024 * 1024,
    .run = run,
};
