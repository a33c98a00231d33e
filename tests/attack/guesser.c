/*
 * guesser: invokes every slot of its CSpace, and cptrs outside it, as the capabilities only
 * the root task holds (I/O port control, IRQ control, ASID control, the domain cap, an
 * authority above its priority), copies guessed cptrs, and re-badges its endpoint caps to
 * pose as another unikernel. Every attempt must fail; the re-badged caps keep its own
 * badge, so what it sends through them is printed under its own name.
 */
#include "probe.h"
#include <string.h>

#define SLOTS (1ul << UK_CNODE_BITS)

/*
 * Slots whose invocation is a message rather than an operation: the service and fault
 * endpoints (a request or a fault report to the root task) and the notification (a
 * signal to itself).
 */
static int message_slot(seL4_CPtr slot)
{
    return slot == UK_SLOT_SERVICE || slot == UK_SLOT_FAULT_EP || slot == UK_SLOT_NOTIFICATION;
}

/*
 * Runs op on every slot (invoked: all but the message slots; as authority: all) and reports
 * one line: how many went through.
 */
static void every_slot(const char *what, seL4_Error (*op)(seL4_CPtr slot), int invoked)
{
    unsigned through = 0, tried = 0;
    for (seL4_CPtr slot = 0; slot < SLOTS; slot++) {
        if (invoked && message_slot(slot)) {
            continue;
        }
        tried++;
        through += op(slot) == seL4_NoError;
    }
    char how[48];
    snprintf(how, sizeof(how), "%u of %u slots", through, tried);
    attempt(what, through != 0, how);
}

static seL4_CPtr spare;
static seL4_CPtr untyped;

static seL4_Error issue_ports(seL4_CPtr slot)
{
    return seL4_X86_IOPortControl_Issue(slot, 0x60, 0x64, UK_SLOT_CNODE, spare, seL4_WordBits);
}

static seL4_Error take_ioapic(seL4_CPtr slot)
{
    return seL4_IRQControl_GetIOAPIC(slot, UK_SLOT_CNODE, spare, seL4_WordBits, 0, 1, 0, 0, 40);
}

static seL4_Error take_msi(seL4_CPtr slot)
{
    return seL4_IRQControl_GetMSI(slot, UK_SLOT_CNODE, spare, seL4_WordBits, 0, 3, 0, 0, 41);
}

static seL4_Error make_asid_pool(seL4_CPtr slot)
{
    return seL4_X86_ASIDControl_MakePool(slot, untyped, UK_SLOT_CNODE, spare, seL4_WordBits);
}

static seL4_Error move_domain(seL4_CPtr slot)
{
    return seL4_DomainSet_Set(slot, 1, UK_SLOT_TCB);
}

static seL4_Error raise_priority(seL4_CPtr slot)
{
    return seL4_TCB_SetSchedParams(UK_SLOT_TCB, slot, 254, 254);
}

static void say_through(seL4_CPtr ep, const char *text)
{
    seL4_Word n = strlen(text);
    seL4_SetMR(0, n);
    memcpy(&seL4_GetIPCBuffer()->msg[1], text, n);
    seL4_Call(ep, seL4_MessageInfo_new(UK_SVC_CONSOLE_WRITE, 0, 0, 1 + (n + 7) / 8));
}

int main(void)
{
    const struct uk_init *ui = pf_init();
    if (pf_kobject_alloc(seL4_NotificationObject, &spare)) {
        printf("no slots\n");
        return 100;
    }
    seL4_CNode_Delete(UK_SLOT_CNODE, spare, seL4_WordBits);
    untyped = ui->untyped[0].cap;

    every_slot("issue I/O ports 0x60-0x64", issue_ports, 1);
    every_slot("take IOAPIC input 1", take_ioapic, 1);
    every_slot("take an MSI for 00:03.0", take_msi, 1);
    every_slot("make an ASID pool", make_asid_pool, 1);
    every_slot("move itself to domain 1", move_domain, 1);
    every_slot("raise its priority to 254", raise_priority, 0);

    /* Cptrs beyond its CNode: the guard makes every one of them a failed lookup. */
    unsigned through = 0;
    uint64_t x = 0x9e3779b97f4a7c15ul;
    for (unsigned i = 0; i < 4096; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        seL4_CPtr guess = x | SLOTS; /* never a slot number of its own */
        if (seL4_CNode_Copy(UK_SLOT_CNODE, spare, seL4_WordBits, UK_SLOT_CNODE, guess,
                            seL4_WordBits, seL4_AllRights) == seL4_NoError) {
            through++;
            seL4_CNode_Delete(UK_SLOT_CNODE, spare, seL4_WordBits);
        }
    }
    char how[64];
    snprintf(how, sizeof(how), "%u of 4096 random cptrs", through);
    attempt("copy a cap from a guessed cptr", through != 0, how);

    /*
     * Re-badging: a badged endpoint cap cannot be minted with another badge (the kernel
     * refuses), so no copy can speak as another unikernel or as the kernel's fault channel.
     * Badge words as the root task might use them for unikernel 0 (the victim): service and
     * fault kinds, and no badge at all. Should one be made, it is used.
     */
    static const seL4_Word badges[] = {(1ul << 32) | 0, (2ul << 32) | 0, 0};
    static const seL4_CPtr endpoints[] = {UK_SLOT_SERVICE, UK_SLOT_FAULT_EP};
    for (unsigned e = 0; e < 2; e++) {
        for (unsigned i = 0; i < sizeof(badges) / sizeof(badges[0]); i++) {
            seL4_Error err =
                seL4_CNode_Mint(UK_SLOT_CNODE, spare, seL4_WordBits, UK_SLOT_CNODE, endpoints[e],
                                seL4_WordBits, seL4_AllRights, badges[i]);
            snprintf(how, sizeof(how), "slot %lu, badge 0x%lx: error %d", endpoints[e], badges[i],
                     err);
            attempt("re-badge an endpoint cap", err == seL4_NoError, how);
            if (err == seL4_NoError) {
                char text[80];
                snprintf(text, sizeof(text), "victim: posing with badge 0x%lx", badges[i]);
                say_through(spare, text);
                seL4_CNode_Delete(UK_SLOT_CNODE, spare, seL4_WordBits);
            }
        }
    }
    return attempts_summary();
}
