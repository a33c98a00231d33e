/*
 * The client's end of remote system calls (rsc_protocol.h): the connection to the server
 * and the call slots of the shared region.
 *
 * Threads of the program may call at once: each takes a free slot (or waits for one),
 * copies its buffers into the slot's data area, marks the request and signals the server,
 * then sleeps on the channel until its slot is answered. Every event on the channel wakes
 * all waiters, and each looks at its own slot and at the root task's status page: a
 * server that stopped or was restarted fails every call in flight with ECONNRESET (never
 * a hang), and later calls too until the program connects again.
 */
#include "client.h"

#define SLOT_BYTES   (16 * 1024) /* a slot per 16 KiB of region, at most MAX_SLOTS */
#define MAX_SLOTS    8
#define MIN_SLOT     (4 * 1024)
#define WAIT_DEFAULT 60
#define ALIGN(x)     (((x) + 15) & ~(size_t)15)

enum conn_state {
    C_NONE,       /* never connected */
    C_CONNECTING, /* one thread is connecting; others wait */
    C_UP,
    C_BROKEN, /* the server stopped: calls fail until rumpclient_reconnect */
};

static struct {
    const struct uk_channel *chan;
    volatile uint8_t *region;
    uint32_t nslots, slot_size;
    uint64_t server_epoch; /* the server instance connected to */
    uint64_t generation;   /* connections so far: a call of an earlier one fails */
    uint64_t next_seq;
    enum conn_state state;
    int pid;
    char banner[64];
    bool busy[RSC_MAX_SLOTS];
} conn;

static struct pf_waitq slot_waiters = PF_WAITQ_INIT, connect_waiters = PF_WAITQ_INIT;

static const volatile struct uk_channel_status *status(void)
{
    return pf_channel_status(conn.chan);
}

static volatile struct rsc_slot *slot_at(uint32_t i)
{
    return (volatile struct rsc_slot *)(conn.region + rsc_slot_offset(conn.slot_size, i));
}

/* The server this call was made to is not there any more. */
static bool server_changed(void)
{
    return status()->end[UK_CHANNEL_SERVER].state != UK_END_RUNNING ||
           status()->end[UK_CHANNEL_SERVER].epoch != conn.server_epoch;
}

/* --- Slots ----------------------------------------------------------------------------------- */

/* A free slot for a call of this connection, or -1 with the error if it broke meanwhile. */
static int take_slot(uint64_t generation, int *error)
{
    for (;;) {
        if (conn.generation != generation || conn.state == C_BROKEN) {
            *error = ECONNRESET;
            return -1;
        }
        for (uint32_t i = 0; i < conn.nslots; i++) {
            if (!conn.busy[i]) {
                conn.busy[i] = true;
                return (int)i;
            }
        }
        pf_block(&slot_waiters, 0);
    }
}

/* Gives slot i back, unless a connection since has taken every slot over. */
static void free_slot(uint32_t i, uint64_t generation)
{
    if (generation == conn.generation) {
        conn.busy[i] = false;
        pf_wake_one(&slot_waiters);
    }
}

/* Withdraws a request the server has not taken (it stays TAKEN if the server has). */
static void withdraw(volatile struct rsc_slot *slot)
{
    uint32_t expected = RSC_REQUEST;
    __atomic_compare_exchange_n(&slot->state, &expected, RSC_FREE, false, __ATOMIC_ACQ_REL,
                                __ATOMIC_ACQUIRE);
}

/* --- Marshalling ----------------------------------------------------------------------------- */

struct placed {
    const struct rsc_buf *buf;
    void *user;
    uint64_t offset; /* in the region */
    size_t len;
};

/*
 * Copies the buffers into slot i's data area and points their arguments at them (region
 * offsets). Returns 0, or the error for a buffer that does not fit.
 */
static int place(uint32_t i, uint64_t *args, const struct rsc_buf *bufs, unsigned nbufs,
                 struct placed *placed)
{
    uint64_t data = rsc_data_offset(conn.slot_size, i);
    size_t room = rsc_data_size(conn.slot_size), used = 0;
    for (unsigned k = 0; k < nbufs; k++) {
        const struct rsc_buf *b = &bufs[k];
        void *user = (void *)(uintptr_t)args[b->arg];
        placed[k] = (struct placed){b, user, 0, 0};
        if (!user) {
            continue; /* a null pointer stays 0, which the server sees as null */
        }
        size_t len = b->dir == RSC_STR ? strlen(user) + 1u : b->len;
        if (len > room - used) {
            if (b->len_arg < 0 || room == used) {
                return b->dir == RSC_STR ? ENAMETOOLONG : EMSGSIZE;
            }
            /* One call carries this much; the caller sees a short count. */
            size_t unit = b->unit ? b->unit : 1;
            len = (room - used) / unit * unit;
            if (len == 0) {
                return EMSGSIZE;
            }
            args[b->len_arg] = len / unit;
        }
        placed[k].offset = data + used;
        placed[k].len = len;
        if (b->dir != RSC_OUTRET) {
            memcpy((void *)(conn.region + placed[k].offset), user, len);
        }
        args[b->arg] = placed[k].offset;
        used = ALIGN(used + len);
        if (used > room) {
            used = room;
        }
    }
    return 0;
}

