/*
 * Reading the bootinfo frame and its extra chunks (which follow it, 4 KiB on).
 */
#pragma once

#include <sel4/types.h>

/* Returns the first extra-bootinfo chunk with this id, or 0 if there is none. */
static inline const seL4_BootInfoHeader *seL4_BootInfo_FindChunk(const seL4_BootInfo *bi,
                                                                 seL4_Word id)
{
    const char *extra = (const char *)bi + (1ul << seL4_PageBits);
    seL4_Word offset = 0;
    while (offset + sizeof(seL4_BootInfoHeader) <= bi->extraLen) {
        const seL4_BootInfoHeader *h = (const seL4_BootInfoHeader *)(extra + offset);
        if (h->len < sizeof(*h)) {
            return 0;
        }
        if (h->id == id) {
            return h;
        }
        offset += h->len;
    }
    return 0;
}

/* TSC frequency in MHz from the X86_TSC_FREQ chunk, or 0 if absent. */
static inline seL4_Uint32 seL4_BootInfo_TSCFrequencyMHz(const seL4_BootInfo *bi)
{
    const seL4_BootInfoHeader *h = seL4_BootInfo_FindChunk(bi, SEL4_BOOTINFO_HEADER_X86_TSC_FREQ);
    if (!h || h->len < sizeof(*h) + sizeof(seL4_Uint32)) {
        return 0;
    }
    seL4_Uint32 mhz;
    __builtin_memcpy(&mhz, (const char *)(h + 1), sizeof(mhz));
    return mhz;
}
