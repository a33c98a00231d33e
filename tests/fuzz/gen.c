/*
 * The invocation generator: picks a syscall, a cptr, and a message shaped by the kind of
 * cap the cptr names. For every object invocation of the pinned ABI there is a template
 * (label, length, the kind of each message word and extra cap); most invocations follow it
 * so they get past the decoders' first checks and change kernel state, and the rest bend it
 * (wrong label, length, caps or words) to exercise the error paths.
 */
#include "gen.h"

/* Kinds of message word. */
enum {
    K_W,     /* anything from the general mix */
    K_IDX_S, /* slot index through the invoked CNode; the next word gets its depth */
    K_IDX_0, /* the same through extra cap 0 / 1 */
    K_IDX_1,
    K_DEPTH, /* filled together with the preceding index */
    K_NODE,  /* Retype: path from extra cap 0 to the destination CNode, then its depth */
    K_OFF,   /* Retype: slot offset in that CNode */
    K_TYPE,
    K_SIZE, /* object size bits, for the type in the first word */
    K_NUM,  /* number of objects */
    K_RIGHTS,
    K_BADGE,  /* badge, or guard data when minting a CNode */
    K_CSDATA, /* CSpace root data (guard) */
    K_VSDATA,
    K_FAULT, /* fault endpoint cptr */
    K_VADDR,
    K_ATTR,
    K_PRIO,
    K_FLAGS,
    K_COUNT, /* register count */
    K_PORT,
    K_IOAPIC,
    K_PIN,
    K_BIT,
    K_VECTOR,
    K_BUS,
    K_DEV,
    K_FUNC,
};

/* Kinds of extra cap. */
enum { C_ANY, C_CNODE, C_VSPACE, C_FRAME, C_TCB, C_NTFN, C_UNTYPED };

struct tmpl {
    uint8_t len, ncaps;
    uint8_t mr[8]; /* words past the eighth are K_W */
    uint8_t cap[3];
};

#define IDX_S K_IDX_S, K_DEPTH
#define IDX_0 K_IDX_0, K_DEPTH
#define IDX_1 K_IDX_1, K_DEPTH

