/*
 * timer: sleeps argv[1] times (default 5) for argv[2] ms each (default 20) through the
 * root task's shared timer and checks each wakeup comes at or after its deadline and not
 * absurdly late. Exits with the number of bad wakeups.
 */
#include "guest.h"

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], 0, 0) : 5;
    unsigned ms = argc > 2 ? (unsigned)strtoul(argv[2], 0, 0) : 20;
    int bad = 0;
    uint64_t worst = 0;
    for (unsigned i = 0; i < rounds; i++) {
        uint64_t deadline = runtime_rdtsc() + guest_ms(ms);
        seL4_Word bits = guest_wait(0, deadline);
        uint64_t now = runtime_rdtsc();
        uint64_t late = now > deadline ? now - deadline : 0;
        if (!(bits & (1ul << UK_NOTIFY_TIMER)) || now < deadline || late > guest_ms(1000)) {
            printf("timer: wakeup %u bad (bits 0x%lx, %ld ticks late)\n", i, bits,
                   (long)(now - deadline));
            bad++;
        }
        worst = late > worst ? late : worst;
    }
    printf("timer: %u wakeups of %u ms, %d bad, latest by %lu us\n", rounds, ms, bad,
           (unsigned long)(worst / (guest_init->tsc_hz / 1000000)));
    return bad;
}
