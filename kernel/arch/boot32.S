/*
 * Multiboot entry. QEMU (or GRUB) starts us in 32-bit protected mode with paging off,
 * EAX = multiboot magic and EBX = physical address of the multiboot information. We build
 * just enough page tables to enter long mode (the first GiB mapped at 0, at the physical
 * memory window and at KERNEL_BASE), then jump to the upper half; boot.c builds the real
 * kernel address space.
 */
#define MULTIBOOT_MAGIC 0x1badb002
#define MULTIBOOT_FLAGS 0x3 /* modules page aligned; memory map wanted */

    .section .multiboot, "a"
    .balign 4
    .long MULTIBOOT_MAGIC
    .long MULTIBOOT_FLAGS
    .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

    .section .boot.bss, "aw", @nobits
    .balign 4096
boot_pml4:      .space 4096
boot_pdpt_low:  .space 4096
boot_pdpt_high: .space 4096
boot_pd:        .space 4096

    .section .boot32, "ax"
    .code32
    .global _start
_start:
    cli
    movl %eax, %ebp /* multiboot magic, kept until the call to boot_main */
    movl %ebx, %esi /* multiboot information */

    /* Zero the four boot tables. */
    movl $boot_pml4, %edi
    xorl %eax, %eax
    movl $(4 * 4096 / 4), %ecx
    rep stosl

    /* PML4: [0] identity, [256] physical memory window, [511] kernel image. */
    movl $boot_pdpt_low, %eax
    orl $3, %eax
    movl %eax, boot_pml4
    movl %eax, boot_pml4 + 256 * 8
    movl $boot_pdpt_high, %eax
    orl $3, %eax
    movl %eax, boot_pml4 + 511 * 8

    /* Both PDPTs point at one PD mapping the first GiB with 2 MiB pages. */
    movl $boot_pd, %eax
    orl $3, %eax
    movl %eax, boot_pdpt_low
    movl %eax, boot_pdpt_high + 510 * 8
    movl $boot_pd, %ebx
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $21, %eax
    orl $0x83, %eax /* present, writable, 2 MiB */
    movl %eax, (%ebx, %ecx, 8)
    incl %ecx
    cmpl $512, %ecx
    jne 1b

    /* PAE, then long mode (with NX and syscall), then paging. */
    movl %cr4, %eax
    orl $(1 << 5), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11) | (1 << 0)), %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | 1), %eax
    movl %eax, %cr0

    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_low

    .code64
long_mode_low:
    movl %ebp, %edi
    movabsq $boot_upper_half, %rax
    jmp *%rax

    .balign 8
boot_gdt:
    .quad 0
    .quad 0x00209a0000000000 /* 64-bit kernel code */
    .quad 0x0000920000000000 /* kernel data */
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt

    .text
boot_upper_half:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    leaq kernel_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    /* boot_main(magic in EDI, multiboot info in ESI): upper halves are already zero. */
    call boot_main
2:  cli
    hlt
    jmp 2b
