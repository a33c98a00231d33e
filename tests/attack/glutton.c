/*
 * glutton: uses up everything it was given — heap memory, kernel-object memory (as
 * threads), its CSpace's slots (as notifications) — and then its stack, by recursing until
 * it runs off its memory. Running out must be an error it gets back, and the stack overflow
 * a fault that ends only it.
 */
#include "probe.h"
#include <stdlib.h>

static unsigned depth;
static volatile unsigned depth_limit = ~0u; /* never reached: its memory ends first */

/* Each level keeps a page of stack in use, so the recursion goes down a page at a time. */
static unsigned recurse(volatile char *above)
{
    volatile char page[4096];
    if (depth == depth_limit) {
        return 0;
    }
    page[0] = (char)depth;
    page[4095] = above ? above[0] : 0;
    depth++;
    return recurse(page) + page[100];
}

int main(void)
{
    unsigned long blocks = 0;
    void **chain = 0;
    for (void **p; (p = malloc(1 << 20)); blocks++) {
        *p = chain;
        chain = p;
    }
    unsigned long small = 0;
    for (void **p; (p = malloc(64)); small++) {
        *p = chain;
        chain = p;
    }
    printf("heap exhausted after %lu MiB and %lu small blocks\n", blocks, small);
    while (chain) {
        void **next = *chain;
        free(chain);
        chain = next;
    }

    unsigned tcbs = 0, copies = 0;
    seL4_CPtr cap;
    int err;
    while ((err = pf_kobject_alloc(seL4_TCBObject, &cap)) == 0) {
        tcbs++;
    }
    printf("%u threads, then error %d\n", tcbs, err);
    /* Every empty slot left gets a copy of its notification cap (occupied ones refuse). */
    const struct uk_init *ui = pf_init();
    for (seL4_CPtr slot = ui->free_slot_start; slot < ui->free_slot_end; slot++) {
        copies +=
            seL4_CNode_Copy(UK_SLOT_CNODE, slot, seL4_WordBits, UK_SLOT_CNODE, UK_SLOT_NOTIFICATION,
                            seL4_WordBits, seL4_AllRights) == seL4_NoError;
    }
    seL4_Error full =
        seL4_CNode_Copy(UK_SLOT_CNODE, ui->free_slot_end - 1, seL4_WordBits, UK_SLOT_CNODE,
                        UK_SLOT_NOTIFICATION, seL4_WordBits, seL4_AllRights);
    printf("CSpace full after %u more caps (another copy: error %d)\n", copies, full);

    printf("now the stack\n");
    pf_console_flush();
    return (int)recurse(0);
}
