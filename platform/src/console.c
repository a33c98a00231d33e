/*
 * Console through the root task's service endpoint, and the generic service call.
 *
 * Output is collected per line so one IPC carries a line instead of a character; a line
 * longer than one message (UK_CONSOLE_CHUNK bytes) goes out in pieces. All threads share
 * the buffer, which is fine because they never run concurrently.
 */
#include "internal.h"

static char line[UK_CONSOLE_CHUNK];
static size_t line_len;

seL4_Word pf_svc_call(seL4_Word label, const seL4_Word *in, unsigned nin, seL4_Word *out,
                      unsigned nout)
{
    for (unsigned i = 0; i < nin; i++) {
        seL4_SetMR((int)i, in[i]);
    }
    seL4_MessageInfo_t reply = seL4_Call(UK_SLOT_SERVICE, seL4_MessageInfo_new(label, 0, 0, nin));
    unsigned got = (unsigned)seL4_MessageInfo_get_length(reply);
    for (unsigned i = 0; i < nout; i++) {
        out[i] = i < got ? seL4_GetMR((int)i) : 0;
    }
    return seL4_MessageInfo_get_label(reply);
}

static void send_bytes(const char *s, size_t n)
{
    while (n) {
        size_t chunk = n < UK_CONSOLE_CHUNK ? n : UK_CONSOLE_CHUNK;
        seL4_Word words[1 + UK_CONSOLE_CHUNK / 8];
        words[0] = chunk;
        memset(&words[1], 0, pf_round_up(chunk, 8));
        memcpy(&words[1], s, chunk);
        pf_svc_call(UK_SVC_CONSOLE_WRITE, words, 1 + (unsigned)pf_round_up(chunk, 8) / 8, 0, 0);
        s += chunk;
        n -= chunk;
    }
}

void pf_console_flush(void)
{
    if (line_len) {
        send_bytes(line, line_len);
        line_len = 0;
    }
}

void pf_putchar(int c)
{
    line[line_len++] = (char)c;
    if (c == '\n' || line_len == sizeof(line)) {
        pf_console_flush();
    }
}

void pf_console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        pf_putchar(s[i]);
    }
}

void pf_console_raw(const char *s)
{
    pf_console_flush();
    send_bytes(s, strlen(s));
}

size_t pf_console_read(char *buf, size_t max)
{
    seL4_Word out[1 + UK_CONSOLE_CHUNK / 8];
    seL4_Word want = max < UK_CONSOLE_CHUNK ? max : UK_CONSOLE_CHUNK;
    if (pf_svc_call(UK_SVC_CONSOLE_READ, &want, 1, out, 1 + UK_CONSOLE_CHUNK / 8) != 0) {
        return 0;
    }
    size_t n = out[0] < want ? out[0] : want;
    memcpy(buf, &out[1], n);
    return n;
}
