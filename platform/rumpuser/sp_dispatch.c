/*
 * Finding and running remote system calls (rsc_protocol.h). One dispatcher thread wakes on
 * every channel event, ends the sessions of clients that stopped (the root task's status
 * page), takes the requests of running clients out of their slots and hands each call to a
 * worker thread: calls block (accept, read on a socket), so each runs in a thread of its
 * own, and a client's blocked call never holds up another's. Workers are made on demand,
 * up to RSC_MAX_SLOTS per client, and a few stay idle for the next calls.
 *
 * Everything in a region can change under us: a request is copied out of its slot once,
 * its layout was checked against the region when its session began, and a result is
 * written back only while the session is alive and the slot still holds that request.
 */
#include "sp.h"

#define WORKER_STACK (64 * 1024)
#define IDLE_WORKERS 4
#define SYS_REBOOT   208 /* NetBSD's reboot(2): one client may not halt everyone's kernel */

struct work {
    struct work *next;
    struct sp_session *session;
    uint32_t slot;
    uint64_t seq;
    int32_t sysnum;
    uint64_t args[2 * RSC_MAX_ARGS]; /* a call with more arguments reads zeros */
};

static struct work *queue_head, *queue_tail;
static struct pf_waitq work_wait = PF_WAITQ_INIT;

static volatile struct rsc_slot *slot_at(struct sp_client *c, uint32_t slot_size, uint32_t i)
{
    return (volatile struct rsc_slot *)(c->region + rsc_slot_offset(slot_size, i));
}

/* Writes the result of a call into its slot, if the slot still waits for it. */
static void answer(struct sp_session *s, uint32_t i, uint64_t seq, int error, const int64_t *retval)
{
    if (!sp_session_alive(s)) {
        return; /* the client stopped or connected again: the slot is no longer this call's */
    }
    volatile struct rsc_slot *slot = slot_at(s->client, s->slot_size, i);
    if (slot->state != RSC_TAKEN || slot->seq != seq) {
        return;
    }
    slot->error = error;
    slot->retval[0] = retval[0];
    slot->retval[1] = retval[1];
    __atomic_store_n(&slot->state, RSC_DONE, __ATOMIC_RELEASE);
    pf_channel_signal(s->client->chan);
}

/* --- Workers --------------------------------------------------------------------------------- */

static void run(struct work *w)
{
    int64_t retval[2] = {-1, 0};
    int error;
    if (w->sysnum < 0) {
        error = ENOSYS;
    } else if (w->sysnum == SYS_REBOOT) {
        error = EPERM;
        sp_stats.refused++;
    } else {
        error = sp_session_syscall(w->session, w->sysnum, w->args, retval);
    }
    answer(w->session, w->slot, w->seq, error, retval);
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        while (!queue_head) {
            if (sp_stats.workers_idle >= IDLE_WORKERS) {
                sp_stats.workers--;
                pf_thread_exit(0);
            }
            sp_stats.workers_idle++;
            pf_block(&work_wait, 0);
            sp_stats.workers_idle--;
        }
        struct work *w = queue_head;
        queue_head = w->next;
        if (!queue_head) {
            queue_tail = 0;
        }
        run(w);
        sp_session_release(w->session);
        pf_free(w);
    }
    return 0;
}

/* Queues a call and makes sure a worker will take it. */
static void submit(struct work *w)
{
    w->next = 0;
    if (queue_tail) {
        queue_tail->next = w;
    } else {
        queue_head = w;
    }
    queue_tail = w;
    if (pf_wake_one(&work_wait) || sp_stats.workers >= sp_nclients * RSC_MAX_SLOTS) {
        return;
    }
    int error;
    if (pf_thread_create("sp-worker", worker, 0, WORKER_STACK, PF_PRIO_NORMAL, 0, &error)) {
        sp_stats.workers++;
    } else if (!sp_stats.workers) {
        pf_panic("rumpuser_sp: cannot create a worker thread (error %d)", error);
    }
}

/* --- Requests -------------------------------------------------------------------------------- */

/*
 * The layout a client's header announces, if it fits its region and was written by the
 * client's current instance (a restarted client's region holds its predecessor's requests
 * until it has connected); -1 otherwise.
 */
