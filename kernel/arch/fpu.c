/*
 * Per-thread FPU/SSE state, switched lazily: the registers stay with their owner until
 * another thread touches them (#NM with CR0.TS set), and only then are they saved and the
 * new thread's state loaded. IPC between integer-only threads never pays for the FPU.
 */
#include <arch.h>
#include <machine.h>
#include <printk.h>

tcb_t *fpu_owner;
bool fpu_trapping;
static uint8_t fpu_initial_state[512] ALIGNED(16);

static void fpu_trap_on_use(bool trap)
{
    if (trap != fpu_trapping) {
        fpu_set_trapping(trap);
    }
}

static void fxsave(uint8_t *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static void fxrstor(const uint8_t *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void fpu_init(void)
{
    clts();
    __asm__ volatile("fninit");
    uint32_t mxcsr = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr));
    fxsave(fpu_initial_state);
    fpu_trapping = false;
    fpu_trap_on_use(true);
}

void fpu_init_state(tcb_t *tcb)
{
    memcpy(tcb->fpu_state, fpu_initial_state, sizeof(tcb->fpu_state));
}

void fpu_thread_deleted(tcb_t *tcb)
{
    if (fpu_owner == tcb) {
        fpu_owner = 0;
    }
}

/* Makes the FPU registers' owner's saved copy current (before reading its state). */
void fpu_save_current_owner(void)
{
    if (fpu_owner) {
        fpu_trap_on_use(false);
        fxsave(fpu_owner->fpu_state);
        fpu_owner = 0;
        fpu_trap_on_use(true);
    }
}

void fpu_release(tcb_t *t)
{
    if (fpu_owner == t) {
        fpu_save_current_owner();
    }
}

extern tcb_t *current_thread;

/* #NM from user mode: hand the FPU to the current thread. */
void fpu_handle_unavailable(void)
{
    fpu_trap_on_use(false);
    if (fpu_owner) {
        fxsave(fpu_owner->fpu_state);
    }
    fxrstor(current_thread->fpu_state);
    fpu_owner = current_thread;
}