/* Indexed by invocation label (upstream's order, see libsel4 constants.h). */
static const struct tmpl templates[seL4_NumInvocationLabels] = {
    [seL4_UntypedRetype] = {6, 1, {K_TYPE, K_SIZE, K_NODE, K_DEPTH, K_OFF, K_NUM}, {C_CNODE}},
    [seL4_TCBReadRegisters] = {2, 0, {K_FLAGS, K_COUNT}, {0}},
    [seL4_TCBWriteRegisters] = {22, 0, {K_FLAGS, K_COUNT}, {0}},
    [seL4_TCBCopyRegisters] = {1, 1, {K_FLAGS}, {C_TCB}},
    [seL4_TCBConfigure] = {4,
                           3,
                           {K_FAULT, K_CSDATA, K_VSDATA, K_VADDR},
                           {C_CNODE, C_VSPACE, C_FRAME}},
    [seL4_TCBSetPriority] = {1, 1, {K_PRIO}, {C_TCB}},
    [seL4_TCBSetMCPriority] = {1, 1, {K_PRIO}, {C_TCB}},
    [seL4_TCBSetSchedParams] = {2, 1, {K_PRIO, K_PRIO}, {C_TCB}},
    [seL4_TCBSetIPCBuffer] = {1, 1, {K_VADDR}, {C_FRAME}},
    [seL4_TCBSetSpace] = {3, 2, {K_FAULT, K_CSDATA, K_VSDATA}, {C_CNODE, C_VSPACE}},
    [seL4_TCBSuspend] = {0, 0, {0}, {0}},
    [seL4_TCBResume] = {0, 0, {0}, {0}},
    [seL4_TCBBindNotification] = {0, 1, {0}, {C_NTFN}},
    [seL4_TCBUnbindNotification] = {0, 0, {0}, {0}},
    [seL4_TCBSetTLSBase] = {1, 0, {K_W}, {0}},
    [seL4_TCBSetFlags] = {2, 0, {K_FLAGS, K_FLAGS}, {0}},
    [seL4_CNodeRevoke] = {2, 0, {IDX_S}, {0}},
    [seL4_CNodeDelete] = {2, 0, {IDX_S}, {0}},
    [seL4_CNodeCancelBadgedSends] = {2, 0, {IDX_S}, {0}},
    [seL4_CNodeCopy] = {5, 1, {IDX_S, IDX_0, K_RIGHTS}, {C_CNODE}},
    [seL4_CNodeMint] = {6, 1, {IDX_S, IDX_0, K_RIGHTS, K_BADGE}, {C_CNODE}},
    [seL4_CNodeMove] = {4, 1, {IDX_S, IDX_0}, {C_CNODE}},
    [seL4_CNodeMutate] = {5, 1, {IDX_S, IDX_0, K_BADGE}, {C_CNODE}},
    [seL4_CNodeRotate] = {8, 2, {IDX_S, K_BADGE, IDX_0, K_BADGE, IDX_1}, {C_CNODE, C_CNODE}},
    [seL4_CNodeSaveCaller] = {2, 0, {IDX_S}, {0}},
    [seL4_IRQIssueIRQHandler] = {3, 1, {K_VECTOR, IDX_0}, {C_CNODE}},
    [seL4_IRQAckIRQ] = {0, 0, {0}, {0}},
    [seL4_IRQSetIRQHandler] = {0, 1, {0}, {C_NTFN}},
    [seL4_IRQClearIRQHandler] = {0, 0, {0}, {0}},
    [seL4_X86PDPTMap] = {2, 1, {K_VADDR, K_ATTR}, {C_VSPACE}},
    [seL4_X86PDPTUnmap] = {0, 0, {0}, {0}},
    [seL4_X86PageDirectoryMap] = {2, 1, {K_VADDR, K_ATTR}, {C_VSPACE}},
    [seL4_X86PageDirectoryUnmap] = {0, 0, {0}, {0}},
    [seL4_X86PageTableMap] = {2, 1, {K_VADDR, K_ATTR}, {C_VSPACE}},
    [seL4_X86PageTableUnmap] = {0, 0, {0}, {0}},
    [seL4_X86PageMap] = {3, 1, {K_VADDR, K_RIGHTS, K_ATTR}, {C_VSPACE}},
    [seL4_X86PageUnmap] = {0, 0, {0}, {0}},
    [seL4_X86PageGetAddress] = {0, 0, {0}, {0}},
    [seL4_X86ASIDControlMakePool] = {2, 2, {IDX_1}, {C_UNTYPED, C_CNODE}},
    [seL4_X86ASIDPoolAssign] = {0, 1, {0}, {C_VSPACE}},
    [seL4_X86IOPortIn8] = {1, 0, {K_PORT}, {0}},
    [seL4_X86IOPortIn16] = {1, 0, {K_PORT}, {0}},
    [seL4_X86IOPortIn32] = {1, 0, {K_PORT}, {0}},
    [seL4_X86IOPortOut8] = {2, 0, {K_PORT, K_W}, {0}},
    [seL4_X86IOPortOut16] = {2, 0, {K_PORT, K_W}, {0}},
    [seL4_X86IOPortOut32] = {2, 0, {K_PORT, K_W}, {0}},
    [seL4_X86IRQIssueIRQHandlerIOAPIC] = {7,
                                          1,
                                          {IDX_0, K_IOAPIC, K_PIN, K_BIT, K_BIT, K_VECTOR},
                                          {C_CNODE}},
    [seL4_X86IRQIssueIRQHandlerMSI] = {7,
                                       1,
                                       {IDX_0, K_BUS, K_DEV, K_FUNC, K_W, K_VECTOR},
                                       {C_CNODE}},
};

