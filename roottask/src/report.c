/*
 * The root task's messages: progress lines, problems with the system description (as
 * "FILE:LINE: problem", the form bake uses) and fatal errors, which end QEMU. A leaf: it
 * calls nothing of the root task's, so every file may report.
 */
#include "roottask.h"

/* The description FILE:LINE messages name, once it is loaded. */
static const char *desc_file = "(no system)";

static void say_line(const char *prefix, const char *fmt, va_list ap)
{
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    printf("roottask: %s%s\n", prefix, line);
}

void say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_line("", fmt, ap);
    va_end(ap);
}

void fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say_line("fatal: ", fmt, ap);
    va_end(ap);
    runtime_exit_qemu(1);
}

void desc_error_file(const char *file)
{
    desc_file = file;
}

int desc_error(unsigned line, const char *fmt, ...)
{
    char msg[SYSDESC_ERROR_MAX];
    int n = snprintf(msg, sizeof(msg), "%s:%u: ", desc_file, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    say("%s", msg);
    return -1;
}

const char *size_string(seL4_Word bytes, char *buf, size_t size)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    unsigned u = 0;
    while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes >> (10 * (u + 1))) {
        u++;
    }
    snprintf(buf, size, "%lu %s", bytes >> (10 * u), units[u]);
    return buf;
}
