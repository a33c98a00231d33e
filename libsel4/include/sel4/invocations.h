/*
 * Object invocations: one wrapper per method of the pinned ABI, with upstream's names and
 * argument order. Arguments are packed into message words in declaration order (small
 * integers and booleans share a word where upstream packs them), other caps travel as extra
 * caps, and the reply's label is the seL4_Error.
 */
#pragma once

#include <sel4/syscalls.h>

#define SEL4_INVOKE_MAX_WORDS 22

/*
 * Performs one invocation. MR0..MR3 travel in registers, the rest through the IPC buffer.
 * On success the first four reply words are returned in `out` (if given); on error they are
 * also copied into the IPC buffer, as upstream's stubs do, so seL4_GetMR() reads the error
 * details.
 */
static inline seL4_Error seL4_Invoke_(seL4_CPtr service, seL4_Word label, seL4_Word ncaps,
                                      seL4_Word nwords, const seL4_Word *words, seL4_Word *out)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    seL4_Word badge, reply;
    for (seL4_Word i = 0; i < nwords; i++) {
        if (i < 4) {
            mr[i] = words[i];
        } else {
            seL4_SetMR((int)i, words[i]);
        }
    }
    seL4_MessageInfo_t info = seL4_MessageInfo_new(label, 0, ncaps, nwords);
    x64_sys_send_recv(seL4_SysCall, service, &badge, info.words[0], &reply, &mr[0], &mr[1], &mr[2],
                      &mr[3]);
    seL4_Error err = (seL4_Error)seL4_MessageInfo_get_label((seL4_MessageInfo_t){{reply}});
    if (err != seL4_NoError) {
        for (int i = 0; i < 4; i++) {
            seL4_SetMR(i, mr[i]);
        }
    }
    if (out) {
        for (int i = 0; i < 4; i++) {
            out[i] = mr[i];
        }
    }
    return err;
}

#define SEL4_WORDS_(...)  ((const seL4_Word[]){__VA_ARGS__})
#define SEL4_NWORDS_(...) (sizeof(SEL4_WORDS_(__VA_ARGS__)) / sizeof(seL4_Word))
/* Invocation with message words and no result words. */
#define SEL4_INVOKE_(service, label, ncaps, ...)                                                   \
    seL4_Invoke_((service), (label), (ncaps), SEL4_NWORDS_(__VA_ARGS__), SEL4_WORDS_(__VA_ARGS__), \
                 0)

/* --- Untyped ---------------------------------------------------------------------------------- */

static inline seL4_Error seL4_Untyped_Retype(seL4_Untyped service, seL4_Word type,
                                             seL4_Word size_bits, seL4_CNode root,
                                             seL4_Word node_index, seL4_Word node_depth,
                                             seL4_Word node_offset, seL4_Word num_objects)
{
    seL4_SetCap(0, root);
    return SEL4_INVOKE_(service, seL4_UntypedRetype, 1, type, size_bits, node_index, node_depth,
                        node_offset, num_objects);
}

/* --- TCB -------------------------------------------------------------------------------------- */

static inline seL4_Error seL4_TCB_ReadRegisters(seL4_TCB service, seL4_Bool suspend_source,
                                                seL4_Uint8 arch_flags, seL4_Word count,
                                                seL4_UserContext *regs)
{
    seL4_Word out[4];
    seL4_Word words[2] = {(seL4_Word)(suspend_source & 1) | ((seL4_Word)arch_flags << 8), count};
    seL4_Error err = seL4_Invoke_(service, seL4_TCBReadRegisters, 0, 2, words, out);
    if (err != seL4_NoError) {
        return err;
    }
    seL4_Word *dst = (seL4_Word *)regs;
    for (seL4_Word i = 0; i < count && i < sizeof(*regs) / sizeof(seL4_Word); i++) {
        dst[i] = i < 4 ? out[i] : seL4_GetMR((int)i);
    }
    return err;
}

static inline seL4_Error seL4_TCB_WriteRegisters(seL4_TCB service, seL4_Bool resume_target,
                                                 seL4_Uint8 arch_flags, seL4_Word count,
                                                 seL4_UserContext *regs)
{
    seL4_Word words[22];
    const seL4_Word *src = (const seL4_Word *)regs;
    words[0] = (seL4_Word)(resume_target & 1) | ((seL4_Word)arch_flags << 8);
    words[1] = count;
    for (int i = 0; i < 20; i++) {
        words[2 + i] = src[i];
    }
    return seL4_Invoke_(service, seL4_TCBWriteRegisters, 0, 22, words, 0);
}

