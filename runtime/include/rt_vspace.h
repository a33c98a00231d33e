/*
 * rt_vspace: mapping frames into an x86_64 VSpace (a PML4) when the paging structures on
 * the way may be missing.
 *
 * The kernel refuses a frame mapping whose page table, page directory or PDPT is absent with
 * seL4_FailedLookup and says which level is missing (libsel4/ABI.md, "Paging"). Whoever maps
 * then makes that structure, maps it and retries; only where the structure's memory and slot
 * come from differs between programs, so the caller supplies that as a function.
 */
#pragma once

#include <runtime.h>

/* Makes one paging structure of `type` into a fresh slot *cap (ctx is the caller's). */
typedef seL4_Error rt_table_alloc_fn(void *ctx, seL4_Word type, seL4_CPtr *cap);

/*
 * Maps `frame` at `vaddr` in `vspace`. When the kernel reports a missing paging structure,
 * one is made with alloc(ctx, ...), mapped, and the mapping retried. Returns the kernel's
 * error for the frame mapping, or the error of the structure that could not be made.
 */
seL4_Error rt_map_frame_with(seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr,
                             seL4_CapRights_t rights, seL4_Word attr, rt_table_alloc_fn *alloc,
                             void *ctx);

/* Maps a PDPT, page directory or page table (by its object type) at vaddr in vspace. */
seL4_Error rt_map_table(seL4_Word type, seL4_CPtr table, seL4_CPtr vspace, seL4_Word vaddr);
