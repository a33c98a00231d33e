/*
 * snoop: reads and writes memory that is not its own — the kernel's image and its window on
 * physical memory, the top of the address space, a non-canonical address, page 0, its own
 * read-only pages — from a probe thread, and tries to map a frame where the kernel lives or
 * to make more memory than it was granted. Every attempt must fail.
 */
#include "probe.h"

static const struct {
    const char *what;
    seL4_Word addr;
    int write;
} targets[] = {
    {"read the kernel image", 0xffffffff80000000ul, 0},
    {"write the kernel image", 0xffffffff80001000ul, 1},
    {"read the kernel's window on physical memory (upstream's)", 0xffffff8000000000ul, 0},
    {"read the kernel's window on physical memory (ours)", 0xffff800000000000ul, 0},
    {"write the kernel's window on physical memory", 0xffff800000100000ul, 1},
    {"read the last page of the address space", 0xfffffffffffff000ul, 0},
    {"read a non-canonical address", 0x0000800000000000ul, 0},
    {"read page 0", 0, 0},
    {"write its read-only init data", UK_INIT_VADDR, 1},
    {"read the top of user space (not mapped)", 0x00007ffffffff000ul, 0},
    {"read the device window (no device granted)", UK_DEVICE_VADDR, 0},
};

int main(void)
{
    int err = probe_init();
    if (err) {
        printf("no probe thread (error %d)\n", err);
        return 100;
    }
    char how[64];
    for (unsigned i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        seL4_Word detail;
        enum probe_outcome o = probe_run(targets[i].write ? probe_write : probe_read,
                                         targets[i].addr, 0x5a5a, &detail);
        snprintf(how, sizeof(how), "%s, 0x%lx", probe_outcome_name(o), detail);
        attempt(targets[i].what, o == PROBE_DONE, how);
    }

    seL4_CPtr frame;
    if (pf_kobject_alloc(seL4_X86_4K, &frame) == 0) {
        static const seL4_Word places[] = {0xffffffff80000000ul, 0xffff800000000000ul,
                                           0x0000800000000000ul};
        for (unsigned i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
            seL4_Error e = seL4_X86_Page_Map(frame, UK_SLOT_VSPACE, places[i], seL4_ReadWrite,
                                             seL4_X86_Default_VMAttributes);
            snprintf(how, sizeof(how), "0x%lx, error %d", places[i], e);
            attempt("map a frame of its own over kernel space", e == seL4_NoError, how);
        }
    }
    const struct uk_init *ui = pf_init();
    seL4_CPtr slot;
    if (pf_kobject_alloc(seL4_NotificationObject, &slot) == 0) {
        seL4_CNode_Delete(UK_SLOT_CNODE, slot, seL4_WordBits);
        for (seL4_Word i = 0; i < ui->n_untyped; i++) {
            seL4_Error e =
                seL4_Untyped_Retype(ui->untyped[i].cap, seL4_UntypedObject,
                                    ui->untyped[i].size_bits + 1, UK_SLOT_CNODE, 0, 0, slot, 1);
            snprintf(how, sizeof(how), "untyped of 2^%lu, error %d", ui->untyped[i].size_bits, e);
            attempt("retype twice the memory of a granted untyped", e == seL4_NoError, how);
        }
    }
    return attempts_summary();
}
