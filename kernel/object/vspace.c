/*
 * x86_64 virtual address spaces: a PML4 (VSpace root) assigned to an ASID, with PDPTs,
 * page directories and page tables mapped into it, and 4 KiB, 2 MiB and 1 GiB frames.
 *
 * Caps remember where they are mapped (ASID + address). The page tables are the truth:
 * unmapping goes through the ASID to the VSpace and only clears an entry that still points
 * at the object, so stale cap bookkeeping is harmless.
 */
#include <kernel.h>
#include <arch.h>
#include <machine.h>
#include <printk.h>
#include <pte.h>

#define NUM_ASID_POOLS BIT(seL4_NumASIDPoolsBits)
#define ASID_LOW_BITS  seL4_ASIDPoolIndexBits
#define ASID_POOL_SIZE BIT(ASID_LOW_BITS)

asid_pool_t *asid_table[NUM_ASID_POOLS];

/* Levels: 3 = PML4 (entries map PDPTs), 2 = PDPT, 1 = PD, 0 = PT. bitsLeft per missing level. */
static const word_t level_shift[] = {12, 21, 30, 39};

static uint64_t *find_vspace_for_asid(word_t asid)
{
    asid_pool_t *pool = asid_table[asid >> ASID_LOW_BITS];
    uint64_t *vspace = pool ? pool->vspaces[asid & MASK(ASID_LOW_BITS)] : 0;
    if (!vspace) {
        current_lookup_fault.type = seL4_InvalidRoot;
    }
    return vspace;
}

/*
 * The entry of `level` covering vaddr, or 0 if a table above it is missing (then
 * current_lookup_fault says which: bitsLeft = 39, 30 or 21).
 */
static uint64_t *lookup_entry(uint64_t *pml4, vaddr_t vaddr, int level)
{
    uint64_t *table = pml4;
    for (int l = 3; l > level; l--) {
        uint64_t e = table[pt_index(vaddr, l)];
        if (!(e & PTE_PRESENT) || (l < 3 && (e & PTE_HUGE))) {
            current_lookup_fault.type = seL4_MissingCapability;
            current_lookup_fault.bits_left = level_shift[l];
            return 0;
        }
        table = ptr_from_paddr(e & PTE_ADDR_MASK);
    }
    return &table[pt_index(vaddr, level)];
}

static bool vspace_is_current(const uint64_t *pml4)
{
    return read_cr3() == paddr_from_ptr(pml4);
}

static void flush_page(const uint64_t *pml4, vaddr_t vaddr)
{
    if (vspace_is_current(pml4)) {
        invlpg(vaddr);
    }
}

static void flush_vspace(const uint64_t *pml4)
{
    if (vspace_is_current(pml4)) {
        write_cr3(read_cr3());
    }
}

/* --- Entries -------------------------------------------------------------------------- */

static uint64_t cache_bits(word_t attr, uint64_t pat_bit)
{
    return (attr & 1 ? PTE_PWT : 0) | (attr & 2 ? PTE_PCD : 0) | (attr & 4 ? pat_bit : 0);
}

static uint64_t rights_bits(enum vm_rights rights)
{
    return (rights == VM_READ_ONLY ? 0 : PTE_WRITE) | (rights == VM_KERNEL_ONLY ? 0 : PTE_USER);
}

static uint64_t frame_entry(paddr_t paddr, enum frame_size size, enum vm_rights rights, word_t attr)
{
    uint64_t e = paddr | PTE_PRESENT | rights_bits(rights);
    switch (size) {
    case FRAME_4K:
        return e | cache_bits(attr, PTE_PAT_4K);
    case FRAME_2M:
        return e | PTE_HUGE | cache_bits(attr, PTE_PAT_LARGE);
    default: /* 1 GiB pages never use the PAT bit (as upstream) */
        return e | PTE_HUGE | cache_bits(attr & 3, 0);
    }
}

static uint64_t table_entry(paddr_t paddr, word_t attr)
{
    return paddr | PTE_PRESENT | PTE_WRITE | PTE_USER | cache_bits(attr & 3, 0);
}

