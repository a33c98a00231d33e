/*
 * Feature flags of this platform's PCI hypercalls, read when a rump kernel's PCI component
 * (librumpdev_pci) is compiled: the component includes a header of this name and enables
 * optional code for each macro defined. Build the PCI component against this file (put
 * platform/include on its include path) so the component and the platform agree; the
 * tested sysroot (README.md, NetBSD) was built with the same two flags.
 *
 * RUMPCOMP_USERFEATURE_PCI_DMAFREE
 *   The platform implements rumpcomp_pci_dmafree(vacookie, size), so bus_dmamem_free()
 *   returns DMA memory instead of panicking.
 *
 * RUMPCOMP_USERFEATURE_PCI_IOSPACE
 *   The platform implements rumpcomp_pci_iospace_init(). The component calls it when the
 *   PCI bus attaches and, if it returns 0, lets drivers map I/O-port BARs; on x86 its
 *   bus_space functions then execute IN/OUT instructions directly. seL4 does not let a
 *   user thread execute those (port access is an IOPort capability invocation), so this
 *   platform's rumpcomp_pci_iospace_init() starts its port-I/O emulator, which turns the
 *   resulting faults into IOPort invocations on the ports granted to the unikernel
 *   (pf_ioport_emulation in platform.h); with no ports granted there is nothing to do.
 */
#pragma once

#define RUMPCOMP_USERFEATURE_PCI_DMAFREE
#define RUMPCOMP_USERFEATURE_PCI_IOSPACE
