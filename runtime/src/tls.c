/*
 * x86_64 ELF TLS, variant II: the thread pointer points just past the TLS block, and the
 * word at the thread pointer holds the thread pointer itself (read as %fs:0).
 *
 * Above the thread pointer sits a thread control block of TLS_TCB_SIZE bytes: the
 * self-pointer, then room a C library keeps per thread next to it (NetBSD's struct
 * tls_tcb is self, DTV and pthread pointers; libpthread reads the last as %fs:16).
 */
#include <runtime.h>
#include <sel4/elf64.h>

extern const Elf64_Ehdr __ehdr_start;

static const Elf64_Phdr *tls_segment(void)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
    for (unsigned i = 0; i < __ehdr_start.e_phnum; i++) {
        if (ph[i].p_type == PT_TLS) {
            return &ph[i];
        }
    }
    return 0;
}

/* Bytes reserved below the thread pointer (kept a multiple of 16 for the area's alignment). */
static size_t tls_block_size(const Elf64_Phdr *tls)
{
    size_t align = tls && tls->p_align > 16 ? tls->p_align : 16;
    size_t memsz = tls ? tls->p_memsz : 0;
    return (memsz + align - 1) & ~(align - 1);
}

/*
 * Distance from the start of the TLS image to the thread pointer, as the static linker
 * computes it for local-exec accesses: memsz rounded up to the segment's own alignment
 * (which may be less than the 16 bytes tls_block_size rounds to).
 */
static size_t tls_image_offset(const Elf64_Phdr *tls)
{
    size_t align = tls->p_align ? tls->p_align : 1;
    return (tls->p_memsz + align - 1) & ~(align - 1);
}

#define TLS_TCB_SIZE 32

size_t runtime_tls_size(void)
{
    return tls_block_size(tls_segment()) + TLS_TCB_SIZE;
}

void *runtime_tls_area(uintptr_t tp)
{
    return (void *)(tp - tls_block_size(tls_segment()));
}

uintptr_t runtime_tls_init(void *area)
{
    const Elf64_Phdr *tls = tls_segment();
    size_t block = tls_block_size(tls);
    char *base = area;
    memset(base, 0, block);
    uintptr_t tp = (uintptr_t)(base + block);
    if (tls) {
        /* Variables live at tp - round_up(memsz, p_align) + their offset in the image. */
        memcpy((char *)tp - tls_image_offset(tls), (const void *)tls->p_vaddr, tls->p_filesz);
    }
    memset((void *)tp, 0, TLS_TCB_SIZE);
    *(uintptr_t *)tp = tp;
    return tp;
}
