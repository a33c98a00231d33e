/*
 * Entry of a unikernel. The root task starts the initial thread with RDI = struct uk_init *
 * and RSP = top of a 16-byte aligned stack (unikernel.h); FS base is still 0, so nothing
 * here may touch thread-local data.
 */
    .section .text.start, "ax"
    .global _start
    .type _start, @function
_start:
    xorl %ebp, %ebp
    andq $-16, %rsp
    call pf_start
1:  hlt
    jmp 1b
    .size _start, . - _start
    .section .note.GNU-stack, "", @progbits
