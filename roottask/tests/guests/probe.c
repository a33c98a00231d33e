/*
 * probe: tries what a unikernel must not be able to do and expects each attempt to be
 * refused with an error (none of these may fault, so every slot used is inside its CNode):
 * I/O ports and interrupts without the caps for them, ports outside a granted range,
 * making address spaces, configuration space of devices it was not given, unknown
 * service requests. Exits with the number of attempts that were allowed.
 *
 * Slots 5, 6 and 8 are left out of the "through slot N" probes: they hold an endpoint and a
 * notification, on which an invocation is just a message (a request the root task answers
 * with UK_ENOSYS, a signal to itself, or a fault report that ends the unikernel).
 */
#include "guest.h"

static int allowed;

static void expect_refused(const char *what, long result)
{
    printf("probe %s: %s (%ld)\n", what, result ? "refused" : "ALLOWED", result);
    allowed += result == 0;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    const struct uk_init *ui = guest_init;
    seL4_CPtr empty = ui->free_slot_start;
    seL4_Word value;

    expect_refused("in8 from COM1 through an empty slot", seL4_X86_IOPort_In8(empty, 0x3f8).error);
    for (seL4_CPtr slot = 0; slot < UK_SLOT_FIRST_GRANT; slot++) {
        if (slot == UK_SLOT_SERVICE || slot == UK_SLOT_NOTIFICATION || slot == UK_SLOT_FAULT_EP) {
            continue;
        }
        char what[64];
        snprintf(what, sizeof(what), "issue I/O ports through slot %lu", slot);
        expect_refused(what, seL4_X86_IOPortControl_Issue(slot, 0x3f8, 0x3ff, UK_SLOT_CNODE, empty,
                                                          seL4_WordBits));
        snprintf(what, sizeof(what), "take IOAPIC input 4 through slot %lu", slot);
        expect_refused(what, seL4_IRQControl_GetIOAPIC(slot, UK_SLOT_CNODE, empty, seL4_WordBits, 0,
                                                       4, 0, 0, 60));
        snprintf(what, sizeof(what), "take an MSI through slot %lu", slot);
        expect_refused(what, seL4_IRQControl_GetMSI(slot, UK_SLOT_CNODE, empty, seL4_WordBits, 0, 3,
                                                    0, 0, 61));
        snprintf(what, sizeof(what), "make an ASID pool through slot %lu", slot);
        expect_refused(what, seL4_X86_ASIDControl_MakePool(slot, ui->untyped[0].cap, UK_SLOT_CNODE,
                                                           empty, seL4_WordBits));
    }
    for (seL4_Word i = 0; i < ui->n_ioports; i++) {
        const struct uk_ioport *p = &ui->ioports[i];
        printf("granted ports 0x%x-0x%x in slot %lu\n", p->first, p->last, p->cap);
        expect_refused("in8 from COM1 through the granted range",
                       seL4_X86_IOPort_In8(p->cap, 0x3f8).error);
        expect_refused("in8 just past the granted range",
                       seL4_X86_IOPort_In8(p->cap, (uint16_t)(p->last + 1)).error);
    }
    expect_refused(
        "configuration read of a device not granted",
        (long)guest_call(UK_SVC_PCI_CONF_READ, (seL4_Word[]){ui->n_pci, 0, 4}, 3, &value));
    expect_refused(
        "configuration write of a device not granted",
        (long)guest_call(UK_SVC_PCI_CONF_WRITE, (seL4_Word[]){ui->n_pci, 4, 2, 7}, 4, 0));
    expect_refused("unknown service request", (long)guest_call(99, 0, 0, 0));
    expect_refused("console write with a bad length",
                   (long)guest_call(UK_SVC_CONSOLE_WRITE, (seL4_Word[]){4096}, 1, 0));
    printf("probe: %d attempt(s) allowed\n", allowed);
    return allowed;
}
