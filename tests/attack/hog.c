/*
 * hog: after DELAY ms, makes THREADS kernel threads from its own memory at the priority it
 * was given, each spinning for ever, and ends (all of them with it) after DURATION ms. It
 * needs no system call to do it and breaks no rule: only the scheduler stands between it
 * and everyone at its priority.
 *
 *   argv = hog THREADS DELAY DURATION
 */
#include "probe.h"
#include <stdlib.h>

#define MS 1000000ull

int main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: hog THREADS DELAY DURATION (ms)\n");
        return 2;
    }
    unsigned want = (unsigned)strtoul(argv[1], 0, 0);
    uint64_t delay = strtoul(argv[2], 0, 0), duration = strtoul(argv[3], 0, 0);
    seL4_Word prio = pf_init()->priority;
    pf_sleep_ns(delay * MS);
    /* All made first, then all started: the last is not made in competition with the rest. */
    static seL4_CPtr tcbs[1024];
    unsigned made = 0;
    for (; made < want && made < sizeof(tcbs) / sizeof(tcbs[0]); made++) {
        seL4_UserContext regs = {0};
        regs.rip = (seL4_Word)spin;
        if (pf_kobject_alloc(seL4_TCBObject, &tcbs[made]) ||
            seL4_TCB_Configure(tcbs[made], UK_SLOT_FAULT_EP, UK_SLOT_CNODE, 0, UK_SLOT_VSPACE, 0, 0,
                               0) ||
            seL4_TCB_SetSchedParams(tcbs[made], UK_SLOT_TCB, prio, prio) ||
            seL4_TCB_WriteRegisters(tcbs[made], 0, 0, sizeof(regs) / sizeof(seL4_Word), &regs)) {
            break;
        }
    }
    for (unsigned i = 0; i < made; i++) {
        seL4_TCB_Resume(tcbs[i]);
    }
    printf("%u threads spinning at priority %lu\n", made, prio);
    pf_sleep_ns(duration * MS);
    printf("done\n");
    return made == want ? 0 : 1;
}
