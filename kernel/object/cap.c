/*
 * Building capabilities, and the questions asked of any cap: which object, what rights,
 * what DebugCapIdentify calls it.
 */
#include <kernel.h>

cap_t cap_simple_new(enum cap_type type)
{
    cap_t c = cap_null_new();
    c.any.type = type;
    return c;
}

cap_t cap_cnode_new(void *ptr, word_t radix, word_t guard_size, word_t guard)
{
    cap_t c = cap_simple_new(cap_cnode);
    c.cnode.radix = radix;
    c.cnode.guard_size = guard_size;
    c.cnode.ptr_shifted = ((uint64_t)ptr & MASK(48)) >> 5;
    c.cnode.guard = guard;
    return c;
}

cap_t cap_untyped_new(paddr_t paddr, word_t size_bits, bool is_device, word_t free_index)
{
    cap_t c = cap_simple_new(cap_untyped);
    c.untyped.size_bits = size_bits;
    c.untyped.is_device = is_device;
    c.untyped.free_index = free_index;
    c.untyped.paddr = paddr;
    return c;
}

cap_t cap_endpoint_new(void *ep, word_t badge, seL4_CapRights_t rights)
{
    cap_t c = cap_simple_new(cap_endpoint);
    c.endpoint.can_send = seL4_CapRights_get_capAllowWrite(rights);
    c.endpoint.can_receive = seL4_CapRights_get_capAllowRead(rights);
    c.endpoint.can_grant = seL4_CapRights_get_capAllowGrant(rights);
    c.endpoint.can_grant_reply = seL4_CapRights_get_capAllowGrantReply(rights);
    c.endpoint.ptr = (uint64_t)ep & MASK(48);
    c.endpoint.badge = badge;
    return c;
}

cap_t cap_notification_new(void *ntfn, word_t badge, seL4_CapRights_t rights)
{
    cap_t c = cap_simple_new(cap_notification);
    c.notification.can_send = seL4_CapRights_get_capAllowWrite(rights);
    c.notification.can_receive = seL4_CapRights_get_capAllowRead(rights);
    c.notification.ptr = (uint64_t)ntfn & MASK(48);
    c.notification.badge = badge;
    return c;
}

cap_t cap_thread_new(void *tcb)
{
    cap_t c = cap_simple_new(cap_thread);
    c.thread.tcb = (uint64_t)tcb;
    return c;
}

cap_t cap_irq_handler_new(word_t irq)
{
    cap_t c = cap_simple_new(cap_irq_handler);
    c.irq_handler.irq = irq;
    return c;
}

cap_t cap_zombie_new(void *slots, enum zombie_kind kind, word_t radix, word_t remaining)
{
    cap_t c = cap_simple_new(cap_zombie);
    c.zombie.kind = kind;
    c.zombie.radix = radix;
    c.zombie.remaining = remaining;
    c.zombie.ptr = (uint64_t)slots;
    return c;
}

cap_t cap_frame_new(paddr_t paddr, enum frame_size size, enum vm_rights rights, bool is_device)
{
    cap_t c = cap_simple_new(cap_frame);
    c.frame.size = size;
    c.frame.rights = rights;
    c.frame.is_device = is_device;
    c.frame.paddr = paddr;
    return c;
}

cap_t cap_table_new(enum cap_type type, void *ptr)
{
    cap_t c = cap_simple_new(type);
    c.table.ptr = (uint64_t)ptr;
    return c;
}

cap_t cap_pml4_new(void *ptr)
{
    cap_t c = cap_simple_new(cap_pml4);
    c.pml4.ptr = (uint64_t)ptr;
    return c;
}

cap_t cap_asid_pool_new(void *ptr, word_t asid_base)
{
    cap_t c = cap_simple_new(cap_asid_pool);
    c.asid_pool.asid_base = asid_base;
    c.asid_pool.ptr = (uint64_t)ptr;
    return c;
}

cap_t cap_io_port_new(word_t first, word_t last)
{
    cap_t c = cap_simple_new(cap_io_port);
    c.io_port.first = first;
    c.io_port.last = last;
    return c;
}

static const word_t frame_size_bits[] = {seL4_PageBits, seL4_LargePageBits, seL4_HugePageBits};

void *cap_object_ptr(cap_t cap)
{
    switch (cap_get_type(cap)) {
    case cap_untyped:
        return ptr_from_paddr(cap.untyped.paddr);
    case cap_endpoint:
        return cap_endpoint_ptr(cap);
    case cap_notification:
        return cap_notification_ptr(cap);
    case cap_cnode:
        return cap_cnode_ptr(cap);
    case cap_thread:
        return (void *)cap.thread.tcb;
    case cap_reply:
        return (void *)cap.reply.tcb;
    case cap_zombie:
        return (void *)cap.zombie.ptr;
    case cap_frame:
        return ptr_from_paddr(cap.frame.paddr);
    case cap_page_table:
    case cap_page_directory:
    case cap_pdpt:
        return (void *)cap.table.ptr;
    case cap_pml4:
        return (void *)cap.pml4.ptr;
    case cap_asid_pool:
        return (void *)cap.asid_pool.ptr;
    default:
        return 0;
    }
}

