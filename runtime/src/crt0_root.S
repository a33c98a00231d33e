/*
 * Entry of a root task. The kernel starts it with RDI = bootinfo and RSP = 0, so the first
 * thing to do is to install a stack of our own.
 */
    .section .bss
    .balign 16
root_stack:
    .space 65536
root_stack_top:

    .section .text
    .global _start
    .type _start, @function
_start:
    leaq root_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    call runtime_start_root
1:  hlt
    jmp 1b
    .size _start, . - _start
