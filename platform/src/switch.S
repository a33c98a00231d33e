/*
 * User-level thread switch (all platform threads share one TCB). Only what the SysV ABI
 * says survives a call is saved: RBX, RBP, R12-R15, the MXCSR control bits and the x87
 * control word. The FS base (TLS) is switched by the caller.
 *
 * Frame on a switched-out stack, from the saved stack pointer upwards:
 *   +0 MXCSR (4 bytes), +4 x87 control word (2 bytes), +8 R15, R14, R13, R12, RBX, RBP,
 *   then the return address.
 */
    .text
    .global pf_ctx_switch
    .type pf_ctx_switch, @function
pf_ctx_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size pf_ctx_switch, . - pf_ctx_switch

/* A new thread's frame "returns" here with R12 = argument, R13 = function. */
    .global pf_ctx_trampoline
    .type pf_ctx_trampoline, @function
pf_ctx_trampoline:
    movq %r12, %rdi
    xorl %ebp, %ebp
    call *%r13
    ud2
    .size pf_ctx_trampoline, . - pf_ctx_trampoline
    .section .note.GNU-stack, "", @progbits
