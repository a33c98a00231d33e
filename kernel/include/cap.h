/*
 * Capabilities: two words each. Word 0 holds the type in its low 5 bits and per-type
 * fields above; word 1 usually holds the object's address. The union of bitfield views
 * keeps every field named; all views share the type field.
 */
#pragma once

#include <types.h>

enum cap_type {
    cap_null = 0,
    cap_untyped,
    cap_endpoint,
    cap_notification,
    cap_reply,
    cap_cnode,
    cap_thread,
    cap_irq_control,
    cap_irq_handler,
    cap_zombie,
    cap_domain,
    cap_frame,
    cap_page_table,
    cap_page_directory,
    cap_pdpt,
    cap_pml4,
    cap_asid_control,
    cap_asid_pool,
    cap_io_port,
    cap_io_port_control,
};

/* Frame sizes. */
enum frame_size {
    FRAME_4K = 0,
    FRAME_2M = 1,
    FRAME_1G = 2,
};

/* Frame access rights as kept in a frame cap (seL4's VM rights). */
enum vm_rights {
    VM_KERNEL_ONLY = 0,
    VM_READ_ONLY = 2,
    VM_READ_WRITE = 3,
};

/* Zombie kinds: what the zombie is still tearing down. */
enum zombie_kind {
    ZOMBIE_TCB = 0,
    ZOMBIE_CNODE = 1,
};

typedef struct cap {
    union {
        struct {
            uint64_t type : 5, : 59;
            uint64_t word1;
        } any;
        struct {
            uint64_t type : 5, size_bits : 6, is_device : 1, free_index : 44, : 8;
            uint64_t paddr;
        } untyped;
        /* Endpoints and notifications: rights bits as seL4_CapRights (write = send). */
        struct {
            uint64_t type : 5, can_send : 1, can_receive : 1, can_grant : 1,
                can_grant_reply : 1, : 7, ptr : 48;
            uint64_t badge;
        } endpoint;
        struct {
            uint64_t type : 5, can_send : 1, can_receive : 1, : 9, ptr : 48;
            uint64_t badge;
        } notification;
        struct {
            uint64_t type : 5, master : 1, can_grant : 1, : 57;
            uint64_t tcb;
        } reply;
        /* CNode pointers are 32-byte aligned: 43 bits hold a 48-bit address >> 5. */
        struct {
            uint64_t type : 5, radix : 6, guard_size : 6, : 4, ptr_shifted : 43;
            uint64_t guard;
        } cnode;
        struct {
            uint64_t type : 5, : 59;
            uint64_t tcb;
        } thread;
        struct {
            uint64_t type : 5, : 59;
            uint64_t irq;
        } irq_handler;
        /* An object being torn down: `remaining` of its slots still to be emptied. */
        struct {
            uint64_t type : 5, kind : 1, radix : 6, remaining : 52;
            uint64_t ptr; /* its first slot */
        } zombie;
        struct {
            uint64_t type : 5, size : 2, rights : 2, is_device : 1, mapped_asid : 12,
                mapped_vpn : 36, : 6;
            uint64_t paddr;
        } frame;
        /* Page tables, page directories and PDPTs. */
        struct {
            uint64_t type : 5, is_mapped : 1, mapped_asid : 12, mapped_vpn : 36, : 10;
            uint64_t ptr;
        } table;
        struct {
            uint64_t type : 5, is_mapped : 1, asid : 12, : 46;
            uint64_t ptr;
        } pml4;
        struct {
            uint64_t type : 5, asid_base : 12, : 47;
            uint64_t ptr;
        } asid_pool;
        struct {
            uint64_t type : 5, first : 16, last : 16, : 27;
            uint64_t word1;
        } io_port;
    };
} cap_t;

_Static_assert(sizeof(cap_t) == 16, "caps are two words");

static inline uint64_t sign_extend48(uint64_t v)
{
    return (uint64_t)((int64_t)(v << 16) >> 16);
}

static inline enum cap_type cap_get_type(cap_t cap)
{
    return (enum cap_type)cap.any.type;
}

static inline cap_t cap_null_new(void)
{
    cap_t c = {{{0, 0}}};
    return c;
}

static inline bool cap_is_null(cap_t cap)
{
    return cap.any.type == cap_null;
}

static inline void *cap_cnode_ptr(cap_t cap)
{
    return (void *)sign_extend48((uint64_t)cap.cnode.ptr_shifted << 5);
}

cap_t cap_cnode_new(void *ptr, word_t radix, word_t guard_size, word_t guard);
cap_t cap_untyped_new(paddr_t paddr, word_t size_bits, bool is_device, word_t free_index);
cap_t cap_endpoint_new(void *ep, word_t badge, seL4_CapRights_t rights);
cap_t cap_notification_new(void *ntfn, word_t badge, seL4_CapRights_t rights);
cap_t cap_thread_new(void *tcb);
cap_t cap_irq_handler_new(word_t irq);
cap_t cap_zombie_new(void *slots, enum zombie_kind kind, word_t radix, word_t remaining);
cap_t cap_frame_new(paddr_t paddr, enum frame_size size, enum vm_rights rights, bool is_device);
cap_t cap_table_new(enum cap_type type, void *ptr);
cap_t cap_pml4_new(void *ptr);
cap_t cap_asid_pool_new(void *ptr, word_t asid_base);
cap_t cap_io_port_new(word_t first, word_t last);
cap_t cap_simple_new(enum cap_type type);

/* Inline: every Call makes one. */
static inline cap_t cap_reply_new(void *tcb, bool master, bool can_grant)
{
    cap_t c = cap_null_new();
    c.reply.type = cap_reply;
    c.reply.master = master;
    c.reply.can_grant = can_grant;
    c.reply.tcb = (uint64_t)tcb;
    return c;
}

static inline void *cap_endpoint_ptr(cap_t cap)
{
    return (void *)sign_extend48(cap.endpoint.ptr);
}

static inline void *cap_notification_ptr(cap_t cap)
{
    return (void *)sign_extend48(cap.notification.ptr);
}

/* The kernel object a cap refers to (0 for caps without an object), for identity checks. */
void *cap_object_ptr(cap_t cap);

/* Size in bits of the object the cap refers to (for "same object" / derivation tests). */
word_t cap_object_size_bits(cap_t cap);

/* Rights as seL4_CapRights bits (only meaningful for caps that carry rights). */
seL4_CapRights_t cap_get_rights(cap_t cap);
cap_t cap_mask_rights(cap_t cap, seL4_CapRights_t mask);

/* The seL4_CapType tag DebugCapIdentify reports. */
word_t cap_debug_identify(cap_t cap);
