/*
 * The contract between the root task and every unikernel process it starts.
 *
 * 1. Start state. The root task loads the unikernel ELF into a fresh VSpace, gives it a
 *    single-level CSpace (radix UK_CNODE_BITS, guard so that a cptr is just the slot
 *    number), and starts one thread at the ELF entry with
 *        RDI = address of the read-only init-data pages (struct uk_init),
 *        RSP = top of a UK_INITIAL_STACK_SIZE stack (16-byte aligned),
 *    its IPC buffer mapped at uk_init.ipc_buffer and registered with its TCB. FS base is 0:
 *    the unikernel installs its own TLS.
 *
 * 2. Capabilities. Fixed slots below hold the process's own objects; everything granted
 *    from the system description (memory, device frames, I/O ports, IRQs) is listed in
 *    uk_init with the slot of each cap. Slots from uk_init.free_slot_start up to
 *    uk_init.free_slot_end are empty and the unikernel's to use.
 *
 * 3. Services. The endpoint in UK_SLOT_SERVICE (badged by the root task to identify the
 *    caller) answers the requests in enum uk_service_label with seL4_Call: console I/O,
 *    exit, mediated PCI configuration space access, and the shared timer.
 *
 * 4. Channels to other unikernels (struct uk_channel below): shared memory, a capability
 *    to signal the other end, and a status page the root task keeps.
 *
 * The same binary layout is used on upstream seL4 and on our kernel: only the pinned ABI.
 */
#pragma once

#include <sel4/types.h>

#define UK_INIT_MAGIC   0x554b494e49543031ul /* "UKINIT01" */
#define UK_INIT_VERSION 3

/* Layout of the unikernel's address space chosen by the root task. */
#define UK_CNODE_BITS         12
#define UK_INIT_VADDR         0x0000100000000000ul /* init data, read-only */
#define UK_INIT_MAX_PAGES     16
#define UK_IPC_BUFFER_VADDR   0x0000100000100000ul
#define UK_STACK_TOP          0x0000100000400000ul
#define UK_INITIAL_STACK_SIZE (64ul * 1024)
#define UK_FILES_VADDR        0x0000110000000000ul /* files carried in the image, read-only */
#define UK_DEVICE_VADDR       0x0000120000000000ul /* device BAR frames mapped here */
#define UK_CHANNEL_VADDR      0x0000130000000000ul /* channel i at + i * UK_CHANNEL_STRIDE */
#define UK_CHANNEL_STRIDE     (4ul << 20)
#define UK_FREE_VADDR         0x0000200000000000ul /* from here up: the unikernel's own */

/*
 * Where an image's loadable segments may lie: page 0 stays unmapped (null pointers fault)
 * and everything from UK_INIT_VADDR up is laid out above. The root task (and tools/bake)
 * reject an image with a segment outside [UK_IMAGE_VADDR_MIN, UK_IMAGE_VADDR_MAX).
 */
#define UK_IMAGE_VADDR_MIN 0x0000000000001000ul
#define UK_IMAGE_VADDR_MAX UK_INIT_VADDR

/* Fixed capability slots in every unikernel's CSpace. */
enum uk_slot {
    UK_SLOT_NULL = 0,
    UK_SLOT_TCB = 1,          /* its initial thread */
    UK_SLOT_CNODE = 2,        /* its own CSpace root */
    UK_SLOT_VSPACE = 3,       /* its PML4 (to map its own memory) */
    UK_SLOT_IPC_BUFFER = 4,   /* frame of the initial thread's IPC buffer */
    UK_SLOT_SERVICE = 5,      /* endpoint to the root task's services (badged) */
    UK_SLOT_NOTIFICATION = 6, /* bound to the initial TCB: IRQs and timer wakeups */
    UK_SLOT_ASID_POOL = 7,    /* null: unikernels do not make address spaces */
    UK_SLOT_FAULT_EP = 8,     /* the root task's fault endpoint, badged for this unikernel */
    UK_SLOT_FIRST_GRANT = 16, /* granted caps start here, listed in uk_init */
};

/*
 * Badge bits of the notification in UK_SLOT_NOTIFICATION. Bit UK_NOTIFY_TIMER is the
 * shared timer's wakeup; each IRQ in uk_init.irqs[] has its own bit (irqs[i].badge_bit,
 * from 1 up).
 *
 * Faults: the initial thread's fault endpoint is UK_SLOT_FAULT_EP. Threads the unikernel
 * creates should name it too (TCB_Configure fault_ep = UK_SLOT_FAULT_EP): the root task then
 * reports the fault, tears the whole unikernel down and applies its restart policy. Any
 * message sent on that cap is taken as a fault of this unikernel (its badge says whose).
 */
#define UK_NOTIFY_TIMER 0
/* Channel i of uk_init.channels[] sets bit UK_NOTIFY_CHANNEL + i (uk_channel.badge_bit). */
#define UK_NOTIFY_CHANNEL 32

