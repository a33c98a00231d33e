/*
 * Channels between unikernels (unikernel.h, struct uk_channel). The root task owns what a
 * channel is made of, so that it outlives restarts of either end: the frames of the shared
 * region and of the status page come from the root task's memory at planning time. At each
 * start of an end, the end gets its own copies of the frame caps mapped into its address
 * space and a badged, write-only cap to the other end's notification; the other end gets
 * one to the new notification. Caps to a notification die with it, so when an end stops,
 * the other end's cap to signal it disappears by itself (its slot is empty until the
 * restart fills it again).
 *
 * The status page records each end's epoch (starts) and state; every change is signalled
 * to the other end on its channel bit.
 */
#include "roottask.h"

#define MAX_CHANNELS (SYSDESC_MAX_UNIKERNELS * SYSDESC_MAX_CHANNELS / 2)

struct channel {
    const struct sysdesc_channel *desc;
    struct process *proc[2];  /* indexed by enum uk_channel_role */
    unsigned index[2];        /* the channel's index in each end's uk_init.channels */
    seL4_Word pages;          /* of the shared region */
    struct slot_range frames; /* the root task's frame caps: the status page, then the region */
    seL4_Word signal_slot[2]; /* slot in each end's CNode for its cap to signal the other end */
    seL4_CPtr root_signal[2]; /* the root task's caps to signal each end (while it runs) */
    seL4_CPtr copies[2];      /* first of each end's copies of the frame caps (while it runs) */
};

static struct channel channels[MAX_CHANNELS];
static unsigned nchannels;

static seL4_Word end_vaddr(unsigned index)
{
    return UK_CHANNEL_VADDR + index * UK_CHANNEL_STRIDE;
}

static int running(const struct process *p)
{
    return p->state == PROC_RUNNING && p->cnode;
}

/* --- Planning -------------------------------------------------------------------------------- */

/* Makes the frames of one channel: its status page (zero: nobody started yet) and region. */
static int channel_make(struct channel *c)
{
    c->pages = c->desc->size / PAGE_SIZE;
    if (slot_range_reserve(&c->frames, 1 + c->pages) < 0) {
        return desc_error(c->desc->line, "out of root task cap slots for the channel to '%s'",
                          c->desc->server);
    }
    for (seL4_Word i = 0; i <= c->pages; i++) {
        if (alloc_object(seL4_X86_4K, 0, slot_range_take(&c->frames)) < 0) {
            return desc_error(c->desc->line,
                              "not enough memory for the channel to '%s' (%lu KiB; %lu KiB "
                              "free)",
                              c->desc->server, (1 + c->pages) * PAGE_SIZE >> 10,
                              alloc_free_bytes() >> 10);
        }
    }
    return 0;
}

int channels_plan(const struct sysdesc *desc)
{
    for (unsigned k = 0; k < desc->count; k++) {
        struct sysdesc_channel_end ends[SYSDESC_MAX_CHANNELS];
        unsigned n = sysdesc_channel_ends(desc, k, ends);
        struct process *p = &processes[k];
        for (unsigned i = 0; i < n; i++) {
            if (ends[i].is_server) {
                continue; /* made with its client, which comes first in the loop or already did */
            }
            struct channel *c = &channels[nchannels++];
            c->desc = ends[i].channel;
            c->proc[UK_CHANNEL_CLIENT] = p;
            c->proc[UK_CHANNEL_SERVER] = &processes[ends[i].server];
            if (channel_make(c) < 0) {
                return -1;
            }
        }
    }
    /* Each end's list, in sysdesc_channel_ends order (which decides its badge bits). */
    for (unsigned k = 0; k < desc->count; k++) {
        struct sysdesc_channel_end ends[SYSDESC_MAX_CHANNELS];
        unsigned n = sysdesc_channel_ends(desc, k, ends);
        struct process *p = &processes[k];
        for (unsigned i = 0; i < n; i++) {
            for (unsigned j = 0; j < nchannels; j++) {
                if (channels[j].desc == ends[i].channel) {
                    unsigned role = ends[i].is_server ? UK_CHANNEL_SERVER : UK_CHANNEL_CLIENT;
                    channels[j].index[role] = i;
                    p->channel[i] = &channels[j];
                }
            }
        }
        p->nchannels = n;
    }
    return 0;
}

static unsigned role_of(const struct process *p, const struct channel *c)
{
    return c->proc[UK_CHANNEL_SERVER] == p ? UK_CHANNEL_SERVER : UK_CHANNEL_CLIENT;
}

unsigned channels_layout(const struct process *p, struct vrange *r)
{
    for (unsigned i = 0; i < p->nchannels; i++) {
        r[i] = (struct vrange){end_vaddr(i), end_vaddr(i) + (1 + p->channel[i]->pages) * PAGE_SIZE};
    }
    return p->nchannels;
}

seL4_Word channels_slots_needed(const struct process *p)
{
    seL4_Word slots = 0;
    for (unsigned i = 0; i < p->nchannels; i++) {
        slots += 1 + p->channel[i]->pages + 1; /* the frame copies and the root's signal cap */
    }
    return slots;
}

