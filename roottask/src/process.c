/*
 * One unikernel process: planned before anything starts (image checked, memory and slots
 * reserved, devices claimed), then built from the plan and started, and torn down so that
 * it can be built again from the same plan (restart) or simply end.
 *
 * Address space (unikernel.h): image segments below UK_IMAGE_VADDR_MAX, init data at
 * UK_INIT_VADDR (read-only), IPC buffer at UK_IPC_BUFFER_VADDR, stack below UK_STACK_TOP,
 * files it carries from UK_FILES_VADDR (read-only), device frames from UK_DEVICE_VADDR. CSpace: one
 * CNode of 2^UK_CNODE_BITS slots with the fixed slots of enum uk_slot, then the grants, then free
 * slots.
 */
#include "roottask.h"

struct process processes[SYSDESC_MAX_UNIKERNELS];
unsigned nprocesses;

#define STACK_PAGES           (UK_INITIAL_STACK_SIZE / PAGE_SIZE)
#define MEMORY_MAX_CHUNK_BITS 40

/* The init data is assembled here, one process at a time. */
static char init_buffer[UK_INIT_MAX_PAGES * PAGE_SIZE] __attribute__((aligned(4096)));

_Static_assert(SYSDESC_MAX_FILES <= UK_MAX_FILES, "every file fits uk_init.files");

/* Finds the files the process carries and places them one after another, page aligned. */
static int plan_files(struct process *p)
{
    p->file_pages = 0;
    for (unsigned i = 0; i < p->uk->nfiles; i++) {
        if (archive_find_file(&p->uk->files[i], &p->files[i].data, &p->files[i].size) < 0) {
            return -1;
        }
        p->files[i].vaddr = UK_FILES_VADDR + p->file_pages * PAGE_SIZE;
        p->file_pages += ROUND_UP(p->files[i].size, PAGE_SIZE) / PAGE_SIZE;
    }
    return 0;
}

/* The address ranges the root task maps for the process, sorted by address. */
static unsigned layout(const struct process *p, struct vrange *r)
{
    unsigned n = 0;
    for (unsigned i = 0; i < p->elf.nsegments; i++) {
        const struct elf_segment *s = &p->elf.segments[i];
        r[n++] =
            (struct vrange){s->vaddr & ~(PAGE_SIZE - 1), ROUND_UP(s->vaddr + s->memsz, PAGE_SIZE)};
    }
    r[n++] = (struct vrange){UK_INIT_VADDR, UK_INIT_VADDR + ROUND_UP(p->init_bytes, PAGE_SIZE)};
    r[n++] = (struct vrange){UK_IPC_BUFFER_VADDR, UK_IPC_BUFFER_VADDR + PAGE_SIZE};
    r[n++] = (struct vrange){UK_STACK_TOP - UK_INITIAL_STACK_SIZE, UK_STACK_TOP};
    r[n++] = (struct vrange){UK_FILES_VADDR, UK_FILES_VADDR + p->file_pages * PAGE_SIZE};
    r[n++] = (struct vrange){UK_DEVICE_VADDR, UK_DEVICE_VADDR + devices_frame_count(p) * PAGE_SIZE};
    return n + channels_layout(p, r + n);
}

