/*
 * The root task's work for each unikernel, limited to a share of the CPU.
 *
 * The root task runs at priority 255 and the time it spends on a request is charged to
 * no one: a unikernel that sends requests back to back (a console flood: each line is
 * written to the UART port by port) would take the CPU from everyone at its priority,
 * since its own time slice hardly runs down. So each unikernel has a credit of root-task
 * time, in TSC ticks, refilled at 1/THROTTLE_SHARE of the time that passes and holding at
 * most THROTTLE_BURST_MS; every request it sends costs what the root task spent on it. A
 * request that leaves the credit negative is carried out but not answered until the credit
 * is back to zero: its reply cap is kept (CNode_SaveCaller) and used later, so the
 * unikernel's caller waits, and everyone else runs meanwhile.
 */
#include "roottask.h"

#define THROTTLE_SHARE    4 /* a unikernel's requests take at most a quarter of the CPU */
#define THROTTLE_BURST_MS 20

static struct kept {
    seL4_CPtr slot; /* where its reply cap is kept (allocated on first use) */
    int pending;
    int64_t credit; /* TSC ticks of root-task time it may still use */
    uint64_t stamp; /* when credit was last refilled */
    uint64_t due;   /* pending: when the reply goes out */
    seL4_Word label, length;
    seL4_Word mr[seL4_MsgMaxLength];
} kept[SYSDESC_MAX_UNIKERNELS];

static int64_t burst(void)
{
    return (int64_t)(boot_clock.tsc_hz / 1000 * THROTTLE_BURST_MS);
}

static void refill(struct kept *k, uint64_t now)
{
    if (!k->stamp) {
        k->credit = burst();
    } else {
        k->credit += (int64_t)((now - k->stamp) / THROTTLE_SHARE);
        if (k->credit > burst()) {
            k->credit = burst();
        }
    }
    k->stamp = now;
}

int throttle_charge(struct process *p, uint64_t cost, seL4_Word label, const seL4_Word *mr,
                    seL4_Word length)
{
    struct kept *k = &kept[p->index];
    uint64_t now = runtime_rdtsc();
    refill(k, now);
    k->credit -= (int64_t)cost;
    if (k->credit >= 0) {
        return 0;
    }
    if (!k->slot) {
        k->slot = slot_alloc();
    }
    seL4_Error err =
        k->slot ? seL4_CNode_SaveCaller(CSPACE_ROOT, k->slot, seL4_WordBits) : seL4_NotEnoughMemory;
    if (err) {
        say("%s: cannot hold back a reply: error %d", p->uk->name, err);
        return 0; /* answer at once rather than never */
    }
    k->pending = 1;
    k->due = now + (uint64_t)(-k->credit) * THROTTLE_SHARE;
    k->label = label;
    k->length = length;
    memcpy(k->mr, mr, length * sizeof(seL4_Word));
    return 1;
}

uint64_t throttle_due(void)
{
    uint64_t next = 0;
    for (unsigned i = 0; i < nprocesses; i++) {
        struct kept *k = &kept[i];
        if (!k->pending) {
            continue;
        }
        if (k->due <= runtime_rdtsc()) {
            for (seL4_Word w = 0; w < k->length; w++) {
                seL4_SetMR((int)w, k->mr[w]);
            }
            seL4_Send(k->slot, seL4_MessageInfo_new(k->label, 0, 0, k->length));
            k->pending = 0;
        } else if (!next || k->due < next) {
            next = k->due;
        }
    }
    return next;
}

void throttle_forget(struct process *p)
{
    struct kept *k = &kept[p->index];
    if (k->pending) {
        cspace_delete(k->slot);
    }
    k->pending = 0;
    k->stamp = 0;
}