static int read_layout(struct sp_client *c, uint32_t *nslots, uint32_t *slot_size)
{
    volatile struct rsc_header *h = (volatile struct rsc_header *)c->region;
    uint32_t n = h->nslots, size = h->slot_size;
    uint64_t epoch = pf_channel_status(c->chan)->end[UK_CHANNEL_CLIENT].epoch;
    if (c->size < RSC_SLOTS_OFFSET || h->magic != RSC_MAGIC || h->version != RSC_VERSION ||
        h->client_epoch != epoch || n == 0 || n > RSC_MAX_SLOTS || size % 16 ||
        size < sizeof(struct rsc_slot) || size > (c->size - RSC_SLOTS_OFFSET) / n) {
        return -1;
    }
    *nslots = n;
    *slot_size = size;
    return 0;
}

/* RSC_CONNECT: a new session (ending the old one); the answer is the pid and the banner. */
static void handle_connect(struct sp_client *c, uint32_t i, uint64_t seq, uint32_t nslots,
                           uint32_t slot_size)
{
    sp_session_end(c);
    struct sp_session *s;
    int64_t retval[2] = {-1, 0};
    int error = sp_session_begin(c, nslots, slot_size, &s);
    if (error) {
        printf("rumpuser_sp: no process for %s: error %d\n", c->chan->peer, error);
        volatile struct rsc_slot *slot = slot_at(c, slot_size, i);
        slot->error = error;
        __atomic_store_n(&slot->state, RSC_DONE, __ATOMIC_RELEASE);
        pf_channel_signal(c->chan);
        return;
    }
    volatile uint8_t *data = sp_region_range(s, rsc_data_offset(slot_size, i), sizeof(sp_banner));
    if (data && rsc_data_size(slot_size) >= sizeof(sp_banner)) {
        memcpy((void *)data, sp_banner, sizeof(sp_banner));
    }
    retval[0] = s->pid;
    answer(s, i, seq, 0, retval);
}

/* Takes request i of client c, if there is one for this server instance. */
static void take(struct sp_client *c, uint32_t i, uint32_t nslots, uint32_t slot_size)
{
    volatile struct rsc_slot *slot = slot_at(c, slot_size, i);
    uint32_t request = RSC_REQUEST;
    if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) != RSC_REQUEST ||
        slot->server_epoch != sp_epoch ||
        !__atomic_compare_exchange_n(&slot->state, &request, RSC_TAKEN, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        return; /* none, for an earlier instance of this server, or withdrawn meanwhile */
    }
    uint64_t seq = slot->seq;
    int32_t sysnum = slot->sysnum;
    if (sysnum == RSC_CONNECT) {
        handle_connect(c, i, seq, nslots, slot_size);
        return;
    }
    struct sp_session *s = c->session;
    struct work *w = s ? pf_calloc(1, sizeof(*w)) : 0;
    if (!w || s->nslots != nslots || s->slot_size != slot_size) {
        /* Not connected (or the layout changed without a connect): refused. */
        sp_stats.refused++;
        slot->error = s ? ENOMEM : ENOTCONN;
        __atomic_store_n(&slot->state, RSC_DONE, __ATOMIC_RELEASE);
        pf_channel_signal(c->chan);
        pf_free(w);
        return;
    }
    uint32_t argsize = slot->argsize;
    memcpy(w->args, (const void *)slot->args,
           argsize < sizeof(slot->args) ? argsize : sizeof(slot->args));
    w->session = s;
    w->slot = i;
    w->seq = seq;
    w->sysnum = sysnum;
    sp_session_hold(s);
    submit(w);
}

/* Everything the status page and the region of one client ask for now. */
static void serve(struct sp_client *c)
{
    const volatile struct uk_channel_status *st = pf_channel_status(c->chan);
    if (c->session && !sp_session_alive(c->session)) {
        sp_session_end(c);
    }
    uint32_t nslots, slot_size;
    if (st->end[UK_CHANNEL_CLIENT].state != UK_END_RUNNING ||
        read_layout(c, &nslots, &slot_size) < 0) {
        return;
    }
    for (uint32_t i = 0; i < nslots; i++) {
        take(c, i, nslots, slot_size);
    }
}

static void *dispatcher(void *arg)
{
    (void)arg;
    for (;;) {
        uint64_t seen = pf_channel_events(0);
        for (unsigned i = 0; i < sp_nclients; i++) {
            serve(&sp_clients[i]);
        }
        pf_channel_wait(0, seen, 0);
    }
    return 0;
}

int sp_dispatch_start(void)
{
    int error;
    if (!pf_thread_create("sp-dispatch", dispatcher, 0, WORKER_STACK, PF_PRIO_NORMAL, 0, &error)) {
        return error;
    }
    return 0;
}
