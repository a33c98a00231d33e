/*
 * rt_ioport: x86 port I/O by width through an IOPort capability. User level has no IN/OUT
 * permission; the kernel performs the access for a cap whose range holds every byte of it.
 */
#pragma once

#include <runtime.h>

/* Reads width (1, 2 or 4) bytes at port into *value; seL4_InvalidArgument for another width. */
seL4_Error rt_ioport_in(seL4_CPtr cap, uint16_t port, unsigned width, uint32_t *value);
/* Writes the low width (1, 2 or 4) bytes of value to port. */
seL4_Error rt_ioport_out(seL4_CPtr cap, uint16_t port, unsigned width, uint32_t value);
