/*
 * Entry of a test guest: RDI = struct uk_init *, RSP = top of its 16-byte aligned stack.
 */
    .section .text.start, "ax"
    .global _start
    .type _start, @function
_start:
    xorl %ebp, %ebp
    call guest_start
1:  hlt
    jmp 1b
    .size _start, . - _start
    .section .note.GNU-stack, "", @progbits