int process_plan(struct process *p)
{
    const struct sysdesc_unikernel *uk = p->uk;
    char problem[200];

    if (archive_find_image(uk, &p->image, &p->image_size) < 0 || plan_files(p) < 0) {
        return -1;
    }
    if (elf_check(p->image, p->image_size, UK_IMAGE_VADDR_MIN, UK_IMAGE_VADDR_MAX, &p->elf, problem,
                  sizeof(problem)) < 0) {
        return desc_error(uk->image_line, "image '%s': %s", uk->image, problem);
    }
    p->init_bytes = initdata_size(p);
    if (p->init_bytes > sizeof(init_buffer)) {
        return desc_error(uk->argv_line ? uk->argv_line : uk->line,
                          "init data of '%s' needs %lu bytes (at most %lu)", uk->name,
                          p->init_bytes, sizeof(init_buffer));
    }
    if (devices_plan(p) < 0) {
        return -1;
    }

    struct vrange ranges[ELFCHECK_MAX_SEGMENTS + 5 + UK_MAX_CHANNELS];
    seL4_Word tables = vspace_tables_needed(ranges, layout(p, ranges));
    seL4_Word frames = elf_page_count(&p->elf) + ROUND_UP(p->init_bytes, PAGE_SIZE) / PAGE_SIZE +
                       1 + STACK_PAGES + p->file_pages;
    /*
     * process_start makes the CNode first, then the PML4, the TCB and the notification
     * (together less than two pages, the rest of the second lost to alignment), then only
     * 4 KiB objects: with the pool's chunks largest first, nothing else is lost.
     */
    seL4_Word object_bytes =
        (1ul << (UK_CNODE_BITS + seL4_SlotBits)) + (2 + tables + frames) * PAGE_SIZE;
    char want[SIZE_STRING_MAX], free[SIZE_STRING_MAX];
    if (pool_reserve(&p->objects, object_bytes, MEMORY_MAX_CHUNK_BITS) < 0) {
        return desc_error(uk->line,
                          "not enough memory for the kernel objects and image of '%s' (%s; %s "
                          "free)",
                          uk->name, size_string(object_bytes, want, sizeof(want)),
                          size_string(alloc_free_bytes(), free, sizeof(free)));
    }
    if (pool_reserve(&p->memory, uk->memory, MEMORY_MAX_CHUNK_BITS) < 0) {
        return desc_error(uk->memory_line ? uk->memory_line : uk->line,
                          "not enough memory for '%s': it asks for %s, %s are free", uk->name,
                          size_string(uk->memory, want, sizeof(want)),
                          size_string(alloc_free_bytes(), free, sizeof(free)));
    }
    /* One slot per object made, plus the badged notification caps and the channels' caps. */
    seL4_Word slots =
        4 + tables + frames + devices_frame_count(p) + 1 + UK_MAX_IRQS + channels_slots_needed(p);
    if (slot_range_reserve(&p->slots, slots) < 0) {
        return desc_error(uk->line, "out of root task cap slots for '%s'", uk->name);
    }
    return 0;
}

/* --- Building -------------------------------------------------------------------------------- */

static int give(struct process *p, seL4_Word slot, seL4_CPtr src, seL4_CapRights_t rights,
                seL4_Word badge)
{
    seL4_Error err = seL4_CNode_Mint(p->cnode, slot, UK_CNODE_BITS, CSPACE_ROOT, src, seL4_WordBits,
                                     rights, badge);
    if (err) {
        say("%s: cannot fill its slot %lu: error %d", p->uk->name, slot, err);
        return -1;
    }
    return 0;
}

seL4_Word process_grant_badged(struct process *p, seL4_CPtr src, seL4_CapRights_t rights,
                               seL4_Word badge)
{
    if (p->free_slot == (1ul << UK_CNODE_BITS) || give(p, p->free_slot, src, rights, badge) < 0) {
        return 0;
    }
    return p->free_slot++;
}

seL4_Word process_grant(struct process *p, seL4_CPtr src, seL4_CapRights_t rights)
{
    return process_grant_badged(p, src, rights, 0);
}

static int map_new_frames(struct process *p, seL4_Word vaddr, seL4_Word pages,
                          seL4_CapRights_t rights, seL4_CPtr *first)
{
    for (seL4_Word i = 0; i < pages; i++) {
        seL4_CPtr frame = object_new(&p->vspace.src, seL4_X86_4K, 0);
        if (!frame || vspace_map(&p->vspace, frame, vaddr + i * PAGE_SIZE, rights,
                                 seL4_X86_Default_VMAttributes) < 0) {
            return -1;
        }
        if (i == 0 && first) {
            *first = frame;
        }
    }
    return 0;
}

