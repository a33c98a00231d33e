/*
 * Signals: handlers, masks and pending sets, waiting for signals, thread-directed signals,
 * flags (SA_RESETHAND, SA_SIGINFO, SA_NODEFER), and the two that cannot be caught.
 */
#include "ptest.h"

#include <pthread.h>
#include <signal.h>
#include <ucontext.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t caught, caught_sig;
static pthread_t caught_on;

static void on_signal(int sig)
{
    caught++;
    caught_sig = sig;
    caught_on = pthread_self();
}

static void handle(int sig, void (*fn)(int), int flags)
{
    struct sigaction sa = {.sa_handler = fn, .sa_flags = flags};
    sigaction(sig, &sa, 0);
}

static sigset_t only(int sig)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    return set;
}

static void reset(int sig)
{
    handle(sig, SIG_DFL, 0);
    caught = caught_sig = 0;
}

/* on_signal for sig, the counts at zero. */
static void catch_signal(int sig)
{
    reset(sig);
    handle(sig, on_signal, 0);
}

TEST(signals_raise_runs_handler)
{
    catch_signal(SIGUSR1);
    CHECK(raise(SIGUSR1) == 0);
    CHECK(caught == 1 && caught_sig == SIGUSR1); /* before raise returned */
    CHECK(pthread_equal(caught_on, pthread_self()));
    reset(SIGUSR1);
}

TEST(signals_kill_self)
{
    catch_signal(SIGUSR2);
    CHECK(kill(getpid(), SIGUSR2) == 0 && caught == 1 && caught_sig == SIGUSR2);
    CHECK(kill(getpid(), 0) == 0 && caught == 1);         /* signal 0: only checks */
    CHECK(kill(-getpgrp(), SIGUSR2) == 0 && caught == 2); /* its process group */
    CHECK(killpg(getpgrp(), SIGUSR2) == 0 && caught == 3);
    CHECK_ERRNO(kill(getpid(), 1000), EINVAL);
    CHECK_ERRNO(kill(4242, SIGUSR2), ESRCH); /* no other processes */
    reset(SIGUSR2);
}

TEST(signals_sigaction_query_and_errors)
{
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART}, got;
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK(sigaction(SIGUSR1, &sa, 0) == 0 && sigaction(SIGUSR1, 0, &got) == 0);
    CHECK(got.sa_handler == on_signal && (got.sa_flags & SA_RESTART));
    CHECK(sigismember(&got.sa_mask, SIGUSR2) == 1);
    CHECK_ERRNO(sigaction(0, &sa, 0), EINVAL);
    CHECK_ERRNO(sigaction(NSIG, &sa, 0), EINVAL);
    reset(SIGUSR1);
}

TEST(signals_sigkill_and_sigstop_not_catchable)
{
    struct sigaction sa = {.sa_handler = on_signal};
    CHECK_ERRNO(sigaction(SIGKILL, &sa, 0), EINVAL);
    CHECK_ERRNO(sigaction(SIGSTOP, &sa, 0), EINVAL);
    sigset_t set, old, now;
    sigfillset(&set);
    CHECK(sigprocmask(SIG_BLOCK, &set, &old) == 0 && sigprocmask(SIG_SETMASK, 0, &now) == 0);
    CHECK(!sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP)); /* never blocked */
    CHECK(sigismember(&now, SIGTERM) == 1);
    sigprocmask(SIG_SETMASK, &old, 0);
}

TEST(signals_blocked_stay_pending)
{
    sigset_t set, pending;
    catch_signal(SIGUSR1);
    set = only(SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, 0) == 0);
    CHECK(raise(SIGUSR1) == 0 && raise(SIGUSR1) == 0 && caught == 0);
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1) == 1);
    CHECK(sigprocmask(SIG_UNBLOCK, &set, 0) == 0);
    CHECK(caught == 1); /* delivered on unblocking, once: signals do not queue */
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));
    reset(SIGUSR1);
}

TEST(signals_ignored_are_discarded)
{
    sigset_t set, pending;
    handle(SIGUSR1, SIG_IGN, 0);
    CHECK(raise(SIGUSR1) == 0); /* nothing happens */
    set = only(SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, 0);
    CHECK(raise(SIGUSR1) == 0 && sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &set, 0);
    /* Ignoring discards what was pending. */
    handle(SIGUSR1, on_signal, 0);
    caught = 0;
    sigprocmask(SIG_BLOCK, &set, 0);
    raise(SIGUSR1);
    handle(SIGUSR1, SIG_IGN, 0);
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &set, 0);
    CHECK(caught == 0);
    /* A default-ignored signal does nothing either. */
    handle(SIGCHLD, SIG_DFL, 0);
    CHECK(raise(SIGCHLD) == 0 && raise(SIGURG) == 0 && raise(SIGWINCH) == 0);
    reset(SIGUSR1);
}