/* --- Unmapping and ASIDs ------------------------------------------------------------------- */

static int frame_level(enum frame_size size)
{
    return size == FRAME_4K ? 0 : size == FRAME_2M ? 1 : 2;
}

/*
 * The entry at `level` for vaddr if it still maps `paddr` — as a leaf (a frame) or as the
 * next table down — or 0. Caps can be stale; only the page tables say what is mapped.
 */
static uint64_t *entry_mapping(uint64_t *pml4, vaddr_t vaddr, int level, bool leaf, paddr_t paddr)
{
    uint64_t *e = lookup_entry(pml4, vaddr, level);
    if (!e || !(*e & PTE_PRESENT)) {
        return 0;
    }
    /* In a PD or PDPT the PS bit tells a large page from a table (in a PT it is PAT). */
    if (level == 1 || level == 2) {
        if (!!(*e & PTE_HUGE) != leaf) {
            return 0;
        }
    }
    paddr_t addr = *e & PTE_ADDR_MASK & ~(leaf ? MASK(level_shift[level]) : 0);
    return addr == paddr ? e : 0;
}

void vspace_unmap_frame(cap_t cap)
{
    uint64_t *pml4 = find_vspace_for_asid(cap.frame.mapped_asid);
    vaddr_t vaddr = (vaddr_t)cap.frame.mapped_vpn << 12;
    uint64_t *e =
        pml4 ? entry_mapping(pml4, vaddr, frame_level(cap.frame.size), true, cap.frame.paddr) : 0;
    if (e) {
        *e = 0;
        flush_page(pml4, vaddr);
    }
}

static int table_level(enum cap_type type)
{
    return type == cap_page_table ? 1 : type == cap_page_directory ? 2 : 3;
}

/* Removes the entry pointing at a PT/PD/PDPT from the table above it. */
void vspace_unmap_table(cap_t cap)
{
    uint64_t *pml4 = find_vspace_for_asid(cap.table.mapped_asid);
    vaddr_t vaddr = (vaddr_t)cap.table.mapped_vpn << 12;
    uint64_t *e = pml4 ? entry_mapping(pml4, vaddr, table_level(cap_get_type(cap)), false,
                                       paddr_from_ptr((void *)cap.table.ptr))
                       : 0;
    if (e) {
        *e = 0;
        flush_vspace(pml4);
    }
}

static void load_kernel_vspace_if_current(const uint64_t *pml4)
{
    if (vspace_is_current(pml4)) {
        write_cr3(kernel_pml4_paddr());
    }
}

void vspace_delete_asid(word_t asid, uint64_t *pml4)
{
    asid_pool_t *pool = asid_table[asid >> ASID_LOW_BITS];
    if (pool && pool->vspaces[asid & MASK(ASID_LOW_BITS)] == pml4) {
        pool->vspaces[asid & MASK(ASID_LOW_BITS)] = 0;
        load_kernel_vspace_if_current(pml4);
    }
}

void vspace_delete_asid_pool(word_t asid_base, void *pool_object)
{
    asid_pool_t *pool = pool_object;
    if (asid_table[asid_base >> ASID_LOW_BITS] != pool) {
        return;
    }
    for (word_t i = 0; i < ASID_POOL_SIZE; i++) {
        if (pool->vspaces[i]) {
            load_kernel_vspace_if_current(pool->vspaces[i]);
        }
    }
    asid_table[asid_base >> ASID_LOW_BITS] = 0;
}

word_t asid_alloc_initial_pool(void *pool_object, word_t asid_base)
{
    asid_table[asid_base >> ASID_LOW_BITS] = pool_object;
    return asid_base;
}

bool vspace_is_valid_root(cap_t cap)
{
    return cap_get_type(cap) == cap_pml4 && cap.pml4.is_mapped;
}

/* A thread without a valid VSpace runs on the kernel's page tables: its first access faults. */
void vspace_switch_to_thread(tcb_t *t)
{
    paddr_t target = vspace_root_paddr(t);
    if (!target) {
        target = kernel_pml4_paddr();
    }
    if (read_cr3() != target) {
        write_cr3(target);
    }
}

