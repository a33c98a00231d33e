/*
 * hello: prints what it was given (name, argv, env, memory, time, files) and proves the
 * memory grant is usable by mapping a page of it at UK_FREE_VADDR. Exits 0, or with the status in
 * its environment variable EXIT.
 */
#include "guest.h"

static __thread int tls_check = 7;

/* Retypes one object of the given type from the first granted untyped into a free slot. */
static seL4_CPtr retype(seL4_Word type, seL4_CPtr *next_slot)
{
    seL4_CPtr slot = (*next_slot)++;
    seL4_Error err =
        seL4_Untyped_Retype(guest_init->untyped[0].cap, type, 0, UK_SLOT_CNODE, 0, 0, slot, 1);
    return err ? 0 : slot;
}

static int map_own_page(void)
{
    seL4_CPtr next = guest_init->free_slot_start;
    seL4_CPtr pdpt = retype(seL4_X86_PDPTObject, &next),
              pd = retype(seL4_X86_PageDirectoryObject, &next),
              pt = retype(seL4_X86_PageTableObject, &next), frame = retype(seL4_X86_4K, &next);
    if (!pdpt || !pd || !pt || !frame ||
        seL4_X86_PDPT_Map(pdpt, UK_SLOT_VSPACE, UK_FREE_VADDR, 0) ||
        seL4_X86_PageDirectory_Map(pd, UK_SLOT_VSPACE, UK_FREE_VADDR, 0) ||
        seL4_X86_PageTable_Map(pt, UK_SLOT_VSPACE, UK_FREE_VADDR, 0) ||
        seL4_X86_Page_Map(frame, UK_SLOT_VSPACE, UK_FREE_VADDR, seL4_ReadWrite, 0)) {
        return -1;
    }
    volatile unsigned long *p = (volatile unsigned long *)UK_FREE_VADDR;
    *p = 0x1234567890abcdeful;
    return *p == 0x1234567890abcdeful ? 0 : -1;
}

int main(int argc, char **argv)
{
    const struct uk_init *ui = guest_init;
    printf("hello from %s (instance %lu, priority %lu)\n", ui->name, ui->instance, ui->priority);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d] = %s\n", i, argv[i]);
    }
    for (seL4_Word i = 0; i < ui->envc; i++) {
        printf("env: %s\n", ui->envp[i]);
    }
    for (seL4_Word i = 0; i < ui->confc; i++) {
        printf("conf: %s\n", ui->confv[i]);
    }
    printf("memory: %lu KiB in %lu untyped(s), free slots %lu..%lu\n", ui->mem_bytes >> 10,
           ui->n_untyped, ui->free_slot_start, ui->free_slot_end);
    printf("time: TSC %lu MHz, boot at %lu s since 1970\n", ui->tsc_hz / 1000000,
           ui->boot_epoch_seconds);
    if (tls_check != 7 || map_own_page() < 0) {
        printf("hello: memory or TLS check FAILED\n");
        return 1;
    }
    printf("mapped own page at 0x%lx\n", UK_FREE_VADDR);
    for (seL4_Word i = 0; i < ui->n_files; i++) {
        const struct uk_file *f = &ui->files[i];
        const unsigned char *bytes = (const unsigned char *)f->vaddr;
        unsigned long sum = 0;
        for (seL4_Word k = 0; k < f->size; k++) {
            sum = sum * 31 + bytes[k];
        }
        int text = f->size && bytes[f->size - 1] == '\n';
        /* An ext2 superblock starts at byte 1024; its magic 0xef53 is at offset 56 in it. */
        int ext2 = f->size > 1082 && bytes[1080] == 0x53 && bytes[1081] == 0xef;
        printf("file %s: %lu bytes at 0x%lx, checksum %lu%s%s%.*s\n", f->name, f->size, f->vaddr,
               sum, ext2 ? ", an ext2 file system" : "", text ? ": " : "",
               text ? (int)f->size - 1 : 0, (const char *)bytes);
    }
    const char *status = guest_getenv("EXIT");
    return status ? (int)strtol(status, 0, 0) : 0;
}
