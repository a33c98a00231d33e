/*
 * Extra threads and image mappings for root tasks (see rt_thread.h).
 */
#include <rt_thread.h>
#include <sel4/elf64.h>

extern const Elf64_Ehdr __ehdr_start;

seL4_Error rt_thread_new(struct rt_alloc *a, struct rt_thread *t,
                         const struct rt_thread_config *cfg)
{
    memset(t, 0, sizeof(*t));
    seL4_CPtr cspace = cfg->cspace ? cfg->cspace : seL4_CapInitThreadCNode;
    seL4_Word cspace_data = cfg->cspace ? cfg->cspace_data : 0;
    seL4_CPtr vspace = cfg->vspace ? cfg->vspace : seL4_CapInitThreadVSpace;
    seL4_Error err = rt_alloc_object(a, seL4_TCBObject, 0, &t->tcb);
    if (err == seL4_NoError) {
        err = rt_alloc_object(a, seL4_X86_4K, 0, &t->ipc_frame);
    }
    if (err == seL4_NoError) {
        err = rt_map_frame(a, vspace, t->ipc_frame, cfg->ipc_vaddr, seL4_ReadWrite,
                           seL4_X86_Default_VMAttributes);
    }
    if (err == seL4_NoError) {
        err = seL4_TCB_Configure(t->tcb, cfg->fault_ep, cspace, cspace_data, vspace, 0,
                                 cfg->ipc_vaddr, t->ipc_frame);
    }
    if (err == seL4_NoError) {
        err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, cfg->mcp, cfg->prio);
    }
    if (err != seL4_NoError) {
        return err;
    }
    t->ipc = (seL4_IPCBuffer *)cfg->ipc_vaddr;
    /* The System V ABI wants the stack 16-byte aligned at a call; entry is "after" one. */
    t->stack_top = ((uintptr_t)cfg->stack + cfg->stack_size) & ~(uintptr_t)15;
    t->tls = runtime_tls_init(cfg->tls_area);
    return seL4_TCB_SetTLSBase(t->tcb, t->tls);
}

/* First code of every rt_thread: per-thread libsel4 state, then the thread's function. */
static void rt_thread_trampoline(struct rt_thread *t)
{
    seL4_SetIPCBuffer(t->ipc);
    t->fn(t->arg);
    seL4_TCB_Suspend(t->tcb);
    __builtin_trap();
}

seL4_Error rt_thread_start(struct rt_thread *t, void (*fn)(void *), void *arg)
{
    t->fn = fn;
    t->arg = arg;
    seL4_UserContext ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.rip = (seL4_Word)rt_thread_trampoline;
    ctx.rsp = t->stack_top - 8; /* as if the trampoline had been called */
    ctx.rflags = 0x202;
    ctx.rdi = (seL4_Word)t;
    /* rip .. rbp, the first 10 words of seL4_UserContext; FS base was set at creation. */
    return seL4_TCB_WriteRegisters(t->tcb, 1, 0, 10, &ctx);
}

/* 1 if any byte of the page at `vaddr` belongs to a writable loadable segment. */
static int page_is_writable(seL4_Word vaddr)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
    for (unsigned i = 0; i < __ehdr_start.e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD || !(ph[i].p_flags & PF_W)) {
            continue;
        }
        if (vaddr < ph[i].p_vaddr + ph[i].p_memsz && ph[i].p_vaddr < vaddr + 4096) {
            return 1;
        }
    }
    return 0;
}

seL4_Error rt_map_image(struct rt_alloc *a, seL4_CPtr vspace, enum rt_image_data data)
{
    const seL4_BootInfo *bi = runtime_bootinfo();
    /* Frame i of the region maps the i-th page from the image's lowest address. */
    seL4_Word base = (seL4_Word)&__ehdr_start & ~0xffful;
    for (seL4_Word i = 0; i < bi->userImageFrames.end - bi->userImageFrames.start; i++) {
        seL4_Word vaddr = base + i * 4096;
        int writable = page_is_writable(vaddr);
        if (writable && data == RT_IMAGE_CODE_ONLY) {
            continue;
        }
        /* A frame cap maps once: the new space gets a copy of the root task's cap. */
        seL4_CPtr copy = rt_alloc_slot(a);
        if (!copy) {
            return seL4_NotEnoughMemory;
        }
        seL4_Error err =
            seL4_CNode_Copy(a->cnode, copy, seL4_WordBits, seL4_CapInitThreadCNode,
                            bi->userImageFrames.start + i, seL4_WordBits, seL4_AllRights);
        if (err == seL4_NoError) {
            err = rt_map_frame(a, vspace, copy, vaddr, writable ? seL4_ReadWrite : seL4_CanRead,
                               seL4_X86_Default_VMAttributes);
        }
        if (err != seL4_NoError) {
            return err;
        }
    }
    return seL4_NoError;
}
