/*
 * elfsyms — read linking facts from an untrusted ELF image (see elfsyms.h).
 *
 * Every read goes through elf_in() (OFF + SIZE inside the buffer, without
 * overflow) and elf_get() (a field of 1..8 bytes in the file's byte order).
 * Both classes and both byte orders are read.
 */
#define _GNU_SOURCE
#include "elfsyms.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct elf_img {
    const unsigned char *p;
    size_t n;
    bool is64, big;
    uint64_t phoff, phentsize, phnum;
};

/* Go's build information starts with this magic (runtime/debug, since Go 1.13). */
static const char elf_go_magic[] = "\xff Go buildinf:";

/* OFF..OFF+SIZE lies inside the image. */
static bool elf_in(const struct elf_img *im, uint64_t off, uint64_t size)
{
    return off <= im->n && size <= im->n - off;
}

/* The N-byte field at OFF (the caller checked elf_in). */
static uint64_t elf_get(const struct elf_img *im, uint64_t off, unsigned n)
{
    const unsigned char *p = im->p + off;
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[im->big ? i : n - 1 - i] << (8 * (n - 1 - i));
    return v;
}

/* A word of the class: 8 bytes in ELFCLASS64, 4 in ELFCLASS32. */
static uint64_t elf_word(const struct elf_img *im, uint64_t off)
{
    return elf_get(im, off, im->is64 ? 8 : 4);
}

/* A copy of the string at TAB+OFF inside a table of TABSZ bytes (itself
 * inside the image), cut at ELFSYMS_MAX_NAME; NULL when it is out of the
 * table, unterminated or empty. *NOMEM is set when allocation failed. */
