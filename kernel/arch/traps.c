/*
 * Interrupts and exceptions, and the way back to user level.
 *
 * From user mode, every exception becomes a fault for the thread's handler (page faults
 * as VMFault, #NM as a lazy FPU switch, the rest as UserException); the kernel timer
 * drives the scheduler; device vectors go to irq_handle(). From kernel mode only the idle
 * loop may be interrupted; anything else is a kernel bug.
 */
#include <kernel.h>
#include <arch.h>
#include <machine.h>
#include <printk.h>

#define VECTOR_NM        7
#define VECTOR_PF        14
#define VECTOR_PIC_FIRST 0x20
#define VECTOR_PIC_LAST  0x2f

uint64_t loaded_fs_base, loaded_gs_base;

static void handle_irq_vector(word_t vector)
{
    if (vector == VECTOR_TIMER) {
        sched_timer_tick();
        lapic_eoi();
    } else if (vector >= VECTOR_IRQ_BASE && vector <= VECTOR_IRQ_BASE + IRQ_USER_MAX) {
        irq_handle(vector - VECTOR_IRQ_BASE + 16);
    } else if (vector == VECTOR_SPURIOUS ||
               (vector >= VECTOR_PIC_FIRST && vector <= VECTOR_PIC_LAST)) {
        /* spurious: no EOI */
    } else {
        lapic_eoi();
    }
}

static void handle_user_exception(tcb_t *t, word_t vector, word_t error)
{
    if (vector == VECTOR_PF) {
        vspace_handle_page_fault(t, error);
        return;
    }
    if (vector == VECTOR_NM && !(t->flags & seL4_TCBFlag_fpuDisabled)) {
        fpu_handle_unavailable();
        return;
    }
    current_fault.type = seL4_Fault_UserException;
    current_fault.w[0] = vector;
    current_fault.w[1] = error;
    handle_fault(t);
}

static void NORETURN finish_kernel_entry(void)
{
    sched_schedule();
    thread_activate(current_thread);
    restore_user_context();
}

void c_handle_interrupt(void)
{
    tcb_t *t = current_thread;
    accounting_kernel_entry();
    word_t vector = t->ctx.vector;
    t->ctx.fault_ip = t->ctx.rip;
    if (vector < 32) {
        handle_user_exception(t, vector, t->ctx.error);
    } else {
        handle_irq_vector(vector);
    }
    finish_kernel_entry();
}

/* frame: vector, error, rip, cs, rflags, rsp, ss (as pushed by the stub and the CPU). */
void c_handle_kernel_trap(const word_t *frame);
void c_handle_kernel_trap(const word_t *frame)
{
    word_t vector = frame[0];
    if (vector >= 32 && current_thread == idle_thread) {
        accounting_kernel_entry();
        handle_irq_vector(vector);
        finish_kernel_entry();
    }
    panic("kernel trap: vector %lu error %lx at rip %lx (cr2 %lx, rsp %lx)", vector, frame[1],
          frame[2], read_cr2(), frame[5]);
}

/* frame: error code, rip, cs, rflags, rsp, ss (pushed by the CPU on the IST stack). */
void c_handle_double_fault(const word_t *frame);
void c_handle_double_fault(const word_t *frame)
{
    panic("double fault at rip %lx (rsp %lx, cr2 %lx)", frame[1], frame[4], read_cr2());
}

void restore_user_context(void)
{
    tcb_t *t = current_thread;
    accounting_kernel_exit();
    if (t == idle_thread) {
        idle_loop();
    }
    vspace_switch_to_thread(t);
    return_to_user(t);
}
