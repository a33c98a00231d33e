/*
 * Building, restarting and destroying the fuzz world (see world.h).
 */
#include <rt_thread.h>
#include "world.h"
#include "../common/cmos.h"

#define TRY(what, expr)           \
    do {                          \
        seL4_Error e_ = (expr);   \
        if (e_ != seL4_NoError) { \
            w->failed = (what);   \
            w->error = e_;        \
            return -1;            \
        }                         \
    } while (0)

#define ROOT_CNODE seL4_CapInitThreadCNode
/* The supervisor's view of fz_config: writable (the fuzz world's mapping is not). */
#define FZ_CONFIG_W ((struct fz_config *)FZ_CONFIG_VADDR)
#define WORD_BITS   seL4_WordBits

/* Rights of the fault endpoint caps: send, and grant-reply so that faults can be sent. */
#define FAULT_EP_RIGHTS seL4_CapRights_new(1, 0, 0, 1)
/* Guard data of the thread's root cap (R), and of B. */
#define ROOT_GUARD seL4_CNode_CapData_new(0, FZ_ROOT_GUARD_BITS).words[0]
#define B_GUARD    seL4_CNode_CapData_new(FZ_B_GUARD, FZ_B_BITS).words[0]

/* The fuzz CNode and index (at the CNode's own radix) holding slot `id`. */
static void slot_of(const struct fz_world *w, unsigned id, seL4_CPtr *node, seL4_Word *index,
                    uint8_t *depth)
{
    if (id < FZ_ID_A) {
        *node = w->r, *index = id, *depth = FZ_R_BITS;
    } else if (id < FZ_ID_B) {
        *node = w->a, *index = id - FZ_ID_A, *depth = FZ_A_BITS;
    } else {
        *node = w->b, *index = id - FZ_ID_B, *depth = FZ_B_BITS;
    }
}

/* Notes that slot `id` holds a cap of `type`, for the fuzz threads' generators. */
static void note(unsigned id, unsigned type)
{
    for (unsigned k = 0; k < FZ_FUZZERS; k++) {
        struct fz_shared *st = FZ_STATE_OF(k);
        st->type_cache[id] = (uint8_t)type;
        if (st->n_by_type[type] < FZ_MAX_PER_TYPE) {
            st->by_type[type][st->n_by_type[type]++] = (uint16_t)id;
        }
    }
}

/* Puts a copy (badge 0) or a mint of root-CNode cap `src` into fuzz slot `id`. */
static seL4_Error give(struct fz_world *w, unsigned id, seL4_CPtr src, seL4_CapRights_t rights,
                       seL4_Word badge, unsigned type)
{
    seL4_CPtr node;
    seL4_Word index;
    uint8_t depth;
    slot_of(w, id, &node, &index, &depth);
    note(id, type);
    if (badge) {
        return seL4_CNode_Mint(node, index, depth, ROOT_CNODE, src, WORD_BITS, rights, badge);
    }
    return seL4_CNode_Copy(node, index, depth, ROOT_CNODE, src, WORD_BITS, rights);
}

/* Moves root-CNode cap `src` into fuzz slot `id` (for caps that cannot be copied). */
static seL4_Error give_move(struct fz_world *w, unsigned id, seL4_CPtr src, unsigned type)
{
    seL4_CPtr node;
    seL4_Word index;
    uint8_t depth;
    slot_of(w, id, &node, &index, &depth);
    note(id, type);
    return seL4_CNode_Move(node, index, depth, ROOT_CNODE, src, WORD_BITS);
}

/* A new object from the arena, moved into fuzz slot `id`. */
static seL4_Error give_new(struct fz_world *w, unsigned id, seL4_Word type, seL4_Word bits,
                           unsigned tag)
{
    seL4_CPtr cap;
    seL4_Error err = rt_alloc_object(&w->arena, type, bits, &cap);
    return err != seL4_NoError ? err : give_move(w, id, cap, tag);
}

