/*
 * Signals, kept here because the rump kernel has none of its own (it is booted with the
 * "raise" signal model: when it would signal the process, e.g. SIGPIPE on a write to a
 * closed socket or SIGALRM from an interval timer, it calls rumpuser_kill instead).
 *
 * Dispositions are per process, masks and thread-directed pending signals per lwp, as in
 * NetBSD. A signal is delivered on the thread that takes it, on its own stack, at these
 * points: the return of every system call (the rump kernel calls rumpuser_seterrno there,
 * outside the kernel), kill/raise/_lwp_kill to oneself, a mask change that unblocks it,
 * and the sleeps that wait for signals (sigsuspend, sigtimedwait, pause) or are cut short
 * by one (_lwp_park, i.e. every libpthread sleep). A thread blocked inside a rump kernel
 * system call (accept, read, poll, nanosleep) takes its signals when that call returns:
 * the rump kernel does not interrupt it. Default actions: terminate (with status 128 + the
 * signal, the file systems synced, as the console says), or ignore for SIGCHLD, SIGURG,
 * SIGWINCH, SIGINFO, SIGCONT, SIGPWR and the job-control stops (nothing here could
 * continue a stopped unikernel). sigaltstack is accepted and recorded; handlers run on the
 * thread's stack. Synchronous faults (SIGSEGV, SIGFPE, SIGILL) are not signals here: the
 * root task reports the fault and ends the unikernel.
 */
#include "posix.h"

#include <errno.h>
#include <lwp.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

static struct sigaction actions[NSIG];
static sigset_t process_pending;
static unsigned pending_count; /* signals pending anywhere: the fast path's test */
static struct pf_waitq waiters = PF_WAITQ_INIT;
static stack_t alt_stack = {.ss_flags = SS_DISABLE};

static bool valid(int sig)
{
    return sig > 0 && sig < NSIG;
}

static bool default_ignored(int sig)
{
    switch (sig) {
    case SIGCHLD:
    case SIGURG:
    case SIGWINCH:
    case SIGINFO:
    case SIGCONT:
    case SIGPWR:
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
        return true;
    default:
        return false;
    }
}

static void sigset_or(sigset_t *dst, const sigset_t *src)
{
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(src, sig)) {
            sigaddset(dst, sig);
        }
    }
}

static void sigset_minus(sigset_t *dst, const sigset_t *src)
{
    for (int sig = 1; sig < NSIG; sig++) {
        if (sigismember(src, sig)) {
            sigdelset(dst, sig);
        }
    }
}

/* SIGKILL and SIGSTOP can be neither caught nor blocked. */
static void sanitize_mask(sigset_t *mask)
{
    sigdelset(mask, SIGKILL);
    sigdelset(mask, SIGSTOP);
}

/* The lowest signal in `set` that is pending for l (or for the process); 0 if none. */
static int first_pending(const struct posix_lwp *l, const sigset_t *set, bool in_set)
{
    if (!pending_count) {
        return 0;
    }
    for (int sig = 1; sig < NSIG; sig++) {
        bool pending = sigismember(&l->sigpending, sig) || sigismember(&process_pending, sig);
        if (pending && sigismember(set, sig) == in_set) {
            return sig;
        }
    }
    return 0;
}

/* Removes a pending sig from l or the process; returns whether it was thread-directed. */
static bool take(struct posix_lwp *l, int sig)
{
    pending_count--;
    if (sigismember(&l->sigpending, sig)) {
        sigdelset(&l->sigpending, sig);
        return true;
    }
    sigdelset(&process_pending, sig);
    return false;
}

bool posix_signal_deliverable(void)
{
    struct posix_lwp *l = posix_lwp_self();
    return l && first_pending(l, &l->sigmask, false) != 0;
}

static void __attribute__((noreturn)) die(int sig)
{
    posix_say("terminated by signal %d (SIG%s: %s)", sig, sys_signame[sig], strsignal(sig));
    posix_terminate(128 + sig);
}

