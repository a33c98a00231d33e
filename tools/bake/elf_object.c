/*
 * Writes a minimal ELF64 relocatable object that carries a blob of data, so the root task
 * can be linked with its archive without an assembler or objcopy. Sections: the data,
 * .note.GNU-stack (no executable stack), .symtab, .strtab, .shstrtab.
 */
#include "bake.h"

#include <elf.h>
#include <stdlib.h>
#include <string.h>

enum { SEC_NULL, SEC_DATA, SEC_NOTE, SEC_SYMTAB, SEC_STRTAB, SEC_SHSTRTAB, SEC_COUNT };

/* Appends s (with its NUL) to a string table; returns its offset. */
static uint32_t add_string(struct buffer *table, const char *s)
{
    uint32_t at = (uint32_t)table->size;
    buffer_append(table, s, strlen(s) + 1);
    return at;
}

void elf_object_write(struct buffer *out, const char *section, const void *data, size_t size,
                      const char *start_symbol, const char *end_symbol)
{
    struct buffer strtab = {0}, shstrtab = {0};
    Elf64_Shdr sh[SEC_COUNT];
    memset(sh, 0, sizeof(sh));

    add_string(&strtab, "");
    add_string(&shstrtab, "");
    Elf64_Sym syms[3];
    memset(syms, 0, sizeof(syms));
    for (int i = 1; i <= 2; i++) {
        syms[i].st_name = add_string(&strtab, i == 1 ? start_symbol : end_symbol);
        syms[i].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
        syms[i].st_shndx = SEC_DATA;
        syms[i].st_value = i == 1 ? 0 : size;
    }

    Elf64_Ehdr eh;
    memset(&eh, 0, sizeof(eh));
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_REL;
    eh.e_machine = EM_X86_64;
    eh.e_version = EV_CURRENT;
    eh.e_ehsize = sizeof(Elf64_Ehdr);
    eh.e_shentsize = sizeof(Elf64_Shdr);
    eh.e_shnum = SEC_COUNT;
    eh.e_shstrndx = SEC_SHSTRTAB;

    out->size = 0;
    buffer_append(out, &eh, sizeof(eh));

    buffer_pad(out, 16);
    sh[SEC_DATA].sh_name = add_string(&shstrtab, section);
    sh[SEC_DATA].sh_type = SHT_PROGBITS;
    sh[SEC_DATA].sh_flags = SHF_ALLOC;
    sh[SEC_DATA].sh_offset = out->size;
    sh[SEC_DATA].sh_size = size;
    sh[SEC_DATA].sh_addralign = 4096; /* the archive starts on a page of its own */
    buffer_append(out, data, size);

    sh[SEC_NOTE].sh_name = add_string(&shstrtab, ".note.GNU-stack");
    sh[SEC_NOTE].sh_type = SHT_PROGBITS;
    sh[SEC_NOTE].sh_offset = out->size;
    sh[SEC_NOTE].sh_addralign = 1;

    buffer_pad(out, 8);
    sh[SEC_SYMTAB].sh_name = add_string(&shstrtab, ".symtab");
    sh[SEC_SYMTAB].sh_type = SHT_SYMTAB;
    sh[SEC_SYMTAB].sh_offset = out->size;
    sh[SEC_SYMTAB].sh_size = sizeof(syms);
    sh[SEC_SYMTAB].sh_link = SEC_STRTAB;
    sh[SEC_SYMTAB].sh_info = 1; /* index of the first global symbol */
    sh[SEC_SYMTAB].sh_addralign = 8;
    sh[SEC_SYMTAB].sh_entsize = sizeof(Elf64_Sym);
    buffer_append(out, syms, sizeof(syms));

    sh[SEC_STRTAB].sh_name = add_string(&shstrtab, ".strtab");
    sh[SEC_STRTAB].sh_type = SHT_STRTAB;
    sh[SEC_STRTAB].sh_offset = out->size;
    sh[SEC_STRTAB].sh_size = strtab.size;
    sh[SEC_STRTAB].sh_addralign = 1;
    buffer_append(out, strtab.data, strtab.size);

    sh[SEC_SHSTRTAB].sh_name = add_string(&shstrtab, ".shstrtab");
    sh[SEC_SHSTRTAB].sh_type = SHT_STRTAB;
    sh[SEC_SHSTRTAB].sh_offset = out->size;
    sh[SEC_SHSTRTAB].sh_size = shstrtab.size;
    sh[SEC_SHSTRTAB].sh_addralign = 1;
    buffer_append(out, shstrtab.data, shstrtab.size);

    buffer_pad(out, 8);
    ((Elf64_Ehdr *)out->data)->e_shoff = out->size;
    buffer_append(out, sh, sizeof(sh));

    free(strtab.data);
    free(shstrtab.data);
}
