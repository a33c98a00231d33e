/*
 * The root task: loaded from the first multiboot module (a static ELF64) and given the
 * initial CSpace of upstream seL4:
 *   slots 0..15  fixed caps (TCB, CNode, VSpace, IRQ/ASID/IOPort control, ASID pool,
 *                bootinfo and IPC buffer frames, domain)
 *   then         its paging structures, extra-bootinfo frames, image frames, and untypeds
 *                (device ranges and all remaining RAM), as the bootinfo regions report.
 * Virtual layout: image, IPC buffer page, bootinfo page, extra-bootinfo pages.
 */
#include <kernel.h>
#include <arch.h>
#include <boot.h>
#include <printk.h>
#include <pte.h>
#include <sel4/elf64.h>

#define ROOT_CNODE_SLOTS BIT(CONFIG_ROOT_CNODE_SIZE_BITS)
#define ROOT_ASID        1

static cte_t *root_cnode;
static word_t next_slot = seL4_NumInitialCaps;
static uint64_t *root_pml4;

static void provide_cap(word_t slot, cap_t cap)
{
    kassert(slot < ROOT_CNODE_SLOTS && cap_is_null(root_cnode[slot].cap));
    root_cnode[slot].cap = cap;
    root_cnode[slot].mdb.revocable = 1;
    root_cnode[slot].mdb.first_badged = 1;
}

static word_t provide_next(cap_t cap)
{
    if (next_slot >= ROOT_CNODE_SLOTS) {
        panic("root CNode full");
    }
    provide_cap(next_slot, cap);
    return next_slot++;
}

static void *alloc_object(word_t bits)
{
    return ptr_from_paddr(boot_mem_alloc(BIT(bits), bits));
}

/* --- ELF -------------------------------------------------------------------------------------- */

static const Elf64_Ehdr *check_elf(paddr_t start, paddr_t end)
{
    const Elf64_Ehdr *eh = ptr_from_paddr(start);
    word_t size = end - start;
    if (size < sizeof(*eh) || *(const uint32_t *)eh->e_ident != ELF_MAGIC ||
        eh->e_ident[4] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
        eh->e_phoff + (word_t)eh->e_phnum * sizeof(Elf64_Phdr) > size) {
        panic("root task module is not a valid x86_64 ELF64 image");
    }
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD &&
            (ph[i].p_offset + ph[i].p_filesz > size || ph[i].p_filesz > ph[i].p_memsz ||
             ph[i].p_vaddr + ph[i].p_memsz >= USER_TOP - BIT(30))) {
            panic("root task segment %u lies outside the image or user space", i);
        }
    }
    return eh;
}

static void elf_bounds(const Elf64_Ehdr *eh, vaddr_t *start, vaddr_t *end)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
    *start = ~0ul;
    *end = 0;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && ph[i].p_memsz) {
            *start = MIN(*start, ph[i].p_vaddr);
            *end = MAX(*end, ph[i].p_vaddr + ph[i].p_memsz);
        }
    }
    if (*start >= *end) {
        panic("root task has no loadable segments");
    }
    *start = ROUND_DOWN(*start, seL4_PageBits);
    *end = ROUND_UP(*end, seL4_PageBits);
}

/* Copies the segments into the image frames (physically contiguous, zeroed). */
static void elf_load(const Elf64_Ehdr *eh, vaddr_t image_start, paddr_t image_paddr)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD) {
            memcpy(ptr_from_paddr(image_paddr + ph[i].p_vaddr - image_start),
                   (const char *)eh + ph[i].p_offset, ph[i].p_filesz);
        }
    }
}

/* --- Address space -------------------------------------------------------------------- */

/* Makes sure a page table covers vaddr, creating (and giving caps to) missing levels. */
static uint64_t *ensure_page_table(vaddr_t vaddr)
{
    static const enum cap_type level_cap[] = {cap_page_table, cap_page_directory, cap_pdpt};
    uint64_t *table = root_pml4;
    for (int level = 3; level > 0; level--) {
        uint64_t *e = &table[pt_index(vaddr, level)];
        if (!(*e & PTE_PRESENT)) {
            uint64_t *next = alloc_object(seL4_PageBits);
            *e = paddr_from_ptr(next) | PTE_PRESENT | PTE_WRITE | PTE_USER;
            cap_t cap = cap_table_new(level_cap[level - 1], next);
            cap.table.is_mapped = 1;
            cap.table.mapped_asid = ROOT_ASID;
            cap.table.mapped_vpn = ROUND_DOWN(vaddr, 12 + 9 * level) >> 12;
            provide_next(cap);
        }
        table = ptr_from_paddr(*e & PTE_ADDR_MASK);
    }
    return table;
}

