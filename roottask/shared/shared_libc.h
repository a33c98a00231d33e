/*
 * The few C library functions the shared code (system description parser, ELF checker,
 * CPIO reader) uses, on the host (tools/bake, host unit tests) and in the root task
 * (runtime/). Both provide memcpy, memcmp, memset, strlen, strcmp, strncmp, strchr and
 * snprintf/vsnprintf with the standard meaning; nothing else may be used by shared code.
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if __STDC_HOSTED__
#include <stdio.h>
#include <string.h>
#else
#include <runtime.h>
#endif
