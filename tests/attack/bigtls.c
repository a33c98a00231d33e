/*
 * bigtls: a unikernel whose TLS image is larger than the platform's start-up TLS area, so
 * the platform fails before TLS (and with it the IPC buffer) exists. On a production
 * kernel there is no debug console to fall back on: the message must still reach the
 * console through the root task, under this unikernel's name, and it must exit 255.
 */
#include <stdio.h>

/* Not static and indexed by argc: the compiler must keep all of it. */
__thread char big[64 * 1024];

int main(int argc, char **argv)
{
    (void)argv;
    big[argc] = 1;
    printf("main ran, which it must not (%d)\n", big[argc]);
    return 0;
}
