/*
 * A root task's console on the COM1 UART, driven through an I/O port cap: for kernels
 * without a debug console (seL4_DebugPutChar exists only in debug builds; the production
 * kernel, like upstream built without KernelPrinting, has none). The cap is issued into
 * the second-last empty slot of the root CNode, which the runtime keeps for this.
 */
#include <runtime.h>

#define COM1          0x3f8
#define COM1_LAST     0x3ff
#define UART_DATA     0
#define UART_IER      1
#define UART_FCR      2
#define UART_LCR      3
#define UART_MCR      4
#define UART_LSR      5
#define LSR_THR_EMPTY 0x20
#define MAX_POLLS     100000

static seL4_CPtr uart;

static void uart_putc(char c)
{
    for (int i = 0; i < MAX_POLLS; i++) {
        seL4_X86_IOPort_In8_t r = seL4_X86_IOPort_In8(uart, COM1 + UART_LSR);
        if (r.error || (r.result & LSR_THR_EMPTY)) {
            break;
        }
    }
    seL4_X86_IOPort_Out8(uart, COM1 + UART_DATA, (seL4_Uint8)c);
}

/* As the kernel's console does: a newline is CR LF on the line. */
static void uart_putchar(int c)
{
    if (c == '\n') {
        uart_putc('\r');
    }
    uart_putc((char)c);
}

seL4_CPtr runtime_console_uart(void)
{
    const seL4_BootInfo *bi = runtime_bootinfo();
    if (uart || !bi) {
        return uart;
    }
    seL4_CPtr slot = bi->empty.end - 2;
    if (seL4_X86_IOPortControl_Issue(seL4_CapIOPortControl, COM1, COM1_LAST,
                                     seL4_CapInitThreadCNode, slot,
                                     seL4_WordBits) != seL4_NoError) {
        return 0;
    }
    uart = slot;
    /* 115200 baud 8N1, FIFOs on, no interrupts: what a debug kernel sets up as well. */
    static const uint8_t init[][2] = {{UART_IER, 0x00}, {UART_LCR, 0x80}, {UART_DATA, 0x01},
                                      {UART_IER, 0x00}, {UART_LCR, 0x03}, {UART_FCR, 0xc7},
                                      {UART_MCR, 0x03}};
    for (unsigned i = 0; i < sizeof(init) / sizeof(init[0]); i++) {
        seL4_X86_IOPort_Out8(uart, COM1 + init[i][0], init[i][1]);
    }
    runtime_putchar = uart_putchar;
    return uart;
}
