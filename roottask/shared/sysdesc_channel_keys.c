/*
 * Channels between unikernels: "channel = SERVER [SIZE]" in a unikernel's section makes it a
 * client of SERVER over a channel whose shared region is SIZE bytes (default 64K). The root
 * task gives each end its mapping of the region, a capability to signal the other end and
 * the other end's name (unikernel.h, struct uk_channel).
 *
 * Checked here: the size (4K..2M, a multiple of 4K), no channel to itself or twice to one
 * server, and for the whole system: the server exists, no unikernel is an end of more than
 * SYSDESC_MAX_CHANNELS channels, and the client -> server relation has no cycle (a server
 * never waits, directly or through others, on one of its own clients).
 */
#include "sysdesc_parser.h"

static int key_channel(struct sysdesc_parser *p, const char *key, const char *value)
{
    struct sysdesc_unikernel *uk = p->uk;
    char server[64], size[32], extra[8];
    int has_size;
    if (sysdesc_next_word(p, &value, server, sizeof(server)) != 1 ||
        (has_size = sysdesc_next_word(p, &value, size, sizeof(size))) < 0) {
        return -1;
    }
    if (sysdesc_next_word(p, &value, extra, sizeof(extra)) != 0) {
        return sysdesc_fail(p, "%s takes a server and an optional size, found more", key);
    }
    if (strlen(server) >= SYSDESC_NAME_MAX) {
        return sysdesc_fail(p,
                            "channel to '%s': no such unikernel (names are at most %d "
                            "characters)",
                            server, SYSDESC_NAME_MAX - 1);
    }
    if (!strcmp(server, uk->name)) {
        return sysdesc_fail(p, "channel to '%s': a unikernel cannot be its own server", server);
    }
    for (unsigned i = 0; i < uk->nchannels; i++) {
        if (!strcmp(uk->channels[i].server, server)) {
            return sysdesc_fail(p, "duplicate channel to '%s' (first on line %u)", server,
                                uk->channels[i].line);
        }
    }
    uint64_t bytes = SYSDESC_CHANNEL_DEFAULT_SIZE;
    if (has_size && sysdesc_parse_size(size, SYSDESC_MAX_MEMORY, &bytes) < 0) {
        return sysdesc_fail(p, "bad channel size '%s' (a number with an optional K, M or G)", size);
    }
    if (bytes > SYSDESC_CHANNEL_MAX_SIZE) {
        return sysdesc_fail(p, "channel size %s too large (at most %luK)", size,
                            SYSDESC_CHANNEL_MAX_SIZE >> 10);
    }
    if (bytes < SYSDESC_CHANNEL_MIN_SIZE || (bytes & 0xfff)) {
        return sysdesc_fail(p, "channel size %s must be a multiple of 4K", size);
    }
    if (uk->nchannels == SYSDESC_MAX_CHANNELS) {
        return sysdesc_fail(p, "too many channels for '%s' (at most %d)", uk->name,
                            SYSDESC_MAX_CHANNELS);
    }
    struct sysdesc_channel *c = &uk->channels[uk->nchannels++];
    memcpy(c->server, server, strlen(server) + 1);
    c->size = bytes;
    c->line = p->line;
    return 0;
}

sysdesc_key_parser *sysdesc_find_channel_key(const char *name)
{
    return strcmp(name, "channel") ? 0 : key_channel;
}

unsigned sysdesc_channel_ends(const struct sysdesc *desc, unsigned index,
                              struct sysdesc_channel_end *ends)
{
    unsigned n = 0;
    const struct sysdesc_unikernel *self = &desc->uk[index];
    for (unsigned i = 0; i < self->nchannels; i++, n++) {
        if (n < SYSDESC_MAX_CHANNELS) {
            ends[n] = (struct sysdesc_channel_end){&self->channels[i], index,
                                                   self->channels[i].server_index, false};
        }
    }
    for (unsigned k = 0; k < desc->count; k++) {
        const struct sysdesc_unikernel *client = &desc->uk[k];
        for (unsigned i = 0; i < client->nchannels; i++) {
            if (client->channels[i].server_index != index || k == index) {
                continue;
            }
            if (n < SYSDESC_MAX_CHANNELS) {
                ends[n] = (struct sysdesc_channel_end){&client->channels[i], k, index, true};
            }
            n++;
        }
    }
    return n;
}