/* The labels that mean something for each cap type (DebugCapIdentify tag): [first, last]. */
static void labels_for(unsigned type, unsigned *first, unsigned *last)
{
    static const uint8_t range[FZ_TYPES][2] = {
        [seL4_CapType_Untyped] = {seL4_UntypedRetype, seL4_UntypedRetype},
        [seL4_CapType_Thread] = {seL4_TCBReadRegisters, seL4_TCBSetFlags},
        [seL4_CapType_CNode] = {seL4_CNodeRevoke, seL4_CNodeSaveCaller},
        [seL4_CapType_IRQControl] = {seL4_X86IRQIssueIRQHandlerIOAPIC,
                                     seL4_X86IRQIssueIRQHandlerMSI},
        [seL4_CapType_IRQHandler] = {seL4_IRQAckIRQ, seL4_IRQClearIRQHandler},
        [seL4_CapType_Frame] = {seL4_X86PageMap, seL4_X86PageGetAddress},
        [seL4_CapType_PageTable] = {seL4_X86PageTableMap, seL4_X86PageTableUnmap},
        [seL4_CapType_PageDirectory] = {seL4_X86PageDirectoryMap, seL4_X86PageDirectoryUnmap},
        [seL4_CapType_PDPT] = {seL4_X86PDPTMap, seL4_X86PDPTUnmap},
        [seL4_CapType_ASIDControl] = {seL4_X86ASIDControlMakePool, seL4_X86ASIDControlMakePool},
        [seL4_CapType_ASIDPool] = {seL4_X86ASIDPoolAssign, seL4_X86ASIDPoolAssign},
        [seL4_CapType_IOPort] = {seL4_X86IOPortIn8, seL4_X86IOPortOut32},
    };
    *first = type < FZ_TYPES ? range[type][0] : 0;
    *last = type < FZ_TYPES ? range[type][1] : 0;
}

/* What the invocation being built has chosen so far: the words' kinds depend on it. */
struct build {
    struct fz_shared *st;
    seL4_Word caps[3];
    enum fz_geom geom[3];  /* of the invoked cap and extra caps 0, 1 when they are CNodes */
    unsigned retype_level; /* Retype: which CNode the destination path chose (0 R, 1 A, 2 B) */
    unsigned label;
    seL4_Word mr[seL4_MsgMaxLength]; /* last: only the templated first words are cleared */
};

static seL4_Word cap_of_kind(struct build *b, unsigned kind, unsigned k)
{
    struct fz_shared *st = b->st;
    static const uint8_t type_of[] = {
        [C_VSPACE] = seL4_CapType_PML4,     [C_FRAME] = seL4_CapType_Frame,
        [C_TCB] = seL4_CapType_Thread,      [C_NTFN] = seL4_CapType_Notification,
        [C_UNTYPED] = seL4_CapType_Untyped,
    };
    if (kind == C_CNODE) {
        return fz_node_cptr(st, &b->geom[1 + k]);
    }
    if (kind == C_ANY || fz_percent(st, 10)) {
        return fz_any_cptr(st, 0);
    }
    return fz_cptr_of_type(st, type_of[kind], 0);
}

/* Retype's destination: the root itself (depth 0), or the A or B CNode through it. */
static void retype_node(struct build *b, seL4_Word *index, seL4_Word *depth)
{
    struct fz_shared *st = b->st;
    enum fz_geom g = b->geom[1];
    unsigned r = (unsigned)fz_below(st, 100);
    b->retype_level = g == FZ_GEOM_A ? 1 : g == FZ_GEOM_B ? 2 : 0;
    *index = 0;
    *depth = 0;
    if (r < 60) {
        return;
    }
    if (r < 85 && (g == FZ_GEOM_R48 || g == FZ_GEOM_R0)) {
        b->retype_level = fz_percent(st, 80) ? 1 : 2;
        *index = b->retype_level == 1 ? FZ_R_SLOT_A : FZ_R_SLOT_B;
        *depth = g == FZ_GEOM_R48 ? 56 : 8;
        return;
    }
    *index = fz_word(st);
    *depth = fz_small(st, 65);
}

