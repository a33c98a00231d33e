/*
 * The unikernel platform: what a program (a rump kernel through platform/rumpuser, or a
 * plain C application) runs on inside one unikernel process started by the root task.
 *
 * Execution model. Every platform thread is a user-level thread multiplexed on the single
 * TCB the root task started (see platform/README.md for why). Threads are cooperative: one
 * runs until it blocks, yields or exits, so platform data structures need no locks. Device
 * interrupts and timer expiries arrive as bits of the TCB's bound notification and are
 * turned into thread wakeups at scheduling points.
 *
 * Errors are returned as positive errno values with NetBSD's numbering (<errno.h> of the C
 * runtime), which is also what the rump kernel expects from its hypercalls.
 */
#pragma once

struct pf_thread;

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <unikernel.h>

#define PF_PAGE_SIZE    4096ul
#define PF_NORETURN     __attribute__((noreturn))
#define PF_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* --- Start-up and process ------------------------------------------------------------------- */

/* The init data the root task handed over (valid for the whole life of the process). */
const struct uk_init *pf_init(void);

/* Flushes the console and asks the root task to end this unikernel. */
PF_NORETURN void pf_exit(int status);

/*
 * A program's exit has begun with `status` (its atexit handlers run, its kernel halts):
 * the unikernel's status is then this one, whatever the rump kernel's halt reports.
 */
void pf_exit_begin(int status);
/* True once pf_exit_begin was called; *status is then the status it was given. */
bool pf_exit_pending(int *status);

/* Prints the message and a backtrace of the current thread, then exits with status 255. */
PF_NORETURN void pf_panic(const char *fmt, ...) PF_PRINTF(1, 2);

/* Value of NAME in the environment of the system description, or 0. */
const char *pf_getenv(const char *name);

/*
 * The calling thread's errno (a TLS variable of the platform's C library). A program
 * runtime with a C library of its own makes its errno this one (platform/posix's __errno),
 * so errors set by the rumpuser hypercalls and the platform's malloc land where it looks.
 */
int *pf_errno(void);

/* --- Program runtime ------------------------------------------------------------------------ */

/*
 * What runs on the platform once it is up: exactly one program runtime is linked into a
 * unikernel. The platform's own (src/program.c) runs the constructors and exit(main(...))
 * on the small C library of include/libc; platform/posix runs programs built against
 * NetBSD's libc. run() is called in the main thread, whose stack is main_stack bytes
 * unless PF_MAIN_STACK in the environment says otherwise (bytes, or with a K or M suffix).
 */
struct pf_program {
    const char *name;
    size_t main_stack;
    PF_NORETURN void (*run)(const struct uk_init *init);
};
extern const struct pf_program pf_program;

/* The main thread's stack size (see struct pf_program). */
size_t pf_main_stack_size(void);

/*
 * Where a program runtime joins the platform's own work. Every member may be 0. The
 * rumpuser hypercalls call them for a rump kernel that is the program's kernel (NetBSD's
 * libc calls straight into it), the scheduler on every thread switch.
 */
struct pf_program_hooks {
    /* After every system call into the rump kernel has returned and set errno. */
    void (*syscall_done)(void);
    /* The rump kernel sends signal `sig` to process `pid` (rumpuser_kill). */
    void (*signal)(int64_t pid, int sig);
    /* `next` is about to run after `prev` (either may be a thread without program data). */
    void (*thread_switch)(struct pf_thread *prev, struct pf_thread *next);
};
void pf_program_hooks_set(const struct pf_program_hooks *hooks);
extern struct pf_program_hooks pf_hooks;

/* --- Console (through the root task's service endpoint) ------------------------------------- */

/* Output is buffered per line; pf_console_flush() pushes out a partial line. */
void pf_putchar(int c);
void pf_console_write(const char *s, size_t n);
void pf_console_flush(void);
/* Non-blocking: bytes available now (0 if none). */
size_t pf_console_read(char *buf, size_t max);

/* --- Memory --------------------------------------------------------------------------------- */

/*
 * Pages from the memory granted as untypeds, all mapped at start-up. Blocks are a power of
 * two of pages, aligned to their size; `align` may ask for more (any power of two).
 */
void *pf_page_alloc(size_t bytes, size_t align);
void pf_page_free(void *p);
/* Bytes granted in total, and bytes not handed out by the page allocator right now (and
 * the fewest there ever were). */
size_t pf_mem_total(void);
size_t pf_mem_free(void);
size_t pf_mem_free_min(void);
/* Physical address of a byte of platform memory or of a device frame, or 0 if unknown. */
uintptr_t pf_virt_to_phys(const void *va);

/* malloc with an explicit power-of-two alignment (malloc/free are in the C runtime too). */
void *pf_malloc(size_t size, size_t align);
void pf_free(void *p);
/* Usable size of a block from pf_malloc. */
size_t pf_malloc_usable(const void *p);
/* calloc and realloc on pf_malloc (0 when out of memory or, for pf_calloc, on overflow). */
void *pf_calloc(size_t n, size_t size);
void *pf_realloc(void *p, size_t size);