/*
 * Whether `to` can be reached from `from` by following channels from client to server; if
 * so, path[] holds the unikernels on the way (from first, to last) and *len their number.
 */
static bool reaches(const struct sysdesc *d, unsigned from, unsigned to, unsigned *path,
                    unsigned *len)
{
    unsigned parent[SYSDESC_MAX_UNIKERNELS], queue[SYSDESC_MAX_UNIKERNELS], head = 0, tail = 0;
    bool seen[SYSDESC_MAX_UNIKERNELS] = {false};
    seen[from] = true;
    queue[tail++] = from;
    while (head < tail) {
        unsigned u = queue[head++];
        if (u == to) {
            unsigned rev[SYSDESC_MAX_UNIKERNELS], n = 0;
            for (unsigned v = to; v != from; v = parent[v]) {
                rev[n++] = v;
            }
            rev[n++] = from;
            for (unsigned i = 0; i < n; i++) {
                path[i] = rev[n - 1 - i];
            }
            *len = n;
            return true;
        }
        for (unsigned i = 0; i < d->uk[u].nchannels; i++) {
            unsigned v = d->uk[u].channels[i].server_index;
            if (!seen[v]) {
                seen[v] = true;
                parent[v] = u;
                queue[tail++] = v;
            }
        }
    }
    return false;
}

/* Reports the cycle that the channel of `client` to its server closes. */
static int report_cycle(struct sysdesc_parser *p, unsigned client, const struct sysdesc_channel *c,
                        const unsigned *path, unsigned len)
{
    const struct sysdesc *d = p->desc;
    char cycle[SYSDESC_ERROR_MAX];
    size_t used = (size_t)snprintf(cycle, sizeof(cycle), "%s", d->uk[client].name);
    for (unsigned i = 0; i < len && used < sizeof(cycle); i++) {
        used += (size_t)snprintf(cycle + used, sizeof(cycle) - used, " -> %s", d->uk[path[i]].name);
    }
    p->line = c->line;
    return sysdesc_fail(p,
                        "channel to '%s' makes a cycle (%s): a server may not be a client of "
                        "its own clients",
                        c->server, cycle);
}

int sysdesc_check_channels(struct sysdesc_parser *p)
{
    struct sysdesc *d = p->desc;
    for (unsigned k = 0; k < d->count; k++) {
        for (unsigned i = 0; i < d->uk[k].nchannels; i++) {
            struct sysdesc_channel *c = &d->uk[k].channels[i];
            unsigned s = 0;
            while (s < d->count && strcmp(d->uk[s].name, c->server)) {
                s++;
            }
            if (s == d->count) {
                p->line = c->line;
                return sysdesc_fail(p, "channel to '%s': no such unikernel", c->server);
            }
            c->server_index = s;
        }
    }
    struct sysdesc_channel_end ends[SYSDESC_MAX_CHANNELS];
    for (unsigned k = 0; k < d->count; k++) {
        if (sysdesc_channel_ends(d, k, ends) > SYSDESC_MAX_CHANNELS) {
            p->line = d->uk[k].line;
            return sysdesc_fail(p, "'%s' is an end of more than %d channels", d->uk[k].name,
                                SYSDESC_MAX_CHANNELS);
        }
    }
    for (unsigned k = 0; k < d->count; k++) {
        for (unsigned i = 0; i < d->uk[k].nchannels; i++) {
            const struct sysdesc_channel *c = &d->uk[k].channels[i];
            unsigned path[SYSDESC_MAX_UNIKERNELS], len;
            if (reaches(d, c->server_index, k, path, &len)) {
                return report_cycle(p, k, c, path, len);
            }
        }
    }
    return 0;
}