static seL4_Word size_bits_for(struct fz_shared *st, seL4_Word type)
{
    if (fz_percent(st, 10)) {
        return fz_small(st, 64);
    }
    switch (type) {
    case seL4_UntypedObject:
        return seL4_MinUntypedBits + fz_below(st, 14);
    case seL4_CapTableObject:
        return fz_below(st, 10);
    default:
        return fz_percent(st, 80) ? 0 : fz_below(st, 16);
    }
}

static seL4_Word csdata(struct fz_shared *st)
{
    switch (fz_below(st, 6)) {
    case 0:
    case 1:
        return seL4_CNode_CapData_new(0, FZ_ROOT_GUARD_BITS).words[0];
    case 2:
        return 0;
    case 3:
        return seL4_CNode_CapData_new(FZ_B_GUARD, 4).words[0];
    default:
        return fz_word(st);
    }
}

/* Word i of a templated message. */
static seL4_Word word_of_kind(struct build *b, unsigned kind, unsigned i)
{
    struct fz_shared *st = b->st;
    switch (kind) {
    case K_IDX_S:
    case K_IDX_0:
    case K_IDX_1: {
        /* Destinations of copies and new caps want an empty slot, sources an occupied one. */
        int empty = i == 0 && b->label != seL4_CNodeRevoke && b->label != seL4_CNodeDelete &&
                    b->label != seL4_CNodeCancelBadgedSends;
        fz_slot_addr(st, b->geom[kind - K_IDX_S], empty, &b->mr[i], &b->mr[i + 1]);
        return b->mr[i];
    }
    case K_DEPTH:
        return b->mr[i]; /* set with the index */
    case K_NODE:
        retype_node(b, &b->mr[i], &b->mr[i + 1]);
        return b->mr[i];
    case K_OFF:
        return fz_percent(st, 90) ? fz_level_slot(st, b->retype_level, 1) : fz_word(st);
    case K_TYPE:
        return fz_small(st, seL4_ObjectTypeCount);
    case K_SIZE:
        return size_bits_for(st, b->mr[0]);
    case K_NUM:
        return fz_percent(st, 70) ? 1 : fz_percent(st, 70) ? 2 + fz_below(st, 7) : fz_word(st);
    case K_RIGHTS:
        return fz_small(st, 16);
    case K_BADGE:
        return fz_percent(st, 25) ? 0 : fz_percent(st, 60) ? fz_below(st, 256) : fz_word(st);
    case K_CSDATA:
        return csdata(st);
    case K_VSDATA:
        return fz_percent(st, 90) ? 0 : fz_word(st);
    case K_FAULT:
        return fz_percent(st, 60)
                   ? fz_cptr(fz_percent(st, 70) ? FZ_ID_FAULT_EP(fz_below(st, FZ_FUZZERS))
                                                : FZ_ID_VICTIM_FAULT_EP(fz_below(st, FZ_VICTIMS)))
                   : fz_any_cptr(st, 0);
    case K_VADDR:
        return fz_vaddr(st);
    case K_ATTR:
        return fz_small(st, 5);
    case K_PRIO:
        return fz_percent(st, 80) ? fz_below(st, FZ_PRIO + 1) : fz_small(st, 256);
    case K_FLAGS:
        return fz_percent(st, 80) ? fz_below(st, 4) : fz_word(st);
    case K_COUNT:
        return fz_small(st, 21);
    case K_PORT:
        return fz_port(st);
    case K_IOAPIC:
        return fz_small(st, 1);
    case K_PIN:
        return fz_small(st, 24);
    case K_BIT:
        return fz_small(st, 2);
    case K_VECTOR:
        return fz_small(st, seL4_MaxUserVector + 1);
    case K_BUS:
        return fz_small(st, 256);
    case K_DEV:
        return fz_small(st, 32);
    case K_FUNC:
        return fz_small(st, 8);
    default:
        return fz_word(st);
    }
}