static void copy_back(const struct placed *placed, unsigned nbufs, int64_t result)
{
    for (unsigned k = 0; k < nbufs; k++) {
        const struct placed *p = &placed[k];
        size_t len = p->len;
        if (!p->user || p->buf->dir == RSC_IN || p->buf->dir == RSC_STR) {
            continue;
        }
        if (p->buf->dir == RSC_OUTRET) {
            size_t unit = p->buf->unit ? p->buf->unit : 1;
            size_t got = result < 0 ? 0 : (size_t)result * unit;
            len = got < len ? got : len;
        }
        memcpy(p->user, (const void *)(conn.region + p->offset), len);
    }
}

/* --- Calls ----------------------------------------------------------------------------------- */

/* One call on the current connection; *retval gets its results. Returns 0 or an errno. */
static int call(int sysnum, uint64_t *args, unsigned nargs, const struct rsc_buf *bufs,
                unsigned nbufs, int64_t *retval)
{
    uint64_t generation = conn.generation;
    struct placed placed[RSC_MAX_ARGS];
    int error;
    int i = take_slot(generation, &error);
    if (i < 0) {
        return error;
    }
    volatile struct rsc_slot *slot = slot_at((uint32_t)i);
    error = place((uint32_t)i, args, bufs, nbufs, placed);
    if (error) {
        free_slot((uint32_t)i, generation);
        return error;
    }
    uint64_t seq = conn.next_seq++;
    slot->sysnum = sysnum;
    slot->seq = seq;
    slot->server_epoch = conn.server_epoch;
    slot->argsize = nargs * sizeof(uint64_t);
    for (unsigned k = 0; k < RSC_MAX_ARGS; k++) {
        slot->args[k] = k < nargs ? args[k] : 0;
    }
    slot->error = 0;
    slot->retval[0] = slot->retval[1] = 0;
    __atomic_store_n(&slot->state, RSC_REQUEST, __ATOMIC_RELEASE);
    pf_channel_signal(conn.chan);
    for (;;) {
        uint64_t seen = pf_channel_events(conn.chan);
        if (__atomic_load_n(&slot->state, __ATOMIC_ACQUIRE) == RSC_DONE && slot->seq == seq) {
            break;
        }
        if (conn.generation != generation) {
            return ECONNRESET; /* a new connection owns the slots now */
        }
        if (server_changed()) {
            conn.state = C_BROKEN;
            withdraw(slot);
            free_slot((uint32_t)i, generation);
            return ECONNRESET;
        }
        pf_channel_wait(conn.chan, seen, 0);
    }
    error = slot->error;
    retval[0] = slot->retval[0];
    retval[1] = slot->retval[1];
    if (!error) {
        copy_back(placed, nbufs, retval[0]);
    }
    if (generation == conn.generation) {
        slot->state = RSC_FREE;
    }
    free_slot((uint32_t)i, generation);
    return error;
}

/* --- Connecting ------------------------------------------------------------------------------ */

static int find_channel(void)
{
    const char *name = getenv("RUMP_SERVER");
    if (name) {
        conn.chan = pf_channel_find(name, UK_CHANNEL_CLIENT);
        if (!conn.chan) {
            printf("rumpclient: RUMP_SERVER=%s, but this unikernel has no channel to it\n", name);
        }
        return conn.chan ? 0 : ENOENT;
    }
    for (unsigned i = 0; i < pf_channel_count(); i++) {
        if (pf_channel(i)->role != UK_CHANNEL_CLIENT) {
            continue;
        }
        if (conn.chan) {
            printf("rumpclient: channels to %s and %s: name the server in RUMP_SERVER\n",
                   conn.chan->peer, pf_channel(i)->peer);
            conn.chan = 0;
            return ENOENT;
        }
        conn.chan = pf_channel(i);
    }
    if (!conn.chan) {
        printf("rumpclient: no channel to a server (add 'channel = SERVER' to this "
               "unikernel's section of the system description)\n");
    }
    return conn.chan ? 0 : ENOENT;
}

