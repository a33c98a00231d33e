/*
 * A minimal setjmp/longjmp for the test runner: a failing check in a test function returns
 * control to the runner. Saves the callee-saved registers, the stack pointer and the return
 * address (struct of 8 words).
 */
    .text
    .global ktest_setjmp
    .type ktest_setjmp, @function
ktest_setjmp:
    movq %rbx, 0(%rdi)
    movq %rbp, 8(%rdi)
    movq %r12, 16(%rdi)
    movq %r13, 24(%rdi)
    movq %r14, 32(%rdi)
    movq %r15, 40(%rdi)
    leaq 8(%rsp), %rdx
    movq %rdx, 48(%rdi)
    movq (%rsp), %rdx
    movq %rdx, 56(%rdi)
    xorl %eax, %eax
    ret
    .size ktest_setjmp, . - ktest_setjmp

    .global ktest_longjmp
    .type ktest_longjmp, @function
ktest_longjmp:
    movq 0(%rdi), %rbx
    movq 8(%rdi), %rbp
    movq 16(%rdi), %r12
    movq 24(%rdi), %r13
    movq 32(%rdi), %r14
    movq 40(%rdi), %r15
    movq 48(%rdi), %rsp
    movl %esi, %eax
    testl %eax, %eax
    jnz 1f
    incl %eax
1:  jmpq *56(%rdi)
    .size ktest_longjmp, . - ktest_longjmp

    .section .note.GNU-stack, "", @progbits
