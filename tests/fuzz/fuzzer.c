/*
 * The code that runs in the fuzz world: the fuzz thread's loop and the victim threads'
 * loops. Neither touches the root task's data (not mapped there) or TLS (see fuzz.h).
 */
#include "fuzz.h"

/*
 * RAX, RBP and R12-R14 came back from a syscall other than as fz_syscall loaded them. That
 * is not necessarily the kernel's fault: this thread's registers can be replaced wholesale
 * (CopyRegisters from a thread holding an older copy of them, or from the other fuzz
 * thread), and a victim can be turned into a clone of this thread (CopyRegisters the other
 * way: it then runs this loop on our stack, and "returns" from the syscall it was copied
 * in). Either way all five registers then hold the canaries of some invocation. Anything
 * else breaks the ABI.
 */
static void check_preserved(struct fz_shared *st, const struct fz_record *rec)
{
    /* Canaries of invocation k - 1 of some fuzz thread (the other one's count differs). */
    uint64_t k = rec->preserved[0] * CANARY_INV;
    int stale = k >= 1 && k < (1ull << 40);
    for (int i = 1; i < 5 && stale; i++) {
        stale = rec->preserved[i] == rec->preserved[0] + (uint64_t)i;
    }
    if (stale) {
        st->stale_contexts++;
    } else if (st->abi_violations++ == 0) {
        st->violation = *rec;
    }
}

void fz_fuzz_main(struct fz_shared *st)
{
    for (;;) {
        uint64_t seq = st->seq;
        if (seq >= FZ_CONFIG->limit) {
            /* Done: the watchdog notices that nothing happens any more, the supervisor
             * that the count is reached. */
            for (;;) {
                x64_sys_null(seL4_SysYield);
            }
        }
        struct fz_record *rec = &st->ring[seq % FZ_RING];
        struct fz_regs r;
        enum fz_sys_class cls = fz_generate(st, &r, rec);
        rec->seq = seq;
        rec->out_badge = rec->out_info = rec->clobbered = 0;
        r.canary = (seq + 1) * CANARY_STEP;
        st->sys_count[cls]++;
        if (!st->quiet && FZ_CONFIG->trace_from && seq + 1 >= FZ_CONFIG->trace_from) {
            fz_trace(rec, '>');
        }
        /* Counted before the kernel sees it: the invocation may never return. */
        st->seq = seq + 1;
        fz_syscall(&r);
        st->done++;
        rec->out_badge = r.rdi;
        rec->out_info = r.rsi;
        rec->clobbered = r.clobbered;
        rec->canary = r.canary;
        for (int i = 0; i < 5; i++) {
            rec->preserved[i] = r.preserved[i];
        }
        if (cls == FZ_CLASS_CALL) {
            seL4_Word label = r.rsi >> 12, sent = rec->info >> 12;
            st->reply_label[label < seL4_NumErrors ? label : seL4_NumErrors]++;
            if (sent < seL4_NumInvocationLabels) {
                st->calls[sent]++;
                st->calls_ok[sent] += label == seL4_NoError;
            }
        }
        if (r.clobbered) {
            check_preserved(st, rec);
        }
        if (!st->quiet && FZ_CONFIG->trace_from && seq + 1 >= FZ_CONFIG->trace_from) {
            fz_trace(rec, '<');
        }
    }
}

/* Victims use only registers for their messages, and their IPC buffer through v->ipc. */
void fz_victim_main(const struct fz_victim *v)
{
    seL4_Word badge, info, m0 = 0, m1 = 0, m2 = 0, m3 = 0;
    v->ipc->receiveCNode = v->recv_cnode;
    v->ipc->receiveIndex = v->recv_index;
    v->ipc->receiveDepth = v->recv_depth;
    switch (v->role) {
    case FZ_ROLE_SERVER:
        x64_sys_recv(seL4_SysRecv, v->ep, &badge, &info, &m0, &m1, &m2, &m3);
        for (;;) {
            /* Echo: same length and number of caps (whose slots now hold badges or junk, so
             * the kernel has to cope with failing extra-cap lookups on a reply). */
            seL4_MessageInfo_t in = {{info}};
            seL4_MessageInfo_t out = seL4_MessageInfo_new(seL4_MessageInfo_get_label(in) ^ 1, 0,
                                                          seL4_MessageInfo_get_extraCaps(in),
                                                          seL4_MessageInfo_get_length(in));
            x64_sys_send_recv(seL4_SysReplyRecv, v->ep, &badge, out.words[0], &info, &m0, &m1, &m2,
                              &m3);
        }
    case FZ_ROLE_CLIENT:
        for (seL4_Word n = 0;; n++) {
            m0 = n;
            x64_sys_send_recv(seL4_SysCall, v->ep, &badge,
                              seL4_MessageInfo_new(0x77, 0, 0, 2).words[0], &info, &m0, &m1, &m2,
                              &m3);
        }
    default:
        for (;;) {
            x64_sys_recv(seL4_SysRecv, v->ep, &badge, &info, &m0, &m1, &m2, &m3);
            /* RTC: select register C and read it (re-arms the interrupt), then Ack. */
            m0 = 0x70, m1 = 0x0c;
            x64_sys_send_recv(seL4_SysCall, v->cmos, &badge,
                              seL4_MessageInfo_new(seL4_X86IOPortOut8, 0, 0, 2).words[0], &info,
                              &m0, &m1, &m2, &m3);
            m0 = 0x71;
            x64_sys_send_recv(seL4_SysCall, v->cmos, &badge,
                              seL4_MessageInfo_new(seL4_X86IOPortIn8, 0, 0, 1).words[0], &info, &m0,
                              &m1, &m2, &m3);
            x64_sys_send_recv(seL4_SysCall, v->rtc_irq, &badge,
                              seL4_MessageInfo_new(seL4_IRQAckIRQ, 0, 0, 0).words[0], &info, &m0,
                              &m1, &m2, &m3);
            x64_sys_send(seL4_SysSend, v->other, seL4_MessageInfo_new(0, 0, 0, 1).words[0], 0, 0, 0,
                         0);
        }
    }
}
