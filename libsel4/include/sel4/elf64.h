/*
 * The ELF64 structures of the boot protocol: the kernel loads the root task from an ELF64
 * image, and root tasks load the programs they start the same way.
 */
#pragma once

#include <sel4/types.h>

#define ELF_MAGIC   0x464c457fu /* "\x7fELF" read as a little-endian word */
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define ET_EXEC     2
#define EM_X86_64   62
#define PT_NULL     0
#define PT_LOAD     1
#define PT_TLS      7
#define PF_X        1
#define PF_W        2
#define PF_R        4

typedef struct Elf64_Ehdr {
    unsigned char e_ident[16];
    seL4_Uint16 e_type;
    seL4_Uint16 e_machine;
    seL4_Uint32 e_version;
    seL4_Uint64 e_entry;
    seL4_Uint64 e_phoff;
    seL4_Uint64 e_shoff;
    seL4_Uint32 e_flags;
    seL4_Uint16 e_ehsize;
    seL4_Uint16 e_phentsize;
    seL4_Uint16 e_phnum;
    seL4_Uint16 e_shentsize;
    seL4_Uint16 e_shnum;
    seL4_Uint16 e_shstrndx;
} Elf64_Ehdr;

typedef struct Elf64_Phdr {
    seL4_Uint32 p_type;
    seL4_Uint32 p_flags;
    seL4_Uint64 p_offset;
    seL4_Uint64 p_vaddr;
    seL4_Uint64 p_paddr;
    seL4_Uint64 p_filesz;
    seL4_Uint64 p_memsz;
    seL4_Uint64 p_align;
} Elf64_Phdr;