/* A CNode cap (with guard data) in A slot `id`, invocable by the fuzz thread. */
static seL4_Error give_node(struct fz_world *w, unsigned id, seL4_CPtr src, seL4_Word guard,
                            enum fz_geom geom)
{
    struct fz_config *cfg = FZ_CONFIG_W;
    cfg->geom[id] = (uint8_t)geom;
    cfg->nodes[cfg->n_nodes++] = (uint16_t)id;
    return guard ? give(w, id, src, seL4_AllRights, guard, seL4_CapType_CNode)
                 : give(w, id, src, seL4_AllRights, 0, seL4_CapType_CNode);
}

static seL4_Error map_new(struct fz_world *w, seL4_CPtr vspace, seL4_Word vaddr, seL4_CPtr *frame)
{
    seL4_Error err = rt_alloc_object(&w->arena, seL4_X86_4K, 0, frame);
    return err != seL4_NoError ? err
                               : rt_map_frame(&w->arena, vspace, *frame, vaddr, seL4_ReadWrite,
                                              seL4_X86_Default_VMAttributes);
}

/* Maps a copy of root-CNode frame cap `frame` at vaddr in vspace. */
static seL4_Error map_copy(struct fz_world *w, seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                           seL4_CapRights_t rights)
{
    seL4_CPtr copy = rt_alloc_slot(&w->arena);
    seL4_Error err =
        seL4_CNode_Copy(ROOT_CNODE, copy, WORD_BITS, ROOT_CNODE, frame, WORD_BITS, seL4_AllRights);
    return err != seL4_NoError ? err
                               : rt_map_frame(&w->arena, vspace, copy, vaddr, rights,
                                              seL4_X86_Default_VMAttributes);
}

/* A VSpace of the world: the image's code and fz_config, read-only. */
static int new_vspace(struct fz_world *w, seL4_CPtr *pml4)
{
    TRY("PML4", rt_alloc_object(&w->arena, seL4_X64_PML4Object, 0, pml4));
    TRY("ASID pool assign", seL4_X86_ASIDPool_Assign(seL4_CapInitThreadASIDPool, *pml4));
    TRY("mapping the image", rt_map_image(&w->arena, *pml4, RT_IMAGE_CODE_ONLY));
    TRY("mapping fz_config", map_copy(w, *pml4, w->config, FZ_CONFIG_VADDR, seL4_CanRead));
    return 0;
}

/* Stack and IPC buffer of thread t (0: the fuzz thread) in vspace. */
static int private_pages(struct fz_world *w, seL4_CPtr vspace, unsigned t, seL4_CPtr *ipc_frame)
{
    seL4_CPtr frame;
    for (unsigned p = 1; p <= FZ_STACK_PAGES; p++) {
        TRY("mapping a stack", map_new(w, vspace, FZ_STACK_TOP(t) - p * 4096ul, &frame));
    }
    TRY("mapping an IPC buffer", map_new(w, vspace, FZ_IPC_VADDR(t), ipc_frame));
    return 0;
}

/*
 * Two VSpaces: the fuzz thread's, where fz_shared is mapped too, and the victims'. Victims
 * are the threads the fuzz thread rewrites registers of; in a space of their own, one
 * running wild (or turned into a clone of the fuzz thread by CopyRegisters) cannot write
 * the fuzz thread's stack or state, unless the fuzz thread moves it into its own space.
 */
