/*
 * System call stubs for x86_64 (`syscall` / `sysretq`).
 *
 * Register convention: RDX = syscall number, RDI = cptr (badge on return), RSI = message
 * info, R10/R8/R9/R15 = MR0..MR3. RCX and R11 are destroyed by the instruction itself.
 * Upstream does not preserve RSP across a syscall, so every stub parks it in RBX.
 */
#pragma once

#include <sel4/types.h>

/* Each thread's IPC buffer; set by the runtime when the thread starts (thread-local). */
extern __thread seL4_IPCBuffer *__sel4_ipc_buffer;

static inline seL4_IPCBuffer *seL4_GetIPCBuffer(void)
{
    return __sel4_ipc_buffer;
}

static inline void seL4_SetIPCBuffer(seL4_IPCBuffer *buffer)
{
    __sel4_ipc_buffer = buffer;
}

static inline seL4_Word seL4_GetMR(int i)
{
    return seL4_GetIPCBuffer()->msg[i];
}

static inline void seL4_SetMR(int i, seL4_Word mr)
{
    seL4_GetIPCBuffer()->msg[i] = mr;
}

static inline seL4_Word seL4_GetUserData(void)
{
    return seL4_GetIPCBuffer()->userData;
}

static inline void seL4_SetUserData(seL4_Word data)
{
    seL4_GetIPCBuffer()->userData = data;
}

static inline seL4_Word seL4_GetBadge(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}

static inline seL4_CPtr seL4_GetCap(int i)
{
    return seL4_GetIPCBuffer()->caps_or_badges[i];
}

static inline void seL4_SetCap(int i, seL4_CPtr cptr)
{
    seL4_GetIPCBuffer()->caps_or_badges[i] = cptr;
}

static inline void seL4_GetCapReceivePath(seL4_CPtr *receiveCNode, seL4_CPtr *receiveIndex,
                                          seL4_Word *receiveDepth)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    if (receiveCNode) {
        *receiveCNode = ipc->receiveCNode;
    }
    if (receiveIndex) {
        *receiveIndex = ipc->receiveIndex;
    }
    if (receiveDepth) {
        *receiveDepth = ipc->receiveDepth;
    }
}

static inline void seL4_SetCapReceivePath(seL4_CPtr receiveCNode, seL4_CPtr receiveIndex,
                                          seL4_Word receiveDepth)
{
    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    ipc->receiveCNode = receiveCNode;
    ipc->receiveIndex = receiveIndex;
    ipc->receiveDepth = receiveDepth;
}

/* --- Raw entry sequences ---------------------------------------------------------------- */

/* Send-only calls: nothing comes back. */
static inline void x64_sys_send(seL4_Word sys, seL4_Word dest, seL4_Word info, seL4_Word mr0,
                                seL4_Word mr1, seL4_Word mr2, seL4_Word mr3)
{
    register seL4_Word r10 __asm__("r10") = mr0;
    register seL4_Word r8 __asm__("r8") = mr1;
    register seL4_Word r9 __asm__("r9") = mr2;
    register seL4_Word r15 __asm__("r15") = mr3;
    __asm__ volatile("movq %%rsp, %%rbx\n\t"
                     "syscall\n\t"
                     "movq %%rbx, %%rsp"
                     :
                     : "d"(sys), "D"(dest), "S"(info), "r"(r10), "r"(r8), "r"(r9), "r"(r15)
                     : "rcx", "rbx", "r11", "memory");
}

static inline void x64_sys_reply(seL4_Word sys, seL4_Word info, seL4_Word mr0, seL4_Word mr1,
                                 seL4_Word mr2, seL4_Word mr3)
{
    register seL4_Word r10 __asm__("r10") = mr0;
    register seL4_Word r8 __asm__("r8") = mr1;
    register seL4_Word r9 __asm__("r9") = mr2;
    register seL4_Word r15 __asm__("r15") = mr3;
    __asm__ volatile("movq %%rsp, %%rbx\n\t"
                     "syscall\n\t"
                     "movq %%rbx, %%rsp"
                     :
                     : "d"(sys), "S"(info), "r"(r10), "r"(r8), "r"(r9), "r"(r15)
                     : "rcx", "rbx", "r11", "memory");
}