/* A page fault from user mode becomes a VMFault for the thread's handler. */
void vspace_handle_page_fault(tcb_t *t, word_t error_code)
{
    current_fault.type = seL4_Fault_VMFault;
    current_fault.w[0] = read_cr2();
    current_fault.w[1] = (error_code >> 4) & 1; /* instruction fetch */
    current_fault.w[2] = error_code;
    handle_fault(t);
}

/* --- Invocations ---------------------------------------------------------------------- */

/* The VSpace an invocation's extra cap 0 names, checked against the ASID table. */
static exception_t decode_target_vspace(uint64_t **pml4, word_t *asid)
{
    cap_t cap = current_extra_caps.slots[0]->cap;
    if (!vspace_is_valid_root(cap)) {
        return error_invalid_capability(1, "the VSpace is not a PML4 cap with an ASID");
    }
    *asid = cap.pml4.asid;
    uint64_t *found = find_vspace_for_asid(*asid);
    if (!found) {
        return error_failed_lookup(false, "the VSpace's ASID is no longer assigned");
    }
    if (found != (uint64_t *)cap.pml4.ptr) {
        return error_invalid_capability(1, "the VSpace's ASID now names another PML4");
    }
    *pml4 = found;
    return EXCEPTION_NONE;
}

static exception_t decode_frame_map(cte_t *slot, cap_t cap, word_t length, word_t *buffer)
{
    tcb_t *t = current_thread;
    if (length < 3 || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage,
                            "Page_Map needs address, rights, attributes and the VSpace");
    }
    vaddr_t vaddr = get_mr(t, buffer, 0);
    seL4_CapRights_t mask = {{get_mr(t, buffer, 1)}};
    word_t attr = get_mr(t, buffer, 2) & 7;
    cap_t root = current_extra_caps.slots[0]->cap;
    if (!vspace_is_valid_root(root)) {
        return error_invalid_capability(1, "the VSpace is not a PML4 cap with an ASID");
    }
    word_t asid = root.pml4.asid;
    word_t size_bits = cap_object_size_bits(cap);
    if (cap.frame.mapped_asid) {
        if (cap.frame.mapped_asid != asid) {
            return error_invalid_capability(1, "this frame cap is mapped in another VSpace");
        }
        if (((vaddr_t)cap.frame.mapped_vpn << 12) != vaddr) {
            return error_invalid_argument(0, "this frame cap is mapped at another address "
                                             "(remapping only changes rights)");
        }
    } else if (vaddr > USER_TOP - 1 || vaddr + BIT(size_bits) > USER_TOP - 1) {
        return error_invalid_argument(0, "the frame would reach beyond user space");
    }
    uint64_t *pml4;
    if (decode_target_vspace(&pml4, &asid) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    enum vm_rights rights = (enum vm_rights)cap_mask_rights(cap, mask).frame.rights;
    if (!IS_ALIGNED(vaddr, size_bits)) {
        return error_simple(seL4_AlignmentError, "the address is not aligned to the frame size");
    }
    int level = frame_level(cap.frame.size);
    uint64_t *e = lookup_entry(pml4, vaddr, level);
    if (!e) {
        return error_failed_lookup(false, "a paging structure above the frame is missing");
    }
    /* A large page cannot replace the table below it. */
    if (level > 0 && (*e & PTE_PRESENT) && !(*e & PTE_HUGE)) {
        return error_simple(seL4_DeleteFirst, "a page table is mapped where the frame would go");
    }
    thread_set_state(t, ThreadState_Restart);
    slot->cap.frame.mapped_asid = asid;
    slot->cap.frame.mapped_vpn = vaddr >> 12;
    *e = frame_entry(cap.frame.paddr, cap.frame.size, rights, attr);
    flush_page(pml4, vaddr);
    return EXCEPTION_NONE;
}

