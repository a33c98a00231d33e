/*
 * Remote system calls over a channel (unikernel.h, struct uk_channel): how a client (a
 * unikernel linked with platform/rumpclient) asks a server (a rump kernel serving through
 * the rumpuser_sp_* hypercalls, platform/rumpuser/sp*.c) to run NetBSD system calls.
 *
 * The client owns the layout of the shared region: a header at offset 0, then `nslots` call
 * slots of `slot_size` bytes. A slot is one call in flight: its control block, then a data
 * area for the call's buffers. Pointer arguments of a call are not addresses but offsets
 * in the region (0 is the header, so a null pointer stays 0), and the server's copyin and
 * copyout reach only the region: a server never touches any other memory of its client.
 *
 * One call:
 *   client  fills the slot (sysnum, args, buffers), state REQUEST, signals the server;
 *   server  sees REQUEST for its own epoch, sets TAKEN, runs the call in the client's
 *           process of its rump kernel, writes error/retval (out-buffers were written by
 *           copyout during the call), sets DONE and signals the client;
 *   client  reads the results, copies out-buffers back, sets FREE.
 * Both sides read each other's words from memory the other may change at any time: the
 * server copies what it uses once and checks every offset and length against the region.
 *
 * Sessions: the first call of a client is RSC_CONNECT; the server makes a process for the
 * client (NetBSD's per-client process context) and answers with its pid. The session ends
 * when the client sends RSC_CONNECT again or the root task's status page says the client
 * stopped: its process exits, which closes all its descriptors. A request names the
 * server epoch (uk_channel_status) it was made for; a restarted server ignores requests
 * for an earlier epoch, and a client whose server was restarted fails its calls with
 * ECONNRESET until it connects again.
 */
#pragma once

#include <stdint.h>

#define RSC_MAGIC     0x31637372u /* "rsc1" */
#define RSC_VERSION   1
#define RSC_MAX_SLOTS 16
#define RSC_MAX_ARGS  8 /* words of a NetBSD sys_*_args structure (register-sized each) */
#define RSC_CONNECT   (-1)

enum rsc_slot_state {
    RSC_FREE = 0,
    RSC_REQUEST = 1, /* written by the client */
    RSC_TAKEN = 2,   /* the server runs it */
    RSC_DONE = 3,    /* results written by the server */
};

struct rsc_header {
    uint32_t magic, version;
    uint32_t nslots, slot_size; /* slots start at RSC_SLOTS_OFFSET */
    uint64_t client_epoch;      /* the client's epoch on the status page when it connected */
};

#define RSC_SLOTS_OFFSET 64

struct rsc_slot {
    volatile uint32_t state; /* enum rsc_slot_state */
    int32_t sysnum;          /* NetBSD system call number, or RSC_CONNECT */
    uint64_t seq;            /* unique per call of the client, echoed by nothing: a guard */
    uint64_t server_epoch;   /* the server instance the request is for */
    uint32_t argsize;        /* bytes of args (at most RSC_MAX_ARGS words) */
    int32_t error;           /* result: 0 or a NetBSD errno */
    int64_t retval[2];       /* result: the call's return values */
    uint64_t args[RSC_MAX_ARGS];
    uint32_t signal; /* a signal the server raised at the caller (e.g. SIGPIPE), or 0 */
    uint32_t pad[3];
    /* The data area follows, to the end of the slot. */
};

_Static_assert(sizeof(struct rsc_header) <= RSC_SLOTS_OFFSET, "header fits");
_Static_assert(sizeof(struct rsc_slot) % 16 == 0, "data area aligned");

/* Offset of slot i in a region with the given slot size. */
static inline uint64_t rsc_slot_offset(uint32_t slot_size, uint32_t i)
{
    return RSC_SLOTS_OFFSET + (uint64_t)slot_size * i;
}

/* Offset of slot i's data area, and its size. */
static inline uint64_t rsc_data_offset(uint32_t slot_size, uint32_t i)
{
    return rsc_slot_offset(slot_size, i) + sizeof(struct rsc_slot);
}

static inline uint64_t rsc_data_size(uint32_t slot_size)
{
    return slot_size - sizeof(struct rsc_slot);
}
