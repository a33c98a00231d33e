/*
 * Freestanding string and memory functions (the compiler may also emit calls to the
 * mem* ones on its own).
 */
#include <runtime.h>

/*
 * String instructions (no loop for the compiler to turn back into a call), eight bytes per
 * iteration and then the rest: under QEMU's TCG every iteration is emulated on its own, so
 * a byte at a time costs about eight times as much.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t words = n / 8, bytes = n % 8;
    __asm__ volatile("rep movsq\n\tmov %3, %%rcx\n\trep movsb"
                     : "+D"(d), "+S"(src), "+c"(words)
                     : "r"(bytes)
                     : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    char *d = dst;
    const char *s = src;
    if (d < s || d >= s + n) {
        return memcpy(dst, src, n);
    }
    if (n) {
        /* Overlapping with dst above src: copy backwards. */
        d += n - 1;
        s += n - 1;
        __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    }
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    size_t words = n / 8, bytes = n % 8;
    uint64_t pattern = (uint8_t)c * 0x0101010101010101ull;
    __asm__ volatile("rep stosq\n\tmov %3, %%rcx\n\trep stosb"
                     : "+D"(d), "+c"(words), "+a"(pattern)
                     : "r"(bytes)
                     : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++) {
        if (*x != *y) {
            return *x - *y;
        }
    }
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n]) {
        n++;
    }
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b || !*a) {
            return (unsigned char)*a - (unsigned char)*b;
        }
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c) {
            return (char *)s;
        }
        if (!*s) {
            return 0;
        }
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = 0;
    for (;; s++) {
        if (*s == (char)c) {
            last = s;
        }
        if (!*s) {
            return (char *)last;
        }
    }
}

char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++) {
        dst[i] = src[i];
    }
    for (; i < n; i++) {
        dst[i] = 0;
    }
    return dst;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
    }
    return len;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'Z') {
        return c - 'A' + 10;
    }
    return 99;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    unsigned long v = 0;
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    if ((base == 0 || base == 16) && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        base = 16;
    } else if (base == 0 && s[0] == '0') {
        base = 8;
    } else if (base == 0) {
        base = 10;
    }
    for (; digit_value(*s) < base; s++) {
        v = v * (unsigned long)base + (unsigned long)digit_value(*s);
    }
    if (end) {
        *end = (char *)s;
    }
    return v;
}

long strtol(const char *s, char **end, int base)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    if (*s == '-') {
        return -(long)strtoul(s + 1, end, base);
    }
    return (long)strtoul(s + (*s == '+'), end, base);
}
