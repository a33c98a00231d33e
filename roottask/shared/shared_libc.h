/*
 * The few C library functions the shared code (system description parser, ELF checker,
 * CPIO reader) uses, on the host (tools/bake, host unit tests) and in the root task
 * (runtime/). Both provide memcpy, memcmp, memset, strlen, strcmp, strncmp, strchr and
 * snprintf/vsnprintf with the standard meaning; nothing else may be used by shared code.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <stdio.h>
#include <string.h>
#else
#include <runtime.h>
#endif

/* Formats a problem into err for the caller to report; returns -1 (the failure value). */
__attribute__((format(printf, 3, 4))) static inline int report_problem(char *err, size_t err_size,
                                                                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_size, fmt, ap);
    va_end(ap);
    return -1;
}
