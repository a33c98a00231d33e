/*
 * kprintf: formatted output to the serial console. Supports %s %c %d %i %u %x %p %% with
 * the l/ll/z modifiers, a width and the '0' and '-' flags; that is all the kernel uses.
 */
#include <stdarg.h>
#include <printk.h>
#include <machine.h>

static void put_padded(const char *s, int len, int width, bool left, char pad)
{
    if (!left) {
        for (int i = len; i < width; i++) {
            serial_putc(pad);
        }
    }
    for (int i = 0; i < len; i++) {
        serial_putc(s[i]);
    }
    if (left) {
        for (int i = len; i < width; i++) {
            serial_putc(' ');
        }
    }
}

static int print_unsigned(uint64_t v, unsigned base, int width, bool left, char pad, bool negative)
{
    char buf[24];
    int n = sizeof(buf);
    do {
        buf[--n] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative) {
        buf[--n] = '-';
    }
    put_padded(buf + n, (int)sizeof(buf) - n, width, left, pad);
    return (int)sizeof(buf) - n;
}

static int vkprintf(const char *fmt, va_list ap)
{
    int count = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            serial_putc(*fmt);
            count++;
            continue;
        }
        fmt++;
        bool left = false;
        char pad = ' ';
        for (; *fmt == '-' || *fmt == '0'; fmt++) {
            if (*fmt == '-') {
                left = true;
            } else {
                pad = '0';
            }
        }
        int width = 0;
        for (; *fmt >= '0' && *fmt <= '9'; fmt++) {
            width = width * 10 + (*fmt - '0');
        }
        bool is_long = false;
        for (; *fmt == 'l' || *fmt == 'z'; fmt++) {
            is_long = true;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            s = s ? s : "(null)";
            put_padded(s, (int)strlen(s), width, left, ' ');
            count += (int)strlen(s);
            break;
        }
        case 'c':
            serial_putc((char)va_arg(ap, int));
            count++;
            break;
        case 'd':
        case 'i': {
            int64_t v = is_long ? va_arg(ap, int64_t) : va_arg(ap, int);
            count +=
                print_unsigned(v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, left, pad, v < 0);
            break;
        }
        case 'u':
        case 'x': {
            uint64_t v = is_long ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            count += print_unsigned(v, *fmt == 'u' ? 10 : 16, width, left, pad, false);
            break;
        }
        case 'p':
            serial_putc('0');
            serial_putc('x');
            count += 2 + print_unsigned((uint64_t)va_arg(ap, void *), 16, width, left, pad, false);
            break;
        case '%':
            serial_putc('%');
            count++;
            break;
        default:
            serial_putc('%');
            serial_putc(*fmt);
            count += 2;
            break;
        }
    }
    return count;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vkprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kprintf("\nKERNEL PANIC: ");
    vkprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    /* Leave QEMU with a failure status if the debug-exit device is there. */
    outb(0xf4, 0x7f);
    for (;;) {
        __asm__ volatile("cli; hlt");
    }
}