static void run_action(struct posix_lwp *l, int sig, bool thread_directed)
{
    struct sigaction action = actions[sig];
    if (action.sa_handler == SIG_IGN) {
        return;
    }
    if (action.sa_handler == SIG_DFL) {
        if (!default_ignored(sig)) {
            die(sig);
        }
        return;
    }
    sigset_t saved = l->sigmask;
    sigset_or(&l->sigmask, &action.sa_mask);
    if (!(action.sa_flags & SA_NODEFER)) {
        sigaddset(&l->sigmask, sig);
    }
    sanitize_mask(&l->sigmask);
    if (action.sa_flags & SA_RESETHAND) {
        actions[sig].sa_handler = SIG_DFL;
        actions[sig].sa_flags &= ~SA_SIGINFO;
    }
    int saved_errno = errno;
    if (action.sa_flags & SA_SIGINFO) {
        siginfo_t info;
        memset(&info, 0, sizeof(info));
        info.si_signo = sig;
        info.si_code = thread_directed ? SI_LWP : SI_USER;
        info.si_pid = posix_pid;
        /* The context: the mask the handler interrupted (registers are not captured). */
        ucontext_t context;
        memset(&context, 0, sizeof(context));
        context.uc_flags = _UC_SIGMASK;
        context.uc_sigmask = saved;
        action.sa_sigaction(sig, &info, &context);
    } else {
        action.sa_handler(sig);
    }
    errno = saved_errno;
    l->sigmask = saved;
}

void posix_signal_deliver(void)
{
    struct posix_lwp *l = posix_lwp_self();
    if (!l) {
        return; /* a thread of the rump kernel or the platform: not the program's */
    }
    posix_lwp_suspend_point();
    int sig;
    while ((sig = first_pending(l, &l->sigmask, false)) != 0) {
        run_action(l, sig, take(l, sig));
    }
}

/* Cuts a parked lwp's sleep short if it may take signal `arg`. */
static void notify(struct posix_lwp *l, void *arg)
{
    if (!sigismember(&l->sigmask, (int)(intptr_t)arg)) {
        posix_lwp_interrupt(l);
    }
}

static void post(struct posix_lwp *target, int sig)
{
    if (actions[sig].sa_handler == SIG_IGN) {
        return; /* discarded when generated, as NetBSD does */
    }
    sigset_t *set = target ? &target->sigpending : &process_pending;
    if (!sigismember(set, sig)) {
        sigaddset(set, sig);
        pending_count++;
    }
    if (target) {
        notify(target, (void *)(intptr_t)sig);
    } else {
        posix_lwp_foreach(notify, (void *)(intptr_t)sig);
    }
    pf_wake_all(&waiters); /* sigsuspend and sigtimedwait check again */
}

void posix_signal_send(struct posix_lwp *target, int sig)
{
    post(target, sig);
    posix_signal_deliver();
}

/* Called inside the rump kernel: record and wake only; delivery waits for a safe point. */
void posix_signal_from_kernel(int64_t pid, int sig)
{
    if (pid == posix_pid && valid(sig)) {
        post(0, sig);
    }
}

/* --- The system calls ------------------------------------------------------------------------ */

int __sigaction14(int sig, const struct sigaction *act, struct sigaction *oact)
{
    if (!valid(sig) || (act && (sig == SIGKILL || sig == SIGSTOP))) {
        errno = EINVAL;
        return -1;
    }
    if (oact) {
        *oact = actions[sig];
    }
    if (act) {
        actions[sig] = *act;
        sanitize_mask(&actions[sig].sa_mask);
        if (act->sa_handler == SIG_IGN) {
            /* Setting SIG_IGN discards what is pending (POSIX). */
            struct posix_lwp *l = posix_lwp_self();
            if (sigismember(&process_pending, sig)) {
                sigdelset(&process_pending, sig);
                pending_count--;
            }
            if (l && sigismember(&l->sigpending, sig)) {
                sigdelset(&l->sigpending, sig);
                pending_count--;
            }
        }
    }
    return 0;
}

