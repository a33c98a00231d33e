/*
 * The platform's own program runtime: a plain C program (apps/hello, a rump kernel with
 * the NetBSD glue) on the small C library of platform/include/libc. A program built
 * against NetBSD's libc gets platform/posix's runtime instead.
 */
#include "internal.h"
#include <stdlib.h>

int main(int argc, char **argv, char **envp);

/* Constructors of the application and its libraries (unikernel.ld collects them). */
extern void (*const __init_array_start[])(void) __attribute__((weak));
extern void (*const __init_array_end[])(void) __attribute__((weak));

static PF_NORETURN void run(const struct uk_init *init)
{
    for (void (*const *ctor)(void) = __init_array_start; ctor < __init_array_end; ctor++) {
        (*ctor)();
    }
    /* As in C: returning from main is exit(status), which runs the atexit handlers. */
    exit(main((int)init->argc, init->argv, init->envp));
}

const struct pf_program pf_program = {
    .name = "C",
    .main_stack = 256 * 1024,
    .run = run,
};
