/*
 * Invocation records printed through the kernel's debug console, one character per
 * DebugPutChar: usable from the fuzz world (no printf, no TLS) and from the supervisor.
 *
 *   fz> #seq sys=.. cptr=.. info=.. mr=.. caps=.. recv=..     before the syscall
 *   fz< #seq badge=.. info=.. [clobbered=..]                  after it returned
 */
#include "fuzz.h"

static void put(char c)
{
    x64_sys_send(seL4_SysDebugPutChar, (seL4_Word)(unsigned char)c, 0, 0, 0, 0, 0);
}

static void put_str(const char *s)
{
    while (*s) {
        put(*s++);
    }
}

static void put_hex(seL4_Word w)
{
    static const char digits[] = "0123456789abcdef";
    int shift = 60;
    while (shift > 0 && ((w >> shift) & 0xf) == 0) {
        shift -= 4;
    }
    put('0');
    put('x');
    for (; shift >= 0; shift -= 4) {
        put(digits[(w >> shift) & 0xf]);
    }
}

static void put_dec(uint64_t v)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        put(buf[--n]);
    }
}

static void put_words(const char *name, const seL4_Word *w, int n)
{
    put_str(name);
    for (int i = 0; i < n; i++) {
        put(i ? ',' : '=');
        put_hex(w[i]);
    }
}

void fz_trace(const struct fz_record *rec, char tag)
{
    put_str("fz");
    put(tag);
    put_str(" #");
    put_dec(rec->seq);
    if (tag == '<') {
        put_words(" badge", &rec->out_badge, 1);
        put_words(" info", &rec->out_info, 1);
        if (rec->clobbered) {
            put_words(" clobbered", &rec->clobbered, 1);
            put_words(" canary", &rec->canary, 1);
            put_words(" rax,rbp,r12-r14", rec->preserved, 5);
        }
    } else {
        put_str(" sys=");
        if ((long)rec->sys < 0) {
            put('-');
            put_dec(-(uint64_t)rec->sys);
        } else {
            put_dec(rec->sys);
        }
        put_words(" cptr", &rec->cptr, 1);
        put_words(" info", &rec->info, 1);
        put_words(" mr", rec->mr, 4);
        put_words(" caps", rec->caps, 3);
        put_words(" recv", rec->recv, 3);
    }
    put('\n');
}

void fz_trace_word(const char *name, seL4_Word value)
{
    put_str("fz= ");
    put_words(name, &value, 1);
    put('\n');
}
