/*
 * The rump kernel as a server (NetBSD's sysproxy component calls these through
 * rump_init_server): remote clients are other unikernels, reached over the channels of
 * which this unikernel is the server (unikernel.h, struct uk_channel), and they speak
 * rsc_protocol.h instead of NetBSD's socket protocol.
 *
 * As NetBSD does for a remote client, each connection gets a process of its own in the
 * rump kernel (forked off process 1 with a clear descriptor table), and calls run in lwps
 * of that process (one per worker thread, kept while the worker serves the same session). The
 * process's "user memory" is the client's shared region: copyin and copyout translate a user
 * address (an offset in the region) and refuse anything outside the region, so the server never
 * reads or writes other client memory. When the client stops or connects again, its process is told
 * to exit (blocked calls return EINTR) and goes once its last call is done, which closes its
 * descriptors.
 *
 * This file: rumpuser_sp_*, sessions, and the calls into the rump kernel (each wrapped in
 * taking and releasing a virtual CPU, as the upcalls require). sp_dispatch.c finds the
 * requests and runs them.
 */
#include "sp.h"

struct sp_client sp_clients[UK_MAX_CHANNELS];
unsigned sp_nclients;
uint64_t sp_epoch;
char sp_banner[64];
struct rumpsp_stats sp_stats;
static struct sp_session *live; /* every session whose process still exists */

/* --- Upcalls, each with a virtual CPU ------------------------------------------------------- */

static void lwproc_switch(struct lwp *l)
{
    pfru_hyp.hyp_schedule();
    pfru_hyp.hyp_lwproc_switch(l);
    pfru_hyp.hyp_unschedule();
}

static void lwproc_release(void)
{
    pfru_hyp.hyp_schedule();
    pfru_hyp.hyp_lwproc_release();
    pfru_hyp.hyp_unschedule();
}

static void lwproc_lwpexit(void)
{
    pfru_hyp.hyp_schedule();
    pfru_hyp.hyp_lwpexit();
    pfru_hyp.hyp_unschedule();
}

/*
 * Working on a session's process means making one of its lwps the calling thread's; a
 * worker that keeps an lwp of another session (sp_dispatch.c) gets its own back after.
 */
static void lwproc_restore(struct lwp *saved)
{
    if (saved) {
        lwproc_switch(saved);
    }
}

/* --- Sessions -------------------------------------------------------------------------------- */

bool sp_session_alive(const struct sp_session *s)
{
    const volatile struct uk_channel_status *st = pf_channel_status(s->client->chan);
    return !s->dead && st->end[UK_CHANNEL_CLIENT].state == UK_END_RUNNING &&
           st->end[UK_CHANNEL_CLIENT].epoch == s->client_epoch;
}

volatile uint8_t *sp_region_range(const struct sp_session *s, uint64_t offset, uint64_t len)
{
    uint64_t size = s->client->size;
    if (!sp_session_alive(s) || offset > size || len > size - offset) {
        return 0;
    }
    return s->client->region + offset;
}

int sp_session_begin(struct sp_client *c, uint32_t nslots, uint32_t slot_size,
                     struct sp_session **out)
{
    struct sp_session *s = pf_calloc(1, sizeof(*s));
    if (!s) {
        return ENOMEM;
    }
    s->client = c;
    s->client_epoch = pf_channel_status(c->chan)->end[UK_CHANNEL_CLIENT].epoch;
    s->nslots = nslots;
    s->slot_size = slot_size;
    s->refs = 1;
    /* Like NetBSD's server: fork off process 1 (with no lwp of our own), clear descriptors. */
    struct lwp *saved = rumpuser_curlwp();
    if (saved) {
        lwproc_switch(0);
    }
    pfru_hyp.hyp_schedule();
    int error = pfru_hyp.hyp_lwproc_rfork(s, 0x02 /* RUMP_RFFD_CLEAR */, c->chan->peer);
    if (!error) {
        s->mainlwp = pfru_hyp.hyp_lwproc_curlwp();
        s->pid = pfru_hyp.hyp_getpid();
        pfru_hyp.hyp_lwproc_switch(0);
    }
    pfru_hyp.hyp_unschedule();
    lwproc_restore(saved);
    if (error) {
        pf_free(s);
        return error;
    }
    c->session = s;
    s->next_live = live;
    live = s;
    sp_stats.sessions_begun++;
    sp_stats.sessions_live++;
    *out = s;
    return 0;
}

void sp_session_end(struct sp_client *c)
{
    struct sp_session *s = c->session;
    if (!s) {
        return;
    }
    c->session = 0;
    s->dead = true;
    /* Every other lwp of the process (calls blocked in it) is told to exit. */
    struct lwp *saved = rumpuser_curlwp();
    lwproc_switch(s->mainlwp);
    lwproc_lwpexit();
    lwproc_switch(saved);
    sp_dispatch_session_ended(s);
    sp_session_release(s);
}

void sp_session_hold(struct sp_session *s)
{
    s->refs++;
}

void sp_session_release(struct sp_session *s)
{
    if (--s->refs) {
        return;
    }
    /* The last lwp of the process goes: the process exits and closes its descriptors. */
    struct lwp *saved = rumpuser_curlwp();
    lwproc_switch(s->mainlwp);
    lwproc_release();
    lwproc_restore(saved);
    for (struct sp_session **link = &live; *link; link = &(*link)->next_live) {
        if (*link == s) {
            *link = s->next_live;
            break;
        }
    }
    sp_stats.sessions_ended++;
    sp_stats.sessions_live--;
    pf_free(s);
}