/* Receive-only calls: badge, info and MR0..MR3 come back. */
static inline void x64_sys_recv(seL4_Word sys, seL4_Word src, seL4_Word *out_badge,
                                seL4_Word *out_info, seL4_Word *out_mr0, seL4_Word *out_mr1,
                                seL4_Word *out_mr2, seL4_Word *out_mr3)
{
    register seL4_Word r10 __asm__("r10");
    register seL4_Word r8 __asm__("r8");
    register seL4_Word r9 __asm__("r9");
    register seL4_Word r15 __asm__("r15");
    seL4_Word badge, info;
    __asm__ volatile("movq %%rsp, %%rbx\n\t"
                     "syscall\n\t"
                     "movq %%rbx, %%rsp"
                     : "=D"(badge), "=S"(info), "=r"(r10), "=r"(r8), "=r"(r9), "=r"(r15)
                     : "d"(sys), "D"(src)
                     : "rcx", "rbx", "r11", "memory");
    *out_badge = badge;
    *out_info = info;
    *out_mr0 = r10;
    *out_mr1 = r8;
    *out_mr2 = r9;
    *out_mr3 = r15;
}

/* Send-then-receive calls (Call, ReplyRecv): MRs in and out. */
static inline void x64_sys_send_recv(seL4_Word sys, seL4_Word dest, seL4_Word *out_badge,
                                     seL4_Word info, seL4_Word *out_info, seL4_Word *in_out_mr0,
                                     seL4_Word *in_out_mr1, seL4_Word *in_out_mr2,
                                     seL4_Word *in_out_mr3)
{
    register seL4_Word r10 __asm__("r10") = *in_out_mr0;
    register seL4_Word r8 __asm__("r8") = *in_out_mr1;
    register seL4_Word r9 __asm__("r9") = *in_out_mr2;
    register seL4_Word r15 __asm__("r15") = *in_out_mr3;
    __asm__ volatile("movq %%rsp, %%rbx\n\t"
                     "syscall\n\t"
                     "movq %%rbx, %%rsp"
                     : "+D"(dest), "+S"(info), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r15)
                     : "d"(sys)
                     : "rcx", "rbx", "r11", "memory");
    *out_badge = dest;
    *out_info = info;
    *in_out_mr0 = r10;
    *in_out_mr1 = r8;
    *in_out_mr2 = r9;
    *in_out_mr3 = r15;
}

/* Calls with no message at all (Yield, DebugHalt, ...). */
static inline void x64_sys_null(seL4_Word sys)
{
    __asm__ volatile("movq %%rsp, %%rbx\n\t"
                     "syscall\n\t"
                     "movq %%rbx, %%rsp"
                     :
                     : "d"(sys)
                     : "rcx", "rbx", "r11", "rsi", "rdi", "memory");
}

/* --- API system calls ------------------------------------------------------------------------- */

/* Optional MR pointers of the *WithMRs variants: absent ones are neither read nor written. */
static inline seL4_Word sel4_mr_in_(const seL4_Word *mr)
{
    return mr ? *mr : 0;
}

static inline void sel4_mr_out_(seL4_Word *mr, seL4_Word v)
{
    if (mr) {
        *mr = v;
    }
}

/* MR0..MR3 travel in registers; these move them between the registers and the buffer. */
static inline void sel4_store_mrs_(seL4_Word mr0, seL4_Word mr1, seL4_Word mr2, seL4_Word mr3)
{
    seL4_SetMR(0, mr0);
    seL4_SetMR(1, mr1);
    seL4_SetMR(2, mr2);
    seL4_SetMR(3, mr3);
}

/* Recv and NBRecv: the message's first words land in the IPC buffer like the rest. */
static inline seL4_MessageInfo_t sel4_recv_(seL4_Word sys, seL4_CPtr src, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word badge, mr0, mr1, mr2, mr3;
    x64_sys_recv(sys, src, &badge, &info.words[0], &mr0, &mr1, &mr2, &mr3);
    sel4_store_mrs_(mr0, mr1, mr2, mr3);
    sel4_mr_out_(sender, badge);
    return info;
}

