/*
 * The NetBSD system calls a unikernel cannot have. There is one process and no other
 * program to run: fork, vfork, execve, posix_spawn and wait fail at once with ENOSYS (they
 * never hang), as do the system calls the rump kernel does not implement (System V
 * semaphores and message queues, POSIX message queues, accounting, profiling, swap, LFS,
 * performance counters, the old signal trampoline). Only <errno.h> is included: the
 * prototypes here are deliberately not libc's (each takes whatever it is given).
 */
#include <errno.h>

/* long: -1 in all of %rax, so that callers expecting an ssize_t (msgrcv, mq_receive)
 * see -1 too, not 4294967295; callers expecting an int read %eax, also -1. */
static long not_supported(void)
{
    errno = ENOSYS;
    return -1;
}

#define NOT_SUPPORTED(name)     \
    long name(void);            \
    long name(void)             \
    {                           \
        return not_supported(); \
    }

/* posix_spawn reports its error as its value. */
int posix_spawn(void);
int posix_spawn(void)
{
    return ENOSYS;
}

/* gcc knows execve's prototype. */
int execve(const char *path, char *const argv[], char *const envp[]);
int execve(const char *path, char *const argv[], char *const envp[])
{
    (void)path;
    (void)argv;
    (void)envp;
    return (int)not_supported();
}

/* Other processes and programs. */
NOT_SUPPORTED(__fork)
NOT_SUPPORTED(__vfork14)
NOT_SUPPORTED(fexecve)
NOT_SUPPORTED(_sys___wait450)
NOT_SUPPORTED(wait6)
NOT_SUPPORTED(_lwp_create)
NOT_SUPPORTED(_lwp_wait)
NOT_SUPPORTED(_lwp_detach)
NOT_SUPPORTED(_sys_setcontext)
/* System V IPC the rump kernel does not have, POSIX message queues. */
NOT_SUPPORTED(semget)
NOT_SUPPORTED(semop)
NOT_SUPPORTED(semconfig)
NOT_SUPPORTED(____semctl50)
NOT_SUPPORTED(msgget)
NOT_SUPPORTED(__msgctl50)
NOT_SUPPORTED(_sys_msgsnd)
NOT_SUPPORTED(_sys_msgrcv)
NOT_SUPPORTED(shmget)
NOT_SUPPORTED(shmdt)
NOT_SUPPORTED(__shmctl50)
NOT_SUPPORTED(_sys_mq_send)
NOT_SUPPORTED(_sys_mq_receive)
NOT_SUPPORTED(_sys___mq_timedsend50)
NOT_SUPPORTED(_sys___mq_timedreceive50)
/* Machine and accounting facilities. */
NOT_SUPPORTED(acct)
NOT_SUPPORTED(profil)
NOT_SUPPORTED(swapctl)
NOT_SUPPORTED(sysarch)
NOT_SUPPORTED(undelete)
NOT_SUPPORTED(vadvise)
NOT_SUPPORTED(__ntp_gettime50)
NOT_SUPPORTED(clock_getcpuclockid2)
NOT_SUPPORTED(pmc_control)
NOT_SUPPORTED(pmc_get_info)
NOT_SUPPORTED(lfs_bmapv)
NOT_SUPPORTED(lfs_markv)
NOT_SUPPORTED(lfs_segclean)
NOT_SUPPORTED(__lfs_segwait50)
NOT_SUPPORTED(__sigaction_sigtramp)
