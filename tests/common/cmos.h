/*
 * The CMOS RTC, for in-QEMU tests that need a real interrupt source: its registers through
 * an IOPort cap for ports 0x70-0x71 (index, then data), and its periodic interrupt (ISA
 * IRQ 8, IOAPIC pin 8 on QEMU's PC). Errors are not checked here: a test that checks port
 * I/O itself invokes the IOPort cap directly.
 */
#pragma once

#include <runtime.h>

#define CMOS_PORT_INDEX 0x70
#define CMOS_PORT_DATA  0x71
#define RTC_REG_A       0x0a /* bits 3..0: periodic rate */
#define RTC_REG_B       0x0b /* bit 6: periodic interrupt enable */
#define RTC_REG_C       0x0c /* interrupt flags; reading clears them and re-arms the IRQ */
#define RTC_B_PERIODIC  0x40

static inline seL4_Word cmos_read(seL4_CPtr port, seL4_Word reg)
{
    seL4_X86_IOPort_Out8(port, CMOS_PORT_INDEX, reg);
    return seL4_X86_IOPort_In8(port, CMOS_PORT_DATA).result;
}

static inline void cmos_write(seL4_CPtr port, seL4_Word reg, seL4_Word value)
{
    seL4_X86_IOPort_Out8(port, CMOS_PORT_INDEX, reg);
    seL4_X86_IOPort_Out8(port, CMOS_PORT_DATA, value);
}

/* Periodic interrupts on or off at the rate register A holds (1024 Hz as the BIOS sets it),
 * then the flags cleared so the next interrupt can be raised. */
static inline void rtc_periodic(seL4_CPtr port, int on)
{
    seL4_Word b = cmos_read(port, RTC_REG_B);
    cmos_write(port, RTC_REG_B, on ? b | RTC_B_PERIODIC : b & ~(seL4_Word)RTC_B_PERIODIC);
    cmos_read(port, RTC_REG_C);
}
