/*
 * Internal interfaces of the root task, one section per source file. See roottask/README.md
 * for the overall design.
 */
#pragma once

#include <runtime.h>
#include <rt_vspace.h>
#include <unikernel.h>
#include "cpio.h"
#include "elfcheck.h"
#include "sysdesc.h"

#define PAGE_BITS      12
#define PAGE_SIZE      (1ul << PAGE_BITS)
#define ROUND_UP(x, a) (((x) + (a)-1) & ~((seL4_Word)(a)-1))

/* Named by pointer before the sections that define them (irq.c, process.c, channels.c). */
struct process;
struct irq_route;
struct channel;

/* --- report.c: messages ----------------------------------------------------------------------- */

/* Prints "roottask: " and the message (a whole line). */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports a root-task bug or an impossible kernel answer and ends QEMU with status 1. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Names the description file that desc_error's messages are about. */
void desc_error_file(const char *file);
/* Prints "FILE:LINE: message" about the system description; returns -1. */
int desc_error(unsigned line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A byte count in its largest whole binary unit, rounded down ("507 MiB", "64 KiB"). */
#define SIZE_STRING_MAX 32
const char *size_string(seL4_Word bytes, char *buf, size_t size);

/* --- ioport.c: the root task's own I/O ports -------------------------------------------------- */

seL4_CPtr ioport_issue(seL4_Word first, seL4_Word last);
uint32_t ioport_in(seL4_CPtr cap, uint16_t port, unsigned width);
void ioport_out(seL4_CPtr cap, uint16_t port, unsigned width, uint32_t value);

/* --- cspace.c: the root task's CSpace --------------------------------------------------------- */

/*
 * At start-up the root task moves to a two-level CSpace: the boot CNode stays reachable
 * under its old cptrs and a large CNode adds slots for everything the root task creates.
 * Every slot then has a cptr, and CNode operations name any slot as (CSPACE_ROOT, cptr, 64).
 */
void cspace_init(const seL4_BootInfo *bi);
extern seL4_CPtr CSPACE_ROOT;
/* One slot that stays the root task's for good. */
seL4_CPtr slot_alloc(void);

/* A run of slots for one process's objects, handed out in order and rewound on restart. */
struct slot_range {
    seL4_CPtr base;
    seL4_Word count, used;
};
int slot_range_reserve(struct slot_range *r, seL4_Word count);
seL4_CPtr slot_range_take(struct slot_range *r);

seL4_Error cspace_retype(seL4_CPtr untyped, seL4_Word type, seL4_Word size_bits, seL4_CPtr dest,
                         seL4_Word count);
seL4_Error cspace_copy(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights);
seL4_Error cspace_mint(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge);
seL4_Error cspace_delete(seL4_CPtr slot);
seL4_Error cspace_revoke(seL4_CPtr slot);

/* --- alloc.c: untyped memory ------------------------------------------------------------------ */

/* One untyped and how much of it is used, mirroring the kernel's watermark. */
struct ut {
    seL4_CPtr cap;
    seL4_Word paddr;
    seL4_Word size_bits;
    seL4_Word used;
};

void alloc_init(const seL4_BootInfo *bi);
/* A root-task object from the bootinfo RAM untypeds into slot dest. */
int alloc_object(seL4_Word type, seL4_Word obj_bits, seL4_CPtr dest);
/* Bytes of RAM untyped still unallocated. */
seL4_Word alloc_free_bytes(void);

/*
 * A pool: power-of-two untyped chunks taken from the bootinfo RAM untypeds for one purpose
 * (one process's kernel objects, or its memory grant). Revoking the chunks deletes every
 * object made from them, so a process's memory comes back whole.
 */
#define POOL_MAX_CHUNKS UK_MAX_UNTYPED
struct pool {
    unsigned n;
    struct ut chunk[POOL_MAX_CHUNKS];
};
/* Reserves at least bytes (a multiple of 4 KiB) in chunks no larger than 2^max_bits. */
int pool_reserve(struct pool *p, seL4_Word bytes, seL4_Word max_bits);
int pool_retype(struct pool *p, seL4_Word type, seL4_Word obj_bits, seL4_CPtr dest);
/* Revokes every chunk: all objects made from the pool are gone and it is empty again. */
void pool_reset(struct pool *p);

/* Where new objects come from: a process's pool and slot range, or (pool 0) the root task's. */
struct objsrc {
    struct pool *pool;
    struct slot_range *slots;
};
/* Makes one object and returns its slot, or 0 after printing why. */
seL4_CPtr object_new(const struct objsrc *src, seL4_Word type, seL4_Word size_bits);

/* --- vspace.c: address spaces ----------------------------------------------------------------- */

#define VSPACE_MAX_TABLES 256

struct vspace {
    seL4_CPtr pml4;
    struct objsrc src;
    unsigned ntables;
    struct {
        seL4_Word level_shift; /* 39 PDPT, 30 page directory, 21 page table */
        seL4_Word prefix;      /* vaddr >> level_shift */
    } tables[VSPACE_MAX_TABLES];
};

/* An address range [start, end), for counting the paging structures a layout needs. */
struct vrange {
    seL4_Word start, end;
};

/* Maps a 4 KiB frame, making the paging structures on the way. */
int vspace_map(struct vspace *vs, seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights,
               seL4_X86_VMAttributes attr);
/* Paging structures needed for ranges sorted by start and not overlapping. */
seL4_Word vspace_tables_needed(const struct vrange *ranges, unsigned n);
/* Assigns a new PML4 to an ASID pool, making a pool when all are full. */
int asid_assign(seL4_CPtr pml4);

/* A window in the root task's own address space to fill or read frames. */
#define SCRATCH_PAGES 64
void *scratch_map(seL4_CPtr frame, unsigned page, int writable, seL4_X86_VMAttributes attr);
void scratch_unmap(seL4_CPtr frame);

/* --- devmem.c: device memory ------------------------------------------------------------------ */

void devmem_init(const seL4_BootInfo *bi);
/*
 * Claims the naturally aligned [paddr, paddr + 2^bits) of device memory (bits >= 12) and
 * returns an untyped covering exactly it, or 0 with the reason in *problem.
 */
seL4_CPtr devmem_claim(seL4_Word paddr, seL4_Word bits, const char **problem);
/* Deletes every frame made from a claimed piece, which stays claimed. */
void devmem_revoke(seL4_CPtr piece);
/* Deletes every frame made from a claimed piece and gives the piece up. */
void devmem_release(seL4_CPtr piece);
/* Copies len bytes of device memory (e.g. ACPI tables) at paddr into buf. */
int devmem_read(seL4_Word paddr, void *buf, seL4_Word len);

/* --- acpi.c: the MADT ------------------------------------------------------------------------- */

void acpi_init(const seL4_BootInfo *bi);
/* Applies the MADT's interrupt source override for an ISA line and finds its IOAPIC input. */
int acpi_isa_override(unsigned isa_irq, struct irq_route *r);

/* --- clock.c: TSC frequency and wall-clock time at boot --------------------------------------- */

struct boot_clock {
    seL4_Word tsc_hz;
    seL4_Word epoch_seconds; /* UTC, from the CMOS RTC */
    seL4_Word tsc;           /* TSC when epoch_seconds was read */
};
extern struct boot_clock boot_clock;
void clock_init(const seL4_BootInfo *bi);

/* --- archive.c: the system archive linked into the root task ---------------------------------- */

/* Finds and parses the description; returns 0, or -1 after printing the problem. */
int archive_load_system(struct sysdesc *desc);
/* The image a unikernel names; returns 0, or -1 after printing the problem with file:line. */
int archive_find_image(const struct sysdesc_unikernel *uk, const void **data, size_t *size);
/* A file a unikernel carries, likewise. */
int archive_find_file(const struct sysdesc_file *f, const void **data, size_t *size);

/* --- pci.c ------------------------------------------------------------------------------------ */

#define PCI_MAX_DEVICES 64
#define PCI_BARS        UK_PCI_BARS

struct pci_bar {
    uint64_t base, size; /* size 0: unused (or the upper half of a 64-bit BAR) */
    int is_io, is_64bit, prefetchable;
};

struct pci_device {
    uint8_t bus, dev, fn, header_type;
    uint16_t vendor, device;
    uint32_t class_rev;
    uint8_t irq_line, irq_pin;
    unsigned msi_cap, msix_cap; /* capability offsets, 0 if absent */
    uint32_t bar_reg[PCI_BARS]; /* BAR registers as found */
    struct pci_bar bars[PCI_BARS];
    int owner;           /* index of the process it is granted to, or -1 */
    unsigned owner_line; /* description line that granted it */
    int msi_vector_set;  /* the root task programs MSI with msi_vector */
    seL4_Word msi_vector;
};

extern struct pci_device pci_devices[PCI_MAX_DEVICES];
extern unsigned pci_ndevices;

void pci_init(void);
struct pci_device *pci_find(const struct sysdesc_device *want);
const char *pci_name(const struct pci_device *d);
uint32_t pci_read(const struct pci_device *d, unsigned off, unsigned width);
void pci_write(const struct pci_device *d, unsigned off, unsigned width, uint32_t value);
/* Turns decoding (and MSI, if the root task programs it) on for a device being granted. */
void pci_enable(struct pci_device *d);
/* Stops a device's DMA, decoding and interrupts when its unikernel ends. */
void pci_disable(struct pci_device *d);
/* A mediated configuration access (UK_SVC_PCI_CONF_READ/WRITE); returns a reply label. */
seL4_Word pci_service(struct process *p, int write, const seL4_Word *mr, seL4_Word len,
                      seL4_Word *value);

/* --- irq.c: interrupts ------------------------------------------------------------------------ */

/* Where an interrupt arrives: IOAPIC index and input, trigger mode and polarity. */
struct irq_route {
    seL4_Word ioapic, pin;
    seL4_Word level;    /* 1: level-triggered */
    seL4_Word polarity; /* 1: active-low */
};

int irq_route_isa(unsigned isa_irq, struct irq_route *r);
int irq_route_pci(unsigned line, struct irq_route *r);
/* New handler caps (root task slots) with a fresh vector each; 0 after printing why. */
seL4_CPtr irq_claim_ioapic(const struct irq_route *r, seL4_Word *vector);
seL4_CPtr irq_claim_msi(unsigned bus, unsigned dev, unsigned fn, seL4_Word *vector);
/* Binds handler to notification through badged (an empty slot) and acknowledges it. */
int irq_bind(seL4_CPtr handler, seL4_CPtr notification, seL4_Word badge, seL4_CPtr badged);
/* An ISA interrupt for the root task itself, bound to notification with badge. */
seL4_CPtr irq_claim_isa(unsigned isa_irq, seL4_CPtr notification, seL4_Word badge,
                        struct irq_route *route);

/* --- irqshare.c: interrupt lines shared between unikernels ------------------------------------ */

/* Turns a claimed IOAPIC handler into a shared line (bound to the root task); -1 if full. */
int irqshare_line(seL4_CPtr handler);
void irqshare_add(unsigned line, struct process *p);
/* At start: the process's stand-in handler cap (a slot of its CNode), or 0. */
seL4_Word irqshare_grant(unsigned line, struct process *p, seL4_Word bit);
/* The shared lines whose bits are set fired: pass them on. */
void irqshare_fire(seL4_Word bits);
/* A stand-in handler was invoked; returns the reply label (a seL4_Error). */
seL4_Word irqshare_ack(seL4_Word badge, seL4_Word label);
/* The process ended: it no longer holds up its lines. */
void irqshare_leave(struct process *p);

/* --- devices.c: what a process is granted from the description -------------------------------- */

/* What a process was granted from its description (claimed once, granted at every start). */
struct device_region {
    seL4_CPtr piece; /* device untyped covering exactly the region */
    seL4_Word paddr, size_bits;
    seL4_Word vaddr; /* where it is mapped in the process */
};

struct process_devices {
    unsigned npci;
    struct pci_device *pci[UK_MAX_PCI];
    seL4_Word pci_irq[UK_MAX_PCI]; /* index in irqs[], or ~0 */
    unsigned nregions;
    struct device_region regions[UK_MAX_PCI * UK_PCI_BARS]; /* one per memory BAR */
    seL4_Word frames;
    unsigned nports;
    struct {
        seL4_CPtr cap;
        uint16_t first, last;
    } ports[UK_MAX_IOPORTS];
    unsigned nirqs;
    struct {
        seL4_CPtr handler;
        seL4_Word kind; /* enum uk_irq_kind */
        struct irq_route route;
        seL4_Word vector, pci_index;
        int shared_line; /* index in irqshare.c's lines, or -1: the process has the input */
    } irqs[UK_MAX_IRQS];
};

/* Finds and claims the process's devices (PCI, I/O ports, IRQs); -1 after printing why. */
int devices_plan(struct process *p);
/* Device frames the process maps (for planning its address space). */
seL4_Word devices_frame_count(const struct process *p);
/* Maps and hands over the claimed devices and lists them in the init data. */
int devices_grant(struct process *p, struct uk_init *ui);
/* Quiesces the devices (no more DMA or interrupts into freed memory) and takes them back. */
void devices_teardown(struct process *p);

/* --- elf_load.c ------------------------------------------------------------------------------- */

int elf_load(struct process *p);

/* --- initdata.c ------------------------------------------------------------------------------- */

/* Bytes of init data a process will need (for planning). */
seL4_Word initdata_size(const struct process *p);
/* Fills the fields that come from the description and the machine. */
void initdata_begin(const struct process *p, struct uk_init *ui);
/* Appends argv/env after the struct (the buffer holds initdata_size bytes); returns the size. */
seL4_Word initdata_finish(const struct process *p, struct uk_init *ui);

/* --- process.c: one unikernel process --------------------------------------------------------- */

enum process_state {
    PROC_PLANNED,
    PROC_RUNNING,
    PROC_EXITED,     /* exit_status is valid */
    PROC_FAULTED,    /* fault describes it */
    PROC_RESTARTING, /* torn down, to be started again at restart_at (back-off) */
};

#define CONSOLE_LINE_MAX 256

struct process {
    unsigned index;
    const struct sysdesc_unikernel *uk;
    const void *image;
    size_t image_size;
    struct elf_image elf;

    /* Planned before anything starts; kept across restarts. */
    struct pool objects;
    struct pool memory;
    struct slot_range slots;
    seL4_Word init_bytes;
    struct process_devices devices;
    struct {
        const void *data; /* in the system archive */
        size_t size;
        seL4_Word vaddr;
    } files[UK_MAX_FILES];
    seL4_Word file_pages;
    unsigned nchannels; /* its ends, in uk_init.channels order (channels.c) */
    struct channel *channel[UK_MAX_CHANNELS];

    /* The running instance. */
    struct vspace vspace;
    seL4_CPtr cnode, tcb, notification, timer_signal;
    seL4_Word free_slot; /* next unused slot of its CNode while it is built */
    seL4_Word grant_slot_end;

    enum process_state state;
    int exit_status;
    unsigned restarts;
    char fault[96];

    /* Restart back-off (lifecycle.c); TSC values. */
    unsigned burst;          /* restarts since an instance last ran long enough */
    uint64_t building_since; /* when process_start began the running instance */
    uint64_t started_at;     /* when the running instance was started */
    uint64_t restart_at;     /* PROC_RESTARTING: when to start it again */
    uint64_t start_cost;     /* TSC ticks its last start took */

    unsigned console_len;
    char console_line[CONSOLE_LINE_MAX];

    uint64_t timer_deadline; /* TSC; 0 = none */

    unsigned domain; /* its seL4 domain: 0 (the root task's) unless it has a share */
};

extern struct process processes[SYSDESC_MAX_UNIKERNELS];
extern unsigned nprocesses;

/* Checks an image and reserves everything the process needs; -1 after printing why. */
int process_plan(struct process *p);
/* Builds the process from its plan and starts it; -1 after printing why. */
int process_start(struct process *p);
/* Stops the process and returns everything it had to the plan. */
void process_teardown(struct process *p);
/* Copies a root-task cap into the process's next free slot; returns the slot or 0. */
seL4_Word process_grant(struct process *p, seL4_CPtr src, seL4_CapRights_t rights);
seL4_Word process_grant_badged(struct process *p, seL4_CPtr src, seL4_CapRights_t rights,
                               seL4_Word badge);

/* --- channels.c: channels between unikernels ------------------------------------------------- */

/* Makes every channel's region and status page and lists each process's ends; -1 after
 * printing why. Runs before the processes are planned. */
int channels_plan(const struct sysdesc *desc);
/* The address ranges of the process's channels (for planning its page tables); returns how
 * many it wrote (at most UK_MAX_CHANNELS). */
unsigned channels_layout(const struct process *p, struct vrange *r);
/* Root-task cap slots each start of the process uses for its channels. */
seL4_Word channels_slots_needed(const struct process *p);
/* At start: maps the process's ends, exchanges signal caps with the running other ends,
 * lists them in the init data and marks the process running on every channel. */
int channels_grant(struct process *p, struct uk_init *ui);
/* At teardown: takes its ends back and tells the other ends it is down. */
void channels_stop(struct process *p);
/* It will not be restarted: tells the other ends it is gone for good. */
void channels_gone(struct process *p);

/* --- domains.c: CPU shares ------------------------------------------------------------------- */

/* Gives every process with a share its domain and checks the kernel has them; -1 if not. */
int domains_plan(void);
/* Configures and starts the domain schedule (nothing without shares). */
void domains_start(void);
/* Moves the process's new thread into its domain (before it runs); -1 after saying why. */
int domains_place(const struct process *p);

/* --- throttle.c: the root task's time for each unikernel ------------------------------------ */

/*
 * Charges the process cost TSC ticks for a request; if that overdraws its credit, keeps the
 * reply (label, mr[0..length)) to send later and returns 1 (then do not reply now).
 */
int throttle_charge(struct process *p, uint64_t cost, seL4_Word label, const seL4_Word *mr,
                    seL4_Word length);
/* Sends the kept replies whose time has come; returns when the next is due, or 0. */
uint64_t throttle_due(void);
/* The process ended: a kept reply goes unsent and its credit starts over. */
void throttle_forget(struct process *p);

/* --- console.c -------------------------------------------------------------------------------- */

void console_write(struct process *p, const char *bytes, seL4_Word n);
void console_flush(struct process *p);
/* Bytes waiting on the system console, at most max; never blocks. */
seL4_Word console_read(char *buf, seL4_Word max);
void console_init(void);

/* --- timer.c: the shared timer ---------------------------------------------------------------- */

void timer_init(void);
/* Where the timer's interrupt arrives (no unikernel may have it). */
extern struct irq_route timer_route;
/* Sets (deadline != 0) or cancels the process's TSC deadline; returns a reply label. */
seL4_Word timer_set(struct process *p, uint64_t deadline);
void timer_cancel(struct process *p);
void timer_interrupt(void);
/* The root task's own next deadline (restarts, held-back replies), or 0 for none. */
void timer_set_root(uint64_t deadline);
/* Signals every passed deadline and re-arms the hardware for the earliest one left. */
void timer_check(void);

/* --- lifecycle.c ------------------------------------------------------------------------------ */

/* The process ended (exit or fault already recorded): tear down, restart or finish. */
void lifecycle_ended(struct process *p);
/* A fault message from the process's thread (label and MRs as received). */
void lifecycle_fault(struct process *p, seL4_Word label, const seL4_Word *mr, seL4_Word len);
/* Starts the processes whose back-off has passed; returns when the next is due, or 0. */
uint64_t lifecycle_restart_due(void);
int lifecycle_all_done(void);
/* Prints the summary line; returns 0 iff every process exited 0. */
int lifecycle_summary(void);

/* --- service.c: requests on the service endpoint ---------------------------------------------- */

#define BADGE_SERVICE    (1ul << 32)
#define BADGE_FAULT      (2ul << 32)
#define BADGE_IRQ_ACK    (3ul << 32) /* a shared line's stand-in handler (irqshare.c) */
#define BADGE_KIND_MASK  (0xfful << 32)
#define BADGE_INDEX_MASK 0xfffful
/* Bit of the root task's own notification: the timer interrupt. */
#define BADGE_TIMER_IRQ (1ul << 63)
/* Bits of the root task's notification for shared interrupt lines (irqshare.c). */
#define BADGE_SHARED_IRQ(line) (1ul << (48 + (line)))
/* A wakeup with any of these bits is the notification, not a message (endpoint badges
 * never use them). */
#define BADGE_NOTIFY_MASK (0xfffful << 48)

extern seL4_CPtr service_endpoint;
void service_init(void);
/* The root task's own notification (timer and shared interrupt lines). */
seL4_CPtr service_notification(void);
/* Runs until every process has ended for good; returns the system's exit status. */
int service_loop(void);
