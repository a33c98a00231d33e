/*
 * Runtime of the test guests: TLS through the SetTLSBase system call, the IPC buffer the
 * root task mapped, a line-buffered console over UK_SVC_CONSOLE_WRITE, and UK_SVC_EXIT.
 */
#include "guest.h"

const struct uk_init *guest_init;
void guest_start(const struct uk_init *init) __attribute__((noreturn));

static char tls_area[4096] __attribute__((aligned(64)));
static char line[UK_CONSOLE_CHUNK];
static seL4_Word line_len;

seL4_Word guest_call(seL4_Word label, const seL4_Word *words, seL4_Word n, seL4_Word *reply0)
{
    for (seL4_Word i = 0; i < n; i++) {
        seL4_SetMR((int)i, words[i]);
    }
    seL4_MessageInfo_t reply = seL4_Call(UK_SLOT_SERVICE, seL4_MessageInfo_new(label, 0, 0, n));
    if (reply0) {
        *reply0 = seL4_GetMR(0);
    }
    return seL4_MessageInfo_get_label(reply);
}

void guest_flush(void)
{
    if (!line_len) {
        return;
    }
    seL4_SetMR(0, line_len);
    memcpy(&seL4_GetIPCBuffer()->msg[1], line, line_len);
    seL4_Call(UK_SLOT_SERVICE,
              seL4_MessageInfo_new(UK_SVC_CONSOLE_WRITE, 0, 0, 1 + (line_len + 7) / 8));
    line_len = 0;
}

static void guest_putchar(int c)
{
    line[line_len++] = (char)c;
    if (c == '\n' || line_len == sizeof(line)) {
        guest_flush();
    }
}

void guest_exit(int status)
{
    guest_flush();
    seL4_SetMR(0, (seL4_Word)status);
    seL4_Call(UK_SLOT_SERVICE, seL4_MessageInfo_new(UK_SVC_EXIT, 0, 0, 1));
    for (;;) {
        seL4_Yield();
    }
}

const char *guest_getenv(const char *name)
{
    size_t n = strlen(name);
    for (seL4_Word i = 0; i < guest_init->envc; i++) {
        const char *e = guest_init->envp[i];
        if (!strncmp(e, name, n) && e[n] == '=') {
            return e + n + 1;
        }
    }
    return 0;
}

void guest_start(const struct uk_init *init)
{
    if (init->magic != UK_INIT_MAGIC || runtime_tls_size() > sizeof(tls_area)) {
        for (const char *m = "guest: bad init data or TLS too large\n"; *m; m++) {
            seL4_DebugPutChar(*m);
        }
        seL4_TCB_Suspend(UK_SLOT_TCB);
    }
    seL4_SetTLSBase(runtime_tls_init(tls_area));
    seL4_SetIPCBuffer((seL4_IPCBuffer *)init->ipc_buffer);
    guest_init = init;
    runtime_putchar = guest_putchar;
    guest_exit(main((int)init->argc, init->argv));
}

uint64_t guest_ms(uint64_t ms)
{
    return guest_init->tsc_hz / 1000 * ms;
}

seL4_Word guest_wait(seL4_Word mask, uint64_t deadline)
{
    seL4_Word timer = 1ul << UK_NOTIFY_TIMER, seen = 0;
    guest_call(UK_SVC_TIMER_SET, &(seL4_Word){deadline}, 1, 0);
    while (!(seen & (mask | timer))) {
        seL4_Word badge;
        seL4_Wait(UK_SLOT_NOTIFICATION, &badge);
        seen |= badge;
        if ((badge & timer) && runtime_rdtsc() < deadline) {
            seen &= ~timer; /* a wakeup left over from an earlier wait */
        }
    }
    guest_call(UK_SVC_TIMER_SET, &(seL4_Word){0}, 1, 0);
    return seen;
}