static int build_vspaces(struct fz_world *w)
{
    if (new_vspace(w, &w->pml4) || new_vspace(w, &w->victim_pml4)) {
        return -1;
    }
    /* Each fuzz thread has thread index 0 in its space, and its fz_shared there. */
    for (unsigned k = 0; k < FZ_FUZZERS; k++) {
        seL4_CPtr vspace = k == 0 ? w->pml4 : w->victim_pml4;
        if (private_pages(w, vspace, 0, &w->fuzzer_ipc[k])) {
            return -1;
        }
        for (unsigned i = 0; i < FZ_SHARED_PAGES; i++) {
            TRY("mapping fz_shared",
                map_copy(w, vspace, w->shared[k][i], FZ_SHARED_VADDR + i * 4096ul, seL4_ReadWrite));
        }
    }
    for (unsigned i = 0; i < FZ_VICTIMS; i++) {
        if (private_pages(w, w->victim_pml4, i + 1, &w->victim_ipc[i])) {
            return -1;
        }
    }
    return 0;
}

/* Paging objects of the fuzz thread's own: two frames and a page table mapped in the
 * scratch area, a page directory mapped above it, and unmapped ones of every kind. */
static int give_paging(struct fz_world *w)
{
    seL4_CPtr pt, pd, f1, f2, f3;
    TRY("scratch PT", rt_alloc_object(&w->arena, seL4_X86_PageTableObject, 0, &pt));
    TRY("mapping the scratch PT", seL4_X86_PageTable_Map(pt, w->pml4, FZ_SCRATCH_VADDR, 0));
    TRY("scratch frame", map_new(w, w->pml4, FZ_SCRATCH_VADDR, &f1));
    TRY("scratch frame", map_new(w, w->pml4, FZ_SCRATCH_VADDR + 4096, &f2));
    TRY("scratch PD", rt_alloc_object(&w->arena, seL4_X86_PageDirectoryObject, 0, &pd));
    TRY("mapping the scratch PD", seL4_X86_PageDirectory_Map(pd, w->pml4, FZ_SCRATCH_PD, 0));
    TRY("frame", rt_alloc_object(&w->arena, seL4_X86_4K, 0, &f3));
    TRY("frame copy", give(w, FZ_ID_A + 7, f3, seL4_CanRead, 0, seL4_CapType_Frame));
    TRY("mapped frame", give_move(w, 24, f1, seL4_CapType_Frame));
    TRY("mapped frame", give_move(w, 25, f2, seL4_CapType_Frame));
    TRY("frame", give_move(w, 26, f3, seL4_CapType_Frame));
    TRY("frame", give_new(w, 27, seL4_X86_4K, 0, seL4_CapType_Frame));
    TRY("large page", give_new(w, 28, seL4_X86_LargePageObject, 0, seL4_CapType_Frame));
    TRY("mapped PT", give_move(w, 29, pt, seL4_CapType_PageTable));
    TRY("PT", give_new(w, 30, seL4_X86_PageTableObject, 0, seL4_CapType_PageTable));
    TRY("PD", give_new(w, 31, seL4_X86_PageDirectoryObject, 0, seL4_CapType_PageDirectory));
    TRY("PDPT", give_new(w, 32, seL4_X86_PDPTObject, 0, seL4_CapType_PDPT));
    TRY("own PML4", give(w, 33, w->pml4, seL4_AllRights, 0, seL4_CapType_PML4));
    TRY("PML4", give_new(w, 34, seL4_X64_PML4Object, 0, seL4_CapType_PML4));
    TRY("victims' PML4", give(w, 48, w->victim_pml4, seL4_AllRights, 0, seL4_CapType_PML4));
    TRY("mapped PD", give_move(w, 44, pd, seL4_CapType_PageDirectory));
    return 0;
}