/* A label, a length and words for an object invocation on a cap of `type`. */
static seL4_MessageInfo_t invocation(struct build *b, unsigned type)
{
    struct fz_shared *st = b->st;
    unsigned first, last, label;
    labels_for(type, &first, &last);
    unsigned r = (unsigned)fz_below(st, 100);
    if (first && r < 82) {
        label = first + (unsigned)fz_below(st, last - first + 1);
    } else if (r < 92) {
        label = (unsigned)fz_below(st, seL4_NumInvocationLabels + 3);
    } else {
        label = 0;
    }
    const struct tmpl *t = label < seL4_NumInvocationLabels ? &templates[label] : &templates[0];
    b->label = label;
    unsigned ncaps = fz_percent(st, 85) ? t->ncaps : (unsigned)fz_below(st, 4);
    for (unsigned k = 0; k < ncaps; k++) {
        b->caps[k] = cap_of_kind(b, k < t->ncaps ? t->cap[k] : C_ANY, k);
    }
    unsigned len = t->len;
    if (fz_percent(st, 15)) {
        len = (unsigned)fz_below(st, 128); /* truncated, or longer than needed */
    }
    for (unsigned i = 0; i < len && i < seL4_MsgMaxLength; i++) {
        unsigned kind = i < 8 ? t->mr[i] : K_W;
        b->mr[i] = fz_percent(st, 95) ? word_of_kind(b, kind, i) : fz_word(st);
    }
    if (label == seL4_TCBWriteRegisters && len == t->len && b->mr[1] <= 20) {
        len = 2 + (unsigned)b->mr[1]; /* as long as the count asks, most of the time */
    }
    seL4_Word wild = fz_percent(st, 5) ? fz_rand(st->rng) : label;
    return seL4_MessageInfo_new(wild, fz_percent(st, 10) ? fz_below(st, 8) : 0, ncaps, len);
}

/* A message for an endpoint, a notification, or a reply: data and perhaps caps to grant. */
static seL4_MessageInfo_t message(struct build *b)
{
    struct fz_shared *st = b->st;
    seL4_Word label = fz_percent(st, 70) ? fz_below(st, 8) : fz_word(st);
    unsigned len = fz_percent(st, 50)   ? (unsigned)fz_below(st, 5)
                   : fz_percent(st, 80) ? (unsigned)fz_below(st, seL4_MsgMaxLength + 1)
                                        : (unsigned)fz_below(st, 128);
    unsigned ncaps = fz_percent(st, 60) ? 0 : (unsigned)fz_below(st, 4);
    for (unsigned k = 0; k < ncaps; k++) {
        b->caps[k] = fz_any_cptr(st, 0);
    }
    for (unsigned i = 0; i < len && i < seL4_MsgMaxLength; i++) {
        b->mr[i] = fz_word(st);
    }
    return seL4_MessageInfo_new(label, 0, ncaps, len);
}

/* Syscalls by weight (per mille, roughly); rare debug ones are drawn inside "debug". */
enum {
    S_CALL,
    S_SEND,
    S_NBSEND,
    S_RECV,
    S_NBRECV,
    S_REPLYRECV,
    S_REPLY,
    S_YIELD,
    S_DEBUG,
    S_UNKNOWN,
    S_KINDS
};
static const uint16_t weights[S_KINDS] = {400, 70, 80, 40, 90, 40, 50, 20, 80, 40};

static unsigned pick_kind(struct fz_shared *st)
{
    unsigned total = 0;
    for (unsigned i = 0; i < S_KINDS; i++) {
        total += weights[i];
    }
    unsigned r = (unsigned)fz_below(st, total);
    unsigned k = 0;
    while (r >= weights[k]) {
        r -= weights[k++];
    }
    return k;
}

/* A debug or accounting syscall that cannot stop the machine (never DebugHalt, never
 * DebugNameThread, which halts on a non-TCB cap or a thread without IPC buffer). */