/* Call and ReplyRecv: MRs from the IPC buffer out, the reply's MRs back into it. */
static inline seL4_MessageInfo_t sel4_send_recv_(seL4_Word sys, seL4_CPtr dest,
                                                 seL4_MessageInfo_t msgInfo, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word badge;
    seL4_Word mr0 = seL4_GetMR(0), mr1 = seL4_GetMR(1), mr2 = seL4_GetMR(2), mr3 = seL4_GetMR(3);
    x64_sys_send_recv(sys, dest, &badge, msgInfo.words[0], &info.words[0], &mr0, &mr1, &mr2, &mr3);
    sel4_store_mrs_(mr0, mr1, mr2, mr3);
    sel4_mr_out_(sender, badge);
    return info;
}

/* CallWithMRs and ReplyRecvWithMRs: MR0..MR3 only through the given pointers. */
static inline seL4_MessageInfo_t sel4_send_recv_with_mrs_(seL4_Word sys, seL4_CPtr dest,
                                                          seL4_MessageInfo_t msgInfo,
                                                          seL4_Word *sender, seL4_Word *mr0,
                                                          seL4_Word *mr1, seL4_Word *mr2,
                                                          seL4_Word *mr3)
{
    seL4_MessageInfo_t info;
    seL4_Word badge;
    seL4_Word m0 = sel4_mr_in_(mr0), m1 = sel4_mr_in_(mr1), m2 = sel4_mr_in_(mr2),
              m3 = sel4_mr_in_(mr3);
    x64_sys_send_recv(sys, dest, &badge, msgInfo.words[0], &info.words[0], &m0, &m1, &m2, &m3);
    sel4_mr_out_(mr0, m0);
    sel4_mr_out_(mr1, m1);
    sel4_mr_out_(mr2, m2);
    sel4_mr_out_(mr3, m3);
    sel4_mr_out_(sender, badge);
    return info;
}

static inline void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    x64_sys_send(seL4_SysSend, dest, msgInfo.words[0], seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2),
                 seL4_GetMR(3));
}

static inline void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    x64_sys_send(seL4_SysNBSend, dest, msgInfo.words[0], seL4_GetMR(0), seL4_GetMR(1),
                 seL4_GetMR(2), seL4_GetMR(3));
}

/* Send with the first four MRs passed directly (no IPC buffer needed for short messages). */
static inline void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                    seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    x64_sys_send(seL4_SysSend, dest, msgInfo.words[0], sel4_mr_in_(mr0), sel4_mr_in_(mr1),
                 sel4_mr_in_(mr2), sel4_mr_in_(mr3));
}

static inline void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo, seL4_Word *mr0,
                                      seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    x64_sys_send(seL4_SysNBSend, dest, msgInfo.words[0], sel4_mr_in_(mr0), sel4_mr_in_(mr1),
                 sel4_mr_in_(mr2), sel4_mr_in_(mr3));
}

static inline void seL4_Reply(seL4_MessageInfo_t msgInfo)
{
    x64_sys_reply(seL4_SysReply, msgInfo.words[0], seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2),
                  seL4_GetMR(3));
}

static inline void seL4_Signal(seL4_CPtr dest)
{
    x64_sys_send(seL4_SysSend, dest, seL4_MessageInfo_new(0, 0, 0, 1).words[0], 0, 0, 0, 0);
}

static inline seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender)
{
    return sel4_recv_(seL4_SysRecv, src, sender);
}

static inline seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender)
{
    return sel4_recv_(seL4_SysNBRecv, src, sender);
}

/* Receive keeping MR0..MR3 in registers only (the IPC buffer is not touched for them). */
static inline seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender, seL4_Word *mr0,
                                                  seL4_Word *mr1, seL4_Word *mr2, seL4_Word *mr3)
{
    seL4_MessageInfo_t info;
    seL4_Word badge, m0, m1, m2, m3;
    x64_sys_recv(seL4_SysRecv, src, &badge, &info.words[0], &m0, &m1, &m2, &m3);
    sel4_mr_out_(mr0, m0);
    sel4_mr_out_(mr1, m1);
    sel4_mr_out_(mr2, m2);
    sel4_mr_out_(mr3, m3);
    sel4_mr_out_(sender, badge);
    return info;
}

