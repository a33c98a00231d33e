/*
 * void fz_syscall(struct fz_regs *r): the fuzz thread's only way into the kernel.
 *
 * Loads every argument register from *r, enters the kernel and stores the result registers
 * back. One fixed `syscall` instruction (fz_syscall_insn) lets the supervisor recognise an
 * UnknownSyscall fault of the fuzz thread by its FaultIP and resume it just after.
 *
 * The ABI says the kernel preserves RAX, RBX, RBP and R12-R14. RBX carries the stack pointer
 * across the call (upstream does not preserve RSP); the others are loaded with canaries
 * derived from r->canary and checked afterwards: bit i of r->clobbered is set if RAX, RBP,
 * R12, R13 or R14 (i = 0..4) came back changed, and r->preserved[] receives their values.
 */
    .text
    .global fz_syscall
    .type fz_syscall, @function
fz_syscall:
    pushq %rbx
    pushq %rbp
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    pushq %rdi
    movq 56(%rdi), %rax
    leaq 1(%rax), %rbp
    leaq 2(%rax), %r12
    leaq 3(%rax), %r13
    leaq 4(%rax), %r14
    movq 0(%rdi), %rdx
    movq 16(%rdi), %rsi
    movq 24(%rdi), %r10
    movq 32(%rdi), %r8
    movq 40(%rdi), %r9
    movq 48(%rdi), %r15
    movq 8(%rdi), %rdi
    movq %rsp, %rbx
    .global fz_syscall_insn
fz_syscall_insn:
    syscall
    movq %rbx, %rsp
    popq %rcx
    movq %rdi, 8(%rcx)
    movq %rsi, 16(%rcx)
    movq %r10, 24(%rcx)
    movq %r8, 32(%rcx)
    movq %r9, 40(%rcx)
    movq %r15, 48(%rcx)
    movq 56(%rcx), %rdx
    xorl %esi, %esi
    cmpq %rdx, %rax
    je 1f
    orq $1, %rsi
1:  incq %rdx
    cmpq %rdx, %rbp
    je 2f
    orq $2, %rsi
2:  incq %rdx
    cmpq %rdx, %r12
    je 3f
    orq $4, %rsi
3:  incq %rdx
    cmpq %rdx, %r13
    je 4f
    orq $8, %rsi
4:  incq %rdx
    cmpq %rdx, %r14
    je 5f
    orq $16, %rsi
5:  movq %rsi, 64(%rcx)
    movq %rax, 72(%rcx)
    movq %rbp, 80(%rcx)
    movq %r12, 88(%rcx)
    movq %r13, 96(%rcx)
    movq %r14, 104(%rcx)
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbp
    popq %rbx
    ret
    .size fz_syscall, . - fz_syscall

    .section .note.GNU-stack, "", @progbits