static seL4_Word debug_syscall(struct fz_shared *st, seL4_Word *rdi)
{
    static const int8_t accounting[] = {seL4_SysBenchmarkResetLog, seL4_SysBenchmarkFinalizeLog,
                                        seL4_SysBenchmarkGetThreadUtilisation,
                                        seL4_SysBenchmarkResetThreadUtilisation};
    unsigned r = (unsigned)fz_below(st, 1000);
    *rdi = fz_any_cptr(st, 0);
    if (r == 0 && fz_below(st, 50) == 0) {
        return (seL4_Word)seL4_SysDebugSnapshot; /* upstream prints its whole capDL: rare */
    }
    if (r == 1 && fz_below(st, 20) == 0) {
        return (seL4_Word)seL4_SysDebugDumpScheduler; /* a screenful each: rare */
    }
    if (r < 30) {
        *rdi = (fz_rand(st->rng) & ~0xfful) | '.'; /* the kernel prints the low byte */
        return (seL4_Word)seL4_SysDebugPutChar;
    }
    if (r < 450) {
        return (seL4_Word)seL4_SysDebugCapIdentify;
    }
    if (r < 700) {
        *rdi = fz_cptr_of_type(st, seL4_CapType_Thread, 0);
        return (seL4_Word)(long)accounting[fz_below(st, ARRAY_SIZE(accounting))];
    }
    *rdi = fz_word(st);
    return (seL4_Word)seL4_SysSetTLSBase;
}

/* A number that is no syscall of the pinned configuration: an UnknownSyscall fault. */
static seL4_Word unknown_syscall(struct fz_shared *st)
{
    static const int8_t unused[] = {-15, -16, -17, -18,  -21,  -22, -25, -26, -27, -28, -29, -31,
                                    -32, -40, -64, -100, -128, 0,   1,   2,   7,   8,   100};
    if (fz_percent(st, 85)) {
        return (seL4_Word)(long)unused[fz_below(st, ARRAY_SIZE(unused))];
    }
    seL4_Word w = fz_rand(st->rng);
    return (w >= (seL4_Word)-16) ? w >> 1 : w; /* nothing in the syscall range */
}

/* Receive path: where a cap sent to us would go (for the syscalls that receive). */
static void receive_path(struct fz_shared *st, seL4_IPCBuffer *ipc)
{
    unsigned r = (unsigned)fz_below(st, 100);
    if (r < 70) {
        enum fz_geom g;
        ipc->receiveCNode = fz_node_cptr(st, &g);
        fz_slot_addr(st, g, 1, &ipc->receiveIndex, &ipc->receiveDepth);
    } else if (r < 85) {
        ipc->receiveCNode = fz_word(st);
        ipc->receiveIndex = fz_word(st);
        ipc->receiveDepth = fz_word(st);
    }
}

