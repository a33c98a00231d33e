/*
 * What every object type has in common: its size, how it is created from untyped memory,
 * and what happens when the last capability to it is deleted.
 */
#include <kernel.h>
#include <arch.h>
#include <printk.h>

bool object_type_is_frame(word_t type)
{
    return type == seL4_X86_4K || type == seL4_X86_LargePageObject ||
           type == seL4_X64_HugePageObject;
}

static enum frame_size frame_size_of_type(word_t type)
{
    switch (type) {
    case seL4_X64_HugePageObject:
        return FRAME_1G;
    case seL4_X86_LargePageObject:
        return FRAME_2M;
    default:
        return FRAME_4K;
    }
}

/* Memory from RAM untypeds is always handed out zeroed; device memory is never touched. */
cap_t object_create(word_t type, void *region, paddr_t paddr, word_t user_size_bits, bool device)
{
    if (type != seL4_UntypedObject && !device) {
        memset(region, 0, BIT(seL4_ObjectSizeBits(type, user_size_bits)));
    }
    switch (type) {
    case seL4_UntypedObject:
        return cap_untyped_new(paddr, user_size_bits, device, 0);
    case seL4_TCBObject:
        thread_init(region);
        return cap_thread_new(region);
    case seL4_EndpointObject:
        return cap_endpoint_new(region, 0, seL4_AllRights);
    case seL4_NotificationObject:
        return cap_notification_new(region, 0, seL4_AllRights);
    case seL4_CapTableObject:
        return cap_cnode_new(region, user_size_bits, 0, 0);
    case seL4_X86_4K:
    case seL4_X86_LargePageObject:
    case seL4_X64_HugePageObject:
        return cap_frame_new(paddr, frame_size_of_type(type), VM_READ_WRITE, device);
    case seL4_X86_PageTableObject:
        return cap_table_new(cap_page_table, region);
    case seL4_X86_PageDirectoryObject:
        return cap_table_new(cap_page_directory, region);
    case seL4_X86_PDPTObject:
        return cap_table_new(cap_pdpt, region);
    case seL4_X64_PML4Object:
        kvspace_copy_kernel_entries(region);
        return cap_pml4_new(region);
    default:
        panic("object_create: bad type %lu", type);
    }
}

static finalise_result_t remains(cap_t remainder, cap_t cleanup)
{
    finalise_result_t r = {remainder, cleanup};
    return r;
}

finalise_result_t finalise_cap(cap_t cap, bool final)
{
    cap_t none = cap_null_new();
    switch (cap_get_type(cap)) {
    case cap_endpoint:
        if (final) {
            cancel_all_ipc(cap_endpoint_ptr(cap));
        }
        break;
    case cap_notification:
        if (final) {
            notification_t *n = cap_notification_ptr(cap);
            unbind_maybe_notification(n);
            cancel_all_signals(n);
        }
        break;
    case cap_cnode:
        if (final) {
            return remains(cap_zombie_new(cap_cnode_ptr(cap), ZOMBIE_CNODE, cap.cnode.radix,
                                          BIT(cap.cnode.radix)),
                           none);
        }
        break;
    case cap_thread:
        if (final) {
            tcb_t *t = (tcb_t *)cap.thread.tcb;
            unbind_notification(t);
            thread_suspend(t);
            thread_destroy(t);
            return remains(cap_zombie_new(t->slots, ZOMBIE_TCB, 0, TCB_NUM_SLOTS), none);
        }
        break;
    case cap_zombie:
        return remains(cap, none);
    case cap_irq_handler:
        if (final) {
            irq_handler_deleting(cap.irq_handler.irq);
            return remains(none, cap);
        }
        break;
    case cap_io_port:
        if (final) {
            return remains(none, cap);
        }
        break;
    case cap_frame:
        if (cap.frame.mapped_asid) {
            vspace_unmap_frame(cap);
        }
        break;
    case cap_page_table:
    case cap_page_directory:
    case cap_pdpt:
        if (final && cap.table.is_mapped) {
            vspace_unmap_table(cap);
        }
        break;
    case cap_pml4:
        if (final && cap.pml4.is_mapped) {
            vspace_delete_asid(cap.pml4.asid, (uint64_t *)cap.pml4.ptr);
        }
        break;
    case cap_asid_pool:
        if (final) {
            vspace_delete_asid_pool(cap.asid_pool.asid_base, (void *)cap.asid_pool.ptr);
        }
        break;
    default:
        break;
    }
    return remains(none, none);
}

void post_cap_deletion(cap_t cleanup)
{
    switch (cap_get_type(cleanup)) {
    case cap_irq_handler:
        irq_handler_deleted(cleanup.irq_handler.irq);
        break;
    case cap_io_port:
        io_port_range_free(cleanup.io_port.first, cleanup.io_port.last);
        break;
    default:
        break;
    }
}
