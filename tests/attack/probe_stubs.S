/* The probe stubs of probe.h: each ends in ud2, which tells "it went through". */
    .text
    .globl probe_read, probe_write, probe_syscall, probe_in, probe_out, spin

probe_read:
    movq (%rdi), %rax
    ud2

probe_write:
    movq %rsi, (%rdi)
    ud2

/* seL4's x86_64 convention: number in RDX, first argument (the cap) in RDI. */
probe_syscall:
    movq %rdi, %rdx
    movq %rsi, %rdi
    xorl %esi, %esi
    movq %rsp, %rbx
    syscall
    movq %rbx, %rsp
    ud2

probe_in:
    movl %edi, %edx
    inb %dx, %al
    ud2

probe_out:
    movl %edi, %edx
    xorl %eax, %eax
    outb %al, %dx
    ud2

/* A thread that only burns CPU (the hog's): no stack, no system calls. */
spin:
    jmp spin

    .section .note.GNU-stack, "", @progbits