/*
 * DMA memory: physically contiguous, with its physical address. No IOMMU exists in the
 * pinned configuration, so a device may reach any physical address (see README).
 */
void *pf_dma_alloc(size_t size, size_t align, uintptr_t *phys);
void pf_dma_free(void *va);

/* --- Time ----------------------------------------------------------------------------------- */

#define PF_NSEC_PER_SEC 1000000000ull

/* Monotonic nanoseconds since the unikernel's boot TSC. */
uint64_t pf_clock_monotonic(void);
/* Wall clock (UTC) from the root task's RTC reading at boot plus the monotonic clock. */
void pf_clock_wall(int64_t *sec, long *nsec);
uint64_t pf_tsc_to_ns(uint64_t ticks);
uint64_t pf_ns_to_tsc(uint64_t ns);

/* --- Threads -------------------------------------------------------------------------------- */

struct pf_thread;

enum pf_thread_flags {
    PF_THREAD_JOINABLE = 1, /* pf_thread_join() collects it; otherwise it is reaped on exit */
};

/* Scheduling priorities: higher runs first; equal priorities round-robin. */
enum pf_prio {
    PF_PRIO_IDLE = 0,
    PF_PRIO_NORMAL = 1,
    PF_PRIO_HIGH = 2, /* interrupt dispatch */
    PF_PRIO_COUNT = 3,
};

#define PF_STACK_DEFAULT (64 * 1024)

/* A new runnable thread; 0 with *error set (ENOMEM) if it could not be made. */
struct pf_thread *pf_thread_create(const char *name, void *(*fn)(void *), void *arg,
                                   size_t stack_size, int prio, int flags, int *error);
PF_NORETURN void pf_thread_exit(void *result);
/* Waits for a joinable thread to exit and frees it. EINVAL if not joinable, EDEADLK if self. */
int pf_thread_join(struct pf_thread *t, void **result);
/* The running thread (a variable so that pf_thread_self, which locks ask on every
 * operation, costs a load). */
extern struct pf_thread *pf_current_thread;
static inline struct pf_thread *pf_thread_self(void)
{
    return pf_current_thread;
}
const char *pf_thread_name(const struct pf_thread *t);
/* A word of the caller's per thread (a program runtime's lwp), 0 until set. */
void pf_thread_set_data(struct pf_thread *t, void *data);
void *pf_thread_data(const struct pf_thread *t);

/*
 * A thread on a stack and TLS area the caller provides and keeps (a C library's
 * pthread_create): `tp` is the thread pointer pf_tls_init returned for the area. Otherwise
 * as pf_thread_create; neither the stack nor the area is freed when the thread ends.
 */
struct pf_thread *pf_thread_create_on(const char *name, void *(*fn)(void *), void *arg, void *stack,
                                      size_t stack_size, uintptr_t tp, int flags, int *error);

/*
 * TLS areas (x86_64 ELF variant II: the static TLS block of the whole image below the
 * thread pointer, a thread control block of 32 bytes at it whose first word points to
 * itself; see runtime/src/tls.c). pf_tls_init fills an area of pf_tls_area_size() bytes,
 * aligned to 64, and returns its thread pointer.
 */
size_t pf_tls_area_size(void);
uintptr_t pf_tls_init(void *area);
/* The area a thread pointer from pf_tls_init belongs to. */
void *pf_tls_area(uintptr_t tp);
/* Lowest address and size of a thread's stack. */
void pf_thread_stack(const struct pf_thread *t, void **base, size_t *size);
/* Lets every other runnable thread of the same or higher priority run first. */
void pf_yield(void);

/*
 * Wait queues: the one blocking primitive everything else is built from. The caller puts
 * itself on `q` and sleeps until pf_wake_*() or, if deadline != 0, until the monotonic clock
 * reaches `deadline` (ns). Returns 0 when woken, ETIMEDOUT on timeout.
 */
struct pf_waitq {
    struct pf_thread *head, *tail;
};
#define PF_WAITQ_INIT \
    {                 \
        0, 0          \
    }
int pf_block(struct pf_waitq *q, uint64_t deadline);
/* Returns whether a thread was woken. */
bool pf_wake_one(struct pf_waitq *q);
void pf_wake_all(struct pf_waitq *q);
static inline bool pf_waitq_empty(const struct pf_waitq *q)
{
    return q->head == 0;
}

/* Sleeps until the monotonic clock reaches `deadline` (ns). */
void pf_sleep_until(uint64_t deadline);
void pf_sleep_ns(uint64_t ns);

/* Scheduler counters, for tests and benchmarks. */
struct pf_sched_stats {
    uint64_t switches;   /* thread switches (each loads a TLS base) */
    uint64_t idle_waits; /* times the TCB blocked on its notification */
    uint64_t timer_sets; /* timer service requests */
    uint64_t polls;      /* non-blocking notification checks while busy */
    uint64_t idle_ns;    /* time the TCB spent blocked with nothing to run */
    unsigned threads;    /* live threads */
};
void pf_sched_stats(struct pf_sched_stats *s);
/* Prints every thread with its state and pending timeout (diagnostics). */
void pf_sched_dump(void);

