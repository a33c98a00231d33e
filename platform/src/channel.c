/*
 * Channels to other unikernels (unikernel.h, struct uk_channel). Each channel has a bit of
 * the TCB's notification, set by the other end's signal and by the root task when the
 * status page changes. The scheduler hands those bits here; each arrival bumps the
 * channel's event count and wakes every thread waiting on the channel (or on any channel),
 * which then looks at the region and the status page itself. Counting instead of flagging
 * means a waiter never misses an event that came between its look and its wait.
 */
#include "internal.h"

static uint64_t events[UK_MAX_CHANNELS], all_events;
static struct pf_waitq waiters[UK_MAX_CHANNELS], any_waiters = PF_WAITQ_INIT;

unsigned pf_channel_count(void)
{
    return pf_uk->n_channels < UK_MAX_CHANNELS ? (unsigned)pf_uk->n_channels : UK_MAX_CHANNELS;
}

const struct uk_channel *pf_channel(unsigned index)
{
    return index < pf_channel_count() ? &pf_uk->channels[index] : 0;
}

const struct uk_channel *pf_channel_find(const char *peer, unsigned role)
{
    for (unsigned i = 0; i < pf_channel_count(); i++) {
        const struct uk_channel *c = &pf_uk->channels[i];
        if (c->role == role && !strcmp(c->peer, peer)) {
            return c;
        }
    }
    return 0;
}

const volatile struct uk_channel_status *pf_channel_status(const struct uk_channel *c)
{
    return (const volatile struct uk_channel_status *)c->status;
}

void pf_channel_signal(const struct uk_channel *c)
{
    /* A send, not seL4_Signal's: on the empty slot of a stopped peer it does nothing. */
    seL4_NBSend(c->signal, seL4_MessageInfo_new(0, 0, 0, 0));
}

static unsigned index_of(const struct uk_channel *c)
{
    return (unsigned)(c - pf_uk->channels);
}

seL4_Word pf_channel_mask(void)
{
    static seL4_Word mask;
    static bool known;
    if (!known) {
        for (unsigned i = 0; i < pf_channel_count(); i++) {
            mask |= 1ul << pf_uk->channels[i].badge_bit;
        }
        known = true;
    }
    return mask;
}

void pf_channel_deliver(seL4_Word bits)
{
    for (unsigned i = 0; i < pf_channel_count(); i++) {
        if (bits & (1ul << pf_uk->channels[i].badge_bit)) {
            events[i]++;
            all_events++;
            pf_wake_all(&waiters[i]);
        }
    }
    pf_wake_all(&any_waiters);
}

uint64_t pf_channel_events(const struct uk_channel *c)
{
    return c ? events[index_of(c)] : all_events;
}

int pf_channel_wait(const struct uk_channel *c, uint64_t seen, uint64_t deadline)
{
    struct pf_waitq *q = c ? &waiters[index_of(c)] : &any_waiters;
    while (pf_channel_events(c) == seen) {
        if (pf_block(q, deadline) == ETIMEDOUT) {
            return pf_channel_events(c) == seen ? ETIMEDOUT : 0;
        }
    }
    return 0;
}
