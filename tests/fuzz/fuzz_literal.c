/*
 * fuzz_literal — literal_parse (shim/literal.h), which decides whether the
 * text a legacy program hands inet_addr, inet_aton, inet_network or
 * gethostbyname is an IPv6 literal the shim answers with a pool address.
 *
 * Input: the text (up to the first NUL).
 * Properties: literal_maybe() is false only where literal_parse() is too
 * (the hooks' pre-check loses nothing); a text inet_pton(AF_INET) accepts
 * is never ours (IPv4 answers stay glibc's); an accepted text's address is
 * the one inet_pton(AF_INET6) reads from it once its brackets and zone are
 * taken off; its canonical key is NUL-terminated inside LITERAL_KEY_MAX and
 * parses again to the same address, scope and key; a rejected text leaves
 * every output untouched.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include "literal.h"

#define SENTINEL 0x5a

/* The address part of TEXT: without one pair of brackets and the zone. */
static bool address_part(const char *text, char *out, size_t cap)
{
    size_t n = strlen(text);
    if (n >= 2 && text[0] == '[' && text[n - 1] == ']') {
        text++;
        n -= 2;
    }
    const char *pct = memchr(text, '%', n);
    if (pct)
        n = (size_t)(pct - text);
    if (n >= cap)
        return false;
    memcpy(out, text, n);
    out[n] = '\0';
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0;
    char text[257];
    memcpy(text, data, size);
    text[size] = '\0';

    struct in6_addr addr, again;
    uint32_t scope = 0xdeadbeef, scope2 = 0;
    char key[LITERAL_KEY_MAX + 8], key2[LITERAL_KEY_MAX + 8];
    memset(&addr, SENTINEL, sizeof(addr));
    memset(key, SENTINEL, sizeof(key));
    bool ours = literal_parse(text, &addr, &scope, key);

    if (ours)
        FUZZ_CHECK(literal_maybe(text));
    struct in_addr v4;
    if (inet_pton(AF_INET, text, &v4) == 1)
        FUZZ_CHECK(!ours);
    if (!ours) {
        /* outputs untouched */
        for (size_t i = 0; i < sizeof(addr); i++)
            FUZZ_CHECK(((const unsigned char *)&addr)[i] == SENTINEL);
        FUZZ_CHECK(scope == 0xdeadbeef);
        for (size_t i = 0; i < sizeof(key); i++)
            FUZZ_CHECK((unsigned char)key[i] == SENTINEL);
        return 0;
    }
    FUZZ_CHECK(memchr(key, '\0', LITERAL_KEY_MAX) != NULL);
    for (size_t i = LITERAL_KEY_MAX; i < sizeof(key); i++)
        FUZZ_CHECK((unsigned char)key[i] == SENTINEL);
    char part[257];
    struct in6_addr libc;
    FUZZ_CHECK(address_part(text, part, sizeof(part)));
    FUZZ_CHECK(inet_pton(AF_INET6, part, &libc) == 1);
    FUZZ_CHECK(memcmp(&libc, &addr, sizeof(addr)) == 0);
    /* the canonical key is a literal of its own, and a fixed point */
    FUZZ_CHECK(literal_parse(key, &again, &scope2, key2));
    FUZZ_CHECK(memcmp(&again, &addr, sizeof(addr)) == 0);
    FUZZ_CHECK(scope2 == scope);
    FUZZ_CHECK(strcmp(key, key2) == 0);
    /* without a key the answer is the same */
    FUZZ_CHECK(literal_parse(text, &again, &scope2, NULL));
    FUZZ_CHECK(memcmp(&again, &addr, sizeof(addr)) == 0);
    return 0;
}