static cap_t map_root_frame(paddr_t paddr, vaddr_t vaddr)
{
    uint64_t *pt = ensure_page_table(vaddr);
    pt[pt_index(vaddr, 0)] = paddr | PTE_PRESENT | PTE_WRITE | PTE_USER;
    cap_t cap = cap_frame_new(paddr, FRAME_4K, VM_READ_WRITE, false);
    cap.frame.mapped_asid = ROOT_ASID;
    cap.frame.mapped_vpn = vaddr >> 12;
    return cap;
}

/* --- Bootinfo ------------------------------------------------------------------------- */

static void *append_chunk(char *extra, word_t *len, word_t id, const void *payload, word_t size)
{
    seL4_BootInfoHeader h = {id, sizeof(h) + size};
    memcpy(extra + *len, &h, sizeof(h));
    if (payload) {
        memcpy(extra + *len + sizeof(h), payload, size);
    }
    void *where = extra + *len + sizeof(h);
    *len += h.len;
    return where;
}

static word_t build_extra_bootinfo(char *extra, const struct boot_info_in *in)
{
    word_t len = 0;
    const void *rsdp = acpi_rsdp_copy();
    if (rsdp) {
        append_chunk(extra, &len, SEL4_BOOTINFO_HEADER_X86_ACPI_RSDP, rsdp,
                     sizeof(seL4_X86_RSDP_t));
    }
    seL4_X86_BootInfo_mmap_t mmap;
    memset(&mmap, 0, sizeof(mmap));
    uint32_t n = MIN(in->mmap_entries, 50u);
    for (uint32_t i = 0; i < n; i++) {
        mmap.mmap[i].size = 20;
        mmap.mmap[i].base_addr = in->mmap[i].base;
        mmap.mmap[i].length = in->mmap[i].length;
        mmap.mmap[i].type = in->mmap[i].type;
    }
    mmap.mmap_length = n * sizeof(seL4_X86_mb_mmap_t);
    append_chunk(extra, &len, SEL4_BOOTINFO_HEADER_X86_MBMMAP, &mmap.mmap_length,
                 sizeof(mmap) - sizeof(mmap.header));
    uint32_t mhz = (uint32_t)(tsc_hz / 1000000);
    append_chunk(extra, &len, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ, &mhz, sizeof(mhz));
    return len;
}

/* Splits [start, end) into naturally aligned power-of-two untypeds. */
static void provide_untypeds(seL4_BootInfo *bi, paddr_t start, paddr_t end, bool device)
{
    while (start + BIT(seL4_MinUntypedBits) <= end) {
        word_t bits = start ? (word_t)__builtin_ctzl(start) : seL4_MaxUntypedBits;
        while (bits > seL4_MinUntypedBits && start + BIT(bits) > end) {
            bits--;
        }
        bits = MIN(bits, (word_t)seL4_MaxUntypedBits);
        if (start + BIT(bits) > end) {
            return;
        }
        word_t index = bi->untyped.end - bi->untyped.start;
        if (index >= CONFIG_MAX_BOOTINFO_UNTYPEDS) {
            kprintf("warning: bootinfo untyped list full; [%lx, %lx) not given out\n", start, end);
            return;
        }
        bi->untypedList[index].paddr = start;
        bi->untypedList[index].sizeBits = bits;
        bi->untypedList[index].isDevice = device;
        provide_next(cap_untyped_new(start, bits, device, 0));
        bi->untyped.end++;
        start += BIT(bits);
    }
}

/* --- The root thread ------------------------------------------------------------------ */

static void create_root_thread(vaddr_t entry, vaddr_t bootinfo, vaddr_t ipc_buffer, cap_t ipc_frame)
{
    tcb_t *t = alloc_object(seL4_TCBBits);
    thread_init(t);
    cte_insert(root_cnode[seL4_CapInitThreadCNode].cap, &root_cnode[seL4_CapInitThreadCNode],
               tcb_slot(t, TCB_CTABLE));
    cte_insert(root_cnode[seL4_CapInitThreadVSpace].cap, &root_cnode[seL4_CapInitThreadVSpace],
               tcb_slot(t, TCB_VTABLE));
    cte_insert(ipc_frame, &root_cnode[seL4_CapInitThreadIPCBuffer], tcb_slot(t, TCB_BUFFER));
    t->ipc_buffer = ipc_buffer;
    t->priority = seL4_MaxPrio;
    t->mcp = seL4_MaxPrio;
    t->ctx.rip = entry;
    t->ctx.fault_ip = entry;
    t->ctx.rdi = bootinfo;
    memcpy(t->name, "rootserver", 11);
    provide_cap(seL4_CapInitThreadTCB, cap_thread_new(t));
    t->state = ThreadState_Running;
    sched_enqueue(t);
}

