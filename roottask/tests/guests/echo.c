/*
 * echo: reads one line from the console (UK_SVC_CONSOLE_READ, polling with the timer for up
 * to argv[1] seconds, default 20) and prints it back. Exits 0 if a line came, 1 if not.
 */
#include "guest.h"

int main(int argc, char **argv)
{
    unsigned seconds = argc > 1 ? (unsigned)strtoul(argv[1], 0, 0) : 20;
    uint64_t give_up = runtime_rdtsc() + guest_ms(1000ull * seconds);
    char line[128];
    seL4_Word len = 0;
    printf("echo: waiting for a line\n");
    while (runtime_rdtsc() < give_up) {
        seL4_Word n;
        if (guest_call(UK_SVC_CONSOLE_READ, (seL4_Word[]){sizeof(line) - 1 - len}, 1, &n) ||
            n > sizeof(line) - 1 - len) {
            printf("echo: bad reply\n");
            return 1;
        }
        memcpy(line + len, &seL4_GetIPCBuffer()->msg[1], n);
        len += n;
        seL4_Word end = 0;
        while (end < len && line[end] != '\r' && line[end] != '\n') {
            end++;
        }
        if (end < len || len == sizeof(line) - 1) {
            line[end] = 0;
            printf("echo: got '%s'\n", line);
            return 0;
        }
        guest_wait(0, runtime_rdtsc() + guest_ms(20));
    }
    printf("echo: no line in %u s\n", seconds);
    return 1;
}
