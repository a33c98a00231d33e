/*
 * COM1 (port 0x3f8), 115200 8N1, polled. The kernel's log and DebugPutChar go here.
 */
#include <machine.h>
#include <printk.h>

#define COM1 0x3f8

void serial_init(void)
{
    outb(COM1 + 1, 0x00); /* no interrupts */
    outb(COM1 + 3, 0x80); /* divisor latch */
    outb(COM1 + 0, 0x01); /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03); /* 8N1 */
    outb(COM1 + 2, 0xc7); /* FIFO on */
    outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void serial_putc(char c)
{
    if (c == '\n') {
        serial_putc('\r');
    }
    for (int spins = 0; spins < 100000 && !(inb(COM1 + 5) & 0x20); spins++) {
        cpu_relax();
    }
    outb(COM1, (uint8_t)c);
}

int serial_getc(void)
{
    if (inb(COM1 + 5) & 0x01) {
        return inb(COM1);
    }
    return -1;
}
