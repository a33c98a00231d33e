/*
 * rt_thread: extra threads and address spaces for root tasks, built from an rt_alloc.
 *
 * rt_thread_new() creates a TCB with its own IPC buffer frame and TLS block, configured to
 * run in a given CSpace and VSpace (the root task's by default); rt_thread_start() points it
 * at a function and resumes it. The function's stack and TLS area are memory of the root
 * task's image, so a thread in another VSpace only runs if that VSpace maps the image at
 * the same addresses: rt_map_image() does that with copies of the root task's own image
 * frame caps (bootinfo userImageFrames).
 */
#pragma once

#include <rt_alloc.h>

struct rt_thread_config {
    seL4_CPtr cspace;      /* CSpace root cap (0: the root task's CNode) */
    seL4_Word cspace_data; /* guard of that root (CNode cap data), when cspace != 0 */
    seL4_CPtr vspace;      /* VSpace root (0: the root task's) */
    seL4_CPtr fault_ep;    /* fault endpoint cptr in the thread's own CSpace, or 0 */
    seL4_Word prio, mcp;   /* authority: the root task's TCB (MCP 255) */
    seL4_Word ipc_vaddr;   /* where the new IPC buffer frame is mapped in vspace */
    void *stack;           /* stack memory (16-byte aligned) and its size */
    size_t stack_size;
    void *tls_area; /* runtime_tls_size() bytes, 16-byte aligned */
};

struct rt_thread {
    seL4_CPtr tcb;       /* in the allocator's CNode */
    seL4_CPtr ipc_frame; /* the IPC buffer frame cap, in the allocator's CNode */
    seL4_IPCBuffer *ipc; /* the IPC buffer's address in the thread's VSpace */
    uintptr_t stack_top;
    uintptr_t tls; /* thread pointer (FS base) */
    void (*fn)(void *);
    void *arg;
};

/* Creates the thread (suspended). Returns the first failing invocation's error. */
seL4_Error rt_thread_new(struct rt_alloc *a, struct rt_thread *t,
                         const struct rt_thread_config *cfg);

/*
 * Starts fn(arg) on the thread with an empty stack (any previous run is abandoned). The
 * thread's IPC buffer pointer (seL4_GetIPCBuffer) is set before fn runs. fn should not
 * return; if it does, the thread suspends itself if its TCB cptr is valid in its own
 * CSpace, and otherwise stops with a fault.
 */
seL4_Error rt_thread_start(struct rt_thread *t, void (*fn)(void *), void *arg);

/* How rt_map_image maps the pages of writable (data, bss) segments. */
enum rt_image_data {
    RT_IMAGE_CODE_ONLY,   /* leave them out: only text and read-only data are mapped */
    RT_IMAGE_SHARED_DATA, /* map them read-write: the new space shares the root's data */
};

/*
 * Maps the root task's image into `vspace` at the addresses it has in the root task's own
 * VSpace, read-only except for data pages as `data` says. Paging structures and cap slots
 * come from `a`. Returns the first mapping error.
 */
seL4_Error rt_map_image(struct rt_alloc *a, seL4_CPtr vspace, enum rt_image_data data);
