/*
 * The root task's own I/O ports: the PCI configuration mechanism, the PIT, the CMOS RTC and
 * the console UART. Each range is issued once at start-up and kept.
 */
#include "roottask.h"
#include <rt_ioport.h>

seL4_CPtr ioport_issue(seL4_Word first, seL4_Word last)
{
    seL4_CPtr slot = slot_alloc();
    seL4_Error err = slot ? seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, first, last,
                                                         CSPACE_ROOT, slot, seL4_WordBits)
                          : seL4_NotEnoughMemory;
    if (err) {
        fatal("cannot get I/O ports 0x%lx-0x%lx: error %d", first, last, err);
    }
    return slot;
}

uint32_t ioport_in(seL4_CPtr cap, uint16_t port, unsigned width)
{
    uint32_t value;
    seL4_Error err = rt_ioport_in(cap, port, width, &value);
    if (err) {
        fatal("in from port 0x%x failed: error %d", port, err);
    }
    return value;
}

void ioport_out(seL4_CPtr cap, uint16_t port, unsigned width, uint32_t value)
{
    seL4_Error err = rt_ioport_out(cap, port, width, value);
    if (err) {
        fatal("out to port 0x%x failed: error %d", port, err);
    }
}