word_t cap_object_size_bits(cap_t cap)
{
    switch (cap_get_type(cap)) {
    case cap_untyped:
        return cap.untyped.size_bits;
    case cap_endpoint:
        return seL4_EndpointBits;
    case cap_notification:
        return seL4_NotificationBits;
    case cap_cnode:
        return cap.cnode.radix + seL4_SlotBits;
    case cap_thread:
        return seL4_TCBBits;
    case cap_frame:
        return frame_size_bits[cap.frame.size];
    case cap_page_table:
    case cap_page_directory:
    case cap_pdpt:
    case cap_pml4:
    case cap_asid_pool:
        return seL4_PageBits;
    case cap_zombie:
        return cap.zombie.kind == ZOMBIE_TCB ? seL4_TCBBits : cap.zombie.radix + seL4_SlotBits;
    default:
        return 0;
    }
}

seL4_CapRights_t cap_get_rights(cap_t cap)
{
    switch (cap_get_type(cap)) {
    case cap_endpoint:
        return seL4_CapRights_new(cap.endpoint.can_grant_reply, cap.endpoint.can_grant,
                                  cap.endpoint.can_receive, cap.endpoint.can_send);
    case cap_notification:
        return seL4_CapRights_new(0, 0, cap.notification.can_receive, cap.notification.can_send);
    case cap_reply:
        return seL4_CapRights_new(0, cap.reply.can_grant, 0, 0);
    case cap_frame:
        return seL4_CapRights_new(0, 0, cap.frame.rights >= VM_READ_ONLY,
                                  cap.frame.rights == VM_READ_WRITE);
    default:
        return seL4_AllRights;
    }
}

/* Frame rights after masking: write needs read; nothing readable means kernel-only. */
static enum vm_rights mask_vm_rights(enum vm_rights have, seL4_CapRights_t mask)
{
    if (have == VM_READ_WRITE && seL4_CapRights_get_capAllowRead(mask) &&
        seL4_CapRights_get_capAllowWrite(mask)) {
        return VM_READ_WRITE;
    }
    if (have != VM_KERNEL_ONLY && seL4_CapRights_get_capAllowRead(mask)) {
        return VM_READ_ONLY;
    }
    return VM_KERNEL_ONLY;
}

cap_t cap_mask_rights(cap_t cap, seL4_CapRights_t m)
{
    switch (cap_get_type(cap)) {
    case cap_endpoint:
        cap.endpoint.can_send &= seL4_CapRights_get_capAllowWrite(m);
        cap.endpoint.can_receive &= seL4_CapRights_get_capAllowRead(m);
        cap.endpoint.can_grant &= seL4_CapRights_get_capAllowGrant(m);
        cap.endpoint.can_grant_reply &= seL4_CapRights_get_capAllowGrantReply(m);
        break;
    case cap_notification:
        cap.notification.can_send &= seL4_CapRights_get_capAllowWrite(m);
        cap.notification.can_receive &= seL4_CapRights_get_capAllowRead(m);
        break;
    case cap_reply:
        cap.reply.can_grant &= seL4_CapRights_get_capAllowGrant(m);
        break;
    case cap_frame:
        cap.frame.rights = mask_vm_rights((enum vm_rights)cap.frame.rights, m);
        break;
    default:
        break;
    }
    return cap;
}

word_t cap_debug_identify(cap_t cap)
{
    switch (cap_get_type(cap)) {
    case cap_null:
        return seL4_CapType_Null;
    case cap_untyped:
        return seL4_CapType_Untyped;
    case cap_endpoint:
        return seL4_CapType_Endpoint;
    case cap_notification:
        return seL4_CapType_Notification;
    case cap_reply:
        return seL4_CapType_Reply;
    case cap_cnode:
        return seL4_CapType_CNode;
    case cap_thread:
        return seL4_CapType_Thread;
    case cap_irq_control:
        return seL4_CapType_IRQControl;
    case cap_irq_handler:
        return seL4_CapType_IRQHandler;
    case cap_zombie:
        return seL4_CapType_Zombie;
    case cap_domain:
        return seL4_CapType_Domain;
    case cap_frame:
        return seL4_CapType_Frame;
    case cap_page_table:
        return seL4_CapType_PageTable;
    case cap_page_directory:
        return seL4_CapType_PageDirectory;
    case cap_pdpt:
        return seL4_CapType_PDPT;
    case cap_pml4:
        return seL4_CapType_PML4;
    case cap_asid_control:
        return seL4_CapType_ASIDControl;
    case cap_asid_pool:
        return seL4_CapType_ASIDPool;
    case cap_io_port:
        return seL4_CapType_IOPort;
    case cap_io_port_control:
        return seL4_CapType_IOPortControl;
    }
    return seL4_CapType_Null;
}