/* Waiting on a notification: only the badge word matters. */
static inline void seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    seL4_RecvWithMRs(src, sender, 0, 0, 0, 0);
}

static inline seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    seL4_MessageInfo_t info;
    seL4_Word badge, mr0, mr1, mr2, mr3;
    x64_sys_recv(seL4_SysNBRecv, src, &badge, &info.words[0], &mr0, &mr1, &mr2, &mr3);
    sel4_mr_out_(sender, badge);
    return info;
}

static inline seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    return sel4_send_recv_(seL4_SysCall, dest, msgInfo, 0);
}

static inline seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                  seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                                  seL4_Word *mr3)
{
    return sel4_send_recv_with_mrs_(seL4_SysCall, dest, msgInfo, 0, mr0, mr1, mr2, mr3);
}

static inline seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                seL4_Word *sender)
{
    return sel4_send_recv_(seL4_SysReplyRecv, src, msgInfo, sender);
}

static inline seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                       seL4_Word *sender, seL4_Word *mr0,
                                                       seL4_Word *mr1, seL4_Word *mr2,
                                                       seL4_Word *mr3)
{
    return sel4_send_recv_with_mrs_(seL4_SysReplyRecv, src, msgInfo, sender, mr0, mr1, mr2, mr3);
}

static inline void seL4_Yield(void)
{
    x64_sys_null(seL4_SysYield);
}

/* --- Debug system calls (debug + printing build) ------------------------------------------- */

static inline void seL4_DebugPutChar(char c)
{
    x64_sys_send(seL4_SysDebugPutChar, (seL4_Word)(unsigned char)c, 0, 0, 0, 0, 0);
}

static inline void seL4_DebugDumpScheduler(void)
{
    x64_sys_null(seL4_SysDebugDumpScheduler);
}

static inline void seL4_DebugHalt(void)
{
    x64_sys_null(seL4_SysDebugHalt);
}

static inline seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    seL4_Word badge, info, mr0, mr1, mr2, mr3;
    x64_sys_recv(seL4_SysDebugCapIdentify, cap, &badge, &info, &mr0, &mr1, &mr2, &mr3);
    return (seL4_Uint32)badge;
}

/* Names a thread for the kernel's diagnostics; the name travels in the IPC buffer. */
static inline void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *dst = (char *)&seL4_GetIPCBuffer()->msg[0];
    unsigned i = 0;
    for (; name[i] && i < seL4_MsgMaxLength * sizeof(seL4_Word) - 1; i++) {
        dst[i] = name[i];
    }
    dst[i] = 0;
    x64_sys_send(seL4_SysDebugNameThread, tcb, 0, 0, 0, 0, 0);
}

/* Sets the calling thread's TLS base (FS base) without an IPC buffer. */
static inline void seL4_SetTLSBase(seL4_Word tls_base)
{
    x64_sys_send(seL4_SysSetTLSBase, tls_base, 0, 0, 0, 0, 0);
}

/* --- Cycle accounting (upstream CONFIG_BENCHMARK_TRACK_UTILISATION) ----------------------- */

/* Resets the kernel-wide accounting period (and its start time). */
static inline void seL4_BenchmarkResetLog(void)
{
    x64_sys_null(seL4_SysBenchmarkResetLog);
}

/* Ends the accounting period: BENCHMARK_TOTAL_UTILISATION covers reset..finalize. */
static inline void seL4_BenchmarkFinalizeLog(void)
{
    x64_sys_null(seL4_SysBenchmarkFinalizeLog);
}

/* Writes the thread's, the idle thread's and the totals' counters into IPC buffer msg[]. */
static inline void seL4_BenchmarkGetThreadUtilisation(seL4_CPtr tcb)
{
    x64_sys_send(seL4_SysBenchmarkGetThreadUtilisation, tcb, 0, 0, 0, 0, 0);
}

static inline void seL4_BenchmarkResetThreadUtilisation(seL4_CPtr tcb)
{
    x64_sys_send(seL4_SysBenchmarkResetThreadUtilisation, tcb, 0, 0, 0, 0, 0);
}
