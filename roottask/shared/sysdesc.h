/*
 * System description: the parsed form of the human-readable file that says which
 * unikernels a system runs and what each may use. The format is documented in the
 * top-level README ("System description reference").
 *
 * Shared by tools/bake (host) and the root task: pure C, fixed-size storage, no
 * allocation. Everything that can be checked without the machine is checked here (syntax,
 * numbers, names, duplicates, resources the root task keeps); what needs the machine (is
 * that PCI device there, is there that much memory) is checked by the root task, which
 * reports it with sysdesc_error() and the line kept for each item.
 */
#pragma once

#include "shared_libc.h"

#define SYSDESC_MAX_UNIKERNELS 32
#define SYSDESC_MAX_DEVICES    16 /* pci + ioports + irq entries per unikernel */
#define SYSDESC_MAX_ARGS       64 /* argv entries, and env entries, per unikernel */
#define SYSDESC_MAX_FILES      16 /* files (and trees) carried in the image, per unikernel */
#define SYSDESC_MAX_CONF       24 /* net, nameserver, mount, tree, cwd items per unikernel */
#define SYSDESC_STRINGS        4096
#define SYSDESC_NAME_MAX       32 /* including the terminating NUL */
#define SYSDESC_PATH_MAX       128
#define SYSDESC_LINE_MAX       1024
#define SYSDESC_ERROR_MAX      256

#define SYSDESC_DEFAULT_MEMORY   (16ul << 20)
#define SYSDESC_MIN_MEMORY       (64ul << 10)
#define SYSDESC_MAX_MEMORY       (1ul << 40)
#define SYSDESC_DEFAULT_PRIORITY 100
#define SYSDESC_MAX_PRIORITY     254 /* 255 is the root task's */
#define SYSDESC_MAX_RESTARTS     1000
#define SYSDESC_MAX_SHARE        100
/* Unikernels with a share: one domain each, domain 0 being the root task's (16 domains). */
#define SYSDESC_MAX_SHARED 15

/* Channels (sysdesc_channel_keys.c): per unikernel, both ends counted; region sizes. */
#define SYSDESC_MAX_CHANNELS         16
#define SYSDESC_CHANNEL_DEFAULT_SIZE (64ul << 10)
#define SYSDESC_CHANNEL_MIN_SIZE     (4ul << 10)
#define SYSDESC_CHANNEL_MAX_SIZE     (2ul << 20)

enum sysdesc_device_kind {
    SYSDESC_PCI_ID,   /* pci = VVVV:DDDD (vendor:device, the first such device) */
    SYSDESC_PCI_ADDR, /* pci = BB:DD.F (bus:device.function) */
    SYSDESC_IOPORTS,  /* ioports = FIRST-LAST */
    SYSDESC_IRQ,      /* irq = N (ISA interrupt line) */
};

struct sysdesc_device {
    enum sysdesc_device_kind kind;
    unsigned line;
    union {
        struct {
            uint16_t vendor, device;
        } id;
        struct {
            uint8_t bus, dev, fn;
        } addr;
        struct {
            uint16_t first, last; /* inclusive */
        } ports;
        uint8_t irq;
    } u;
};

enum sysdesc_restart {
    SYSDESC_RESTART_NEVER,
    SYSDESC_RESTART_ON_FAILURE, /* after a non-zero exit or a fault, at most restart_max times */
    SYSDESC_RESTART_ALWAYS,     /* after any end, at most restart_max times */
};

struct sysdesc_unikernel {
    char name[SYSDESC_NAME_MAX];
    char image[SYSDESC_PATH_MAX];
    uint64_t memory;
    unsigned priority;
    enum sysdesc_restart restart;
    unsigned restart_max;
    bool restart_quick; /* restarts wait only as the duty bound asks, no growing delays */
    unsigned share;     /* CPU share in kernel ticks per round (0: none, runs with the root task) */

    /* Source lines, for messages about this unikernel found after parsing (0: not given). */
    unsigned line, image_line, memory_line, priority_line, argv_line, restart_line, share_line;