static inline seL4_Error seL4_TCB_CopyRegisters(seL4_TCB service, seL4_TCB source,
                                                seL4_Bool suspend_source, seL4_Bool resume_target,
                                                seL4_Bool transfer_frame,
                                                seL4_Bool transfer_integer, seL4_Uint8 arch_flags)
{
    seL4_SetCap(0, source);
    return SEL4_INVOKE_(service, seL4_TCBCopyRegisters, 1,
                        (seL4_Word)(suspend_source & 1) | ((seL4_Word)(resume_target & 1) << 1) |
                            ((seL4_Word)(transfer_frame & 1) << 2) |
                            ((seL4_Word)(transfer_integer & 1) << 3) |
                            ((seL4_Word)arch_flags << 8));
}

static inline seL4_Error seL4_TCB_Configure(seL4_TCB service, seL4_Word fault_ep,
                                            seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                            seL4_CPtr vspace_root, seL4_Word vspace_root_data,
                                            seL4_Word buffer, seL4_CPtr bufferFrame)
{
    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    seL4_SetCap(2, bufferFrame);
    return SEL4_INVOKE_(service, seL4_TCBConfigure, 3, fault_ep, cspace_root_data, vspace_root_data,
                        buffer);
}

static inline seL4_Error seL4_TCB_SetPriority(seL4_TCB service, seL4_TCB authority,
                                              seL4_Word priority)
{
    seL4_SetCap(0, authority);
    return SEL4_INVOKE_(service, seL4_TCBSetPriority, 1, priority);
}

static inline seL4_Error seL4_TCB_SetMCPriority(seL4_TCB service, seL4_TCB authority, seL4_Word mcp)
{
    seL4_SetCap(0, authority);
    return SEL4_INVOKE_(service, seL4_TCBSetMCPriority, 1, mcp);
}

static inline seL4_Error seL4_TCB_SetSchedParams(seL4_TCB service, seL4_TCB authority,
                                                 seL4_Word mcp, seL4_Word priority)
{
    seL4_SetCap(0, authority);
    return SEL4_INVOKE_(service, seL4_TCBSetSchedParams, 1, mcp, priority);
}

static inline seL4_Error seL4_TCB_SetIPCBuffer(seL4_TCB service, seL4_Word buffer,
                                               seL4_CPtr bufferFrame)
{
    seL4_SetCap(0, bufferFrame);
    return SEL4_INVOKE_(service, seL4_TCBSetIPCBuffer, 1, buffer);
}

static inline seL4_Error seL4_TCB_SetSpace(seL4_TCB service, seL4_Word fault_ep,
                                           seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                           seL4_CPtr vspace_root, seL4_Word vspace_root_data)
{
    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    return SEL4_INVOKE_(service, seL4_TCBSetSpace, 2, fault_ep, cspace_root_data, vspace_root_data);
}