static exception_t decode_frame_invocation(word_t label, word_t length, cte_t *slot, cap_t cap,
                                           bool call, word_t *buffer)
{
    tcb_t *t = current_thread;
    switch (label) {
    case seL4_X86PageMap:
        return decode_frame_map(slot, cap, length, buffer);
    case seL4_X86PageUnmap:
        thread_set_state(t, ThreadState_Restart);
        if (cap.frame.mapped_asid) {
            vspace_unmap_frame(cap);
        }
        slot->cap.frame.mapped_asid = 0;
        slot->cap.frame.mapped_vpn = 0;
        return EXCEPTION_NONE;
    case seL4_X86PageGetAddress:
        if (call) {
            set_mr(t, lookup_ipc_buffer(t, true), 0, cap.frame.paddr);
            set_reply_message(t, 0, 1);
        }
        thread_set_state(t, ThreadState_Running);
        return EXCEPTION_NONE;
    default:
        return error_illegal_operation("not a frame invocation");
    }
}

/* Map and Unmap of a PT, PD or PDPT: the same steps one level apart. */
static exception_t decode_table_invocation(word_t label, word_t length, cte_t *slot, cap_t cap,
                                           word_t *buffer)
{
    enum cap_type type = cap_get_type(cap);
    int level = table_level(type); /* level of the entry that points at this table */
    word_t map_label = type == cap_page_table       ? seL4_X86PageTableMap
                       : type == cap_page_directory ? seL4_X86PageDirectoryMap
                                                    : seL4_X86PDPTMap;
    tcb_t *t = current_thread;
    if (label == map_label + 1) { /* Unmap */
        if (!is_final_capability(slot)) {
            return error_simple(seL4_RevokeFirst, "other caps to this table exist");
        }
        thread_set_state(t, ThreadState_Restart);
        if (cap.table.is_mapped) {
            vspace_unmap_table(cap);
            memset((void *)cap.table.ptr, 0, BIT(seL4_PageBits));
        }
        slot->cap.table.is_mapped = 0;
        return EXCEPTION_NONE;
    }
    if (label != map_label) {
        return error_illegal_operation("not an invocation of this paging structure");
    }
    if (length < 2 || current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage, "Map needs address, attributes and VSpace");
    }
    if (cap.table.is_mapped) {
        return error_invalid_capability(0, "the table is mapped already");
    }
    vaddr_t vaddr = get_mr(t, buffer, 0) & ~MASK(level_shift[level]);
    word_t attr = get_mr(t, buffer, 1) & 7;
    cap_t root = current_extra_caps.slots[0]->cap;
    if (!vspace_is_valid_root(root)) {
        return error_invalid_capability(1, "the VSpace is not a PML4 cap with an ASID");
    }
    if (vaddr > USER_TOP - 1) {
        return error_invalid_argument(0, "the address is beyond user space");
    }
    uint64_t *pml4;
    word_t asid;
    if (decode_target_vspace(&pml4, &asid) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    uint64_t *e = lookup_entry(pml4, vaddr, level);
    if (!e) {
        return error_failed_lookup(false, "a paging structure above this one is missing");
    }
    if (*e & PTE_PRESENT) {
        return error_simple(seL4_DeleteFirst, "something is mapped there already");
    }
    thread_set_state(t, ThreadState_Restart);
    slot->cap.table.is_mapped = 1;
    slot->cap.table.mapped_asid = asid;
    slot->cap.table.mapped_vpn = vaddr >> 12;
    *e = table_entry(paddr_from_ptr((void *)cap.table.ptr), attr);
    return EXCEPTION_NONE;
}