/* Waits until the server runs; ECONNREFUSED if it is gone for good, or ETIMEDOUT. */
static int wait_for_server(void)
{
    const char *wait = getenv("RUMPCLIENT_WAIT");
    uint64_t seconds = wait ? strtoul(wait, 0, 10) : WAIT_DEFAULT;
    uint64_t deadline = pf_clock_monotonic() + seconds * PF_NSEC_PER_SEC;
    for (;;) {
        uint64_t seen = pf_channel_events(conn.chan);
        seL4_Word state = status()->end[UK_CHANNEL_SERVER].state;
        if (state == UK_END_RUNNING) {
            return 0;
        }
        if (state == UK_END_GONE) {
            return ECONNREFUSED;
        }
        if (pf_channel_wait(conn.chan, seen, deadline) == ETIMEDOUT) {
            return ETIMEDOUT;
        }
    }
}

/* Lays out the region, withdraws what an earlier connection left, and says hello. */
static int connect_now(void)
{
    int error = conn.chan ? 0 : find_channel();
    if (!error) {
        error = wait_for_server();
    }
    if (error) {
        return error;
    }
    uint64_t size = conn.chan->size;
    /* A slot per 16 KiB, but two from 8 KiB on: a call blocked in the server (an accept)
     * must leave room for another (the close that ends it). */
    uint64_t n = size / SLOT_BYTES;
    conn.nslots = n < 2 ? (size >= 2 * MIN_SLOT ? 2 : 1) : n > MAX_SLOTS ? MAX_SLOTS : (uint32_t)n;
    conn.slot_size = (uint32_t)(((size - RSC_SLOTS_OFFSET) / conn.nslots) & ~(uint64_t)15);
    conn.region = (volatile uint8_t *)conn.chan->vaddr;
    for (uint32_t i = 0; i < conn.nslots; i++) {
        withdraw(slot_at(i));
    }
    volatile struct rsc_header *h = (volatile struct rsc_header *)conn.region;
    uint64_t client_epoch = status()->end[UK_CHANNEL_CLIENT].epoch;
    h->magic = RSC_MAGIC;
    h->version = RSC_VERSION;
    h->nslots = conn.nslots;
    h->slot_size = conn.slot_size;
    h->client_epoch = client_epoch;
    conn.next_seq = client_epoch << 40;
    conn.server_epoch = status()->end[UK_CHANNEL_SERVER].epoch;
    /* Calls of the connection before fail when they next wake (the hello's answer wakes
     * them); their slots are this connection's from now on, whatever the server does with
     * their requests (it answers a session that has ended no more). */
    conn.generation++;
    memset(conn.busy, 0, sizeof(conn.busy));
    pf_wake_all(&slot_waiters);

    /* The hello: a slot whose data area brings back the server's banner. */
    static char banner[sizeof(conn.banner)];
    uint64_t args[1] = {(uintptr_t)banner};
    const struct rsc_buf buf = {0, RSC_INOUT, sizeof(banner), -1, 0};
    int64_t retval[2];
    error = call(RSC_CONNECT, args, 0, &buf, 1, retval);
    if (error) {
        return error;
    }
    memcpy(conn.banner, banner, sizeof(conn.banner));
    conn.banner[sizeof(conn.banner) - 1] = 0;
    conn.pid = (int)retval[0];
    return 0;
}

static int connect_once(void)
{
    while (conn.state == C_CONNECTING) {
        pf_block(&connect_waiters, 0);
    }
    conn.state = C_CONNECTING;
    int error = connect_now();
    conn.state = error ? C_BROKEN : C_UP;
    pf_wake_all(&connect_waiters);
    return error;
}

int rumpclient_init(void)
{
    while (conn.state == C_CONNECTING) {
        pf_block(&connect_waiters, 0);
    }
    return conn.state == C_UP ? 0 : connect_once();
}

int rumpclient_reconnect(void)
{
    return connect_once();
}

int rumpclient_pid(void)
{
    return conn.state == C_UP ? conn.pid : -1;
}

const char *rumpclient_banner(void)
{
    return conn.state == C_UP ? conn.banner : "";
}

size_t rumpclient_capacity(void)
{
    return conn.state == C_UP ? rsc_data_size(conn.slot_size) : 0;
}

long rsc_call(int sysnum, uint64_t *args, unsigned nargs, const struct rsc_buf *bufs,
              unsigned nbufs)
{
    int error = 0;
    if (conn.state == C_NONE || conn.state == C_CONNECTING) {
        error = rumpclient_init();
    } else if (conn.state == C_BROKEN) {
        error = ECONNRESET;
    }
    int64_t retval[2];
    if (!error) {
        error = call(sysnum, args, nargs, bufs, nbufs, retval);
    }
    if (error) {
        errno = error;
        return -1;
    }
    return retval[0];
}