int _sys___sigprocmask14(int how, const sigset_t *set, sigset_t *oset);
int _sys___sigprocmask14(int how, const sigset_t *set, sigset_t *oset)
{
    struct posix_lwp *l = posix_lwp_self();
    if (oset) {
        *oset = l->sigmask;
    }
    if (!set) {
        return 0;
    }
    switch (how) {
    case SIG_BLOCK:
        sigset_or(&l->sigmask, set);
        break;
    case SIG_UNBLOCK:
        sigset_minus(&l->sigmask, set);
        break;
    case SIG_SETMASK:
        l->sigmask = *set;
        break;
    default:
        errno = EINVAL;
        return -1;
    }
    sanitize_mask(&l->sigmask);
    posix_signal_deliver();
    return 0;
}

int __sigpending14(sigset_t *set)
{
    struct posix_lwp *l = posix_lwp_self();
    *set = process_pending;
    sigset_or(set, &l->sigpending);
    return 0;
}

int _sys___sigsuspend14(const sigset_t *mask);
int _sys___sigsuspend14(const sigset_t *mask)
{
    struct posix_lwp *l = posix_lwp_self();
    sigset_t saved = l->sigmask;
    l->sigmask = *mask;
    sanitize_mask(&l->sigmask);
    while (!first_pending(l, &l->sigmask, false)) {
        pf_block(&waiters, 0);
    }
    posix_signal_deliver();
    l->sigmask = saved;
    errno = EINTR;
    return -1;
}

int ____sigtimedwait50(const sigset_t *set, siginfo_t *info, struct timespec *timeout);
int ____sigtimedwait50(const sigset_t *set, siginfo_t *info, struct timespec *timeout)
{
    struct posix_lwp *l = posix_lwp_self();
    uint64_t deadline = 0;
    if (timeout) {
        if (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000L) {
            errno = EINVAL;
            return -1;
        }
        deadline = pf_clock_monotonic() + (uint64_t)timeout->tv_sec * PF_NSEC_PER_SEC +
                   (uint64_t)timeout->tv_nsec;
    }
    for (;;) {
        int sig = first_pending(l, set, true);
        if (sig) {
            bool thread_directed = take(l, sig);
            if (info) {
                memset(info, 0, sizeof(*info));
                info->si_signo = sig;
                info->si_code = thread_directed ? SI_LWP : SI_USER;
                info->si_pid = posix_pid;
            }
            return sig;
        }
        if (posix_signal_deliverable()) {
            posix_signal_deliver(); /* a signal outside the set interrupts the wait */
            errno = EINTR;
            return -1;
        }
        if (deadline && pf_clock_monotonic() >= deadline) {
            errno = EAGAIN;
            return -1;
        }
        pf_block(&waiters, deadline);
    }
}

int __sigaltstack14(const stack_t *ss, stack_t *oss)
{
    if (oss) {
        *oss = alt_stack;
    }
    if (ss) {
        if (!(ss->ss_flags & SS_DISABLE) && ss->ss_size < MINSIGSTKSZ) {
            errno = ENOMEM;
            return -1;
        }
        alt_stack = *ss;
    }
    return 0;
}

/* The process is the only one there is: pid 0, -1, its own pid and its process group (the
 * same number, negated: start.c makes it a group leader) all mean it. */
int kill(pid_t pid, int sig)
{
    if (sig < 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    if (pid != posix_pid && pid != 0 && pid != -1 && pid != -posix_pid) {
        errno = ESRCH;
        return -1;
    }
    if (sig) {
        posix_signal_send(0, sig);
    }
    return 0;
}

int sigqueueinfo(pid_t pid, const siginfo_t *info)
{
    return kill(pid, info->si_signo);
}

int _lwp_kill(lwpid_t id, int sig)
{
    struct posix_lwp *l = posix_lwp_find(id);
    if (!l) {
        errno = ESRCH;
        return -1;
    }
    if (sig < 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    if (sig) {
        posix_signal_send(l, sig);
    }
    return 0;
}