TEST(signals_sigsuspend)
{
    sigset_t set, during;
    catch_signal(SIGUSR1);
    set = only(SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, 0);
    raise(SIGUSR1);
    CHECK(caught == 0);
    sigemptyset(&during);
    CHECK_ERRNO(sigsuspend(&during), EINTR);
    CHECK(caught == 1);
    sigset_t now;
    CHECK(sigprocmask(SIG_SETMASK, 0, &now) == 0 && sigismember(&now, SIGUSR1) == 1); /* restored */
    sigprocmask(SIG_UNBLOCK, &set, 0);
    reset(SIGUSR1);
}

static void send_usr1_to(void *thread)
{
    pthread_kill(*(pthread_t *)thread, SIGUSR1);
}

static void kill_usr2(void *unused)
{
    (void)unused;
    kill(getpid(), SIGUSR2);
}

TEST(signals_sigwait)
{
    sigset_t set;
    int sig = 0;
    catch_signal(SIGUSR1);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, 0);
    raise(SIGUSR1);
    CHECK(sigwait(&set, &sig) == 0 && sig == SIGUSR1 && caught == 0); /* taken, not handled */
    struct ptest_later *l = ptest_later(20, kill_usr2, 0); /* from another thread, later */
    sig = 0;
    CHECK(l && sigwait(&set, &sig) == 0 && sig == SIGUSR2);
    ptest_join(l);
    sigprocmask(SIG_UNBLOCK, &set, 0);
    reset(SIGUSR1);
}

TEST(signals_sigtimedwait)
{
    sigset_t set;
    siginfo_t info;
    struct timespec ts = {0, 50000000};
    set = only(SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, 0);
    uint64_t start = ptest_now_ns();
    CHECK_ERRNO(sigtimedwait(&set, &info, &ts), EAGAIN);
    long ms = ptest_ms_since(start);
    CHECK_RANGE(ms, 50, 1000);
    kill(getpid(), SIGUSR1);
    CHECK(sigtimedwait(&set, &info, &ts) == SIGUSR1 && info.si_signo == SIGUSR1);
    CHECK(info.si_code == SI_USER && info.si_pid == getpid());
    ts.tv_nsec = 2000000000;
    CHECK_ERRNO(sigtimedwait(&set, &info, &ts), EINVAL);
    sigprocmask(SIG_UNBLOCK, &set, 0);
}

TEST(signals_sa_resethand)
{
    struct sigaction got;
    reset(SIGUSR1);
    handle(SIGUSR1, on_signal, SA_RESETHAND);
    CHECK(raise(SIGUSR1) == 0 && caught == 1);
    CHECK(sigaction(SIGUSR1, 0, &got) == 0 && got.sa_handler == SIG_DFL);
    reset(SIGUSR1);
}

static volatile int info_signo, info_code, info_pid, info_had_context;

static void on_siginfo(int sig, siginfo_t *info, void *context)
{
    (void)sig;
    info_signo = info->si_signo;
    info_code = info->si_code;
    info_pid = info->si_pid;
    /* The mask the handler interrupted: SIGUSR1 blocked, by the test, not SIGUSR2. */
    const ucontext_t *uc = context;
    info_had_context =
        uc && sigismember(&uc->uc_sigmask, SIGUSR1) == 1 && !sigismember(&uc->uc_sigmask, SIGUSR2);
}

TEST(signals_sa_siginfo)
{
    struct sigaction sa = {.sa_sigaction = on_siginfo, .sa_flags = SA_SIGINFO};
    sigset_t usr1 = only(SIGUSR1);
    CHECK(sigaction(SIGUSR2, &sa, 0) == 0 && sigprocmask(SIG_BLOCK, &usr1, 0) == 0);
    info_signo = 0;
    CHECK(kill(getpid(), SIGUSR2) == 0);
    CHECK(info_signo == SIGUSR2 && info_code == SI_USER && info_pid == getpid());
    info_signo = 0;
    CHECK(raise(SIGUSR2) == 0 && info_signo == SIGUSR2);
    CHECK(info_code == SI_LWP && info_had_context); /* raise: a signal to the thread */
    sigprocmask(SIG_UNBLOCK, &usr1, 0);
    reset(SIGUSR2);
}

static volatile int mask_in_handler, nested;

static void check_own_mask(int sig)
{
    sigset_t now;
    sigprocmask(SIG_SETMASK, 0, &now);
    mask_in_handler = sigismember(&now, sig) * 2 + sigismember(&now, SIGUSR2);
    if (!nested++) {
        raise(sig); /* blocked while the handler runs, unless SA_NODEFER */
    }
}

TEST(signals_handler_masks)
{
    struct sigaction sa = {.sa_handler = check_own_mask};
    sigemptyset(&sa.sa_mask);
    sigaddset(&sa.sa_mask, SIGUSR2);
    CHECK(sigaction(SIGUSR1, &sa, 0) == 0);
    nested = 0;
    CHECK(raise(SIGUSR1) == 0 && nested == 2); /* the second ran after the first returned */
    CHECK(mask_in_handler == 3);               /* the signal and sa_mask blocked inside */
    sa.sa_flags = SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, 0) == 0);
    nested = 0;
    CHECK(raise(SIGUSR1) == 0 && nested == 2 && mask_in_handler == 0);
    sigset_t now;
    CHECK(sigprocmask(SIG_SETMASK, 0, &now) == 0 && !sigismember(&now, SIGUSR1));
    reset(SIGUSR1);
}

