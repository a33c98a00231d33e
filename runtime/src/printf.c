/*
 * A small printf: %d %i %u %x %X %o %p %s %c %%, the l/ll/z/h length modifiers, width,
 * precision (for strings and integers), '-', '0', '+' and '#' flags. Enough for diagnostics and
 * test output; no floating point.
 */
#include <runtime.h>

static void debug_putchar(int c)
{
    seL4_DebugPutChar((char)c);
}

void (*runtime_putchar)(int c) = debug_putchar;

struct sink {
    char *buf;   /* 0: write to runtime_putchar */
    size_t size; /* capacity of buf, including the terminator */
    size_t count;
};

static void emit(struct sink *s, char c)
{
    if (s->buf) {
        if (s->count + 1 < s->size) {
            s->buf[s->count] = c;
        }
    } else {
        runtime_putchar(c);
    }
    s->count++;
}

static void emit_padding(struct sink *s, char c, int n)
{
    while (n-- > 0) {
        emit(s, c);
    }
}

struct spec {
    int left, zero, plus, alt, width, precision;
};

static void emit_number(struct sink *s, const struct spec *sp, unsigned long long v, int negative,
                        unsigned base, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    int min_digits = sp->precision > n ? sp->precision : n;
    /* '#': 0x/0X before non-zero hex, a leading 0 for octal. */
    const char *prefix = "";
    if (sp->alt && base == 16 && !(n == 1 && tmp[0] == '0')) {
        prefix = upper ? "0X" : "0x";
    } else if (sp->alt && base == 8 && tmp[n - 1] != '0' && min_digits <= n) {
        prefix = "0";
    }
    int sign = negative || sp->plus;
    int len = min_digits + sign + (int)strlen(prefix);
    if (!sp->left && !(sp->zero && sp->precision < 0)) {
        emit_padding(s, ' ', sp->width - len);
    }
    if (sign) {
        emit(s, negative ? '-' : '+');
    }
    for (const char *p = prefix; *p; p++) {
        emit(s, *p);
    }
    if (!sp->left && sp->zero && sp->precision < 0) {
        emit_padding(s, '0', sp->width - len);
    }
    emit_padding(s, '0', min_digits - n);
    while (n) {
        emit(s, tmp[--n]);
    }
    if (sp->left) {
        emit_padding(s, ' ', sp->width - len);
    }
}

static void emit_string(struct sink *s, const struct spec *sp, const char *str)
{
    if (!str) {
        str = "(null)";
    }
    int len = (int)strnlen(str, sp->precision >= 0 ? (size_t)sp->precision : (size_t)-1);
    if (!sp->left) {
        emit_padding(s, ' ', sp->width - len);
    }
    for (int i = 0; i < len; i++) {
        emit(s, str[i]);
    }
    if (sp->left) {
        emit_padding(s, ' ', sp->width - len);
    }
}

static int format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(s, *fmt);
            continue;
        }
        struct spec sp = {0, 0, 0, 0, 0, -1};
        for (;; fmt++) {
            if (fmt[1] == '-') {
                sp.left = 1;
            } else if (fmt[1] == '0') {
                sp.zero = 1;
            } else if (fmt[1] == '+') {
                sp.plus = 1;
            } else if (fmt[1] == '#') {
                sp.alt = 1;
            } else {
                break;
            }
        }
        fmt++;
        if (*fmt == '*') {
            sp.width = va_arg(ap, int);
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9') {
                sp.width = sp.width * 10 + (*fmt++ - '0');
            }
        }
        if (*fmt == '.') {
            fmt++;
            sp.precision = 0;
            if (*fmt == '*') {
                sp.precision = va_arg(ap, int);
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9') {
                    sp.precision = sp.precision * 10 + (*fmt++ - '0');
                }
            }
        }
        int longs = 0;
        while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
            longs += *fmt == 'h' ? 0 : 1;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = longs ? va_arg(ap, long long) : va_arg(ap, int);
            emit_number(s, &sp, v < 0 ? -(unsigned long long)v : (unsigned long long)v, v < 0, 10,
                        0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long long v = longs ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            unsigned base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
            emit_number(s, &sp, v, 0, base, *fmt == 'X');
            break;
        }
        case 'p':
            emit(s, '0');
            emit(s, 'x');
            emit_number(s, &sp, (uintptr_t)va_arg(ap, void *), 0, 16, 0);
            break;
        case 's':
            emit_string(s, &sp, va_arg(ap, const char *));
            break;
        case 'c':
            emit(s, (char)va_arg(ap, int));
            break;
        case '%':
            emit(s, '%');
            break;
        case 0:
            fmt--;
            break;
        default:
            emit(s, '%');
            emit(s, *fmt);
            break;
        }
    }
    if (s->buf && s->size) {
        s->buf[s->count < s->size ? s->count : s->size - 1] = 0;
    }
    return (int)s->count;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    static char dummy;
    struct sink s = {size ? buf : &dummy, size, 0};
    return format(&s, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    struct sink s = {0, 0, 0};
    return format(&s, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *str)
{
    while (*str) {
        runtime_putchar(*str++);
    }
    runtime_putchar('\n');
    return 0;
}
