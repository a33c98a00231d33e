/*
 * The rump kernel hypercall interface, version 17, as documented in NetBSD's rumpuser(3)
 * man page, and the PCI hypercalls a rump kernel's PCI component calls (NetBSD's
 * sys/rump/dev/lib/libpci/pci_user.h). Written for this platform from those documents:
 * names, constants and argument types are the interface; nothing else is taken.
 *
 * ABI notes: the rump kernel is NetBSD code compiled for x86_64, so int is 32 bits, long and
 * pointers 64; off_t travels as int64_t and enums as int. Every int-returning hypercall
 * returns 0 or a NetBSD errno value (the platform's own numbering, <errno.h>).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define RUMPUSER_VERSION 17

struct lwp; /* the rump kernel's thread; opaque here */

/* Upcalls the rump kernel hands to rumpuser_init(). Field order is the ABI. */
struct rumpuser_hyperup {
    void (*hyp_schedule)(void);   /* take a virtual CPU (making a temporary lwp if needed) */
    void (*hyp_unschedule)(void); /* release it */
    /* Release/retake the CPU around a blocking hypercall: (nlocks_in, &nlocks_out, interlock)
     * and (nlocks, interlock). */
    void (*hyp_backend_unschedule)(int, int *, void *);
    void (*hyp_backend_schedule)(int, void *);
    void (*hyp_lwproc_switch)(struct lwp *);
    void (*hyp_lwproc_release)(void);
    int (*hyp_lwproc_rfork)(void *, int, const char *);
    int (*hyp_lwproc_newlwp)(int32_t pid);
    struct lwp *(*hyp_lwproc_curlwp)(void);
    int (*hyp_syscall)(int, void *, long *);
    void (*hyp_lwpexit)(void);
    void (*hyp_execnotify)(const char *);
    int32_t (*hyp_getpid)(void);
    void *hyp__extra[8];
};

int rumpuser_init(int version, const struct rumpuser_hyperup *hyp);

/* Memory. */
int rumpuser_malloc(size_t len, int alignment, void **memp);
void rumpuser_free(void *mem, size_t len);
int rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec, void **memp);
void rumpuser_unmap(void *addr, size_t size);

/* Files and I/O. */
#define RUMPUSER_OPEN_RDONLY  0x0000
#define RUMPUSER_OPEN_WRONLY  0x0001
#define RUMPUSER_OPEN_RDWR    0x0002
#define RUMPUSER_OPEN_ACCMODE 0x0003
#define RUMPUSER_OPEN_CREATE  0x0004
#define RUMPUSER_OPEN_EXCL    0x0008
#define RUMPUSER_OPEN_BIO     0x0010

#define RUMPUSER_FT_OTHER 0
#define RUMPUSER_FT_DIR   1
#define RUMPUSER_FT_REG   2
#define RUMPUSER_FT_BLK   3
#define RUMPUSER_FT_CHR   4

#define RUMPUSER_BIO_READ  0x01
#define RUMPUSER_BIO_WRITE 0x02
#define RUMPUSER_BIO_SYNC  0x04

#define RUMPUSER_IOV_NOSEEK (-1)

#define RUMPUSER_SYNCFD_READ    0x01
#define RUMPUSER_SYNCFD_WRITE   0x02
#define RUMPUSER_SYNCFD_BARRIER 0x04
#define RUMPUSER_SYNCFD_SYNC    0x08

struct rumpuser_iovec {
    void *iov_base;
    size_t iov_len;
};

typedef void (*rump_biodone_fn)(void *arg, size_t done, int error);

int rumpuser_open(const char *name, int mode, int *fdp);
int rumpuser_close(int fd);
int rumpuser_getfileinfo(const char *name, uint64_t *size, int *type);
void rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off, rump_biodone_fn done,
                  void *donearg);
int rumpuser_iovread(int fd, struct rumpuser_iovec *iov, size_t iovlen, int64_t off, size_t *retv);
int rumpuser_iovwrite(int fd, const struct rumpuser_iovec *iov, size_t iovlen, int64_t off,
                      size_t *retv);
int rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len);

/* Clocks. */
#define RUMPUSER_CLOCK_RELWALL 0 /* wall clock; a sleep is relative */
#define RUMPUSER_CLOCK_ABSMONO 1 /* monotonic clock; a sleep is until an absolute time */
int rumpuser_clock_gettime(int clock, int64_t *sec, long *nsec);
int rumpuser_clock_sleep(int clock, int64_t sec, long nsec);

/* Parameters. Names starting with an underscore are mandatory. */
#define RUMPUSER_PARAM_NCPU     "_RUMPUSER_NCPU"
#define RUMPUSER_PARAM_HOSTNAME "_RUMPUSER_HOSTNAME"
int rumpuser_getparam(const char *name, void *buf, size_t buflen);

