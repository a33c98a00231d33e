/*
 * The system console as unikernels see it. Output: each process's bytes are collected into
 * lines and a line is printed whole (on COM1, through the runtime's UART console, like the
 * root task's own messages), so lines of different unikernels never mix. Every line carries
 * "NAME: ", even when only one unikernel runs, and control bytes, DEL and bytes above 0x7f
 * are shown as \xNN (a carriage return is dropped): no unikernel can print a line that
 * looks like another's or the root task's ("roottask: ...", "system: ...", names the
 * description may not use), move the cursor, or send a terminal escape sequence. Input:
 * polled from COM1's receive register.
 */
#include "roottask.h"

#define COM1           0x3f8
#define COM1_LAST      0x3ff
#define UART_DATA      0
#define UART_LSR       5
#define LSR_DATA_READY 0x01

static seL4_CPtr uart;

void console_init(void)
{
    uart = runtime_console_uart(); /* COM1's ports, issued when main started */
    if (!uart) {
        fatal("cannot get COM1's I/O ports 0x%x-0x%x for the console", COM1, COM1_LAST);
    }
}

/* A byte that reaches the terminal as it is: printable ASCII and tab. */
static int shown_as_is(unsigned char c)
{
    return (c >= 0x20 && c < 0x7f) || c == '\t';
}

static void print_line(struct process *p)
{
    static const char hex[] = "0123456789abcdef";
    char shown[4 * CONSOLE_LINE_MAX + 1];
    unsigned n = 0;
    for (unsigned i = 0; i < p->console_len; i++) {
        unsigned char c = (unsigned char)p->console_line[i];
        if (shown_as_is(c)) {
            shown[n++] = (char)c;
        } else {
            shown[n++] = '\\';
            shown[n++] = 'x';
            shown[n++] = hex[c >> 4];
            shown[n++] = hex[c & 0xf];
        }
    }
    shown[n] = 0;
    printf("%s: %s\n", p->uk->name, shown);
    p->console_len = 0;
}

void console_flush(struct process *p)
{
    if (p->console_len) {
        print_line(p);
    }
}

void console_write(struct process *p, const char *bytes, seL4_Word n)
{
    for (seL4_Word i = 0; i < n; i++) {
        char c = bytes[i];
        if (c == '\n') {
            print_line(p);
        } else if (c != '\r') {
            if (p->console_len == CONSOLE_LINE_MAX) {
                print_line(p); /* too long: split it */
            }
            p->console_line[p->console_len++] = c;
        }
    }
}

seL4_Word console_read(char *buf, seL4_Word max)
{
    seL4_Word n = 0;
    while (n < max && (ioport_in(uart, COM1 + UART_LSR, 1) & LSR_DATA_READY)) {
        buf[n++] = (char)ioport_in(uart, COM1 + UART_DATA, 1);
    }
    return n;
}