static exception_t decode_asid_control(word_t label, word_t length, word_t *buffer)
{
    tcb_t *t = current_thread;
    if (label != seL4_X86ASIDControlMakePool) {
        return error_illegal_operation("not an ASIDControl invocation");
    }
    if (length < 2 || current_extra_caps.count < 2) {
        return error_simple(seL4_TruncatedMessage,
                            "MakePool needs index, depth, the untyped and the CNode");
    }
    word_t index = get_mr(t, buffer, 0), depth = get_mr(t, buffer, 1);
    cte_t *parent = current_extra_caps.slots[0];
    cap_t untyped = parent->cap;
    cap_t root = current_extra_caps.slots[1]->cap;
    word_t i = 0;
    while (i < NUM_ASID_POOLS && asid_table[i]) {
        i++;
    }
    if (i == NUM_ASID_POOLS) {
        return error_simple(seL4_DeleteFirst, "every ASID pool exists already");
    }
    if (cap_get_type(untyped) != cap_untyped || untyped.untyped.size_bits != seL4_ASIDPoolBits ||
        untyped.untyped.is_device) {
        return error_invalid_capability(1, "needs a 4 KiB untyped of RAM");
    }
    if (ensure_no_children(parent) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    lookup_result_t r = lookup_slot_for_cnode_op(false, root, index, depth);
    if (r.status != EXCEPTION_NONE) {
        return r.status;
    }
    if (ensure_empty_slot(r.slot) != EXCEPTION_NONE) {
        return EXCEPTION_SYSCALL_ERROR;
    }
    thread_set_state(t, ThreadState_Restart);
    parent->cap.untyped.free_index = BIT(seL4_ASIDPoolBits - seL4_MinUntypedBits);
    void *pool = ptr_from_paddr(untyped.untyped.paddr);
    memset(pool, 0, BIT(seL4_ASIDPoolBits));
    word_t asid_base = i << ASID_LOW_BITS;
    cte_insert(cap_asid_pool_new(pool, asid_base), parent, r.slot);
    asid_table[i] = pool;
    return EXCEPTION_NONE;
}

static exception_t decode_asid_pool(word_t label, cap_t cap)
{
    if (label != seL4_X86ASIDPoolAssign) {
        return error_illegal_operation("not an ASIDPool invocation");
    }
    if (current_extra_caps.count < 1) {
        return error_simple(seL4_TruncatedMessage, "Assign needs the PML4");
    }
    cte_t *vspace_slot = current_extra_caps.slots[0];
    cap_t vspace = vspace_slot->cap;
    if (cap_get_type(vspace) != cap_pml4 || vspace.pml4.is_mapped) {
        return error_invalid_capability(1, "needs a PML4 cap without an ASID");
    }
    word_t base = cap.asid_pool.asid_base;
    asid_pool_t *pool = asid_table[base >> ASID_LOW_BITS];
    if (!pool) {
        current_lookup_fault.type = seL4_InvalidRoot;
        return error_failed_lookup(false, "the ASID pool has been deleted");
    }
    if (pool != (asid_pool_t *)cap.asid_pool.ptr) {
        return error_invalid_capability(0, "the ASID pool's range now belongs to another pool");
    }
    word_t i = 0;
    while (i < ASID_POOL_SIZE && (base + i == 0 || pool->vspaces[i])) {
        i++;
    }
    if (i == ASID_POOL_SIZE) {
        return error_simple(seL4_DeleteFirst, "the ASID pool is full");
    }
    thread_set_state(current_thread, ThreadState_Restart);
    vspace_slot->cap.pml4.is_mapped = 1;
    vspace_slot->cap.pml4.asid = base + i;
    pool->vspaces[i] = (uint64_t *)vspace.pml4.ptr;
    return EXCEPTION_NONE;
}

exception_t decode_x86_mmu_invocation(word_t label, word_t length, cte_t *slot, cap_t cap,
                                      bool call, word_t *buffer)
{
    switch (cap_get_type(cap)) {
    case cap_frame:
        return decode_frame_invocation(label, length, slot, cap, call, buffer);
    case cap_page_table:
    case cap_page_directory:
    case cap_pdpt:
        return decode_table_invocation(label, length, slot, cap, buffer);
    case cap_asid_control:
        return decode_asid_control(label, length, buffer);
    case cap_asid_pool:
        return decode_asid_pool(label, cap);
    default: /* PML4: nothing to invoke */
        return error_illegal_operation("a PML4 has no invocations");
    }
}
