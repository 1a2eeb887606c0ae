/* Tests of shim/elfsyms and shim/doctor on hand-built ELF images (both
 * classes, both byte orders, damaged tables) and capability attributes of
 * each revision; the real binaries are v6run_doctor.sh's. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doctor.h"
#include "elfsyms.h"

/* An image under construction: fields written in the chosen byte order. */
struct img {
    unsigned char b[1024];
    bool big;
};

static void put(struct img *im, size_t off, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        im->b[off + (im->big ? i : n - 1 - i)] = (unsigned char)(v >> (8 * (n - 1 - i)));
}

/*
 * A 64- or 32-bit dynamically linked executable in 1 kB: ELF header, three
 * program headers (PT_LOAD of the whole file at vaddr 0, PT_INTERP,
 * PT_DYNAMIC), a dynamic array (DT_NEEDED libc.so.6, DT_STRTAB, DT_STRSZ,
 * DT_SYMTAB, DT_HASH), a string table, a SysV hash table with nchain = 4
 * and four symbols: null, gethostbyname (undefined global), getaddrinfo
 * (undefined weak), main (defined). No section headers.
 */
static void build(struct img *im, bool is64, bool big)
{
    memset(im, 0, sizeof *im);
    im->big = big;
    memcpy(im->b, ELFMAG, SELFMAG);
    im->b[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
    im->b[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
    im->b[EI_VERSION] = EV_CURRENT;
    unsigned w = is64 ? 8 : 4, phsz = is64 ? 56 : 32, ehsz = is64 ? 64 : 52;
    put(im, 16, ET_DYN, 2);
    put(im, 18, is64 ? EM_X86_64 : EM_386, 2);
    put(im, is64 ? 32 : 28, ehsz, w); /* e_phoff */
    put(im, is64 ? 54 : 42, phsz, 2); /* e_phentsize */
    put(im, is64 ? 56 : 44, 3, 2);    /* e_phnum */
    const size_t interp = 0x100, dyn = 0x140, str = 0x200, hash = 0x280, sym = 0x300;
    static const char strs[] = "\0libc.so.6\0gethostbyname\0getaddrinfo\0main";
    memcpy(im->b + interp, "/lib/ld-test.so", 16);
    memcpy(im->b + str, strs, sizeof strs);
    /* program headers: type, offset, vaddr, filesz at their class's places */
    uint64_t ph[3][3] = {
        {PT_LOAD, 0, sizeof im->b}, {PT_INTERP, interp, 16}, {PT_DYNAMIC, dyn, 6 * 2 * w}};
    for (unsigned i = 0; i < 3; i++) {
        size_t b = ehsz + i * phsz;
        put(im, b, ph[i][0], 4);
        put(im, b + (is64 ? 8 : 4), ph[i][1], w);
        put(im, b + (is64 ? 16 : 8), ph[i][1], w);
        put(im, b + (is64 ? 32 : 16), ph[i][2], w);
    }
    uint64_t d[6][2] = {{DT_NEEDED, 1},   {DT_STRTAB, str}, {DT_STRSZ, sizeof strs},
                        {DT_SYMTAB, sym}, {DT_HASH, hash},  {DT_NULL, 0}};
    for (unsigned i = 0; i < 6; i++) {
        put(im, dyn + i * 2 * w, d[i][0], w);
        put(im, dyn + i * 2 * w + w, d[i][1], w);
    }
    put(im, hash, 1, 4);     /* nbucket */
    put(im, hash + 4, 4, 4); /* nchain: the number of symbols */
    unsigned entsz = is64 ? 24 : 16;
    struct {
        unsigned name, bind, shndx;
    } s[4] = {
        {0, 0, 0}, {11, STB_GLOBAL, SHN_UNDEF}, {25, STB_WEAK, SHN_UNDEF}, {37, STB_GLOBAL, 12}};
    for (unsigned i = 0; i < 4; i++) {
        size_t b = sym + i * entsz;
        put(im, b, s[i].name, 4);
        put(im, b + (is64 ? 4 : 12), s[i].bind << 4 | STT_FUNC, 1);
        put(im, b + (is64 ? 6 : 14), s[i].shndx, 2);
    }
}

static void expect_read(bool is64, bool big)
{
    struct img im;
    build(&im, is64, big);
    struct elfsyms e;
    assert_int_equal(elfsyms_read(im.b, sizeof im.b, &e), 0);
    assert_int_equal(e.is64, is64);
    assert_int_equal(e.big, big);
    assert_string_equal(e.interp, "/lib/ld-test.so");
    assert_int_equal(e.nneeded, 1);
    assert_string_equal(e.needed[0], "libc.so.6");
    assert_int_equal(e.nimports, 2); /* main is defined: not an import */
    assert_string_equal(e.imports[0], "getaddrinfo");
    assert_string_equal(e.imports[1], "gethostbyname");
    assert_false(e.go);
    elfsyms_free(&e);
}

static void test_elf64_little_endian(void **state)
{
    (void)state;
    expect_read(true, false);
}
static void test_elf64_big_endian(void **state)
{
    (void)state;
    expect_read(true, true);
}
static void test_elf32_little_endian(void **state)
{
    (void)state;
    expect_read(false, false);
}
static void test_elf32_big_endian(void **state)
{
    (void)state;
    expect_read(false, true);
}

/* Every prefix of the image: never a crash, -ENOEXEC until the program
 * headers fit, and never more than the whole image gives. */
static void test_every_truncation(void **state)
{
    (void)state;
    struct img im;
    build(&im, true, false);
    for (size_t n = 0; n <= sizeof im.b; n++) {
        unsigned char *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, im.b, n);
        struct elfsyms e;
        int rc = elfsyms_read(copy, n, &e);
        if (n < 64 + 3 * 56)
            assert_int_equal(rc, -ENOEXEC);
        else
            assert_int_equal(rc, 0);
        assert_true(e.nimports <= 2 && e.nneeded <= 1);
        elfsyms_free(&e);
        free(copy);
    }
}

/* Damage one field at a time: the result is 0 with less, or -ENOEXEC. */
static void test_damaged_tables(void **state)
{
    (void)state;
    struct {
        const char *what;
        size_t off;
        uint64_t v;
        unsigned n;
        int rc;
        size_t nimports, nneeded;
        bool interp;
    } cases[] = {
        {"program headers past the end", 32, 0xfffffffffffff000u, 8, -ENOEXEC, 0, 0, false},
        {"phentsize too small", 54, 8, 2, -ENOEXEC, 0, 0, false},
        {"nchain past the file", 0x284, 0x7fffffff, 4, 0, 0, 1, true},
        {"string table size past the file", 0x140 + 2 * 16 + 8, 0x10000, 8, 0, 0, 0, true},
        {"symbol name past its table", 0x300 + 24, 0x7fff, 4, 0, 1, 1, true},
        {"unterminated interpreter", 0x100 + 15, 'x', 1, 0, 2, 1, true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct img im;
        build(&im, true, false);
        put(&im, cases[i].off, cases[i].v, cases[i].n);
        struct elfsyms e;
        int rc = elfsyms_read(im.b, sizeof im.b, &e);
        if (rc != cases[i].rc || e.nimports != cases[i].nimports || e.nneeded != cases[i].nneeded ||
            (e.interp != NULL) != cases[i].interp)
            fail_msg("%s: rc %d imports %zu needed %zu interp %s", cases[i].what, rc, e.nimports,
                     e.nneeded, e.interp ? e.interp : "(none)");
        elfsyms_free(&e);
    }
}

/* Not ELF at all, or an unknown class or byte order. */
static void test_not_elf(void **state)
{
    (void)state;
    struct img im;
    build(&im, true, false);
    struct elfsyms e;
    im.b[EI_CLASS] = 3;
    assert_int_equal(elfsyms_read(im.b, sizeof im.b, &e), -ENOEXEC);
    build(&im, true, false);
    im.b[EI_DATA] = 0;
    assert_int_equal(elfsyms_read(im.b, sizeof im.b, &e), -ENOEXEC);
    assert_int_equal(elfsyms_read((const unsigned char *)"#!/bin/sh\n", 10, &e), -ENOEXEC);
    assert_null(e.interp);
}

/* A name with a newline cannot forge a line of the doctor's output. */
static void test_control_characters(void **state)
{
    (void)state;
    struct img im;
    build(&im, true, false);
    im.b[0x200 + 11 + 3] = '\n'; /* "get\nostbyname" */
    struct elfsyms e;
    assert_int_equal(elfsyms_read(im.b, sizeof im.b, &e), 0);
    assert_string_equal(e.imports[0], "get?ostbyname"); /* sorts before getaddrinfo */
    elfsyms_free(&e);
}

static void caps_case(const unsigned char *x, size_t n, int rc, const char *text)
{
    char out[256];
    assert_int_equal(doctor_caps_text(x, n, out, sizeof out), rc);
    assert_string_equal(out, text);
}

static void test_capabilities(void **state)
{
    (void)state;
    /* revision 2, effective, permitted net_raw (13) and net_admin (12) */
    unsigned char v2[20] = {0x01, 0, 0, 0x02, 0x00, 0x30};
    caps_case(v2, sizeof v2, 0, "cap_net_admin,cap_net_raw=ep");
    v2[0] = 0; /* not effective */
    caps_case(v2, sizeof v2, 0, "cap_net_admin,cap_net_raw=p");
    v2[9] = 0x04; /* inheritable net_bind_service (10) */
    caps_case(v2, sizeof v2, 0, "cap_net_admin,cap_net_raw=p cap_net_bind_service=i");
    v2[9] = 0x14; /* net_admin (12) also inheritable */
    caps_case(v2, sizeof v2, 0, "cap_net_raw=p cap_net_admin=ip cap_net_bind_service=i");
    /* the second word: bpf (39) */
    unsigned char hi[20] = {0x01, 0, 0, 0x02, [12] = 0x80};
    caps_case(hi, sizeof hi, 0, "cap_bpf=ep");
    /* revision 3: 24 bytes (a namespace root uid after the words) */
    unsigned char v3[24] = {0x01, 0, 0, 0x03, 0x00, 0x20};
    caps_case(v3, sizeof v3, 0, "cap_net_raw=ep");
    caps_case(v3, 20, -EINVAL, "unreadable");
    /* revision 1: one word */
    unsigned char v1[12] = {0x01, 0, 0, 0x01, 0x00, 0x20};
    caps_case(v1, sizeof v1, 0, "cap_net_raw=ep");
    unsigned char bad[20] = {0, 0, 0, 0x07};
    caps_case(bad, sizeof bad, -EINVAL, "unreadable");
    caps_case(bad, 2, -EINVAL, "unreadable");
    unsigned char none[20] = {0, 0, 0, 0x02};
    caps_case(none, sizeof none, 0, "none");
    /* a small buffer: cut, terminated */
    char small[8];
    assert_int_equal(doctor_caps_text(v2, sizeof v2, small, sizeof small), 0);
    assert_int_equal(strlen(small), sizeof small - 1);
}

/* The verdict of the built image with each privilege and linking fact. */
static int judge(const struct elfsyms *e, const struct doctor_priv *p, char **text)
{
    size_t len;
    FILE *f = open_memstream(text, &len);
    assert_non_null(f);
    int rc = doctor_judge(f, "t", e, p);
    fclose(f);
    return rc;
}

static void test_verdicts(void **state)
{
    (void)state;
    struct img im;
    build(&im, true, false);
    struct elfsyms e;
    assert_int_equal(elfsyms_read(im.b, sizeof im.b, &e), 0);
    struct doctor_priv none = {.mode = 0755}, suid = {.mode = 04755, .uid = 7};
    char *t;
    assert_int_equal(judge(&e, &none, &t), DOCTOR_NEEDS_SHIM);
    assert_non_null(strstr(t, "\nipv4-only: gethostbyname [v6-gethostbyname] translated: "));
    assert_non_null(strstr(t, "\naf-independent: getaddrinfo\n"));
    assert_non_null(strstr(t, "\nverdict: needs the shim: 1 IPv4-only import: 1 translated, "));
    free(t);
    assert_int_equal(judge(&e, &suid, &t), DOCTOR_UNREACHABLE);
    assert_non_null(strstr(t, "\nprivileges: set-uid (owner uid 7)\nipv4-only: "));
    assert_non_null(strstr(t, "\nblocker: set-uid: for every user but uid 7 "));
    free(t);
    /* set-gid without group execute is mandatory locking, not set-gid */
    struct doctor_priv lock = {.mode = 02745};
    assert_int_equal(judge(&e, &lock, &t), DOCTOR_NEEDS_SHIM);
    free(t);
    e.go = true;
    assert_int_equal(judge(&e, &none, &t), DOCTOR_UNREACHABLE);
    assert_non_null(strstr(t, "\nblocker: a Go program: "));
    free(t);
    e.go = false;
    char *interp = e.interp;
    e.interp = NULL; /* with NEEDED but no interpreter: a shared object */
    assert_int_equal(judge(&e, &none, &t), DOCTOR_NEEDS_SHIM);
    assert_non_null(strstr(t, ", shared object\n"));
    assert_non_null(strstr(t, "\nadvice: run the programs that load it under v6run\n"));
    free(t);
    e.interp = interp;
    elfsyms_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_elf64_little_endian),
        cmocka_unit_test(test_elf64_big_endian),
        cmocka_unit_test(test_elf32_little_endian),
        cmocka_unit_test(test_elf32_big_endian),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_damaged_tables),
        cmocka_unit_test(test_not_elf),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_verdicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