/* Gives the memory grant: one child untyped of each memory chunk, in the process's CNode. */
static int grant_memory(struct process *p, struct uk_init *ui)
{
    for (unsigned i = 0; i < p->memory.n; i++) {
        const struct ut *chunk = &p->memory.chunk[i];
        seL4_Error err = seL4_Untyped_Retype(chunk->cap, seL4_UntypedObject, chunk->size_bits,
                                             p->cnode, 0, 0, p->free_slot, 1);
        if (err) {
            say("%s: cannot grant memory: error %d", p->uk->name, err);
            return -1;
        }
        ui->untyped[ui->n_untyped++] =
            (struct uk_untyped){p->free_slot++, chunk->paddr, chunk->size_bits};
        ui->mem_bytes += 1ul << chunk->size_bits;
    }
    return 0;
}

/* Copies bytes into fresh frames mapped read-only from vaddr on (the rest of a page is 0). */
static int map_copy(struct process *p, seL4_Word vaddr, const void *bytes, seL4_Word size)
{
    for (seL4_Word off = 0; off < size; off += PAGE_SIZE) {
        seL4_CPtr frame = object_new(&p->vspace.src, seL4_X86_4K, 0);
        if (!frame) {
            return -1;
        }
        void *page = scratch_map(frame, 0, 1, seL4_X86_Default_VMAttributes);
        memcpy(page, (const char *)bytes + off, size - off < PAGE_SIZE ? size - off : PAGE_SIZE);
        scratch_unmap(frame);
        if (vspace_map(&p->vspace, frame, vaddr + off, seL4_CanRead,
                       seL4_X86_Default_VMAttributes) < 0) {
            return -1;
        }
    }
    return 0;
}

/* Maps the files the process carries and lists them in its init data. */
static int map_files(struct process *p, struct uk_init *ui)
{
    for (unsigned i = 0; i < p->uk->nfiles; i++) {
        if (map_copy(p, p->files[i].vaddr, p->files[i].data, p->files[i].size) < 0) {
            return -1;
        }
        struct uk_file *f = &ui->files[ui->n_files++];
        memcpy(f->name, p->uk->files[i].name, sizeof(f->name));
        f->vaddr = p->files[i].vaddr;
        f->size = p->files[i].size;
    }
    return 0;
}

static int fixed_slots(struct process *p, seL4_CPtr ipc_frame)
{
    seL4_Word index = p->index;
    seL4_CapRights_t call = seL4_CapRights_new(1, 0, 0, 1); /* write + grant-reply */
    if (give(p, UK_SLOT_TCB, p->tcb, seL4_AllRights, 0) < 0 ||
        give(p, UK_SLOT_CNODE, p->cnode, seL4_AllRights,
             seL4_CNode_CapData_new(0, seL4_WordBits - UK_CNODE_BITS).words[0]) < 0 ||
        give(p, UK_SLOT_VSPACE, p->vspace.pml4, seL4_AllRights, 0) < 0 ||
        give(p, UK_SLOT_IPC_BUFFER, ipc_frame, seL4_AllRights, 0) < 0 ||
        give(p, UK_SLOT_SERVICE, service_endpoint, call, BADGE_SERVICE | index) < 0 ||
        give(p, UK_SLOT_NOTIFICATION, p->notification, seL4_AllRights, 0) < 0 ||
        give(p, UK_SLOT_FAULT_EP, service_endpoint, call, BADGE_FAULT | index) < 0) {
        return -1;
    }
    p->free_slot = UK_SLOT_FIRST_GRANT;
    return 0;
}

