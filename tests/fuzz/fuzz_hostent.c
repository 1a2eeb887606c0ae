/*
 * fuzz_hostent — hostent_build (shim/hostent.h) on arbitrary names,
 * address lists, buffer sizes and buffer alignments.
 *
 * Input: buffer length (u16), misalignment (u8, 0..7), address count (u8),
 * the addresses (4 bytes each), then the name (the rest, up to a NUL).
 * Properties: -ERANGE exactly when hostent_size() exceeds the buffer (and
 * then the hostent is untouched); otherwise the hostent is a well-formed
 * AF_INET one whose every pointer, string and address lies inside the
 * buffer, without overlaps, holding exactly the name and the addresses
 * given; nothing outside the buffer is written. A buffer of exactly
 * hostent_size() bytes is always enough.
 */
/* NOLINTBEGIN(v6-*): the hostent under test is the IPv4 one legacy callers ask for. */
#include <errno.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz_input.h"
#include "hostent.h"

#define CANARY 0xa5

static bool inside(const void *p, size_t n, const char *buf, size_t len)
{
    const char *c = p;
    return c >= buf && n <= len && (size_t)(c - buf) <= len - n;
}

/* Byte ranges the hostent uses, to check none overlaps another. */
struct span {
    const char *p;
    size_t n;
};

static void no_overlap(const struct span *s, size_t k)
{
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++)
            FUZZ_CHECK(s[i].p + s[i].n <= s[j].p || s[j].p + s[j].n <= s[i].p);
}

static void check_built(const struct hostent *he, const char *buf, size_t len, const char *name,
                        const struct in_addr *addrs, size_t n)
{
    FUZZ_CHECK(he->h_addrtype == AF_INET);
    FUZZ_CHECK(he->h_length == 4);
    size_t nl = strlen(name) + 1;
    FUZZ_CHECK(inside(he->h_name, nl, buf, len));
    FUZZ_CHECK(memcmp(he->h_name, name, nl) == 0);
    FUZZ_CHECK(inside(he->h_aliases, sizeof(char *), buf, len));
    FUZZ_CHECK((uintptr_t)he->h_aliases % _Alignof(char *) == 0);
    FUZZ_CHECK(he->h_aliases[0] == NULL);
    FUZZ_CHECK(inside(he->h_addr_list, (n + 1) * sizeof(char *), buf, len));
    FUZZ_CHECK((uintptr_t)he->h_addr_list % _Alignof(char *) == 0);
    FUZZ_CHECK(he->h_addr_list[n] == NULL);
    struct span *spans = malloc((n + 3) * sizeof *spans);
    FUZZ_CHECK(spans != NULL);
    spans[0] = (struct span){he->h_name, nl};
    spans[1] = (struct span){(const char *)he->h_aliases, sizeof(char *)};
    spans[2] = (struct span){(const char *)he->h_addr_list, (n + 1) * sizeof(char *)};
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(he->h_addr_list[i] != NULL);
        FUZZ_CHECK(inside(he->h_addr_list[i], 4, buf, len));
        FUZZ_CHECK(memcmp(he->h_addr_list[i], &addrs[i], 4) == 0);
        spans[3 + i] = (struct span){he->h_addr_list[i], 4};
    }
    no_overlap(spans, n + 3);
    free(spans);
}

/* Build into a buffer of LEN bytes at misalignment MIS; the allocation is
 * exact at the end (ASan sees a write past it) and canaried before. */
static int build(const char *name, const struct in_addr *addrs, size_t n, size_t len, unsigned mis)
{
    char *base = malloc(mis + len + 1);
    FUZZ_CHECK(base != NULL);
    memset(base, CANARY, mis + len);
    char *buf = base + mis;
    struct hostent he, pristine;
    memset(&he, 0x5a, sizeof he);
    pristine = he;
    size_t need = hostent_size(buf, name, n);
    int rc = hostent_build(&he, buf, len, name, addrs, n);
    for (unsigned i = 0; i < mis; i++)
        FUZZ_CHECK((unsigned char)base[i] == CANARY);
    if (need > len) {
        FUZZ_CHECK(rc == -ERANGE);
        FUZZ_CHECK(memcmp(&he, &pristine, sizeof he) == 0);
    } else {
        FUZZ_CHECK(rc == 0);
        check_built(&he, buf, len, name, addrs, n);
    }
    free(base);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    size_t len = fuzz_u16(&in);
    unsigned mis = fuzz_u8(&in) % 8;
    size_t n = fuzz_u8(&in);
    if (n * 4 > in.n)
        n = in.n / 4;
    struct in_addr *addrs = malloc((n ? n : 1) * sizeof *addrs);
    FUZZ_CHECK(addrs != NULL);
    for (size_t i = 0; i < n; i++)
        fuzz_bytes(&in, &addrs[i], 4);
    size_t rest = in.n;
    char *name = malloc(rest + 1);
    FUZZ_CHECK(name != NULL);
    fuzz_bytes(&in, name, rest);
    name[rest] = '\0';
    build(name, addrs, n, len, mis);
    /* hostent_size is exact: its size is enough, one byte less is not.
     * (malloc's alignment is at least 8, so SCRATCH + MIS is as aligned as
     * the buffer build() makes.) */
    char *scratch = malloc(16);
    FUZZ_CHECK(scratch != NULL);
    size_t need = hostent_size(scratch + mis, name, n);
    free(scratch);
    FUZZ_CHECK(build(name, addrs, n, need, mis) == 0);
    FUZZ_CHECK(build(name, addrs, n, need - 1, mis) == -ERANGE);
    free(name);
    free(addrs);
    return 0;
}
/* NOLINTEND(v6-*) */
