/*
 * NetBSD's bus_space register accessors for a rump kernel's PCI drivers, without a fault
 * per I/O port access.
 *
 * NetBSD's rump PCI component, built with RUMPCOMP_USERFEATURE_PCI_IOSPACE, implements
 * bus_space_{read,write}_{1,2,4} itself: for memory space (tag non-zero) a load or store at
 * handle + offset, for I/O space (tag 0, the handle being the port base) an IN or OUT
 * instruction. seL4 user level may not execute IN/OUT, so each such access -- every
 * register access of the legacy virtio driver -- was a general-protection fault emulated
 * by ioport.c: a fault IPC to the handler TCB, register reads and writes, the IOPort
 * invocation and the reply. Drivers call these accessors as functions of another object,
 * so `bake link` redirects those calls here (ld --wrap=rumpns_bus_space_...): I/O space
 * becomes one IOPort invocation, memory space stays a plain access. What the component
 * does inside its own object (the _multi forms) still executes IN/OUT and is emulated.
 *
 * Arguments as NetBSD's amd64 ABI passes them: the tag (a pointer-sized word), the handle
 * (a virtual address or port base) and the offset.
 */
#include "hyp.h"

#define WRAP(name) __wrap_rumpns_bus_space_##name

/* An access to a port this unikernel was not granted is the driver's bug: stop loudly. */
static uint32_t port_in(unsigned long port, unsigned width)
{
    uint32_t v = 0;
    int err = pf_ioport_in((unsigned)port & 0xffff, width, &v);
    if (err) {
        pf_panic("bus_space: %u-byte read of I/O port 0x%lx failed (error %d)", width, port, err);
    }
    return v;
}

static void port_out(unsigned long port, unsigned width, uint32_t v)
{
    int err = pf_ioport_out((unsigned)port & 0xffff, width, v);
    if (err) {
        pf_panic("bus_space: %u-byte write of I/O port 0x%lx failed (error %d)", width, port, err);
    }
}

#define ACCESSORS(bytes, type)                                                              \
    type WRAP(read_##bytes)(unsigned long tag, unsigned long handle, unsigned long offset); \
    type WRAP(read_##bytes)(unsigned long tag, unsigned long handle, unsigned long offset)  \
    {                                                                                       \
        if (tag == 0) {                                                                     \
            return (type)port_in(handle + offset, bytes);                                   \
        }                                                                                   \
        return *(volatile type *)(handle + offset);                                         \
    }                                                                                       \
    void WRAP(write_##bytes)(unsigned long tag, unsigned long handle, unsigned long offset, \
                             type v);                                                       \
    void WRAP(write_##bytes)(unsigned long tag, unsigned long handle, unsigned long offset, \
                             type v)                                                        \
    {                                                                                       \
        if (tag == 0) {                                                                     \
            port_out(handle + offset, bytes, v);                                            \
        } else {                                                                            \
            *(volatile type *)(handle + offset) = v;                                        \
        }                                                                                   \
    }

ACCESSORS(1, uint8_t)
ACCESSORS(2, uint16_t)
ACCESSORS(4, uint32_t)