/* --- Status ---------------------------------------------------------------------------------- */

static void signal_end(struct channel *c, unsigned role)
{
    if (c->root_signal[role] && running(c->proc[role])) {
        seL4_Signal(c->root_signal[role]);
    }
}

/* Records a new state of one end (a start when `started`) and tells the other end. */
static void set_state(struct channel *c, unsigned role, seL4_Word state, int started)
{
    struct uk_channel_status *s = scratch_map(c->frames.base, 0, 1, seL4_X86_Default_VMAttributes);
    s->end[role].state = state;
    if (started) {
        s->end[role].epoch++;
    }
    scratch_unmap(c->frames.base);
    signal_end(c, !role);
}

/* --- Granting -------------------------------------------------------------------------------- */

/* Puts into `slot` of `into`'s CNode a write-only cap that sets `to`'s bit for the channel. */
static int give_signal(struct channel *c, unsigned into, unsigned to)
{
    struct process *a = c->proc[into], *b = c->proc[to];
    seL4_CNode_Delete(a->cnode, c->signal_slot[into], UK_CNODE_BITS); /* empty, normally */
    seL4_Error err =
        seL4_CNode_Mint(a->cnode, c->signal_slot[into], UK_CNODE_BITS, CSPACE_ROOT, b->notification,
                        seL4_WordBits, seL4_CanWrite, 1ul << (UK_NOTIFY_CHANNEL + c->index[to]));
    if (err) {
        say("%s: cannot give it the signal of its channel to %s: error %d", a->uk->name,
            b->uk->name, err);
        return -1;
    }
    return 0;
}

/*
 * Maps the status page (read-only) and the region (read-write) at the end's address. The
 * copies take consecutive slots before any mapping (which takes slots for page tables), so
 * that channels_stop finds them again.
 */
static int map_end(struct process *p, struct channel *c, unsigned role)
{
    seL4_Word vaddr = end_vaddr(c->index[role]);
    for (seL4_Word i = 0; i <= c->pages; i++) {
        seL4_CPtr copy = slot_range_take(&p->slots);
        if (!copy || cspace_copy(copy, c->frames.base + i, seL4_AllRights)) {
            say("%s: out of slots for its channel to %s", p->uk->name, c->proc[!role]->uk->name);
            return -1;
        }
        if (i == 0) {
            c->copies[role] = copy;
        }
    }
    for (seL4_Word i = 0; i <= c->pages; i++) {
        if (vspace_map(&p->vspace, c->copies[role] + i, vaddr + i * PAGE_SIZE,
                       i == 0 ? seL4_CanRead : seL4_ReadWrite, seL4_X86_Default_VMAttributes) < 0) {
            say("%s: cannot map its channel to %s", p->uk->name, c->proc[!role]->uk->name);
            return -1;
        }
    }
    return 0;
}

int channels_grant(struct process *p, struct uk_init *ui)
{
    for (unsigned i = 0; i < p->nchannels; i++) {
        struct channel *c = p->channel[i];
        unsigned role = role_of(p, c);
        struct process *peer = c->proc[!role];
        if (map_end(p, c, role) < 0) {
            return -1;
        }
        c->root_signal[role] = slot_range_take(&p->slots);
        c->signal_slot[role] = p->free_slot++;
        if (!c->root_signal[role] || p->free_slot > (1ul << UK_CNODE_BITS) ||
            cspace_mint(c->root_signal[role], p->notification, seL4_CanWrite,
                        1ul << (UK_NOTIFY_CHANNEL + i))) {
            say("%s: out of slots for its channels", p->uk->name);
            return -1;
        }
        if (running(peer) && (give_signal(c, role, !role) < 0 || give_signal(c, !role, role) < 0)) {
            return -1;
        }
        struct uk_channel *u = &ui->channels[ui->n_channels++];
        memcpy(u->peer, peer->uk->name, sizeof(u->peer));
        u->role = role;
        u->status = end_vaddr(i);
        u->vaddr = end_vaddr(i) + PAGE_SIZE;
        u->size = c->pages * PAGE_SIZE;
        u->signal = c->signal_slot[role];
        u->badge_bit = UK_NOTIFY_CHANNEL + i;
        set_state(c, role, UK_END_RUNNING, 1);
    }
    return 0;
}

void channels_stop(struct process *p)
{
    for (unsigned i = 0; i < p->nchannels; i++) {
        struct channel *c = p->channel[i];
        unsigned role = role_of(p, c);
        if (c->copies[role]) {
            for (seL4_Word k = 0; k <= c->pages; k++) {
                cspace_delete(c->copies[role] + k);
            }
            c->copies[role] = 0;
        }
        /* The root task's signal cap went with the notification (process_teardown). */
        c->root_signal[role] = 0;
        set_state(c, role, UK_END_DOWN, 0);
    }
}

void channels_gone(struct process *p)
{
    for (unsigned i = 0; i < p->nchannels; i++) {
        set_state(p->channel[i], role_of(p, p->channel[i]), UK_END_GONE, 0);
    }
}
