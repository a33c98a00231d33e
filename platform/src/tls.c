/*
 * Per-thread TLS (x86_64 ELF variant II, built by runtime_tls_init: the block sits below the
 * thread pointer and %fs:0 holds the pointer itself). Every platform thread has its own
 * block, so __thread variables -- the rump kernel's curlwp, errno, libsel4's IPC buffer
 * pointer -- are per thread even though all threads share one TCB and one FS base register,
 * which the scheduler reloads on every switch.
 */
#include "internal.h"

/* Set once the initial context has its TLS; reading %fs:0 before that would fault. */
static bool tls_ready;

uintptr_t pf_tls_current(void)
{
    uintptr_t tp;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(tp));
    return tp;
}

size_t pf_tls_area_size(void)
{
    return runtime_tls_size();
}

void *pf_tls_area(uintptr_t tp)
{
    return runtime_tls_area(tp);
}

uintptr_t pf_tls_init(void *area)
{
    uintptr_t tp = runtime_tls_init(area);
    /*
     * libsel4 reaches the IPC buffer through a __thread pointer. All threads run on the
     * same TCB, hence use the same buffer: copy the pointer into the new block at the
     * variable's fixed offset from the thread pointer (static executable: local-exec TLS).
     * The initial context has no TLS yet when it gets here; pf_tls_load sets its pointer.
     */
    if (tls_ready) {
        uintptr_t offset = (uintptr_t)&__sel4_ipc_buffer - pf_tls_current();
        *(seL4_IPCBuffer **)(tp + offset) = (seL4_IPCBuffer *)pf_uk->ipc_buffer;
    }
    return tp;
}

void pf_tls_load(uintptr_t tp)
{
    /* The pinned kernel is configured with FSGSBASE "msr": this syscall exists, wrfsbase
     * does not (QEMU's Nehalem model lacks the instruction). */
    seL4_SetTLSBase(tp);
    if (!tls_ready) {
        tls_ready = true;
        seL4_SetIPCBuffer((seL4_IPCBuffer *)pf_uk->ipc_buffer);
    }
}
