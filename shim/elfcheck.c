/*
 * elfcheck — read the ELF header and program headers (see elfcheck.h).
 * Both classes and byte orders are read, so a foreign binary is judged too.
 */
#define _GNU_SOURCE
#include "elfcheck.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

static uint64_t elfcheck_get(const unsigned char *p, size_t n, bool big)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v |= (uint64_t)p[big ? i : n - 1 - i] << (8 * (n - 1 - i));
    return v;
}

static int elfcheck_pread(int fd, void *buf, size_t n, uint64_t off)
{
    ssize_t r = pread(fd, buf, n, (off_t)off);
    if (r < 0)
        return -errno;
    return (size_t)r == n ? 0 : -ENOEXEC;
}

int elfcheck_file(const char *path, enum elfcheck_kind *kind)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    unsigned char h[64] = {0};
    ssize_t got = pread(fd, h, sizeof h, 0);
    int rc = 0;
    if (got < 0) {
        rc = -errno;
        goto out;
    }
    if (got >= 2 && h[0] == '#' && h[1] == '!') {
        *kind = ELFCHECK_SCRIPT;
        goto out;
    }
    if (got < EI_NIDENT || memcmp(h, ELFMAG, SELFMAG) != 0) {
        *kind = ELFCHECK_OTHER;
        goto out;
    }
    bool is64 = h[EI_CLASS] == ELFCLASS64;
    bool big = h[EI_DATA] == ELFDATA2MSB;
    if ((h[EI_CLASS] != ELFCLASS32 && !is64) || (size_t)got < (is64 ? 64u : 52u)) {
        rc = -ENOEXEC;
        goto out;
    }
    /* e_phoff, e_phentsize, e_phnum at their class's offsets. */
    uint64_t phoff = is64 ? elfcheck_get(h + 32, 8, big) : elfcheck_get(h + 28, 4, big);
    uint64_t phentsize = elfcheck_get(h + (is64 ? 54 : 42), 2, big);
    uint64_t phnum = elfcheck_get(h + (is64 ? 56 : 44), 2, big);
    if (phentsize < (is64 ? 56u : 32u) || phnum > 4096) {
        rc = -ENOEXEC;
        goto out;
    }
    *kind = ELFCHECK_STATIC;
    for (uint64_t i = 0; i < phnum; i++) {
        unsigned char ph[4];
        rc = elfcheck_pread(fd, ph, sizeof ph, phoff + i * phentsize);
        if (rc < 0)
            goto out;
        if (elfcheck_get(ph, 4, big) == PT_INTERP) {
            *kind = ELFCHECK_DYNAMIC;
            break;
        }
    }
out:
    close(fd);
    return rc;
}
