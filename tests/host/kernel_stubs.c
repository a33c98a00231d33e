/*
 * What the kernel's pure-logic files (cspace.c, cdt.c, cap.c, errors.c) call outside
 * themselves, for running them on the host. Object finalisation is reduced to recording
 * which caps were finalised: the derivation tree is what is under test.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel.h>
#include <printk.h>
#include "kernel_stubs.h"

int finalised_count;
cap_t last_finalised;

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("kernel panic: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    abort();
}

finalise_result_t finalise_cap(cap_t cap, bool final)
{
    finalise_result_t r = {cap_null_new(), cap_null_new()};
    if (final) {
        finalised_count++;
        last_finalised = cap;
        if (cap_get_type(cap) == cap_cnode) {
            r.remainder = cap_zombie_new(cap_cnode_ptr(cap), ZOMBIE_CNODE, cap.cnode.radix,
                                         BIT(cap.cnode.radix));
        }
    }
    if (cap_get_type(cap) == cap_zombie) {
        r.remainder = cap;
    }
    return r;
}

void post_cap_deletion(cap_t cleanup)
{
    (void)cleanup;
}

word_t *lookup_ipc_buffer(tcb_t *t, bool is_receiver)
{
    (void)t;
    (void)is_receiver;
    return 0;
}

void *host_cnode_alloc(word_t radix)
{
    void *p = aligned_alloc(BIT(radix + seL4_SlotBits), BIT(radix + seL4_SlotBits));
    memset(p, 0, BIT(radix + seL4_SlotBits));
    return p;
}
