/*
 * Port I/O by width (see rt_ioport.h).
 */
#include <rt_ioport.h>

seL4_Error rt_ioport_in(seL4_CPtr cap, uint16_t port, unsigned width, uint32_t *value)
{
    switch (width) {
    case 1: {
        seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(cap, port);
        *value = r.result;
        return r.error;
    }
    case 2: {
        seL4_X86_IOPort_In16_t r = seL4_X86_IOPort_In16(cap, port);
        *value = r.result;
        return r.error;
    }
    case 4: {
        seL4_X86_IOPort_In32_t r = seL4_X86_IOPort_In32(cap, port);
        *value = r.result;
        return r.error;
    }
    default:
        return seL4_InvalidArgument;
    }
}

seL4_Error rt_ioport_out(seL4_CPtr cap, uint16_t port, unsigned width, uint32_t value)
{
    switch (width) {
    case 1:
        return seL4_X86_IOPort_Out8(cap, port, value);
    case 2:
        return seL4_X86_IOPort_Out16(cap, port, value);
    case 4:
        return seL4_X86_IOPort_Out32(cap, port, value);
    default:
        return seL4_InvalidArgument;
    }
}