/* --- Extra TCBs ---------------------------------------------------------------------------- */

/*
 * A second kernel thread in this process, for what cannot be a platform thread: handling
 * the faults of the main TCB (I/O-port emulation) or measuring kernel-level switches. It
 * runs fn(arg) on its own stack with its own TLS block and IPC buffer, at the process's
 * priority, with the root task's fault endpoint. It runs concurrently with the platform's
 * threads, so it may use seL4 calls, the console's raw output and read-only data only --
 * no allocator, scheduler or buffered console state.
 */
struct pf_tcb {
    seL4_CPtr tcb;       /* its TCB capability */
    seL4_IPCBuffer *ipc; /* its IPC buffer */
};
int pf_tcb_start(struct pf_tcb *t, void (*fn)(void *), void *arg, size_t stack_size);
/* A kernel object (endpoint, notification, ...) from the process's object pool. */
int pf_kobject_alloc(seL4_Word type, seL4_CPtr *cap);

/* --- I/O ports ------------------------------------------------------------------------------ */

/* Port I/O through the granted IOPort capabilities: width 1, 2 or 4 (else EINVAL); EPERM if
 * no granted range holds the access, EIO if the kernel refuses it. */
int pf_ioport_in(unsigned port, unsigned width, uint32_t *value);
int pf_ioport_out(unsigned port, unsigned width, uint32_t value);
/*
 * Lets IN/OUT instructions on granted ports work: a handler TCB catches the fault seL4
 * raises for them, performs the access with the IOPort capability and resumes the thread.
 * Other faults still go to the root task. Returns 0 once running, or an errno.
 */
int pf_ioport_emulation(void);

/* --- Interrupts ----------------------------------------------------------------------------- */

/*
 * Registers `fn(arg)` for uk_init.irqs[irq]. Handlers run in the interrupt dispatch thread
 * (thread context, may block); after all handlers of an IRQ ran, it is acknowledged
 * (IRQHandler_Ack). Returns 0, EINVAL for a bad index, ENOMEM.
 */
int pf_irq_register(unsigned irq, int (*fn)(void *), void *arg);
/* How many times each IRQ was delivered (for tests). */
uint64_t pf_irq_count(unsigned irq);

/* --- PCI ------------------------------------------------------------------------------------ */

/* Index in uk_init.pci[] of the device at bus/dev/fn, or -1 if it was not granted. */
int pf_pci_lookup(unsigned bus, unsigned dev, unsigned fn);
/* Configuration space of a granted device via the root task (width 1, 2 or 4). */
int pf_pci_conf_read(unsigned index, unsigned offset, unsigned width, uint32_t *value);
int pf_pci_conf_write(unsigned index, unsigned offset, unsigned width, uint32_t value);
/* Virtual address of a granted memory BAR range (mapped by the root task), or 0. */
void *pf_pci_map(uintptr_t paddr, size_t size);

/* --- Channels to other unikernels ---------------------------------------------------------- */

/*
 * The channels the root task set up (unikernel.h, struct uk_channel): a shared region, a
 * status page and a signal each way. The platform turns a channel's notification bit into
 * an event count and wakes the threads waiting on it; what the region holds is the two
 * ends' business (rsc_protocol.h for remote system calls).
 */
unsigned pf_channel_count(void);
const struct uk_channel *pf_channel(unsigned index);
/* The channel to `peer` on which this unikernel plays `role` (enum uk_channel_role), or 0. */
const struct uk_channel *pf_channel_find(const char *peer, unsigned role);
/* The root task's status page of the channel. */
const volatile struct uk_channel_status *pf_channel_status(const struct uk_channel *c);
/* Sets the other end's bit (nothing happens while the other end is down). */
void pf_channel_signal(const struct uk_channel *c);
/*
 * Events so far on channel c (c = 0: on every channel together): signals of the other end
 * and changes of the status page. Read the count, look at the region, and if there is
 * nothing to do, pf_channel_wait(c, count, deadline): it returns once the count differs
 * (0), or ETIMEDOUT when the monotonic clock reaches deadline (ns; 0 waits forever).
 */
uint64_t pf_channel_events(const struct uk_channel *c);
int pf_channel_wait(const struct uk_channel *c, uint64_t seen, uint64_t deadline);

/* --- Randomness ----------------------------------------------------------------------------- */

/* Bytes from the platform's ChaCha20 generator (see random.c for its seed and its limits). */
void pf_random(void *buf, size_t len);
/* Mixes fresh TSC jitter (and RDRAND if present) into the generator's key. */
void pf_random_stir(void);
/* Checks the BLAKE2s and ChaCha20 code against the RFC test vectors. */
bool pf_random_selftest(void);

/* --- Service endpoint ----------------------------------------------------------------------- */

/*
 * One request to the root task: `nin` words in, up to `nout` words back. Returns the reply
 * label (0 = ok, else an errno-style code).
 */
seL4_Word pf_svc_call(seL4_Word label, const seL4_Word *in, unsigned nin, seL4_Word *out,
                      unsigned nout);