int sp_lwp_bind(struct sp_session *s)
{
    pfru_hyp.hyp_schedule();
    int error = pfru_hyp.hyp_lwproc_newlwp(s->pid);
    pfru_hyp.hyp_unschedule();
    return error; /* EBUSY: the process is exiting */
}

int sp_lwp_syscall(int sysnum, void *args, int64_t *retval)
{
    long rv[2] = {0, 0};
    pfru_hyp.hyp_schedule();
    int error = pfru_hyp.hyp_syscall(sysnum, args, rv);
    pfru_hyp.hyp_unschedule();
    retval[0] = rv[0];
    retval[1] = rv[1];
    sp_stats.calls++;
    return error;
}

void sp_lwp_unbind(void)
{
    lwproc_release();
}

void rumpsp_stats(struct rumpsp_stats *out)
{
    *out = sp_stats;
}

void rumpsp_dump(void)
{
    for (struct sp_session *s = live; s; s = s->next_live) {
        printf("rumpuser_sp: session of %s (client start %lu, pid %d): %u references, %s\n",
               s->client->chan->peer, (unsigned long)s->client_epoch, s->pid, s->refs,
               s->dead               ? "ended"
               : sp_session_alive(s) ? "live"
                                     : "its client stopped");
    }
    sp_dispatch_dump();
}

/* --- The hypercalls -------------------------------------------------------------------------- */

int rumpuser_sp_init(const char *url, const char *ostype, const char *osrelease,
                     const char *machine)
{
    if (!url || strcmp(url, "channel:")) {
        printf("rumpuser_sp_init: unknown URL '%s': this platform serves the channels of the "
               "system description, URL \"channel:\"\n",
               url ? url : "(null)");
        return EINVAL;
    }
    if (sp_nclients) {
        return EALREADY;
    }
    for (unsigned i = 0; i < pf_channel_count(); i++) {
        const struct uk_channel *c = pf_channel(i);
        if (c->role == UK_CHANNEL_SERVER) {
            sp_clients[sp_nclients++] =
                (struct sp_client){c, (volatile uint8_t *)c->vaddr, c->size, 0};
            sp_epoch = pf_channel_status(c)->end[UK_CHANNEL_SERVER].epoch;
        }
    }
    if (!sp_nclients) {
        printf("rumpuser_sp_init: no client has a channel to this unikernel (add 'channel = "
               "%s' to a client's section of the system description)\n",
               pf_init()->name);
        return ENOENT;
    }
    snprintf(sp_banner, sizeof(sp_banner), "%s %s %s", ostype, osrelease, machine);
    return sp_dispatch_start();
}

int rumpuser_sp_copyin(void *client, const void *raddr, void *laddr, size_t len)
{
    volatile uint8_t *from = sp_region_range(client, (uintptr_t)raddr, len);
    if (!from) {
        return EFAULT;
    }
    memcpy(laddr, (const void *)from, len);
    return 0;
}

int rumpuser_sp_copyout(void *client, const void *laddr, void *raddr, size_t len)
{
    volatile uint8_t *to = sp_region_range(client, (uintptr_t)raddr, len);
    if (!to) {
        return EFAULT;
    }
    memcpy((void *)to, laddr, len);
    return 0;
}

/*
 * At most *lenp bytes up to and including a NUL; *lenp becomes the bytes copied (the rump
 * kernel looks for the NUL itself and says ENAMETOOLONG if there is none). A string that
 * runs off the end of the region is EFAULT.
 */
int rumpuser_sp_copyinstr(void *client, const void *raddr, void *laddr, size_t *lenp)
{
    struct sp_session *s = client;
    uint64_t offset = (uintptr_t)raddr;
    volatile uint8_t *from = sp_region_range(s, offset, 0);
    if (!from || offset == s->client->size) {
        return EFAULT;
    }
    uint64_t room = s->client->size - offset;
    size_t n = 0;
    uint8_t *to = laddr;
    while (n < *lenp) {
        if (n == room) {
            return EFAULT;
        }
        to[n] = from[n];
        if (!to[n++]) {
            break;
        }
    }
    *lenp = n;
    return 0;
}

int rumpuser_sp_copyoutstr(void *client, const void *laddr, void *raddr, size_t *lenp)
{
    return rumpuser_sp_copyout(client, laddr, raddr, *lenp);
}

/* Only proplib's ioctls map memory into their caller; a client has none to give. */
int rumpuser_sp_anonmmap(void *client, size_t len, void **addrp)
{
    (void)client;
    (void)len;
    (void)addrp;
    return ENOMEM;
}

/*
 * A signal for a client (SIGPIPE on a write to a closed socket, ...): a unikernel has no
 * signals, and the call that caused it returns its error anyway. Counted only.
 */
int rumpuser_sp_raise(void *client, int sig)
{
    (void)client;
    (void)sig;
    return 0;
}

/* The rump kernel halts: nothing is owed to anyone (clients may not halt it, sp_dispatch.c). */
void rumpuser_sp_fini(void *arg)
{
    (void)arg;
}