#define UK_NAME_MAX      32
#define UK_MAX_UNTYPED   64
#define UK_MAX_DEVFRAMES 512 /* 4 KiB frames of all BARs together (an e1000e has 68) */
#define UK_MAX_IOPORTS   16
#define UK_MAX_IRQS      16
#define UK_MAX_PCI       8
#define UK_MAX_FILES     16
#define UK_MAX_CHANNELS  16
#define UK_PCI_BARS      6

struct uk_untyped {
    seL4_CPtr cap;
    seL4_Word paddr;
    seL4_Word size_bits;
};

struct uk_device_frame {
    seL4_CPtr cap; /* 4 KiB device frame, already mapped at vaddr (uncached) */
    seL4_Word paddr;
    seL4_Word vaddr;
};

struct uk_ioport {
    seL4_CPtr cap;
    seL4_Uint16 first, last; /* inclusive */
};

enum uk_irq_kind {
    UK_IRQ_IOAPIC = 1,
    UK_IRQ_MSI = 2,
};

/*
 * handler: an IRQHandler cap already bound to the notification; acknowledge each interrupt
 * with seL4_IRQHandler_Ack(handler). A PCI line that devices of several unikernels share
 * (on QEMU's PC machine slots 3 and 4 share IOAPIC input 11) is taken by the root task,
 * which passes each interrupt to all of them; their handler is then a stand-in, an
 * endpoint cap on which seL4_IRQHandler_Ack works the same (the line is unmasked once every
 * sharer has acknowledged) and other IRQHandler operations fail.
 */
struct uk_irq {
    seL4_CPtr handler;   /* IRQHandler cap (or a stand-in, see above) */
    seL4_Word badge_bit; /* bit of the notification word this IRQ sets */
    seL4_Word kind;      /* enum uk_irq_kind */
    seL4_Word line;      /* IOAPIC: the input (GSI) it arrives on; MSI: unused */
    seL4_Word vector;    /* user IRQ index given to the kernel (CPU vector 0x30 + it) */
    seL4_Word pci_index; /* index in uk_init.pci[] of the device it belongs to, or ~0 */
};

struct uk_pci_bar {
    seL4_Word base; /* physical address (memory) or first port (I/O); 0 if unused */
    seL4_Word size;
    seL4_Word is_io;
    seL4_Word is_64bit;
    seL4_Word prefetchable;
    seL4_Word vaddr; /* memory BARs: where its frames are mapped (0 for I/O BARs) */
};

struct uk_pci_device {
    seL4_Uint8 bus, dev, fn;
    seL4_Uint16 vendor, device;
    seL4_Uint32 class_rev; /* class code << 8 | revision */
    seL4_Word irq_index;   /* index in uk_init.irqs[] */
    seL4_Word msi_capable;
    struct uk_pci_bar bars[UK_PCI_BARS];
};

/*
 * A file the description makes the unikernel carry ("file = PATH [NAME]"): its bytes are
 * mapped read-only at vaddr (page aligned, from UK_FILES_VADDR on, the rest of the last
 * page zero). name is NAME, or PATH's last component: no '/', NUL-terminated.
 */
struct uk_file {
    char name[UK_NAME_MAX];
    seL4_Word vaddr; /* read-only mapping */
    seL4_Word size;
};

/*
 * A channel between two unikernels ("channel = SERVER [SIZE]" in the client's section of
 * the system description). Each end gets only its end:
 *
 *  - the shared region, `size` bytes mapped read-write at `vaddr` in both ends (zero when
 *    the system starts, then whatever the ends write; it survives restarts of either end);
 *  - `signal`, a write-only notification cap: seL4_Signal-ing it sets the other end's bit
 *    for this channel. While the other end is not running the slot is empty, so signal it
 *    with seL4_NBSend (a send on an empty slot then does nothing instead of faulting);
 *  - its own bit, `badge_bit` of its notification (UK_SLOT_NOTIFICATION), which the other
 *    end sets, and the root task too whenever the status page changed;
 *  - `status`: a read-only page the root task writes, saying of each end how often it was
 *    started (epoch) and whether it is running now. An end that sees the other's epoch or
 *    state change knows the other end was restarted or ended, and with it everything the
 *    other end had in the shared region and in its own memory.
 *
 * What the two ends say to each other over the region is theirs to agree (platform/
 * rumpuser/sp*.c and platform/rumpclient use it for NetBSD's remote system calls).
 */
enum uk_channel_role {
    UK_CHANNEL_CLIENT = 0, /* the unikernel with the channel line */
    UK_CHANNEL_SERVER = 1, /* the unikernel it names */
};

enum uk_end_state {
    UK_END_DOWN = 0,    /* not running: not started yet, or stopped and about to restart */
    UK_END_RUNNING = 1, /* started (epoch counts the starts) */
    UK_END_GONE = 2,    /* ended for good: no restart follows */
};

struct uk_channel_status {
    struct {
        seL4_Word epoch; /* how often it was started; 0 before the first start */
        seL4_Word state; /* enum uk_end_state */
    } end[2];            /* indexed by enum uk_channel_role */
};

