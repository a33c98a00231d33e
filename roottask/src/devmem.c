/*
 * Device memory: the bootinfo's device untypeds, split on demand into the naturally aligned
 * pieces that devices occupy (a BAR, a page of ACPI tables). A piece is carved out by
 * repeatedly retyping a free node into two halves and descending into the half that holds
 * it; the halves left over stay free for later claims. A claimed piece yields frames, and
 * revoking it deletes them again (when its unikernel ends, or after a table was read).
 */
#include "roottask.h"

#define MAX_NODES 2048

enum node_state { NODE_FREE, NODE_SPLIT, NODE_USED };

struct node {
    seL4_CPtr cap;
    seL4_Word paddr, size_bits;
    enum node_state state;
};

static struct node nodes[MAX_NODES];
static unsigned nnodes;

void devmem_init(const seL4_BootInfo *bi)
{
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice && nnodes < MAX_NODES) {
            nodes[nnodes++] =
                (struct node){bi->untyped.start + i, d->paddr, d->sizeBits, NODE_FREE};
        }
    }
}

static int contains(const struct node *n, seL4_Word paddr, seL4_Word bits)
{
    return n->state != NODE_SPLIT && paddr >= n->paddr &&
           paddr + (1ul << bits) <= n->paddr + (1ul << n->size_bits);
}

static struct node *find(seL4_Word paddr, seL4_Word bits)
{
    for (unsigned i = 0; i < nnodes; i++) {
        if (contains(&nodes[i], paddr, bits)) {
            return &nodes[i];
        }
    }
    return 0;
}

static struct node *split(struct node *n)
{
    seL4_CPtr first = slot_alloc(), second = slot_alloc();
    if (nnodes + 2 > MAX_NODES || !first || !second ||
        cspace_retype(n->cap, seL4_UntypedObject, n->size_bits - 1, first, 1) ||
        cspace_retype(n->cap, seL4_UntypedObject, n->size_bits - 1, second, 1)) {
        say("cannot split device memory at 0x%lx", n->paddr);
        return 0;
    }
    n->state = NODE_SPLIT;
    seL4_Word half = 1ul << (n->size_bits - 1);
    nodes[nnodes++] = (struct node){first, n->paddr, n->size_bits - 1, NODE_FREE};
    nodes[nnodes++] = (struct node){second, n->paddr + half, n->size_bits - 1, NODE_FREE};
    return &nodes[nnodes - 2];
}

seL4_CPtr devmem_claim(seL4_Word paddr, seL4_Word bits, const char **problem)
{
    struct node *n = find(paddr, bits);
    if (!n) {
        *problem = "not device memory the kernel offers";
        return 0;
    }
    while (n && n->state == NODE_FREE && n->size_bits > bits) {
        if (!split(n)) {
            *problem = "cannot split device memory";
            return 0;
        }
        n = find(paddr, bits);
    }
    if (!n || n->state != NODE_FREE) {
        *problem = "already in use";
        return 0;
    }
    n->state = NODE_USED;
    return n->cap;
}

static struct node *node_of(seL4_CPtr piece)
{
    for (unsigned i = 0; i < nnodes; i++) {
        if (nodes[i].cap == piece && nodes[i].state == NODE_USED) {
            return &nodes[i];
        }
    }
    fatal("no claimed device memory in slot 0x%lx", piece);
}

void devmem_revoke(seL4_CPtr piece)
{
    struct node *n = node_of(piece);
    if (cspace_revoke(piece)) {
        fatal("cannot revoke device memory at 0x%lx", n->paddr);
    }
}

void devmem_release(seL4_CPtr piece)
{
    devmem_revoke(piece);
    node_of(piece)->state = NODE_FREE;
}

int devmem_read(seL4_Word paddr, void *buf, seL4_Word len)
{
    static seL4_CPtr frame;
    char *out = buf;
    if (!frame) {
        frame = slot_alloc();
    }
    while (len) {
        seL4_Word page = paddr & ~(PAGE_SIZE - 1), off = paddr - page;
        seL4_Word n = PAGE_SIZE - off < len ? PAGE_SIZE - off : len;
        const char *problem;
        seL4_CPtr piece = devmem_claim(page, PAGE_BITS, &problem);
        if (!piece) {
            return -1;
        }
        if (cspace_retype(piece, seL4_X86_4K, 0, frame, 1)) {
            devmem_release(piece);
            return -1;
        }
        const char *src = scratch_map(frame, 0, 0, seL4_X86_Default_VMAttributes);
        memcpy(out, src + off, n);
        scratch_unmap(frame);
        devmem_release(piece);
        out += n;
        paddr += n;
        len -= n;
    }
    return 0;
}