/* Endpoints and notifications with a spread of badges and rights. */
static int give_ipc_objects(struct fz_world *w, seL4_CPtr *n1, seL4_CPtr *n2)
{
    seL4_CPtr e1, e2;
    const unsigned EP = seL4_CapType_Endpoint, NT = seL4_CapType_Notification;
    TRY("endpoint", rt_alloc_object(&w->arena, seL4_EndpointObject, 0, &e1));
    TRY("endpoint", rt_alloc_object(&w->arena, seL4_EndpointObject, 0, &e2));
    TRY("notification", rt_alloc_object(&w->arena, seL4_NotificationObject, 0, n1));
    TRY("notification", rt_alloc_object(&w->arena, seL4_NotificationObject, 0, n2));
    for (unsigned k = 0; k < FZ_FUZZERS; k++) {
        TRY("fault EP cap",
            give(w, FZ_ID_FAULT_EP(k), w->fault_ep, FAULT_EP_RIGHTS, FZ_FAULT_BADGE(k), EP));
    }
    for (unsigned i = 0; i < FZ_VICTIMS; i++) {
        TRY("fault EP cap", give(w, FZ_ID_VICTIM_FAULT_EP(i), w->fault_ep, FAULT_EP_RIGHTS,
                                 FZ_VICTIM_FAULT_BADGE(i), EP));
    }
    TRY("E1", give(w, 9, e1, seL4_AllRights, 0, EP));
    TRY("E1", give(w, 10, e1, seL4_CanWrite, 0x11, EP));
    TRY("E1", give(w, 11, e1, seL4_CapRights_new(0, 1, 0, 1), 0x12, EP));
    TRY("E1", give(w, 12, e1, seL4_CanRead, 0, EP));
    TRY("E1", give(w, 43, e1, seL4_AllRights, 0x13, EP));
    TRY("E1", give(w, FZ_ID_B + 0, e1, seL4_AllRights, 0x14, EP));
    TRY("E2", give(w, 13, e2, seL4_AllRights, 0, EP));
    TRY("E2", give(w, 14, e2, seL4_CapRights_new(1, 1, 0, 1), 0x21, EP));
    TRY("E2", give(w, FZ_ID_A + 4, e2, seL4_AllRights, 0, EP));
    TRY("N1", give(w, 15, *n1, seL4_AllRights, 0, NT));
    TRY("N1", give(w, 16, *n1, seL4_CanWrite, 0x1, NT));
    TRY("N1", give(w, 17, *n1, seL4_CanWrite, 0x2, NT));
    TRY("N1", give(w, FZ_ID_A + 5, *n1, seL4_AllRights, 0, NT));
    TRY("N2", give(w, 18, *n2, seL4_AllRights, 0, NT));
    TRY("N2", give(w, 19, *n2, seL4_CanRead, 0, NT));
    TRY("N2", give(w, 45, *n2, seL4_CanWrite, 0x4, NT));
    return 0;
}

/* A 64 KiB device untyped, from the one device untyped the supervisor put in the arena:
 * unbacked physical space far above RAM and every device, so nothing happens whatever the
 * fuzz world maps there and writes (fails if there is none). */
static seL4_Error device_untyped(struct fz_world *w, seL4_CPtr *cap)
{
    seL4_Word paddr;
    return rt_alloc_device_object(&w->arena, seL4_UntypedObject, 16, cap, &paddr);
}

/*
 * Untypeds, address-space authority, IRQ handlers, I/O ports. Not IRQControl (nor
 * IOPortControl, which could issue the debug-exit port): neither can be copied (both derive
 * to a null cap), and moving the only one into the world would lose it with the world.
 */
