/*
 * Finding and running remote system calls (rsc_protocol.h), with a pool of worker threads
 * in the leader/follower pattern. Calls block (accept, read on a socket), so each runs in
 * a worker of its own, and a client's blocked call never holds up another's.
 *
 * One worker at a time is the leader: it waits for channel events, ends the sessions of
 * clients that stopped (the root task's status page), and takes the requests of running
 * clients out of their slots. It keeps one request for itself (best one of the session
 * whose lwp it holds), hands the others to idle followers, runs its own and leads again.
 * So the thread that wakes up on a request is the one that runs it, with no thread switch
 * on the way. Only if the call blocks (any blocking hypercall says so, pfru_blocking) does
 * another worker take over the lead meanwhile. Workers are made
 * on demand, up to RSC_MAX_SLOTS per client and a leader; a few stay idle, each keeping
 * the lwp of the session it served last, so that a client's next call finds one ready.
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

struct worker {
    struct worker *next_idle;
    struct worker *next;  /* every worker (diagnostics) */
    struct work *running; /* the call it runs now, or 0 */
    struct pf_waitq wait;
    struct work *work;       /* the call it runs next */
    struct sp_session *held; /* the session whose lwp it keeps between calls, or 0 */
};

static struct worker *leader;                /* waiting for channel events, or 0 */
static __thread struct worker *self;         /* in a worker thread: the worker */
static struct worker *idle;                  /* followers waiting for work */
static struct work *queue_head, *queue_tail; /* calls no worker was free for */
static struct worker *workers;               /* every worker */

static volatile struct rsc_slot *slot_at(struct sp_client *c, uint32_t slot_size, uint32_t i)
{
    return (volatile struct rsc_slot *)(c->region + rsc_slot_offset(slot_size, i));
}

static void done(struct sp_client *c, volatile struct rsc_slot *slot)
{
    __atomic_store_n(&slot->state, RSC_DONE, __ATOMIC_RELEASE);
    pf_channel_signal(c->chan);
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
    done(s->client, slot);
}

/* --- Workers --------------------------------------------------------------------------------- */

static void idle_remove(struct worker *me)
{
    for (struct worker **link = &idle; *link; link = &(*link)->next_idle) {
        if (*link == me) {
            *link = me->next_idle;
            sp_stats.workers_idle--;
            return;
        }
    }
}

/* Lets go of the lwp the worker keeps (its session may then end). */
static void drop(struct worker *me)
{
    if (me->held) {
        sp_lwp_unbind();
        sp_session_release(me->held);
        me->held = 0;
    }
}

static void run(struct worker *me, struct work *w)
{
    int64_t retval[2] = {-1, 0};
    int error = 0;
    if (w->sysnum < 0) {
        error = ENOSYS;
    } else if (w->sysnum == SYS_REBOOT) {
        error = EPERM;
        sp_stats.refused++;
    } else if (me->held != w->session) {
        drop(me);
        error = sp_lwp_bind(w->session);
        if (!error) {
            me->held = w->session;
            sp_session_hold(w->session);
        }
    }
    /*
     * A call whose session has ended is not started. Ending a session marks the lwps its
     * process has at that moment and may block on the way (sp_session_end): an lwp made
     * meanwhile is not marked, and a call that slept in it would never be woken, keeping the
     * process and all it holds. Checked once the lwp exists: a session that has not begun to
     * end will find it when it does.
     */
    if (!error && w->session->dead) {
        error = EINTR;
    }
    if (!error) {
        me->running = w;
        error = sp_lwp_syscall(w->sysnum, w->args, retval);
        me->running = 0;
    }
    answer(w->session, w->slot, w->seq, error, retval);
    sp_session_release(w->session);
    pf_free(w);
}

static void *worker(void *arg);

/* A new worker with a first call (or none: it will lead); false if none can be made. */
static bool spawn(struct work *w)
{
    if (sp_stats.workers >= sp_nclients * RSC_MAX_SLOTS + 1) {
        return false;
    }
    struct worker *k = pf_calloc(1, sizeof(*k));
    int error = ENOMEM;
    if (k) {
        k->work = w;
        if (pf_thread_create("sp-worker", worker, k, WORKER_STACK, PF_PRIO_NORMAL, 0, &error)) {
            k->next = workers;
            workers = k;
            sp_stats.workers++;
            return true;
        }
        pf_free(k);
    }
    if (!sp_stats.workers) {
        pf_panic("rumpuser_sp: cannot create a worker thread (error %d)", error);
    }
    return false;
}

/*
 * Hands a call to an idle follower, best one that keeps an lwp of the call's session (no
 * lwp to make), else one that keeps none; or to a new worker; or queues it for the next
 * worker to finish.
 */
static void submit(struct work *w)
{
    struct worker *pick = 0;
    for (struct worker *k = idle; k; k = k->next_idle) {
        if (k->held == w->session) {
            pick = k;
            break;
        }
        if (!pick || (!k->held && pick->held)) {
            pick = k;
        }
    }
    if (pick) {
        idle_remove(pick);
        pick->work = w;
        pf_wake_one(&pick->wait);
        return;
    }
    if (spawn(w)) {
        return;
    }
    w->next = 0;
    if (queue_tail) {
        queue_tail->next = w;
    } else {
        queue_head = w;
    }
    queue_tail = w;
}

/* A worker is about to block in its call: someone else must watch the channels meanwhile. */
static void find_leader(void)
{
    if (leader || !self) {
        return;
    }
    if (idle) {
        pf_wake_one(&idle->wait); /* it sees there is no leader */
    } else {
        spawn(0);
    }
}