    /* argv and env: offsets into strings[]; argv defaults to { name }. */
    unsigned argc, envc;
    uint16_t argv[SYSDESC_MAX_ARGS];
    uint16_t env[SYSDESC_MAX_ARGS];
    unsigned strings_used;
    char strings[SYSDESC_STRINGS];

    unsigned ndevices;
    struct sysdesc_device devices[SYSDESC_MAX_DEVICES];

    /*
     * file = PATH [NAME]: PATH is looked up like the image, NAME is what the unikernel sees.
     * tree = DIR PATH adds one too: DIR (a directory, looked up the same way), which bake
     * packs as a file-system image and the unikernel sees as "treeN".
     */
    unsigned nfiles;
    struct sysdesc_file {
        char path[SYSDESC_PATH_MAX];
        char name[SYSDESC_NAME_MAX];
        unsigned line;
        bool tree;
    } files[SYSDESC_MAX_FILES];

    /*
     * What the unikernel's program runtime carries out itself (net, nameserver, mount,
     * tree, cwd): each item as words separated by single spaces, in description order
     * (offsets into strings[]), e.g. "net vioif0 10.0.2.15/24 10.0.2.2", "tree tree0 /www".
     */
    unsigned nconf;
    uint16_t conf[SYSDESC_MAX_CONF];
    unsigned conf_line[SYSDESC_MAX_CONF];
    unsigned cwd_line;

    /*
     * channel = SERVER [SIZE]: channels on which this unikernel is the client of another,
     * in description order. The server's own list is implied (sysdesc_channel_ends).
     */
    unsigned nchannels;
    struct sysdesc_channel {
        char server[SYSDESC_NAME_MAX];
        unsigned server_index; /* in sysdesc.uk[], set by the whole-system check */
        uint64_t size;         /* of the shared region, a multiple of 4K */
        unsigned line;
    } channels[SYSDESC_MAX_CHANNELS];
};

struct sysdesc {
    char file[SYSDESC_PATH_MAX]; /* the name messages use for the description */
    unsigned count;
    struct sysdesc_unikernel uk[SYSDESC_MAX_UNIKERNELS];
};

/*
 * Parses and checks a whole description. file names the description in messages. On error
 * returns -1 with "FILE:LINE: problem" in err; *out is then unusable.
 */
int sysdesc_parse(struct sysdesc *out, const char *file, const char *text, size_t len, char *err,
                  size_t err_size);

static inline const char *sysdesc_arg(const struct sysdesc_unikernel *uk, unsigned i)
{
    return uk->strings + uk->argv[i];
}

static inline const char *sysdesc_env(const struct sysdesc_unikernel *uk, unsigned i)
{
    return uk->strings + uk->env[i];
}

static inline const char *sysdesc_conf(const struct sysdesc_unikernel *uk, unsigned i)
{
    return uk->strings + uk->conf[i];
}

/*
 * The channels unikernel `index` is an end of, in the order the root task lists them in its
 * uk_init.channels: first those it is the client of (its own channel lines), then those it
 * serves (in the order of the description's lines). Fills at most SYSDESC_MAX_CHANNELS
 * entries of ends (the check guarantees there are no more) and returns how many there are.
 */
struct sysdesc_channel_end {
    const struct sysdesc_channel *channel;
    unsigned client, server; /* indices in sysdesc.uk[] */
    bool is_server;          /* unikernel `index` is the server end */
};
unsigned sysdesc_channel_ends(const struct sysdesc *desc, unsigned index,
                              struct sysdesc_channel_end *ends);

/* Formats "FILE:LINE: message" into err, for problems found after parsing. */
void sysdesc_error(const struct sysdesc *desc, unsigned line, char *err, size_t err_size,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Describes a device entry the way the description writes it ("pci 8086:100e"). */
void sysdesc_device_string(const struct sysdesc_device *d, char *buf, size_t size);

/*
 * Resources the root task keeps for itself and never grants: returns what uses them, or 0
 * if the range is free to grant.
 */
const char *sysdesc_reserved_ports(unsigned first, unsigned last);
const char *sysdesc_reserved_irq(unsigned irq);
/* Unikernel names the root task's own console lines use ("roottask", "system"), or 0. */
const char *sysdesc_reserved_name(const char *name);
