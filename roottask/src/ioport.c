/*
 * The root task's own I/O ports: the PCI configuration mechanism, the PIT, the CMOS RTC and
 * the console UART. Each range is issued once at start-up and kept.
 */
#include "roottask.h"

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
    int err;
    uint32_t value;
    if (width == 1) {
        seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(cap, port);
        err = r.error;
        value = r.result;
    } else if (width == 2) {
        seL4_X86_IOPort_In16_t r = seL4_X86_IOPort_In16(cap, port);
        err = r.error;
        value = r.result;
    } else {
        seL4_X86_IOPort_In32_t r = seL4_X86_IOPort_In32(cap, port);
        err = r.error;
        value = r.result;
    }
    if (err) {
        fatal("in from port 0x%x failed: error %d", port, err);
    }
    return value;
}

void ioport_out(seL4_CPtr cap, uint16_t port, unsigned width, uint32_t value)
{
    seL4_Error err = width == 1   ? seL4_X86_IOPort_Out8(cap, port, value)
                     : width == 2 ? seL4_X86_IOPort_Out16(cap, port, value)
                                  : seL4_X86_IOPort_Out32(cap, port, value);
    if (err) {
        fatal("out to port 0x%x failed: error %d", port, err);
    }
}