void sp_dispatch_session_ended(struct sp_session *s)
{
    for (struct worker *k = idle; k; k = k->next_idle) {
        if (k->held == s) {
            pf_wake_one(&k->wait);
        }
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
    int error = sp_session_begin(c, nslots, slot_size, &s);
    if (error) {
        printf("rumpuser_sp: no process for %s: error %d\n", c->chan->peer, error);
        volatile struct rsc_slot *slot = slot_at(c, slot_size, i);
        slot->error = error;
        done(c, slot);
        return;
    }
    volatile uint8_t *data = sp_region_range(s, rsc_data_offset(slot_size, i), sizeof(sp_banner));
    if (data && rsc_data_size(slot_size) >= sizeof(sp_banner)) {
        memcpy((void *)data, sp_banner, sizeof(sp_banner));
    }
    int64_t retval[2] = {s->pid, 0};
    answer(s, i, seq, 0, retval);
}

/* Takes request i of client c, if there is one for this server instance; 0 if none. */
static struct work *take(struct sp_client *c, uint32_t i, uint32_t nslots, uint32_t slot_size)
{
    volatile struct rsc_slot *slot = slot_at(c, slot_size, i);
    uint32_t request = RSC_REQUEST;
    if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) != RSC_REQUEST ||
        slot->server_epoch != sp_epoch ||
        !__atomic_compare_exchange_n(&slot->state, &request, RSC_TAKEN, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        return 0; /* none, for an earlier instance of this server, or withdrawn meanwhile */
    }
    uint64_t seq = slot->seq;
    int32_t sysnum = slot->sysnum;
    if (sysnum == RSC_CONNECT) {
        handle_connect(c, i, seq, nslots, slot_size);
        return 0;
    }
    struct sp_session *s = c->session;
    struct work *w = s ? pf_calloc(1, sizeof(*w)) : 0;
    if (!w || s->nslots != nslots || s->slot_size != slot_size) {
        /* Not connected (or the layout changed without a connect): refused. */
        sp_stats.refused++;
        slot->error = s ? ENOMEM : ENOTCONN;
        done(c, slot);
        pf_free(w);
        return 0;
    }
    uint32_t argsize = slot->argsize;
    memcpy(w->args, (const void *)slot->args,
           argsize < sizeof(slot->args) ? argsize : sizeof(slot->args));
    w->session = s;
    w->slot = i;
    w->seq = seq;
    w->sysnum = sysnum;
    sp_session_hold(s);
    return w;
}

/* Everything the status page and the region of one client ask for now; the leader keeps a
 * call for itself in me->work and hands the others out. */
static void serve(struct sp_client *c, struct worker *me)
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
        struct work *w = take(c, i, nslots, slot_size);
        if (!w) {
            continue;
        }
        if (!me->work) {
            me->work = w;
        } else if (w->session == me->held && me->work->session != me->held) {
            submit(me->work);
            me->work = w;
        } else {
            submit(w);
        }
    }
}

/* Leads until a call for this worker turns up. */
static void lead(struct worker *me)
{
    leader = me;
    while (!me->work) {
        uint64_t seen = pf_channel_events(0);
        for (unsigned i = 0; i < sp_nclients; i++) {
            serve(&sp_clients[i], me);
        }
        if (me->held && me->held->dead) {
            drop(me); /* its session ended while this worker led */
        }
        if (!me->work) {
            pf_channel_wait(0, seen, 0);
        }
    }
    leader = 0;
}

static void *worker(void *arg)
{
    struct worker *me = arg;
    self = me;
    for (;;) {
        if (!me->work && queue_head) {
            me->work = queue_head;
            queue_head = queue_head->next;
            queue_tail = queue_head ? queue_tail : 0;
        }
        if (!me->work && !leader) {
            lead(me);
        }
        if (me->work) {
            struct work *w = me->work;
            me->work = 0;
            run(me, w);
            continue;
        }
        if (me->held && me->held->dead) {
            drop(me);
        }
        if (sp_stats.workers_idle >= IDLE_WORKERS) {
            break; /* enough others wait for work */
        }
        me->next_idle = idle;
        idle = me;
        sp_stats.workers_idle++;
        while (!me->work && leader && !(me->held && me->held->dead)) {
            pf_block(&me->wait, 0);
        }
        idle_remove(me);
    }
    drop(me);
    for (struct worker **link = &workers; *link; link = &(*link)->next) {
        if (*link == me) {
            *link = me->next;
            break;
        }
    }
    sp_stats.workers--;
    pf_free(me);
    return 0;
}

void sp_dispatch_dump(void)
{
    for (struct worker *k = workers; k; k = k->next) {
        bool idle_now = false;
        for (struct worker *i = idle; i; i = i->next_idle) {
            idle_now |= i == k;
        }
        printf("rumpuser_sp: worker %p: %s", (void *)k,
               k == leader ? "leading"
               : idle_now  ? "idle"
                           : "busy");
        if (k->held) {
            printf(", keeps an lwp of pid %d", k->held->pid);
        }
        if (k->running) {
            printf(", runs system call %d of pid %d", k->running->sysnum, k->running->session->pid);
        }
        printf("\n");
    }
    for (struct work *w = queue_head; w; w = w->next) {
        printf("rumpuser_sp: queued: system call %d of pid %d\n", w->sysnum, w->session->pid);
    }
}

int sp_dispatch_start(void)
{
    pfru_blocking = find_leader;
    return spawn(0) ? 0 : ENOMEM;
}
