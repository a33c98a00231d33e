/*
 * Every way into and out of the kernel.
 *
 * Into: `syscall`, and interrupts/exceptions. Both leave the user's registers in the
 * current thread's user_context_t (see object.h): the TSS stack pointer (RSP0) points just
 * past its interrupt-frame part, so the CPU (for interrupts) or the syscall stub (which
 * reads RSP0 itself) pushes the frame straight into the TCB, then the stub
 * pushes the general registers after it and switches to the one kernel stack. The kernel
 * never returns into an entry: it leaves through restore_user_context().
 */
#define TSS_RSP0 4 /* offset of RSP0 in the TSS (checked in cpu.c) */
#define USER_CS 0x23
#define USER_SS 0x1b
#define VECTOR_SYSCALL 0x100

/* Offsets in user_context_t (object.h, checked there). */
#define CTX_R15    0
#define CTX_R14    8
#define CTX_R13    16
#define CTX_R12    24
#define CTX_R10    40
#define CTX_R9     48
#define CTX_R8     56
#define CTX_RBP    64
#define CTX_RDI    72
#define CTX_RSI    80
#define CTX_RDX    88
#define CTX_RBX    104
#define CTX_RAX    112
#define CTX_RIP    136
#define CTX_RFLAGS 152
#define CTX_RSP    160

    .macro push_gprs
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    .endm

    .macro pop_gprs
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    .endm

    .bss
    .balign 4096
    .global kernel_stack_top
kernel_stack:
    .space 16384
kernel_stack_top:
user_rsp_scratch:
    .quad 0

    .text

/*
 * syscall: RCX = user RIP, R11 = user RFLAGS; FMASK (cpu.c) has cleared IF, TF, AC and DF,
 * so the C code's string instructions (rep movs/stos) run forwards.
 */
    .global syscall_entry
syscall_entry:
    movq %rsp, user_rsp_scratch(%rip)
    movq tss+TSS_RSP0(%rip), %rsp
    pushq $USER_SS
    pushq user_rsp_scratch(%rip)
    pushq %r11
    pushq $USER_CS
    pushq %rcx
    pushq $0
    pushq $VECTOR_SYSCALL
    push_gprs
    leaq kernel_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call c_handle_syscall
    ud2

/*
 * Interrupts and exceptions. From user mode the CPU has switched to the TCB frame; from
 * kernel mode we are either the idle loop (an interrupt woke it) or a kernel bug. Unlike
 * syscall, they keep the user's direction flag: clear it before any C code, whose memcpy
 * and memset (rep movs/stos) would otherwise run backwards over kernel memory.
 */
    .macro vector_stub n, has_error
    .global vector_\n
vector_\n:
    .if \has_error == 0
    pushq $0
    .endif
    pushq $\n
    jmp interrupt_common
    .endm

interrupt_common:
    cld
    testb $3, 24(%rsp) /* CS of the interrupted code */
    jz from_kernel
    push_gprs
    leaq kernel_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call c_handle_interrupt
    ud2

from_kernel:
    /* Frame on the current stack: vector, error, rip, cs, rflags, rsp, ss. */
    movq %rsp, %rdi
    leaq kernel_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call c_handle_kernel_trap
    ud2

    /* Exceptions 0..31: which ones push an error code. */
    vector_stub 0, 0
    vector_stub 1, 0
    /*
     * NMI and double fault run on their own stack (IST): an NMI can arrive in the syscall
     * entry window while RSP is still the user's. Nothing here raises NMIs, so one is
     * ignored; a double fault is always a kernel bug.
     */
    .global vector_2
vector_2:
    iretq
    vector_stub 3, 0
    vector_stub 4, 0
    vector_stub 5, 0
    vector_stub 6, 0
    vector_stub 7, 0
    .global vector_8
vector_8:
    cld
    movq %rsp, %rdi
    leaq kernel_stack_top(%rip), %rsp
    call c_handle_double_fault
    ud2
    vector_stub 9, 0
    vector_stub 10, 1
    vector_stub 11, 1
    vector_stub 12, 1
    vector_stub 13, 1
    vector_stub 14, 1
    vector_stub 15, 0
    vector_stub 16, 0
    vector_stub 17, 1
    vector_stub 18, 0
    vector_stub 19, 0
    vector_stub 20, 0
    vector_stub 21, 1
    vector_stub 22, 0
    vector_stub 23, 0
    vector_stub 24, 0
    vector_stub 25, 0
    vector_stub 26, 0
    vector_stub 27, 0
    vector_stub 28, 0
    vector_stub 29, 1
    vector_stub 30, 1
    vector_stub 31, 0

    /* Vectors 32..255: interrupts (none push an error code). */
    .altmacro
    .set i, 32
    .rept 224
    vector_stub %i, 0
    .set i, i + 1
    .endr

    /* Table of stub addresses for the IDT. */
    .macro vector_address n
    .quad vector_\n
    .endm

    .section .rodata
    .balign 8
    .global vector_table
vector_table:
    .set i, 0
    .rept 256
    vector_address %i
    .set i, i + 1
    .endr

    .text
/*
 * Leave the kernel into the thread whose context is at RDI. Two ways out: sysret for a
 * thread that entered with `syscall` (fast; RCX and R11 are the ABI's scratch registers),
 * and iretq for everything else (restores every register).
 */
    .global return_via_sysret
return_via_sysret:
    /* Loads, not pops: RCX and R11 take RIP and RFLAGS, RDI (the context) comes last. */
    movq CTX_R15(%rdi), %r15
    movq CTX_R14(%rdi), %r14
    movq CTX_R13(%rdi), %r13
    movq CTX_R12(%rdi), %r12
    movq CTX_R10(%rdi), %r10
    movq CTX_R9(%rdi), %r9
    movq CTX_R8(%rdi), %r8
    movq CTX_RBP(%rdi), %rbp
    movq CTX_RSI(%rdi), %rsi
    movq CTX_RDX(%rdi), %rdx
    movq CTX_RBX(%rdi), %rbx
    movq CTX_RAX(%rdi), %rax
    movq CTX_RIP(%rdi), %rcx
    movq CTX_RFLAGS(%rdi), %r11
    movq CTX_RSP(%rdi), %rsp
    movq CTX_RDI(%rdi), %rdi
    sysretq

    .global return_via_iret
return_via_iret:
    movq %rdi, %rsp
    pop_gprs
    addq $16, %rsp /* vector, error */
    iretq

/* Nothing to run: wait for an interrupt with interrupts enabled, on the kernel stack. */
    .global idle_loop
idle_loop:
    leaq kernel_stack_top(%rip), %rsp
1:  sti
    hlt
    cli
    jmp 1b