/* pthread_kill wakes a thread waiting on a condition variable; its handler runs there. */
static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static volatile int stop_waiting;

static void *wait_for_signal(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&wait_lock);
    while (!caught && !stop_waiting) {
        pthread_cond_wait(&never, &wait_lock);
    }
    pthread_mutex_unlock(&wait_lock);
    return 0;
}

/* Gives the handler up to 200 ms to run, then lets the waiter go; 1 if it ran on `t`. */
static int caught_on_waiter(pthread_t t)
{
    for (int i = 0; i < 200 && !caught; i++) {
        usleep(1000);
    }
    int on_t = caught == 1 && pthread_equal(caught_on, t);
    pthread_mutex_lock(&wait_lock);
    stop_waiting = 1;
    pthread_cond_broadcast(&never);
    pthread_mutex_unlock(&wait_lock);
    return on_t;
}

TEST(signals_pthread_kill)
{
    pthread_t t;
    catch_signal(SIGUSR1);
    stop_waiting = 0;
    CHECK(pthread_create(&t, 0, wait_for_signal, 0) == 0);
    usleep(10000); /* it waits now */
    CHECK(pthread_kill(t, SIGUSR1) == 0);
    CHECK(caught_on_waiter(t));
    CHECK(pthread_join(t, 0) == 0);
    CHECK(pthread_kill(pthread_self(), 0) == 0);
    reset(SIGUSR1);
}

/* Masks are per thread: a thread that blocks a signal holds it pending for itself only. */
static void *block_then_wait(void *arg)
{
    sigset_t set, pending;
    int *result = arg;
    set = only(SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, 0);
    result[0] = 1;
    while (result[0] != 2) {
        usleep(1000);
    }
    sigpending(&pending);
    result[1] = sigismember(&pending, SIGUSR1) == 1 && caught == 0;
    pthread_sigmask(SIG_UNBLOCK, &set, 0);
    result[2] = caught == 1 && pthread_equal(caught_on, pthread_self());
    return 0;
}

TEST(signals_masks_per_thread)
{
    pthread_t t;
    volatile int result[3] = {0, 0, 0};
    catch_signal(SIGUSR1);
    CHECK(pthread_create(&t, 0, block_then_wait, (void *)result) == 0);
    while (!result[0]) {
        usleep(1000);
    }
    sigset_t mine, pending;
    CHECK(pthread_sigmask(SIG_SETMASK, 0, &mine) == 0 && !sigismember(&mine, SIGUSR1));
    CHECK(pthread_kill(t, SIGUSR1) == 0 && caught == 0);
    CHECK(sigpending(&pending) == 0 && !sigismember(&pending, SIGUSR1)); /* not main's */
    result[0] = 2;
    CHECK(pthread_join(t, 0) == 0 && result[1] && result[2]);
    reset(SIGUSR1);
}

static void *report_mask(void *arg)
{
    sigset_t now;
    pthread_sigmask(SIG_SETMASK, 0, &now);
    *(int *)arg = sigismember(&now, SIGUSR2);
    return 0;
}

TEST(signals_new_thread_inherits_mask)
{
    sigset_t set;
    pthread_t t;
    int blocked = -1;
    set = only(SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &set, 0);
    CHECK(pthread_create(&t, 0, report_mask, &blocked) == 0 && pthread_join(t, 0) == 0);
    CHECK(blocked == 1);
    pthread_sigmask(SIG_UNBLOCK, &set, 0);
}

/* A process-directed signal goes to a thread that does not block it. */
TEST(signals_process_signal_to_unblocking_thread)
{
    sigset_t set;
    catch_signal(SIGUSR1);
    stop_waiting = 0;
    pthread_t t;
    CHECK(pthread_create(&t, 0, wait_for_signal, 0) == 0); /* before main blocks it */
    set = only(SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, 0);
    usleep(10000);
    CHECK(kill(getpid(), SIGUSR1) == 0);
    CHECK(caught_on_waiter(t));
    pthread_join(t, 0);
    pthread_sigmask(SIG_UNBLOCK, &set, 0);
    reset(SIGUSR1);
}

TEST(signals_pause_until_alarm_from_thread)
{
    pthread_t self = pthread_self();
    catch_signal(SIGUSR1);
    struct ptest_later *l = ptest_later(20, send_usr1_to, &self);
    CHECK_ERRNO(pause(), EINTR);
    CHECK(caught == 1);
    ptest_join(l);
    reset(SIGUSR1);
}

TEST(signals_names)
{
    CHECK(!strcmp(sys_signame[SIGPIPE], "PIPE") && strsignal(SIGTERM) != 0);
    sigset_t set;
    CHECK(sigemptyset(&set) == 0 && sigaddset(&set, SIGINT) == 0 && sigismember(&set, SIGINT));
    CHECK_ERRNO(sigaddset(&set, 0), EINVAL);
}