/* Process. */
#define RUMPUSER_PID_SELF ((int64_t)-1)
#define RUMPUSER_PANIC    (-1)
void rumpuser_seterrno(int error);
int rumpuser_kill(int64_t pid, int sig);
void rumpuser_exit(int value) __attribute__((noreturn));
int rumpuser_daemonize_begin(void);
int rumpuser_daemonize_done(int error);

/* Console. */
void rumpuser_putchar(int c);
void rumpuser_dprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Randomness. */
#define RUMPUSER_RANDOM_HARD   0x01
#define RUMPUSER_RANDOM_NOWAIT 0x02
int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp);

/* Threads. */
int rumpuser_thread_create(void *(*fn)(void *), void *arg, const char *name, int mustjoin,
                           int priority, int cpuidx, void **cookie);
void rumpuser_thread_exit(void) __attribute__((noreturn));
int rumpuser_thread_join(void *cookie);

#define RUMPUSER_LWP_CREATE  0
#define RUMPUSER_LWP_DESTROY 1
#define RUMPUSER_LWP_SET     2
#define RUMPUSER_LWP_CLEAR   3
void rumpuser_curlwpop(int op, struct lwp *l);
struct lwp *rumpuser_curlwp(void);

/* Mutexes, rwlocks, condition variables: the structures are the hypervisor's own. */
struct rumpuser_mtx;
struct rumpuser_rw;
struct rumpuser_cv;

#define RUMPUSER_MTX_SPIN   0x01
#define RUMPUSER_MTX_KMUTEX 0x02
void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags);
void rumpuser_mutex_enter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx);
int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_exit(struct rumpuser_mtx *mtx);
void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx);
void rumpuser_mutex_owner(struct rumpuser_mtx *mtx, struct lwp **lp);

#define RUMPUSER_RW_READER 0
#define RUMPUSER_RW_WRITER 1
void rumpuser_rw_init(struct rumpuser_rw **rwp);
void rumpuser_rw_enter(int lk, struct rumpuser_rw *rw);
int rumpuser_rw_tryenter(int lk, struct rumpuser_rw *rw);
int rumpuser_rw_tryupgrade(struct rumpuser_rw *rw);
void rumpuser_rw_downgrade(struct rumpuser_rw *rw);
void rumpuser_rw_exit(struct rumpuser_rw *rw);
void rumpuser_rw_destroy(struct rumpuser_rw *rw);
void rumpuser_rw_held(int lk, struct rumpuser_rw *rw, int *heldp);

void rumpuser_cv_init(struct rumpuser_cv **cvp);
void rumpuser_cv_destroy(struct rumpuser_cv *cv);
void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx, int64_t sec,
                          int64_t nsec);
void rumpuser_cv_signal(struct rumpuser_cv *cv);
void rumpuser_cv_broadcast(struct rumpuser_cv *cv);
void rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp);

/* Dynamic loading (nothing to load in a static image). */
struct modinfo;
struct rump_component;
typedef void (*rump_modinit_fn)(const struct modinfo *const *, size_t);
typedef int (*rump_symload_fn)(void *, uint64_t, char *, uint64_t);
typedef void (*rump_compload_fn)(const struct rump_component *);
void rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload,
                           rump_compload_fn compload);

/* Remote system call clients (rump_sp): not supported, every call fails. */
int rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease,
                     const char *machine);
int rumpuser_sp_copyin(void *client, const void *raddr, void *laddr, size_t len);
int rumpuser_sp_copyinstr(void *client, const void *raddr, void *laddr, size_t *lenp);
int rumpuser_sp_copyout(void *client, const void *laddr, void *raddr, size_t len);
int rumpuser_sp_copyoutstr(void *client, const void *laddr, void *raddr, size_t *lenp);
int rumpuser_sp_anonmmap(void *client, size_t len, void **addrp);
int rumpuser_sp_raise(void *client, int sig);
void rumpuser_sp_fini(void *arg);

/* --- PCI (rumpcomp_pci_*) ------------------------------------------------------------------ */

#include "rumpcomp_userfeatures_pci.h"

void *rumpcomp_pci_map(unsigned long addr, unsigned long len);
int rumpcomp_pci_confread(unsigned bus, unsigned dev, unsigned fun, int reg, unsigned int *value);
int rumpcomp_pci_confwrite(unsigned bus, unsigned dev, unsigned fun, int reg, unsigned int value);
int rumpcomp_pci_irq_map(unsigned bus, unsigned dev, unsigned fun, int intrline, unsigned cookie);
void *rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *), void *arg);
int rumpcomp_pci_dmalloc(size_t size, size_t align, unsigned long *pap, unsigned long *vap);
void rumpcomp_pci_dmafree(unsigned long vacookie, size_t size);

struct rumpcomp_pci_dmaseg {
    unsigned long ds_pa;
    unsigned long ds_len;
    unsigned long ds_vacookie;
};
int rumpcomp_pci_dmamem_map(struct rumpcomp_pci_dmaseg *segs, size_t nseg, size_t totlen,
                            void **vap);
unsigned long rumpcomp_pci_virt_to_mach(void *va);
int rumpcomp_pci_iospace_init(void);