enum fz_sys_class fz_generate(struct fz_shared *st, struct fz_regs *r, struct fz_record *rec)
{
    static const seL4_Word sysno[] = {
        [S_CALL] = (seL4_Word)seL4_SysCall,     [S_SEND] = (seL4_Word)seL4_SysSend,
        [S_NBSEND] = (seL4_Word)seL4_SysNBSend, [S_RECV] = (seL4_Word)seL4_SysRecv,
        [S_NBRECV] = (seL4_Word)seL4_SysNBRecv, [S_REPLYRECV] = (seL4_Word)seL4_SysReplyRecv,
        [S_REPLY] = (seL4_Word)seL4_SysReply,   [S_YIELD] = (seL4_Word)seL4_SysYield,
    };
    static const uint8_t class_of[] = {
        [S_CALL] = FZ_CLASS_CALL,       [S_SEND] = FZ_CLASS_SEND,   [S_NBSEND] = FZ_CLASS_SEND,
        [S_RECV] = FZ_CLASS_RECV,       [S_NBRECV] = FZ_CLASS_RECV, [S_REPLYRECV] = FZ_CLASS_REPLY,
        [S_REPLY] = FZ_CLASS_REPLY,     [S_YIELD] = FZ_CLASS_YIELD, [S_DEBUG] = FZ_CLASS_DEBUG,
        [S_UNKNOWN] = FZ_CLASS_UNKNOWN,
    };
    seL4_IPCBuffer *ipc = FZ_CONFIG->ipc;
    struct build b;
    memset(&b, 0, offsetof(struct build, mr) + 8 * sizeof(seL4_Word)); /* FZ_GEOM_NONE, ... */
    b.st = st;
    seL4_MessageInfo_t info = seL4_MessageInfo_new(0, 0, 0, 0);
    unsigned kind = pick_kind(st);
    unsigned id = FZ_NO_SLOT;
    r->rdx = kind < S_DEBUG ? sysno[kind] : 0;
    r->rdi = 0;
    switch (kind) {
    case S_CALL:
    case S_SEND:
    case S_NBSEND: {
        r->rdi = fz_any_cptr(st, &id);
        unsigned type = fz_slot_type(st, id);
        b.geom[0] = id < FZ_NSLOTS ? (enum fz_geom)FZ_CONFIG->geom[id] : FZ_GEOM_NONE;
        int ipc_object = type == seL4_CapType_Endpoint || type == seL4_CapType_Notification ||
                         type == seL4_CapType_Reply;
        info = ipc_object && fz_percent(st, 85) ? message(&b) : invocation(&b, type);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        if (label >= seL4_TCBReadRegisters && label <= seL4_TCBSetFlags) {
            st->tcb_dirty = 1; /* it may be our own TCB: the supervisor resets it on restart */
        }
        break;
    }
    case S_RECV:
    case S_NBRECV:
    case S_REPLYRECV:
        r->rdi =
            fz_percent(st, 60)
                ? fz_cptr_of_type(
                      st, fz_percent(st, 60) ? seL4_CapType_Endpoint : seL4_CapType_Notification, 0)
                : fz_any_cptr(st, 0);
        info = kind == S_REPLYRECV ? message(&b) : seL4_MessageInfo_new(fz_word(st), 0, 0, 0);
        break;
    case S_REPLY:
        info = message(&b);
        break;
    case S_DEBUG:
        r->rdx = debug_syscall(st, &r->rdi);
        break;
    case S_UNKNOWN:
        r->rdx = unknown_syscall(st);
        r->rdi = fz_word(st);
        info.words[0] = fz_word(st);
        break;
    default:
        break;
    }
    if (kind == S_CALL || kind == S_RECV || kind == S_NBRECV || kind == S_REPLYRECV) {
        receive_path(st, ipc);
    }
    /* MR0..MR3 travel in registers, the rest and the extra caps in the IPC buffer. */
    unsigned len = (unsigned)seL4_MessageInfo_get_length(info);
    for (unsigned i = 4; i < len && i < seL4_MsgMaxLength; i++) {
        ipc->msg[i] = b.mr[i];
    }
    for (unsigned k = 0; k < 3; k++) {
        ipc->caps_or_badges[k] = b.caps[k];
    }
    r->rsi = info.words[0];
    r->r10 = len > 0 ? b.mr[0] : fz_word(st);
    r->r8 = len > 1 ? b.mr[1] : 0;
    r->r9 = len > 2 ? b.mr[2] : 0;
    r->r15 = len > 3 ? b.mr[3] : 0;
    rec->sys = r->rdx;
    rec->cptr = r->rdi;
    rec->info = r->rsi;
    rec->mr[0] = r->r10;
    rec->mr[1] = r->r8;
    rec->mr[2] = r->r9;
    rec->mr[3] = r->r15;
    for (unsigned k = 0; k < 3; k++) {
        rec->caps[k] = b.caps[k];
    }
    rec->recv[0] = ipc->receiveCNode;
    rec->recv[1] = ipc->receiveIndex;
    rec->recv[2] = ipc->receiveDepth;
    return (enum fz_sys_class)class_of[kind];
}