static int give_authority(struct fz_world *w, seL4_CPtr n1)
{
    seL4_CPtr dev, rtc_irq;
    const unsigned UT = seL4_CapType_Untyped;
    TRY("untyped", give_new(w, 20, seL4_UntypedObject, 12, UT));
    TRY("untyped", give_new(w, 21, seL4_UntypedObject, 16, UT));
    TRY("untyped", give_new(w, 22, seL4_UntypedObject, 20, UT));
    if (device_untyped(w, &dev) == seL4_NoError) {
        TRY("device untyped", give_move(w, 23, dev, UT));
    }
    TRY("ASID pool",
        give(w, 35, seL4_CapInitThreadASIDPool, seL4_AllRights, 0, seL4_CapType_ASIDPool));
    TRY("ASID control",
        give(w, 36, seL4_CapASIDControl, seL4_AllRights, 0, seL4_CapType_ASIDControl));
    /* Issued straight into the fuzz CNode: deleting the world frees the IRQs and ports, so
     * each of these failing on a rebuild would mean the kernel leaked them. */
    /* The RTC interrupt is live: it signals N1, whose waiter (a victim) acknowledges it. */
    rtc_irq = rt_alloc_slot(&w->arena);
    TRY("IRQ handler (IOAPIC pin 8, the RTC)",
        seL4_IRQControl_GetIOAPIC(seL4_CapIRQControl, ROOT_CNODE, rtc_irq, WORD_BITS, 0, 8, 0, 0,
                                  20));
    TRY("binding the RTC interrupt", seL4_IRQHandler_SetNotification(rtc_irq, n1));
    TRY("RTC IRQ handler", give_move(w, 38, rtc_irq, seL4_CapType_IRQHandler));
    note(39, seL4_CapType_IRQHandler);
    TRY("IRQ handler (MSI)",
        seL4_IRQControl_GetMSI(seL4_CapIRQControl, w->r, 39, FZ_R_BITS, 0, 3, 0, 0, 21));
    note(40, seL4_CapType_IOPort);
    TRY("I/O port 0x80 (POST)",
        seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, 0x80, 0x80, w->r, 40, FZ_R_BITS));
    w->cmos = rt_alloc_slot(&w->arena);
    TRY("I/O ports 0x70-0x71 (CMOS)",
        seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, CMOS_PORT_INDEX, CMOS_PORT_DATA,
                                     ROOT_CNODE, w->cmos, WORD_BITS));
    TRY("CMOS ports", give(w, 41, w->cmos, seL4_AllRights, 0, seL4_CapType_IOPort));
    rtc_periodic(w->cmos, 1);
    return 0;
}

/* A thread of the fuzz world, suspended, configured to start at entry(arg). */
static int new_thread(struct fz_world *w, seL4_CPtr *tcb, seL4_CPtr vspace, unsigned index,
                      seL4_CPtr ipc_frame, unsigned fault_id)
{
    TRY("TCB", rt_alloc_object(&w->arena, seL4_TCBObject, 0, tcb));
    TRY("TCB_Configure", seL4_TCB_Configure(*tcb, fz_cptr(fault_id), w->r, ROOT_GUARD, vspace, 0,
                                            FZ_IPC_VADDR(index), ipc_frame));
    TRY("TCB_SetSchedParams",
        seL4_TCB_SetSchedParams(*tcb, seL4_CapInitThreadTCB, FZ_PRIO, FZ_PRIO));
    return 0;
}

static seL4_Error start_thread(seL4_CPtr tcb, unsigned index, void *entry, const void *arg)
{
    seL4_UserContext ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.rip = (seL4_Word)entry;
    ctx.rsp = FZ_STACK_TOP(index) - 8; /* as if called */
    ctx.rflags = 0x202;
    ctx.rdi = (seL4_Word)arg;
    return seL4_TCB_WriteRegisters(tcb, 1, 0, 10, &ctx);
}

/* The victims' parameters: who serves, calls and waits on what. */
static void set_victims(struct fz_config *cfg)
{
    static const struct {
        seL4_Word role;
        unsigned ep, other;
    } roles[FZ_VICTIMS] = {
        {FZ_ROLE_SERVER, 9, 0}, {FZ_ROLE_CLIENT, 13, 0}, {FZ_ROLE_WAITER, 15, 45}};
    for (unsigned i = 0; i < FZ_VICTIMS; i++) {
        struct fz_victim *v = &cfg->victim[i];
        v->ipc = (seL4_IPCBuffer *)FZ_IPC_VADDR(i + 1);
        v->role = roles[i].role;
        v->ep = fz_cptr(roles[i].ep);
        v->other = fz_cptr(roles[i].other);
        v->rtc_irq = fz_cptr(38);
        v->cmos = fz_cptr(41);
        /* Caps sent to a victim land in A slots 200.., through A[0] (R with its guard). */
        v->recv_cnode = fz_cptr(FZ_ID_A + 0);
        v->recv_index = (FZ_R_SLOT_A << 8) | (200 + i);
        v->recv_depth = WORD_BITS;
    }
}

