/*
 * The x86_64 machine layer (arch/), one section per file: CPU set-up, kernel address space,
 * interrupt controllers, timer, FPU, ACPI, and the ways into and out of the kernel. The
 * serial line is in printk.h, the raw CPU instructions in machine.h.
 */
#pragma once

#include <types.h>
#include <object.h>
#include <machine.h>

/* --- arch/cpu.c: GDT, IDT, TSS, MSRs -------------------------------------------------- */

/* Segment selectors (GDT layout fixed by syscall/sysret: see cpu.c). */
#define SEL_KERNEL_CS 0x08
#define SEL_KERNEL_DS 0x10
#define SEL_USER_DS   0x1b
#define SEL_USER_CS   0x23
#define SEL_TSS       0x28

/* CPU features found at boot. */
struct cpu_features {
    bool nx, huge_pages, smep, smap, pge;
};
extern struct cpu_features cpu_features;

void cpu_init(void);

struct PACKED tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};
extern struct tss tss;

/*
 * Kernel entries of the thread about to run save its registers into ctx: the CPU (for
 * interrupts) and syscall_entry build the frame below the TSS's RSP0. Inline: every return
 * to user level sets it.
 */
static inline void cpu_set_kernel_entry_stack(user_context_t *ctx)
{
    tss.rsp[0] = (uint64_t)&ctx->fs_base;
}

/* --- arch/kvspace.c: the kernel's address space ---------------------------------------- */

void kvspace_init(paddr_t ram_end, const paddr_t *ram_ranges, int n_ranges);
void *kvspace_map_device(paddr_t paddr); /* one uncached 4 KiB page in the kernel window */
extern uint64_t kernel_pml4[512];
paddr_t kernel_pml4_paddr(void);
void kvspace_copy_kernel_entries(uint64_t *pml4);
paddr_t kernel_image_end_paddr(void);

/* --- arch/apic.c: local APIC, PIT and TSC, the kernel tick ----------------------------- */

void lapic_init(void);
void lapic_eoi(void);
void timer_calibrate_and_start(void);
void pic_disable(void);
extern uint64_t tsc_hz;

/* --- arch/ioapic.c: interrupt routing for legacy and PCI lines ------------------------- */

int ioapic_count(void);
int ioapic_pins(int ioapic);
void ioapic_add(paddr_t paddr, uint32_t gsi_base);
void ioapic_init(void);
void ioapic_route(int ioapic, int pin, int vector, bool level, bool active_low);
void ioapic_mask(int ioapic, int pin, bool masked);

/* --- arch/fpu.c: FPU state, lazily switched between threads ----------------------------- */

void fpu_init(void);
void fpu_init_state(tcb_t *tcb);
void fpu_thread_deleted(tcb_t *tcb);
extern tcb_t *fpu_owner;  /* whose registers the FPU holds, or 0 */
extern bool fpu_trapping; /* CR0.TS as last written: CR0 writes are slow, so skip repeats */

/* CR0.TS set: the next FPU/SSE instruction traps (#NM). */
static inline void fpu_set_trapping(bool trap)
{
    if (trap) {
        set_ts();
    } else {
        clts();
    }
    fpu_trapping = trap;
}

/*
 * Returning to tcb (inline: every return does): the FPU registers are usable at once only
 * if they are its own.
 */
static inline void fpu_prepare_return(tcb_t *tcb)
{
    bool trap = fpu_owner != tcb;
    if (trap != fpu_trapping) {
        fpu_set_trapping(trap);
    }
}
void fpu_handle_unavailable(void);
void fpu_save_current_owner(void);
void fpu_release(tcb_t *t); /* save t's FPU registers if it owns them, and give them up */

/* --- arch/traps.c, arch/entry.S: interrupts, exceptions, the way back to user level ---- */

void c_handle_interrupt(void) NORETURN;
void restore_user_context(void) NORETURN; /* into current_thread */
void return_via_sysret(user_context_t *ctx) NORETURN;
void return_via_iret(user_context_t *ctx) NORETURN;
void idle_loop(void) NORETURN;
void syscall_entry(void);
extern uint64_t loaded_fs_base, loaded_gs_base; /* the FS and GS base MSRs as last written */

/*
 * The last steps of every way back to user level, once t runs on its own page tables
 * (restore_user_context, and the IPC fast path, which inlines them).
 */
static ALWAYS_INLINE NORETURN void return_to_user(tcb_t *t)
{
    cpu_set_kernel_entry_stack(&t->ctx);
    if (t->ctx.fs_base != loaded_fs_base) {
        wrmsr(MSR_FS_BASE, t->ctx.fs_base);
        loaded_fs_base = t->ctx.fs_base;
    }
    if (t->ctx.gs_base != loaded_gs_base) {
        wrmsr(MSR_GS_BASE, t->ctx.gs_base);
        loaded_gs_base = t->ctx.gs_base;
    }
    fpu_prepare_return(t);
    if (t->ctx.vector == VECTOR_SYSCALL) {
        return_via_sysret(&t->ctx);
    }
    return_via_iret(&t->ctx);
}

/* --- arch/acpi.c: the RSDP copy for bootinfo and the MADT for IOAPICs ------------------ */

bool acpi_init(void);
const void *acpi_rsdp_copy(void); /* 36 bytes, or 0 */