struct uk_channel {
    char peer[UK_NAME_MAX]; /* the unikernel at the other end */
    seL4_Word role;         /* this end's, enum uk_channel_role */
    seL4_Word vaddr, size;  /* the shared region */
    seL4_Word status;       /* vaddr of the read-only struct uk_channel_status */
    seL4_CPtr signal;       /* sets the other end's bit (write-only; empty while it is down) */
    seL4_Word badge_bit;    /* this end's bit: UK_NOTIFY_CHANNEL + index in channels[] */
};

struct uk_init {
    seL4_Word magic;   /* UK_INIT_MAGIC */
    seL4_Word version; /* UK_INIT_VERSION */
    char name[UK_NAME_MAX];
    seL4_Word instance; /* index of this unikernel in the system description */
    seL4_Word priority; /* of its initial thread; its MCP is the same */

    /* Command line and environment: argv[argc] and envp[envc] are null. */
    seL4_Word argc;
    char **argv;
    seL4_Word envc;
    char **envp;

    /* Time: TSC frequency and the wall clock read from the CMOS RTC at root-task start. */
    seL4_Word tsc_hz;
    seL4_Word boot_epoch_seconds; /* UTC seconds since 1970 at boot_tsc */
    seL4_Word boot_tsc;
    seL4_Word start_tsc; /* when the root task began to build this instance (restarts too) */

    /* Memory: untypeds the unikernel retypes itself; their sizes add up to mem_bytes. */
    seL4_Word mem_bytes;
    seL4_Word n_untyped;
    struct uk_untyped untyped[UK_MAX_UNTYPED];

    /* CSpace and VSpace bookkeeping. */
    seL4_Word free_slot_start, free_slot_end;
    seL4_Word ipc_buffer; /* vaddr of the initial thread's IPC buffer */
    seL4_Word stack_top;

    /* Devices. */
    seL4_Word n_device_frames;
    struct uk_device_frame device_frames[UK_MAX_DEVFRAMES];
    seL4_Word n_ioports;
    struct uk_ioport ioports[UK_MAX_IOPORTS];
    seL4_Word n_irqs;
    struct uk_irq irqs[UK_MAX_IRQS];
    seL4_Word n_pci;
    struct uk_pci_device pci[UK_MAX_PCI];

    /* Files carried in the image (read-only). */
    seL4_Word n_files;
    struct uk_file files[UK_MAX_FILES];

    /* Channels: first those this unikernel is the client of, then those it serves. */
    seL4_Word n_channels;
    struct uk_channel channels[UK_MAX_CHANNELS];

    /*
     * Configuration for the program runtime, one line of words per item of the system
     * description that a program's runtime carries out itself (net, nameserver, mount,
     * tree, cwd: README.md, "System description reference"), in description order and
     * already checked, with words separated by single spaces: "net vioif0 dhcp",
     * "mount ld0 /data ext2fs", "tree tree0 /srv/www" (tree0: a file in files[]).
     */
    seL4_Word confc;
    char **confv;

    /* Strings referenced by argv/envp/confv live in the rest of the init pages. */
};

/*
 * Service requests on UK_SLOT_SERVICE (seL4_Call; label = request, reply label 0 = ok,
 * otherwise one of the UK_E* codes below). Words are message registers.
 *
 * Console output is buffered per unikernel and printed a whole line at a time (a line
 * longer than the buffer is split), always prefixed with "NAME: ", with control bytes, DEL
 * and bytes above 0x7f shown as \xNN and carriage returns dropped. Console input comes
 * from the system console (COM1).
 *
 * PCI configuration writes are checked: a BAR may only be written with all ones (the
 * sizing protocol) or with the value the root task found in it, and the MSI address and
 * data only with the values the root task programmed. Everything else is passed through.
 */
enum uk_service_label {
    /* in: MR0 = byte count n (<= UK_CONSOLE_CHUNK), MR1.. = bytes packed 8 per word. */
    UK_SVC_CONSOLE_WRITE = 1,
    /* in: MR0 = max bytes; out: MR0 = n (0 if nothing pending), MR1.. = bytes. Non-blocking. */
    UK_SVC_CONSOLE_READ = 2,
    /* in: MR0 = exit status. No reply: the process is torn down. */
    UK_SVC_EXIT = 3,
    /* in: MR0 = index in uk_init.pci[], MR1 = offset, MR2 = width (1, 2 or 4); out: MR0. */
    UK_SVC_PCI_CONF_READ = 4,
    /* in: MR0 = index, MR1 = offset, MR2 = width, MR3 = value. */
    UK_SVC_PCI_CONF_WRITE = 5,
    /*
     * in: MR0 = absolute TSC deadline (0 cancels). The root task's timer service signals
     * UK_NOTIFY_TIMER on the caller's notification at or after that time.
     */
    UK_SVC_TIMER_SET = 6,
};

#define UK_CONSOLE_CHUNK (8 * (seL4_MsgMaxLength - 1))

/* Reply labels of failed service requests (errno values). */
#define UK_EPERM  1  /* not granted to the caller (PCI index, register, value) */
#define UK_EINVAL 22 /* malformed request (length, width, offset, alignment) */
#define UK_ENOSYS 38 /* unknown request label */