static int build_threads(struct fz_world *w, seL4_CPtr n2)
{
    for (unsigned k = 0; k < FZ_FUZZERS; k++) {
        if (new_thread(w, &w->fuzzer[k], k == 0 ? w->pml4 : w->victim_pml4, 0, w->fuzzer_ipc[k],
                       FZ_ID_FAULT_EP(k))) {
            return -1;
        }
    }
    for (unsigned i = 0; i < FZ_VICTIMS; i++) {
        if (new_thread(w, &w->victim[i], w->victim_pml4, i + 1, w->victim_ipc[i],
                       FZ_ID_VICTIM_FAULT_EP(i))) {
            return -1;
        }
    }
    const unsigned TH = seL4_CapType_Thread;
    TRY("own TCB", give(w, 5, w->fuzzer[0], seL4_AllRights, 0, TH));
    TRY("own TCB", give(w, 42, w->fuzzer[0], seL4_AllRights, 0, TH));
    TRY("own TCB", give(w, FZ_ID_A + 6, w->fuzzer[0], seL4_AllRights, 0, TH));
    TRY("co-fuzzer TCB", give(w, 51, w->fuzzer[1], seL4_AllRights, 0, TH));
    for (unsigned i = 0; i < FZ_VICTIMS; i++) {
        TRY("victim TCB", give(w, 6 + i, w->victim[i], seL4_AllRights, 0, TH));
    }
    TRY("victim TCB", give(w, FZ_ID_B + 1, w->victim[1], seL4_AllRights, 0, TH));
    /* The server also waits for signals on N2 while it waits for calls. */
    TRY("binding N2", seL4_TCB_BindNotification(w->victim[0], n2));
    set_victims(FZ_CONFIG_W);
    return 0;
}

static int build_cspace(struct fz_world *w)
{
    TRY("CNode R", rt_alloc_object(&w->arena, seL4_CapTableObject, FZ_R_BITS, &w->r));
    TRY("CNode A", rt_alloc_object(&w->arena, seL4_CapTableObject, FZ_A_BITS, &w->a));
    TRY("CNode B", rt_alloc_object(&w->arena, seL4_CapTableObject, FZ_B_BITS, &w->b));
    /* The paths R[1] -> A and R[2] -> B, then the CNode caps the fuzz thread invokes. */
    TRY("path to A",
        seL4_CNode_Copy(w->r, FZ_R_SLOT_A, FZ_R_BITS, ROOT_CNODE, w->a, WORD_BITS, seL4_AllRights));
    TRY("path to B", seL4_CNode_Mint(w->r, FZ_R_SLOT_B, FZ_R_BITS, ROOT_CNODE, w->b, WORD_BITS,
                                     seL4_AllRights, B_GUARD));
    TRY("R cap", give_node(w, FZ_ID_A + 0, w->r, ROOT_GUARD, FZ_GEOM_R48));
    TRY("R cap", give_node(w, FZ_ID_A + 1, w->r, 0, FZ_GEOM_R0));
    TRY("A cap", give_node(w, FZ_ID_A + 2, w->a, 0, FZ_GEOM_A));
    TRY("B cap", give_node(w, FZ_ID_A + 3, w->b, B_GUARD, FZ_GEOM_B));
    return 0;
}