static inline seL4_Error seL4_TCB_Suspend(seL4_TCB service)
{
    return seL4_Invoke_(service, seL4_TCBSuspend, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_Resume(seL4_TCB service)
{
    return seL4_Invoke_(service, seL4_TCBResume, 0, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_BindNotification(seL4_TCB service, seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return seL4_Invoke_(service, seL4_TCBBindNotification, 1, 0, 0, 0);
}

static inline seL4_Error seL4_TCB_UnbindNotification(seL4_TCB service)
{
    return seL4_Invoke_(service, seL4_TCBUnbindNotification, 0, 0, 0, 0);
}

/* Works without an IPC buffer (one word, no caps): the runtime uses it before TLS exists. */
static inline seL4_Error seL4_TCB_SetTLSBase(seL4_TCB service, seL4_Word tls_base)
{
    seL4_Word mr0 = tls_base, mr1 = 0, mr2 = 0, mr3 = 0, badge, reply;
    x64_sys_send_recv(seL4_SysCall, service, &badge,
                      seL4_MessageInfo_new(seL4_TCBSetTLSBase, 0, 0, 1).words[0], &reply, &mr0,
                      &mr1, &mr2, &mr3);
    return (seL4_Error)(reply >> 12);
}

typedef struct seL4_TCB_SetFlags {
    int error;
    seL4_Word flags;
} seL4_TCB_SetFlags_t;

static inline seL4_TCB_SetFlags_t seL4_TCB_SetFlags(seL4_TCB service, seL4_Word clear,
                                                    seL4_Word set)
{
    seL4_Word out[4];
    seL4_Word words[2] = {clear, set};
    seL4_TCB_SetFlags_t r;
    r.error = seL4_Invoke_(service, seL4_TCBSetFlags, 0, 2, words, out);
    r.flags = r.error == seL4_NoError ? out[0] : 0;
    return r;
}

/* --- CNode ------------------------------------------------------------------------------------ */

static inline seL4_Error seL4_CNode_Revoke(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    return SEL4_INVOKE_(service, seL4_CNodeRevoke, 0, index, depth);
}

static inline seL4_Error seL4_CNode_Delete(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    return SEL4_INVOKE_(service, seL4_CNodeDelete, 0, index, depth);
}

static inline seL4_Error seL4_CNode_CancelBadgedSends(seL4_CNode service, seL4_Word index,
                                                      seL4_Uint8 depth)
{
    return SEL4_INVOKE_(service, seL4_CNodeCancelBadgedSends, 0, index, depth);
}

static inline seL4_Error seL4_CNode_Copy(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights)
{
    seL4_SetCap(0, src_root);
    return SEL4_INVOKE_(service, seL4_CNodeCopy, 1, dest_index, dest_depth, src_index, src_depth,
                        rights.words[0]);
}

static inline seL4_Error seL4_CNode_Mint(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_SetCap(0, src_root);
    return SEL4_INVOKE_(service, seL4_CNodeMint, 1, dest_index, dest_depth, src_index, src_depth,
                        rights.words[0], badge);
}

static inline seL4_Error seL4_CNode_Move(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth)
{
    seL4_SetCap(0, src_root);
    return SEL4_INVOKE_(service, seL4_CNodeMove, 1, dest_index, dest_depth, src_index, src_depth);
}

static inline seL4_Error seL4_CNode_Mutate(seL4_CNode service, seL4_Word dest_index,
                                           seL4_Uint8 dest_depth, seL4_CNode src_root,
                                           seL4_Word src_index, seL4_Uint8 src_depth,
                                           seL4_Word badge)
{
    seL4_SetCap(0, src_root);
    return SEL4_INVOKE_(service, seL4_CNodeMutate, 1, dest_index, dest_depth, src_index, src_depth,
                        badge);
}

static inline seL4_Error seL4_CNode_Rotate(seL4_CNode service, seL4_Word dest_index,
                                           seL4_Uint8 dest_depth, seL4_Word dest_badge,
                                           seL4_CNode pivot_root, seL4_Word pivot_index,
                                           seL4_Uint8 pivot_depth, seL4_Word pivot_badge,
                                           seL4_CNode src_root, seL4_Word src_index,
                                           seL4_Uint8 src_depth)
{
    seL4_SetCap(0, pivot_root);
    seL4_SetCap(1, src_root);
    return SEL4_INVOKE_(service, seL4_CNodeRotate, 2, dest_index, dest_depth, dest_badge,
                        pivot_index, pivot_depth, pivot_badge, src_index, src_depth);
}

static inline seL4_Error seL4_CNode_SaveCaller(seL4_CNode service, seL4_Word index,
                                               seL4_Uint8 depth)
{
    return SEL4_INVOKE_(service, seL4_CNodeSaveCaller, 0, index, depth);
}

/* --- IRQs ------------------------------------------------------------------------------------- */

static inline seL4_Error seL4_IRQControl_Get(seL4_IRQControl service, seL4_Word irq,
                                             seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    seL4_SetCap(0, root);
    return SEL4_INVOKE_(service, seL4_IRQIssueIRQHandler, 1, irq, index, depth);
}

static inline seL4_Error seL4_IRQControl_GetIOAPIC(seL4_IRQControl service, seL4_CNode root,
                                                   seL4_Word index, seL4_Uint8 depth,
                                                   seL4_Word ioapic, seL4_Word pin, seL4_Word level,
                                                   seL4_Word polarity, seL4_Word vector)
{
    seL4_SetCap(0, root);
    return SEL4_INVOKE_(service, seL4_X86IRQIssueIRQHandlerIOAPIC, 1, index, depth, ioapic, pin,
                        level, polarity, vector);
}

static inline seL4_Error seL4_IRQControl_GetMSI(seL4_IRQControl service, seL4_CNode root,
                                                seL4_Word index, seL4_Uint8 depth,
                                                seL4_Word pci_bus, seL4_Word pci_dev,
                                                seL4_Word pci_func, seL4_Word handle,
                                                seL4_Word vector)
{
    seL4_SetCap(0, root);
    return SEL4_INVOKE_(service, seL4_X86IRQIssueIRQHandlerMSI, 1, index, depth, pci_bus, pci_dev,
                        pci_func, handle, vector);
}

static inline seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler service)
{
    return seL4_Invoke_(service, seL4_IRQAckIRQ, 0, 0, 0, 0);
}

static inline seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler service,
                                                         seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return seL4_Invoke_(service, seL4_IRQSetIRQHandler, 1, 0, 0, 0);
}

static inline seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler service)
{
    return seL4_Invoke_(service, seL4_IRQClearIRQHandler, 0, 0, 0, 0);
}

/* --- Domains ---------------------------------------------------------------------------------- */

static inline seL4_Error seL4_DomainSet_Set(seL4_DomainSet service, seL4_Uint8 domain,
                                            seL4_TCB thread)
{
    seL4_SetCap(0, thread);
    return SEL4_INVOKE_(service, seL4_DomainSetSet, 1, domain);
}

/*
 * Entry `index` of the domain schedule runs `domain` for `duration` kernel ticks; (0, 0) is
 * an end marker (the schedule continues at its start index). The last entry
 * (seL4_NumDomainSchedules - 1) always stays an end marker.
 */
static inline seL4_Error seL4_DomainSet_ScheduleConfigure(seL4_DomainSet service, seL4_Word index,
                                                          seL4_Uint8 domain, seL4_Time duration)
{
    return SEL4_INVOKE_(service, seL4_DomainScheduleConfigure, 0, index, domain, duration);
}

/* Makes `index` the schedule's start and switches to it at once. */
static inline seL4_Error seL4_DomainSet_ScheduleSetStart(seL4_DomainSet service, seL4_Word index)
{
    return SEL4_INVOKE_(service, seL4_DomainScheduleSetStart, 0, index);
}

/* --- x86 paging ------------------------------------------------------------------------------- */

static inline seL4_Error seL4_X86_PDPT_Map(seL4_X86_PDPT service, seL4_X64_PML4 pml4,
                                           seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    seL4_SetCap(0, pml4);
    return SEL4_INVOKE_(service, seL4_X86PDPTMap, 1, vaddr, attr);
}

static inline seL4_Error seL4_X86_PDPT_Unmap(seL4_X86_PDPT service)
{
    return seL4_Invoke_(service, seL4_X86PDPTUnmap, 0, 0, 0, 0);
}

static inline seL4_Error seL4_X86_PageDirectory_Map(seL4_X86_PageDirectory service,
                                                    seL4_CPtr vspace, seL4_Word vaddr,
                                                    seL4_X86_VMAttributes attr)
{
    seL4_SetCap(0, vspace);
    return SEL4_INVOKE_(service, seL4_X86PageDirectoryMap, 1, vaddr, attr);
}

static inline seL4_Error seL4_X86_PageDirectory_Unmap(seL4_X86_PageDirectory service)
{
    return seL4_Invoke_(service, seL4_X86PageDirectoryUnmap, 0, 0, 0, 0);
}

static inline seL4_Error seL4_X86_PageTable_Map(seL4_X86_PageTable service, seL4_CPtr vspace,
                                                seL4_Word vaddr, seL4_X86_VMAttributes attr)
{
    seL4_SetCap(0, vspace);
    return SEL4_INVOKE_(service, seL4_X86PageTableMap, 1, vaddr, attr);
}

static inline seL4_Error seL4_X86_PageTable_Unmap(seL4_X86_PageTable service)
{
    return seL4_Invoke_(service, seL4_X86PageTableUnmap, 0, 0, 0, 0);
}

static inline seL4_Error seL4_X86_Page_Map(seL4_X86_Page service, seL4_CPtr vspace, seL4_Word vaddr,
                                           seL4_CapRights_t rights, seL4_X86_VMAttributes attr)
{
    seL4_SetCap(0, vspace);
    return SEL4_INVOKE_(service, seL4_X86PageMap, 1, vaddr, rights.words[0], attr);
}

static inline seL4_Error seL4_X86_Page_Unmap(seL4_X86_Page service)
{
    return seL4_Invoke_(service, seL4_X86PageUnmap, 0, 0, 0, 0);
}

typedef struct seL4_X86_Page_GetAddress {
    int error;
    seL4_Word paddr;
} seL4_X86_Page_GetAddress_t;

static inline seL4_X86_Page_GetAddress_t seL4_X86_Page_GetAddress(seL4_X86_Page service)
{
    seL4_Word out[4];
    seL4_X86_Page_GetAddress_t r;
    r.error = seL4_Invoke_(service, seL4_X86PageGetAddress, 0, 0, 0, out);
    r.paddr = r.error == seL4_NoError ? out[0] : 0;
    return r;
}

static inline seL4_Error seL4_X86_ASIDControl_MakePool(seL4_X86_ASIDControl service,
                                                       seL4_Untyped untyped, seL4_CNode root,
                                                       seL4_Word index, seL4_Uint8 depth)
{
    seL4_SetCap(0, untyped);
    seL4_SetCap(1, root);
    return SEL4_INVOKE_(service, seL4_X86ASIDControlMakePool, 2, index, depth);
}

static inline seL4_Error seL4_X86_ASIDPool_Assign(seL4_X86_ASIDPool service, seL4_CPtr vspace)
{
    seL4_SetCap(0, vspace);
    return seL4_Invoke_(service, seL4_X86ASIDPoolAssign, 1, 0, 0, 0);
}

/* --- x86 I/O ports ---------------------------------------------------------------------------- */

static inline seL4_Error seL4_X86_IOPortControl_Issue(seL4_X86_IOPortControl service,
                                                      seL4_Word first_port, seL4_Word last_port,
                                                      seL4_CNode root, seL4_Word index,
                                                      seL4_Uint8 depth)
{
    seL4_SetCap(0, root);
    return SEL4_INVOKE_(service, seL4_X86IOPortControlIssue, 1, first_port, last_port, index,
                        depth);
}

typedef struct seL4_X86_IOPort_In8 {
    int error;
    seL4_Uint8 result;
} seL4_X86_IOPort_In8_t;

typedef struct seL4_X86_IOPort_In16 {
    int error;
    seL4_Uint16 result;
} seL4_X86_IOPort_In16_t;

typedef struct seL4_X86_IOPort_In32 {
    int error;
    seL4_Uint32 result;
} seL4_X86_IOPort_In32_t;

static inline int seL4_X86_IOPort_In_(seL4_X86_IOPort service, seL4_Word label, seL4_Uint16 port,
                                      seL4_Word *value)
{
    seL4_Word out[4];
    seL4_Word words[1] = {port};
    int err = seL4_Invoke_(service, label, 0, 1, words, out);
    *value = err == seL4_NoError ? out[0] : 0;
    return err;
}

static inline seL4_X86_IOPort_In8_t seL4_X86_IOPort_In8(seL4_X86_IOPort service, seL4_Uint16 port)
{
    seL4_Word v;
    seL4_X86_IOPort_In8_t r;
    r.error = seL4_X86_IOPort_In_(service, seL4_X86IOPortIn8, port, &v);
    r.result = (seL4_Uint8)v;
    return r;
}

static inline seL4_X86_IOPort_In16_t seL4_X86_IOPort_In16(seL4_X86_IOPort service, seL4_Uint16 port)
{
    seL4_Word v;
    seL4_X86_IOPort_In16_t r;
    r.error = seL4_X86_IOPort_In_(service, seL4_X86IOPortIn16, port, &v);
    r.result = (seL4_Uint16)v;
    return r;
}

static inline seL4_X86_IOPort_In32_t seL4_X86_IOPort_In32(seL4_X86_IOPort service, seL4_Uint16 port)
{
    seL4_Word v;
    seL4_X86_IOPort_In32_t r;
    r.error = seL4_X86_IOPort_In_(service, seL4_X86IOPortIn32, port, &v);
    r.result = (seL4_Uint32)v;
    return r;
}

static inline seL4_Error seL4_X86_IOPort_Out8(seL4_X86_IOPort service, seL4_Word port,
                                              seL4_Word data)
{
    return SEL4_INVOKE_(service, seL4_X86IOPortOut8, 0, port, data);
}

static inline seL4_Error seL4_X86_IOPort_Out16(seL4_X86_IOPort service, seL4_Word port,
                                               seL4_Word data)
{
    return SEL4_INVOKE_(service, seL4_X86IOPortOut16, 0, port, data);
}

static inline seL4_Error seL4_X86_IOPort_Out32(seL4_X86_IOPort service, seL4_Word port,
                                               seL4_Word data)
{
    return SEL4_INVOKE_(service, seL4_X86IOPortOut32, 0, port, data);
}
