/*
 * channel: both ends of the channels the root task sets up (unikernel.h, struct uk_channel).
 * It prints what it was given, then plays one role through the shared region:
 *
 *   channel serve       answers every request of its clients ("pong N to CLIENT: TEXT"),
 *                       and exits 0 once every client is gone for good. With CRASH_AT=N in
 *                       its environment, its first instance faults instead of answering
 *                       request N (the restart test).
 *   channel ping N      sends N requests to its server and checks each answer; a server
 *                       that was restarted meanwhile gets the request again.
 *   channel poke        writes to its channel's status page (must fault: read-only).
 *
 * The region holds one struct exchange, written by the client (request) and the server
 * (reply); each side signals the other after writing.
 */
#include "guest.h"

struct exchange {
    volatile seL4_Word request_seq, reply_seq;
    char request[64];
    char reply[96];
};

#define WAIT_MS 10000

static volatile uintptr_t unmapped = 0x10;

static const struct uk_channel_status *status_of(const struct uk_channel *c)
{
    return (const struct uk_channel_status *)c->status;
}

static void signal_peer(const struct uk_channel *c)
{
    /* NBSend: the slot is empty while the other end is down. */
    seL4_NBSend(c->signal, seL4_MessageInfo_new(0, 0, 0, 0));
}

static void describe(void)
{
    const struct uk_init *ui = guest_init;
    for (seL4_Word i = 0; i < ui->n_channels; i++) {
        const struct uk_channel *c = &ui->channels[i];
        const unsigned char *region = (const unsigned char *)c->vaddr;
        int zero = 1;
        for (seL4_Word k = 0; k < c->size; k++) {
            zero &= region[k] == 0;
        }
        printf("channel %lu: peer %s, %s, %lu bytes at 0x%lx%s, bit %lu\n", i, c->peer,
               c->role == UK_CHANNEL_SERVER ? "server" : "client", c->size, c->vaddr,
               zero ? " (zero)" : "", c->badge_bit);
    }
}

/* --- Server ---------------------------------------------------------------------------------- */

static void answer(const struct uk_channel *c, unsigned long *answered)
{
    struct exchange *x = (struct exchange *)c->vaddr;
    seL4_Word seq = x->request_seq;
    if (seq == x->reply_seq) {
        return;
    }
    const char *crash = guest_getenv("CRASH_AT");
    const struct uk_channel_status *s = status_of(c);
    if (crash && s->end[UK_CHANNEL_SERVER].epoch == 1 && seq == strtoul(crash, 0, 0)) {
        printf("crashing on request %lu of %s\n", seq, c->peer);
        guest_flush();
        *(volatile int *)unmapped = 1;
    }
    char text[sizeof(x->request)];
    memcpy(text, x->request, sizeof(text));
    text[sizeof(text) - 1] = 0;
    snprintf(x->reply, sizeof(x->reply), "pong %lu to %s: %s", seq, c->peer, text);
    x->reply_seq = seq;
    (*answered)++;
    signal_peer(c);
}

static int serve(void)
{
    const struct uk_init *ui = guest_init;
    unsigned long answered = 0;
    printf("serving (epoch %lu)\n",
           ui->n_channels ? status_of(&ui->channels[0])->end[UK_CHANNEL_SERVER].epoch : 0);
    for (;;) {
        seL4_Word mask = 0, clients = 0;
        for (seL4_Word i = 0; i < ui->n_channels; i++) {
            const struct uk_channel *c = &ui->channels[i];
            if (c->role != UK_CHANNEL_SERVER) {
                continue;
            }
            mask |= 1ul << c->badge_bit;
            answer(c, &answered);
            clients += status_of(c)->end[UK_CHANNEL_CLIENT].state != UK_END_GONE;
        }
        if (!clients) {
            printf("every client is gone: %lu requests answered\n", answered);
            return 0;
        }
        seL4_Word seen = guest_wait(mask, runtime_rdtsc() + guest_ms(WAIT_MS));
        if (!(seen & mask)) {
            printf("no request for %d ms\n", WAIT_MS);
            return 1;
        }
    }
}

/* --- Client ---------------------------------------------------------------------------------- */

/* Waits for the answer to seq; a server restarted meanwhile is asked again. */
static int await(const struct uk_channel *c, seL4_Word seq)
{
    struct exchange *x = (struct exchange *)c->vaddr;
    const struct uk_channel_status *s = status_of(c);
    seL4_Word epoch = s->end[UK_CHANNEL_SERVER].epoch, asked = epoch;
    uint64_t deadline = runtime_rdtsc() + guest_ms(WAIT_MS);
    while (x->reply_seq != seq) {
        if (s->end[UK_CHANNEL_SERVER].state == UK_END_GONE) {
            printf("the server is gone\n");
            return -1;
        }
        if (s->end[UK_CHANNEL_SERVER].state == UK_END_RUNNING &&
            s->end[UK_CHANNEL_SERVER].epoch != asked) {
            asked = s->end[UK_CHANNEL_SERVER].epoch;
            printf("the server was restarted (epoch %lu): asking again\n", asked);
            signal_peer(c);
        }
        seL4_Word seen = guest_wait(1ul << c->badge_bit, deadline);
        if (!(seen & (1ul << c->badge_bit))) {
            printf("no answer to request %lu\n", seq);
            return -1;
        }
    }
    if (asked == epoch && s->end[UK_CHANNEL_SERVER].epoch != epoch) {
        printf("the server was restarted (epoch %lu) and answered\n",
               s->end[UK_CHANNEL_SERVER].epoch);
    }
    return 0;
}

static int ping(unsigned long n)
{
    const struct uk_channel *c = &guest_init->channels[0];
    if (!guest_init->n_channels || c->role != UK_CHANNEL_CLIENT) {
        printf("ping: no channel to a server\n");
        return 1;
    }
    struct exchange *x = (struct exchange *)c->vaddr;
    for (seL4_Word seq = 1; seq <= n; seq++) {
        snprintf(x->request, sizeof(x->request), "ping %lu from %s", seq, guest_init->name);
        x->request_seq = seq;
        signal_peer(c);
        if (await(c, seq) < 0) {
            return 1;
        }
        printf("reply %lu: %s\n", seq, x->reply);
    }
    return 0;
}

int main(int argc, char **argv)
{
    describe();
    if (argc > 1 && !strcmp(argv[1], "serve")) {
        return serve();
    }
    if (argc > 2 && !strcmp(argv[1], "ping")) {
        return ping(strtoul(argv[2], 0, 0));
    }
    if (argc > 1 && !strcmp(argv[1], "poke") && guest_init->n_channels) {
        printf("writing to the status page at 0x%lx\n", guest_init->channels[0].status);
        guest_flush();
        *(volatile seL4_Word *)guest_init->channels[0].status = 1;
        printf("poke: the write went through\n");
        return 1;
    }
    printf("usage: channel serve | ping N | poke\n");
    return 2;
}