/* Clears what the supervisor publishes about a world; the generator states carry on. */
static void reset_shared(struct fz_config *cfg)
{
    for (unsigned k = 0; k < FZ_FUZZERS; k++) {
        struct fz_shared *st = FZ_STATE_OF(k);
        memset(st->by_type, 0, sizeof(st->by_type));
        memset(st->n_by_type, 0, sizeof(st->n_by_type));
        memset(st->type_cache, 0, sizeof(st->type_cache));
        st->tcb_dirty = 0;
        st->quiet = k != 0;
    }
    memset(cfg->geom, 0, sizeof(cfg->geom));
    cfg->n_nodes = 0;
    cfg->ipc = (seL4_IPCBuffer *)FZ_IPC_VADDR(0);
}

int fz_world_build(struct fz_world *w)
{
    seL4_CPtr n1, n2;
    w->failed = 0;
    fz_world_destroy(w);
    reset_shared(FZ_CONFIG_W);
    if (build_vspaces(w) || build_cspace(w) || give_paging(w) || give_ipc_objects(w, &n1, &n2) ||
        give_authority(w, n1) || build_threads(w, n2)) {
        return -1;
    }
    for (unsigned i = 0; i < FZ_VICTIMS; i++) {
        TRY("starting a victim",
            start_thread(w->victim[i], i + 1, fz_victim_main, &FZ_CONFIG->victim[i]));
    }
    for (unsigned k = FZ_FUZZERS; k-- > 0;) {
        TRY("starting a fuzz thread", start_thread(w->fuzzer[k], 0, fz_fuzz_main, FZ_SHARED));
    }
    return 0;
}

int fz_world_restart(struct fz_world *w, unsigned k, int full)
{
    seL4_CPtr tcb = w->fuzzer[k];
    w->failed = 0;
    if (full) {
        unsigned fault_id = FZ_ID_FAULT_EP(k);
        TRY("suspending a fuzz thread", seL4_TCB_Suspend(tcb));
        /* Its fault endpoint cap may be gone, moved or replaced: put a fresh one back. */
        seL4_CNode_Delete(w->r, fault_id, FZ_R_BITS);
        TRY("fault EP cap", seL4_CNode_Mint(w->r, fault_id, FZ_R_BITS, ROOT_CNODE, w->fault_ep,
                                            WORD_BITS, FAULT_EP_RIGHTS, FZ_FAULT_BADGE(k)));
        TRY("TCB_Configure", seL4_TCB_Configure(tcb, fz_cptr(fault_id), w->r, ROOT_GUARD,
                                                k == 0 ? w->pml4 : w->victim_pml4, 0,
                                                FZ_IPC_VADDR(0), w->fuzzer_ipc[k]));
        TRY("TCB_SetSchedParams",
            seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, FZ_PRIO, FZ_PRIO));
        /* An FPU-disabled flag would make it fault on its first SSE instruction. A bound
         * notification is left alone: harmless, and unbinding when there is none would
         * only fill upstream's log with errors. */
        seL4_TCB_SetFlags(tcb, ~0ul, 0);
        FZ_STATE_OF(k)->tcb_dirty = 0;
    }
    TRY("restarting a fuzz thread", start_thread(tcb, 0, fz_fuzz_main, FZ_SHARED));
    return 0;
}

int fz_world_restart_victim(struct fz_world *w, unsigned i)
{
    w->failed = 0;
    TRY("restarting a victim",
        start_thread(w->victim[i], i + 1, fz_victim_main, &FZ_CONFIG->victim[i]));
    return 0;
}

void fz_world_stop(struct fz_world *w)
{
    for (unsigned k = 0; k < FZ_FUZZERS; k++) {
        seL4_TCB_Suspend(w->fuzzer[k]);
    }
    for (unsigned i = 0; i < FZ_VICTIMS; i++) {
        seL4_TCB_Suspend(w->victim[i]);
    }
}

void fz_world_destroy(struct fz_world *w)
{
    if (w->cmos) {
        rtc_periodic(w->cmos, 0);
        w->cmos = 0;
    }
    rt_alloc_reset(&w->arena);
}
