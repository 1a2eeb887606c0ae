/*
 * elfsyms — what an ELF file says about how it links, read from its bytes
 * without running or loading it: class, byte order, type and machine, the
 * PT_INTERP path, the DT_NEEDED libraries, the imported dynamic symbols
 * (undefined entries of the dynamic symbol table) and whether it is a Go
 * program. Used by `v6run --doctor` (doctor.h); not linked into the shim.
 *
 * The input is untrusted: every offset, size and count is checked against
 * the buffer before it is read, strings are copied only up to the end of
 * their string table, and counts are capped, so a truncated or hostile file
 * gives -ENOEXEC or a partial answer, never a read outside the buffer.
 * Control characters in the strings kept (names, paths) become '?', so
 * each prints as part of one line.
 *
 * The dynamic symbol table is found through the section headers
 * (SHT_DYNSYM and its linked string table) when there are any, otherwise
 * through the dynamic segment (DT_SYMTAB, DT_STRTAB, DT_STRSZ, and
 * DT_HASH or DT_GNU_HASH for the number of symbols), with addresses mapped
 * to file offsets through the PT_LOAD segments. DT_NEEDED comes from the
 * dynamic segment (PT_DYNAMIC, or SHT_DYNAMIC without program headers).
 */
#ifndef V6SHIM_ELFSYMS_H
#define V6SHIM_ELFSYMS_H

#include <stdbool.h>
#include <stddef.h>

/* Caps on what is kept from one file (the rest is counted, not kept). */
#define ELFSYMS_MAX_NEEDED 256
#define ELFSYMS_MAX_IMPORTS 65536
#define ELFSYMS_MAX_NAME 1024 /* longer strings are cut (and end in "...") */

struct elfsyms {
    bool is64;        /* ELFCLASS64, else ELFCLASS32 */
    bool big;         /* ELFDATA2MSB */
    unsigned type;    /* e_type: ET_EXEC, ET_DYN, ... */
    unsigned machine; /* e_machine: EM_X86_64, ... */
    char *interp;     /* PT_INTERP's path, or NULL when there is none */
    bool dynamic;     /* it has a dynamic segment or section */
    char **needed;    /* DT_NEEDED names in file order, nneeded of them */
    size_t nneeded;
    char **imports; /* undefined global/weak dynamic symbols, sorted, unique */
    size_t nimports;
    size_t dropped; /* names past the caps above, or unreadable */
    bool go;        /* a .go.buildinfo section; without section headers,
                           * Go's build-information magic anywhere */
};

/*
 * Read the ELF image BUF[0..LEN) into *E (zeroed first; free with
 * elfsyms_free whatever the result). Returns 0; -ENOEXEC when BUF is not an
 * ELF file of a known class and byte order, or its ELF header or program
 * headers lie outside BUF; -ENOMEM. Damaged tables past the headers (a
 * symbol table out of bounds, an unterminated string) are skipped: what
 * could be read is kept, the rest counted in E->dropped.
 */
int elfsyms_read(const unsigned char *buf, size_t len, struct elfsyms *e);

/* elfsyms_read on the contents of PATH (mapped read-only). Returns 0 or
 * -errno: open/fstat/mmap errors, -EINVAL for something not a regular
 * file, -ENOEXEC, -ENOMEM. */
int elfsyms_file(const char *path, struct elfsyms *e);

/* Free what *E holds and zero it. */
void elfsyms_free(struct elfsyms *e);

/* A short name for E->machine ("x86-64", "AArch64", "i386", ...), or NULL. */
const char *elfsyms_machine(unsigned machine);

#endif