void create_root_task(const struct boot_info_in *in)
{
    const Elf64_Ehdr *eh = check_elf(in->module_start, in->module_end);
    vaddr_t image_start, image_end;
    elf_bounds(eh, &image_start, &image_end);
    word_t image_bytes = image_end - image_start;
    paddr_t image_paddr = boot_mem_alloc(image_bytes, seL4_PageBits);
    elf_load(eh, image_start, image_paddr);
    vaddr_t entry = eh->e_entry;

    vaddr_t ipc_vaddr = image_end;
    vaddr_t bi_vaddr = image_end + BIT(seL4_PageBits);
    vaddr_t extra_vaddr = bi_vaddr + BIT(seL4_PageBits);

    root_cnode = alloc_object(CONFIG_ROOT_CNODE_SIZE_BITS + seL4_SlotBits);
    provide_cap(seL4_CapInitThreadCNode,
                cap_cnode_new(root_cnode, CONFIG_ROOT_CNODE_SIZE_BITS,
                              seL4_WordBits - CONFIG_ROOT_CNODE_SIZE_BITS, 0));
    root_pml4 = alloc_object(seL4_PML4Bits);
    kvspace_copy_kernel_entries(root_pml4);
    cap_t pml4_cap = cap_pml4_new(root_pml4);
    pml4_cap.pml4.is_mapped = 1;
    pml4_cap.pml4.asid = ROOT_ASID;
    provide_cap(seL4_CapInitThreadVSpace, pml4_cap);
    void *pool = alloc_object(seL4_ASIDPoolBits);
    asid_alloc_initial_pool(pool, 0);
    ((uint64_t **)pool)[ROOT_ASID] = root_pml4;
    provide_cap(seL4_CapInitThreadASIDPool, cap_asid_pool_new(pool, 0));
    provide_cap(seL4_CapIRQControl, cap_simple_new(cap_irq_control));
    provide_cap(seL4_CapASIDControl, cap_simple_new(cap_asid_control));
    provide_cap(seL4_CapIOPortControl, cap_simple_new(cap_io_port_control));
    provide_cap(seL4_CapDomain, cap_simple_new(cap_domain));

    /* Paging structures for everything the root task will see, created in order. */
    seL4_BootInfo *bi = alloc_object(seL4_PageBits);
    char *extra = alloc_object(seL4_PageBits);
    word_t extra_len = build_extra_bootinfo(extra, in);
    bi->userImagePaging.start = next_slot;
    for (vaddr_t va = image_start; va < extra_vaddr + BIT(seL4_PageBits); va += BIT(21)) {
        ensure_page_table(va);
    }
    ensure_page_table(extra_vaddr);
    bi->userImagePaging.end = next_slot;

    paddr_t ipc_paddr = boot_mem_alloc(BIT(seL4_PageBits), seL4_PageBits);
    cap_t ipc_cap = map_root_frame(ipc_paddr, ipc_vaddr);
    provide_cap(seL4_CapInitThreadIPCBuffer, ipc_cap);
    provide_cap(seL4_CapBootInfoFrame, map_root_frame(paddr_from_ptr(bi), bi_vaddr));
    bi->extraBIPages.start = next_slot;
    provide_next(map_root_frame(paddr_from_ptr(extra), extra_vaddr));
    bi->extraBIPages.end = next_slot;
    bi->userImageFrames.start = next_slot;
    for (word_t off = 0; off < image_bytes; off += BIT(seL4_PageBits)) {
        provide_next(map_root_frame(image_paddr + off, image_start + off));
    }
    bi->userImageFrames.end = next_slot;

    create_root_thread(entry, bi_vaddr, ipc_vaddr, ipc_cap);
    /* The ELF has been copied out: its module becomes ordinary free memory. */
    boot_mem_add(ROUND_UP(in->module_start, seL4_PageBits),
                 ROUND_DOWN(in->module_end, seL4_PageBits));

    bi->extraLen = extra_len;
    bi->nodeID = 0;
    bi->numNodes = 1;
    bi->numIOPTLevels = ~0ul;
    bi->ipcBuffer = (seL4_IPCBuffer *)ipc_vaddr;
    bi->initThreadCNodeSizeBits = CONFIG_ROOT_CNODE_SIZE_BITS;
    bi->initThreadDomain = 0;
    bi->untyped.start = bi->untyped.end = next_slot;
    const region_t *r;
    int n = boot_device_regions(&r);
    for (int i = 0; i < n; i++) {
        provide_untypeds(bi, r[i].start, r[i].end, true);
    }
    n = boot_mem_regions(&r);
    for (int i = 0; i < n; i++) {
        provide_untypeds(bi, r[i].start, r[i].end, false);
    }
    bi->empty.start = next_slot;
    bi->empty.end = ROOT_CNODE_SLOTS;
    kinfo("root task: image %lx-%lx entry %lx, %lu untypeds, first free slot %lu\n", image_start,
          image_end, entry, bi->untyped.end - bi->untyped.start, next_slot);
}