static char *elf_str(const struct elf_img *im, uint64_t tab, uint64_t tabsz, uint64_t off,
                     bool *nomem)
{
    if (!elf_in(im, tab, tabsz) || off >= tabsz)
        return NULL;
    const char *s = (const char *)im->p + tab + off;
    size_t max = (size_t)(tabsz - off);
    size_t len = strnlen(s, max);
    if (len == max || len == 0) /* no NUL inside the table, or "" */
        return NULL;
    char *copy;
    if (len > ELFSYMS_MAX_NAME) {
        copy = malloc(ELFSYMS_MAX_NAME + 4);
        if (copy) {
            memcpy(copy, s, ELFSYMS_MAX_NAME);
            memcpy(copy + ELFSYMS_MAX_NAME, "...", 4);
        }
    } else {
        copy = strndup(s, len);
    }
    if (!copy) {
        *nomem = true;
        return NULL;
    }
    /* one line per name when printed: no control characters survive */
    for (char *c = copy; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
    return copy;
}

/* Program header I's field: TYPE, OFFSET, VADDR, FILESZ. */
enum elf_ph_field { PH_TYPE, PH_OFFSET, PH_VADDR, PH_FILESZ };

static uint64_t elf_ph(const struct elf_img *im, uint64_t i, enum elf_ph_field f)
{
    static const unsigned off64[] = {0, 8, 16, 32}, off32[] = {0, 4, 8, 16};
    uint64_t base = im->phoff + i * im->phentsize;
    if (f == PH_TYPE)
        return elf_get(im, base, 4);
    return elf_word(im, base + (im->is64 ? off64[f] : off32[f]));
}

/* The file offset of virtual address VA with SIZE bytes behind it, through
 * the PT_LOAD segment that holds them; UINT64_MAX when none does. */
static uint64_t elf_va_to_off(const struct elf_img *im, uint64_t va, uint64_t size)
{
    for (uint64_t i = 0; i < im->phnum; i++) {
        if (elf_ph(im, i, PH_TYPE) != PT_LOAD)
            continue;
        uint64_t v = elf_ph(im, i, PH_VADDR), fsz = elf_ph(im, i, PH_FILESZ);
        if (va < v || va - v > fsz || size > fsz - (va - v))
            continue;
        uint64_t off = elf_ph(im, i, PH_OFFSET) + (va - v);
        if (off < elf_ph(im, i, PH_OFFSET) || !elf_in(im, off, size)) /* wrapped, or past the end */
            continue;
        return off;
    }
    return UINT64_MAX;
}

/* Section header I's fields (ELFCLASS64 / ELFCLASS32 layouts). */
struct elf_shdr {
    uint64_t name, type, offset, size, link, entsize;
};

static bool elf_section(const struct elf_img *im, uint64_t shoff, uint64_t shentsize, uint64_t i,
                        struct elf_shdr *s)
{
    uint64_t b = shoff + i * shentsize;
    if (!elf_in(im, b, im->is64 ? 64 : 40))
        return false;
    s->name = elf_get(im, b, 4);
    s->type = elf_get(im, b + 4, 4);
    s->offset = elf_word(im, b + (im->is64 ? 24 : 16));
    s->size = elf_word(im, b + (im->is64 ? 32 : 20));
    s->link = elf_get(im, b + (im->is64 ? 40 : 24), 4);
    s->entsize = elf_word(im, b + (im->is64 ? 56 : 36));
    return true;
}

/* Where the dynamic symbols and their names are (0 sizes: not found). */
struct elf_dyn {
    uint64_t dyn_off, dyn_size;  /* the dynamic array */
    uint64_t sym_off, sym_count; /* the symbol table, in entries */
    uint64_t str_off, str_size;  /* its string table */
};

static int elf_push(char ***list, size_t *n, size_t cap, char *s, size_t *dropped)
{
    if (*n >= cap) {
        free(s);
        (*dropped)++;
        return 0;
    }
    if ((*n & (*n - 1)) == 0 || *n == 0) { /* grow at powers of two */
        size_t want = *n ? *n * 2 : 1;
        char **l = realloc(*list, want * sizeof *l);
        if (!l) {
            free(s);
            return -ENOMEM;
        }
        *list = l;
    }
    (*list)[(*n)++] = s;
    return 0;
}

/* The number of symbols a DT_GNU_HASH table at OFF covers: one past the
 * highest index its chains reach. 0 when the table is damaged. */
static uint64_t elf_gnu_hash_count(const struct elf_img *im, uint64_t off)
{
    if (!elf_in(im, off, 16))
        return 0;
    uint64_t nbuckets = elf_get(im, off, 4), symoffset = elf_get(im, off + 4, 4);
    uint64_t bloom = elf_get(im, off + 8, 4);
    uint64_t buckets = off + 16 + bloom * (im->is64 ? 8 : 4);
    if (nbuckets > (1u << 24) || bloom > (1u << 24) || !elf_in(im, buckets, nbuckets * 4))
        return 0;
    uint64_t max = 0;
    for (uint64_t b = 0; b < nbuckets; b++) {
        uint64_t v = elf_get(im, buckets + b * 4, 4);
        if (v > max)
            max = v;
    }
    if (max < symoffset)
        return symoffset;
    uint64_t chains = buckets + nbuckets * 4;
    for (uint64_t i = max; i - symoffset < ELFSYMS_MAX_IMPORTS * 16u; i++) {
        uint64_t at = chains + (i - symoffset) * 4;
        if (!elf_in(im, at, 4))
            return 0;
        if (elf_get(im, at, 4) & 1)
            return i + 1;
    }
    return 0;
}

/* Fill D from the dynamic array at D->dyn_off: the symbol and string tables
 * by address. The symbol count comes from DT_HASH or DT_GNU_HASH. */
static void elf_dyn_tables(const struct elf_img *im, struct elf_dyn *d)
{
    uint64_t esz = im->is64 ? 16 : 8, symtab = 0, strtab = 0, strsz = 0, hash = 0, gnu = 0;
    bool have_sym = false, have_str = false;
    for (uint64_t o = d->dyn_off; o + esz <= d->dyn_off + d->dyn_size && elf_in(im, o, esz);
         o += esz) {
        uint64_t tag = elf_word(im, o), val = elf_word(im, o + esz / 2);
        if (tag == DT_NULL)
            break;
        if (tag == DT_SYMTAB)
            symtab = val, have_sym = true;
        else if (tag == DT_STRTAB)
            strtab = val, have_str = true;
        else if (tag == DT_STRSZ)
            strsz = val;
        else if (tag == DT_HASH)
            hash = val;
        else if (tag == DT_GNU_HASH)
            gnu = val;
    }
    if (have_str && !d->str_size) { /* sections, when present, named it already */
        uint64_t off = elf_va_to_off(im, strtab, strsz);
        if (off != UINT64_MAX)
            d->str_off = off, d->str_size = strsz;
    }
    if (!have_sym || d->sym_count)
        return;
    uint64_t count = 0;
    if (hash) {
        uint64_t off = elf_va_to_off(im, hash, 8);
        if (off != UINT64_MAX)
            count = elf_get(im, off + 4, 4); /* nchain = number of symbols */
    } else if (gnu) {
        uint64_t off = elf_va_to_off(im, gnu, 16);
        if (off != UINT64_MAX)
            count = elf_gnu_hash_count(im, off);
    }
    uint64_t entsz = im->is64 ? 24 : 16;
    if (count > ELFSYMS_MAX_IMPORTS * 16u)
        count = ELFSYMS_MAX_IMPORTS * 16u;
    uint64_t off = count ? elf_va_to_off(im, symtab, count * entsz) : UINT64_MAX;
    if (off != UINT64_MAX)
        d->sym_off = off, d->sym_count = count;
}

static int elf_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The imports: undefined, global or weak, named symbols of D's table. */
static int elf_imports(const struct elf_img *im, const struct elf_dyn *d, struct elfsyms *e)
{
    uint64_t entsz = im->is64 ? 24 : 16;
    for (uint64_t i = 1; i < d->sym_count; i++) { /* entry 0 is the null symbol */
        uint64_t b = d->sym_off + i * entsz;
        if (!elf_in(im, b, entsz)) {
            e->dropped++;
            break;
        }
        uint64_t name = elf_get(im, b, 4);
        unsigned info = (unsigned)elf_get(im, b + (im->is64 ? 4 : 12), 1);
        uint64_t shndx = elf_get(im, b + (im->is64 ? 6 : 14), 2);
        unsigned bind = info >> 4;
        if (shndx != SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK))
            continue;
        bool nomem = false;
        char *s = elf_str(im, d->str_off, d->str_size, name, &nomem);
        if (nomem)
            return -ENOMEM;
        if (!s) {
            e->dropped++;
            continue;
        }
        if (elf_push(&e->imports, &e->nimports, ELFSYMS_MAX_IMPORTS, s, &e->dropped) < 0)
            return -ENOMEM;
    }
    if (e->nimports > 1) {
        qsort(e->imports, e->nimports, sizeof *e->imports, elf_cmp);
        size_t w = 1;
        for (size_t r = 1; r < e->nimports; r++) {
            if (strcmp(e->imports[r], e->imports[w - 1]) == 0)
                free(e->imports[r]);
            else
                e->imports[w++] = e->imports[r];
        }
        e->nimports = w;
    }
    return 0;
}

