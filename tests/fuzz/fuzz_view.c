/*
 * fuzz_view — the socket layer's address views (shim/sockets.h,
 * shim/sockets_int.h): sockets_view, sockets_give, sockets_as_in,
 * addr_sin6_mapped, on arbitrary socket addresses, lengths and caller
 * buffer sizes, with a small pool (1..4 entries) that fills up.
 *
 * Input: pool size (u8), then records of: real length (u8), caller buffer
 * length (u8), family selector (u8), then the address bytes.
 * Properties: each family gets exactly the documented view (AF_INET
 * copied; IPv4-mapped unwrapped; `::` -> 0.0.0.0; other IPv6 -> a pool
 * address whose entry holds that address and scope, or 0.0.0.0 when the
 * pool is full; port kept), others -EAFNOSUPPORT; sockets_give copies
 * min(buffer, size) bytes kernel-style and never writes past the caller's
 * buffer; an IPv4 address survives addr_sin6_mapped + sockets_view.
 */
/* NOLINTBEGIN(v6-*): the views under test are the IPv4 ones legacy callers ask for. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "fuzz_input.h"
#include "pool.h"
#include "sockets.h"
#include "sockets_int.h"

/* The view the contract gives for REAL/LEN, computed independently; false
 * when the family has none. POOLED: the view must be a pool address. */
static bool expected_view(const struct sockaddr_storage *real, socklen_t len,
                          struct sockaddr_in *want, bool *pooled)
{
    *pooled = false;
    memset(want, 0, sizeof *want);
    want->sin_family = AF_INET;
    if (real->ss_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        memcpy(want, real, sizeof *want);
        return true;
    }
    if (real->ss_family != AF_INET6 || len < sizeof(struct sockaddr_in6))
        return false;
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)real;
    want->sin_port = s6->sin6_port;
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
        memcpy(&want->sin_addr, &s6->sin6_addr.s6_addr[12], 4);
    else if (!IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr))
        *pooled = true;
    return true;
}

static void check_one(const struct sockaddr_storage *real, socklen_t rlen, socklen_t blen)
{
    struct sockaddr_in want, got;
    bool pooled;
    bool has = expected_view(real, rlen, &want, &pooled);
    (void)sockets_take_peer_flag();
    int rc = sockets_view((const struct sockaddr *)real, rlen, &got);
    FUZZ_CHECK(sockets_take_peer_flag() == pooled);
    if (!has) {
        FUZZ_CHECK(rc == -EAFNOSUPPORT);
    } else {
        FUZZ_CHECK(rc == 0);
        if (!pooled) {
            FUZZ_CHECK(memcmp(&got, &want, sizeof got) == 0);
        } else {
            FUZZ_CHECK(got.sin_family == AF_INET && got.sin_port == want.sin_port);
            static const char zero[sizeof got.sin_zero];
            FUZZ_CHECK(memcmp(got.sin_zero, zero, sizeof zero) == 0);
            if (got.sin_addr.s_addr != htonl(INADDR_ANY)) { /* else: the pool is full */
                FUZZ_CHECK(pool_contains(got.sin_addr));
                const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)real;
                struct pool_view v;
                FUZZ_CHECK(pool_lookup(got.sin_addr, &v) == 0);
                FUZZ_CHECK(v.name[0] == '\0' && v.ncand == 1);
                FUZZ_CHECK(v.cand[0].family == AF_INET6);
                FUZZ_CHECK(memcmp(&v.cand[0].addr.v6, &s6->sin6_addr, 16) == 0);
                FUZZ_CHECK(v.cand[0].scope_id == s6->sin6_scope_id);
            }
        }
    }

    /* sockets_give into a caller's buffer of exactly BLEN bytes. */
    char *buf = malloc(blen ? blen : 1);
    FUZZ_CHECK(buf != NULL);
    memset(buf, 0x5a, blen);
    socklen_t len = blen;
    sockets_give(real, rlen, blen ? (struct sockaddr *)buf : NULL, blen ? &len : NULL);
    if (blen > 0) {
        const void *src = real;
        socklen_t full = rlen;
        if (rlen > 0 && has) {
            full = sizeof(struct sockaddr_in);
            /* A pooled peer maps to the same address again: GOT. */
            src = pooled ? (const void *)&got : (const void *)&want;
        }
        FUZZ_CHECK(len == full);
        socklen_t k = blen < full ? blen : full;
        FUZZ_CHECK(memcmp(buf, src, k) == 0);
        for (socklen_t i = k; i < blen; i++)
            FUZZ_CHECK((unsigned char)buf[i] == 0x5a);
    }
    free(buf);

    /* sockets_as_in: a copy only of a whole AF_INET address. */
    struct sockaddr_in tmp;
    const struct sockaddr_in *as = sockets_as_in((const struct sockaddr *)real, rlen, &tmp);
    bool is_in = real->ss_family == AF_INET && rlen >= sizeof(struct sockaddr_in);
    FUZZ_CHECK((as != NULL) == is_in);
    if (as != NULL)
        FUZZ_CHECK(memcmp(as, real, sizeof tmp) == 0);

    /* IPv4 -> IPv4-mapped -> IPv4 view is the identity (address and port). */
    if (is_in) {
        struct sockaddr_in6 m;
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)real;
        addr_sin6_mapped(in4->sin_addr, in4->sin_port, &m);
        FUZZ_CHECK(sockets_view((const struct sockaddr *)&m, sizeof m, &got) == 0);
        FUZZ_CHECK(got.sin_addr.s_addr == in4->sin_addr.s_addr);
        FUZZ_CHECK(got.sin_port == in4->sin_port);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    setenv("V6SHIM_CONF", "/dev/null", 1); /* no file of this machine applies */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const sa_family_t families[] = {AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC};
    struct fuzz_input in = {data, size};
    struct in_addr net = {htonl(0xc6120000u)};
    FUZZ_CHECK(pool_setup(net, 15, 1u + fuzz_u8(&in) % 4u) == 0);
    while (in.n > 0) {
        socklen_t rlen = fuzz_u8(&in) % (sizeof(struct sockaddr_storage) + 1);
        socklen_t blen = fuzz_u8(&in) % 40u;
        uint8_t fam = fuzz_u8(&in);
        struct sockaddr_storage real;
        memset(&real, 0, sizeof real);
        fuzz_bytes(&in, &real, rlen);
        /* Mostly the families that matter, sometimes any value at all. */
        if (fam < 0xf0)
            real.ss_family = families[fam % 4];
        if (fam & 0x08 && real.ss_family == AF_INET6) { /* steer into the mapped form */
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&real;
            memset(&s6->sin6_addr, 0, 10);
            s6->sin6_addr.s6_addr[10] = s6->sin6_addr.s6_addr[11] = 0xff;
        }
        check_one(&real, rlen, blen);
    }
    return 0;
}
/* NOLINTEND(v6-*) */