static int start_thread(struct process *p, seL4_CPtr ipc_frame)
{
    seL4_Error err =
        seL4_TCB_Configure(p->tcb, UK_SLOT_FAULT_EP, p->cnode,
                           seL4_CNode_CapData_new(0, seL4_WordBits - UK_CNODE_BITS).words[0],
                           p->vspace.pml4, 0, UK_IPC_BUFFER_VADDR, ipc_frame);
    if (!err) {
        err = seL4_TCB_SetSchedParams(p->tcb, seL4_CapInitThreadTCB, p->uk->priority,
                                      p->uk->priority);
    }
    if (!err) {
        err = seL4_TCB_BindNotification(p->tcb, p->notification);
    }
    seL4_UserContext regs = {0};
    regs.rip = p->elf.entry;
    regs.rsp = UK_STACK_TOP;
    regs.rdi = UK_INIT_VADDR;
    if (!err) {
        err = seL4_TCB_WriteRegisters(p->tcb, 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs);
    }
    if (err) {
        say("%s: cannot set up its thread: error %d", p->uk->name, err);
        return -1;
    }
    if (domains_place(p) < 0) {
        return -1;
    }
    /* No seL4_DebugNameThread: a production kernel has no debug calls (it would fault). */
    return seL4_TCB_Resume(p->tcb) ? -1 : 0;
}

int process_start(struct process *p)
{
    struct uk_init *ui = (struct uk_init *)init_buffer;
    seL4_CPtr ipc_frame = 0;

    p->building_since = runtime_rdtsc();
    p->slots.used = 0;
    p->vspace = (struct vspace){.src = {&p->objects, &p->slots}};
    /* In the order process_plan sized the pool for. */
    p->cnode = object_new(&p->vspace.src, seL4_CapTableObject, UK_CNODE_BITS);
    p->vspace.pml4 = object_new(&p->vspace.src, seL4_X64_PML4Object, 0);
    p->tcb = object_new(&p->vspace.src, seL4_TCBObject, 0);
    p->notification = object_new(&p->vspace.src, seL4_NotificationObject, 0);
    if (!p->cnode || !p->vspace.pml4 || !p->tcb || !p->notification ||
        asid_assign(p->vspace.pml4) < 0 || elf_load(p) < 0 ||
        map_new_frames(p, UK_STACK_TOP - UK_INITIAL_STACK_SIZE, STACK_PAGES, seL4_ReadWrite, 0) <
            0 ||
        map_new_frames(p, UK_IPC_BUFFER_VADDR, 1, seL4_ReadWrite, &ipc_frame) < 0) {
        return -1;
    }
    p->timer_signal = slot_range_take(&p->slots);
    if (!p->timer_signal ||
        cspace_mint(p->timer_signal, p->notification, seL4_CanWrite, 1ul << UK_NOTIFY_TIMER) ||
        fixed_slots(p, ipc_frame) < 0) {
        return -1;
    }

    initdata_begin(p, ui);
    if (grant_memory(p, ui) < 0 || devices_grant(p, ui) < 0 || map_files(p, ui) < 0 ||
        channels_grant(p, ui) < 0) {
        return -1;
    }
    ui->free_slot_start = p->free_slot;
    ui->free_slot_end = 1ul << UK_CNODE_BITS;
    if (map_copy(p, UK_INIT_VADDR, init_buffer, initdata_finish(p, ui)) < 0 ||
        start_thread(p, ipc_frame) < 0) {
        return -1;
    }
    p->state = PROC_RUNNING;
    return 0;
}

void process_teardown(struct process *p)
{
    /* Devices first: they must stop using the process's memory before it is reused. */
    devices_teardown(p);
    /* The memory grant's descendants (whatever the unikernel made), then the kernel objects
     * (thread, CNode, address space, image frames): revoking the chunks deletes them all. */
    pool_reset(&p->memory);
    pool_reset(&p->objects);
    channels_stop(p);
    p->slots.used = 0;
    p->vspace.ntables = 0;
    p->tcb = p->cnode = p->notification = p->timer_signal = 0;
    p->timer_deadline = 0;
}