/* DT_NEEDED entries of the dynamic array, by their string-table offsets. */
static int elf_needed(const struct elf_img *im, const struct elf_dyn *d, struct elfsyms *e)
{
    uint64_t esz = im->is64 ? 16 : 8;
    for (uint64_t o = d->dyn_off; o + esz <= d->dyn_off + d->dyn_size && elf_in(im, o, esz);
         o += esz) {
        uint64_t tag = elf_word(im, o);
        if (tag == DT_NULL)
            break;
        if (tag != DT_NEEDED)
            continue;
        bool nomem = false;
        char *s = elf_str(im, d->str_off, d->str_size, elf_word(im, o + esz / 2), &nomem);
        if (nomem)
            return -ENOMEM;
        if (!s) {
            e->dropped++;
            continue;
        }
        if (elf_push(&e->needed, &e->nneeded, ELFSYMS_MAX_NEEDED, s, &e->dropped) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* The section headers: SHT_DYNSYM with its string table, SHT_DYNAMIC, and
 * a section named .go.buildinfo. Returns whether there was a table. */
static bool elf_sections(const struct elf_img *im, struct elf_dyn *d, struct elfsyms *e)
{
    bool is64 = im->is64;
    uint64_t shoff = elf_word(im, is64 ? 40 : 32);
    uint64_t shentsize = elf_get(im, is64 ? 58 : 46, 2);
    uint64_t shnum = elf_get(im, is64 ? 60 : 48, 2);
    uint64_t shstrndx = elf_get(im, is64 ? 62 : 50, 2);
    struct elf_shdr s;
    if (shoff == 0 || shentsize < (is64 ? 64u : 40u))
        return false;
    if (shnum == 0 || shstrndx == SHN_XINDEX) { /* the real values are in section 0 */
        if (!elf_section(im, shoff, shentsize, 0, &s))
            return false;
        if (shnum == 0)
            shnum = s.size;
        if (shstrndx == SHN_XINDEX)
            shstrndx = s.link;
    }
    if (shnum == 0 || shnum > 65536 || !elf_in(im, shoff, shnum * shentsize))
        return false;
    struct elf_shdr names = {0};
    bool have_names =
        elf_section(im, shoff, shentsize, shstrndx, &names) && elf_in(im, names.offset, names.size);
    for (uint64_t i = 0; i < shnum; i++) {
        if (!elf_section(im, shoff, shentsize, i, &s))
            break;
        if (have_names && s.name < names.size) {
            const char *nm = (const char *)im->p + names.offset + s.name;
            size_t max = (size_t)(names.size - s.name);
            if (strnlen(nm, max) < max && strcmp(nm, ".go.buildinfo") == 0)
                e->go = true;
        }
        if (s.type == SHT_DYNAMIC && !d->dyn_size && elf_in(im, s.offset, s.size)) {
            d->dyn_off = s.offset;
            d->dyn_size = s.size;
        }
        uint64_t entsz = is64 ? 24 : 16;
        if (s.type == SHT_DYNSYM && elf_in(im, s.offset, s.size)) {
            struct elf_shdr str;
            if (s.link < shnum && elf_section(im, shoff, shentsize, s.link, &str) &&
                elf_in(im, str.offset, str.size)) {
                d->sym_off = s.offset;
                d->sym_count = s.size / entsz;
                d->str_off = str.offset;
                d->str_size = str.size;
            }
        }
    }
    return true;
}

int elfsyms_read(const unsigned char *buf, size_t len, struct elfsyms *e)
{
    memset(e, 0, sizeof *e);
    struct elf_img im = {.p = buf, .n = len};
    if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
        return -ENOEXEC;
    if ((buf[EI_CLASS] != ELFCLASS32 && buf[EI_CLASS] != ELFCLASS64) ||
        (buf[EI_DATA] != ELFDATA2LSB && buf[EI_DATA] != ELFDATA2MSB))
        return -ENOEXEC;
    im.is64 = buf[EI_CLASS] == ELFCLASS64;
    im.big = buf[EI_DATA] == ELFDATA2MSB;
    if (!elf_in(&im, 0, im.is64 ? 64 : 52))
        return -ENOEXEC;
    e->is64 = im.is64;
    e->big = im.big;
    e->type = (unsigned)elf_get(&im, 16, 2);
    e->machine = (unsigned)elf_get(&im, 18, 2);
    im.phoff = elf_word(&im, im.is64 ? 32 : 28);
    im.phentsize = elf_get(&im, im.is64 ? 54 : 42, 2);
    im.phnum = elf_get(&im, im.is64 ? 56 : 44, 2);
    if (im.phnum &&
        (im.phentsize < (im.is64 ? 56u : 32u) || !elf_in(&im, im.phoff, im.phnum * im.phentsize)))
        return -ENOEXEC;

    struct elf_dyn d = {0};
    for (uint64_t i = 0; i < im.phnum; i++) {
        uint64_t type = elf_ph(&im, i, PH_TYPE), off = elf_ph(&im, i, PH_OFFSET);
        uint64_t fsz = elf_ph(&im, i, PH_FILESZ);
        if (type == PT_INTERP && !e->interp && elf_in(&im, off, fsz)) {
            bool nomem = false;
            e->interp = elf_str(&im, off, fsz, 0, &nomem);
            if (nomem)
                return -ENOMEM;
            if (!e->interp)
                e->interp = strdup("?"); /* present, but not a string */
            if (!e->interp)
                return -ENOMEM;
        } else if (type == PT_DYNAMIC && !d.dyn_size && elf_in(&im, off, fsz)) {
            d.dyn_off = off;
            d.dyn_size = fsz;
        }
    }
    bool sections = elf_sections(&im, &d, e);
    e->dynamic = d.dyn_size > 0;
    if (d.dyn_size)
        elf_dyn_tables(&im, &d);
    /* Without section names (sstrip), Go's build information is found by
     * its magic; with them, only the section counts, so a C program that
     * merely holds the string is not taken for Go. */
    if (!sections && memmem(buf, len, elf_go_magic, sizeof elf_go_magic - 1))
        e->go = true;
    int rc = elf_needed(&im, &d, e);
    if (rc == 0 && d.sym_count)
        rc = elf_imports(&im, &d, e);
    return rc;
}

int elfsyms_file(const char *path, struct elfsyms *e)
{
    memset(e, 0, sizeof *e);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct stat st;
    int rc;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
    } else if (!S_ISREG(st.st_mode)) {
        rc = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
    } else if (st.st_size == 0) {
        rc = -ENOEXEC;
    } else {
        void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            rc = -errno;
        } else {
            rc = elfsyms_read(map, (size_t)st.st_size, e);
            munmap(map, (size_t)st.st_size);
        }
    }
    close(fd);
    return rc;
}

void elfsyms_free(struct elfsyms *e)
{
    free(e->interp);
    for (size_t i = 0; i < e->nneeded; i++)
        free(e->needed[i]);
    free(e->needed);
    for (size_t i = 0; i < e->nimports; i++)
        free(e->imports[i]);
    free(e->imports);
    memset(e, 0, sizeof *e);
}

const char *elfsyms_machine(unsigned machine)
{
    switch (machine) {
    case EM_386: return "i386";
    case EM_X86_64: return "x86-64";
    case EM_ARM: return "ARM";
    case EM_AARCH64: return "AArch64";
    case EM_PPC: return "PowerPC";
    case EM_PPC64: return "PowerPC64";
    case EM_S390: return "S/390";
    case EM_MIPS: return "MIPS";
    case EM_RISCV: return "RISC-V";
    case EM_SPARCV9: return "SPARC V9";
    default: return NULL;
    }
}
