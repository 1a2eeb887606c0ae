/*
 * ported/peer_acl.c — logging peers and checking them against an access
 * list, for IPv4 and IPv6 alike.
 *
 * What it teaches:
 *  - Keep addresses as struct sockaddr_storage (any family fits) and turn
 *    them into text only through getnameinfo(NI_NUMERICHOST) into a buffer
 *    of NI_MAXHOST bytes, never inet_ntoa() into char[16].
 *  - Text width: the longest numeric IPv6 address is 45 characters
 *    (INET6_ADDRSTRLEN - 1, "ffff:…:255.255.255.255"), plus "%" and up to
 *    IF_NAMESIZE - 1 characters of zone for a link-local peer: a log column
 *    or a VARCHAR needs 61, not 15. In binary, store 16 bytes with IPv4 as
 *    ::ffff:a.b.c.d (peer_db_key below): one column, one sort order, both
 *    families (PostgreSQL's inet type does this for you).
 *  - This server uses the single dual-stack socket (AF_INET6, IPV6_V6ONLY=0)
 *    that ported/echo_server.c mentions: IPv4 peers arrive as IPv4-mapped
 *    addresses (::ffff:192.0.2.1). Normalise them to AF_INET *before*
 *    logging or matching, or an IPv4 rule never matches and logs show two
 *    spellings of one client. Where the kernel has no IPv6 it falls back to
 *    an AF_INET socket; nothing else changes.
 *  - ACL entries are prefixes, "192.0.2.0/24" or "2001:db8::/32", matched
 *    bit by bit in the peer's own family; a mapped prefix
 *    (::ffff:192.0.2.0/120) is turned into its IPv4 form when parsed.
 *  - Logged "addr:port" pairs bracket IPv6 addresses: [2001:db8::1]:443.
 *
 * Usage: ported_peer_acl -p PORT [-n MAXCLIENTS] [-a PREFIX]...
 * Without -a every peer is allowed. Each client gets "hello ADDR\n" or
 * "denied\n". stdout: "listening on ADDR port P", "allow PREFIX" per ACL
 * entry (canonical form), then one line per client: "peer ADDR:PORT allowed
 * key HEX" or "peer ADDR:PORT denied key HEX", HEX being the 16-byte
 * storage key.
 * Exit: 0 after MAXCLIENTS clients (never without -n), 1 on a socket error,
 * 2 on bad arguments (a bad prefix is named).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bsd/stdlib.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Longest numeric address text with a zone id, with its NUL: 46 + 16 = 62. */
#define PEER_TEXT_MAX (INET6_ADDRSTRLEN + IF_NAMESIZE)
#define ACL_MAX 64

struct acl_entry {
    int family;       /* AF_INET or AF_INET6 */
    uint8_t addr[16]; /* network address; 4 bytes used for AF_INET */
    unsigned bits;    /* prefix length: 0..32 or 0..128 */
};

/*
 * Copy the peer address IN (INLEN bytes) into OUT, turning an IPv4-mapped
 * IPv6 address (::ffff:a.b.c.d) into the AF_INET address it stands for,
 * port kept. Sets *OUTLEN. Returns 0, -EINVAL for a truncated address or
 * -EAFNOSUPPORT for a family other than AF_INET/AF_INET6.
 */
static int peer_normalize(const struct sockaddr *in, socklen_t inlen,
                          struct sockaddr_storage *out, socklen_t *outlen)
{
    memset(out, 0, sizeof *out);
    if (inlen < (socklen_t)sizeof(sa_family_t))
        return -EINVAL;
    if (in->sa_family == AF_INET) {
        if (inlen < (socklen_t)sizeof(struct sockaddr_in))
            return -EINVAL;
        memcpy(out, in, sizeof(struct sockaddr_in));
        *outlen = sizeof(struct sockaddr_in);
        return 0;
    }
    if (in->sa_family != AF_INET6)
        return -EAFNOSUPPORT;
    if (inlen < (socklen_t)sizeof(struct sockaddr_in6))
        return -EINVAL;
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)in;
    if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
        struct sockaddr_in *sin = (struct sockaddr_in *)out;
        sin->sin_family = AF_INET;
        sin->sin_port = sin6->sin6_port;
        memcpy(&sin->sin_addr, &sin6->sin6_addr.s6_addr[12], 4);
        *outlen = sizeof *sin;
        return 0;
    }
    memcpy(out, in, sizeof *sin6);
    *outlen = sizeof *sin6;
    return 0;
}

/*
 * "ADDR:PORT" for SA into BUF (at least PEER_TEXT_MAX + 8 bytes is always
 * enough): IPv6 in brackets ("[2001:db8::1]:443", "[fe80::1%eth0]:22"),
 * IPv4 bare ("192.0.2.1:80"), numeric via getnameinfo, no normalisation.
 * Returns the length, -EINVAL when getnameinfo refuses SA, -ENOSPC when BUF
 * is too small.
 */
static int peer_describe(const struct sockaddr *sa, socklen_t len, char *buf, size_t size)
{
    char host[NI_MAXHOST], serv[NI_MAXSERV];
    if (getnameinfo(sa, len, host, sizeof host, serv, sizeof serv,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
        return -EINVAL;
    bool v6 = sa->sa_family == AF_INET6;
    int n = snprintf(buf, size, "%s%s%s:%s", v6 ? "[" : "", host, v6 ? "]" : "", serv);
    return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/*
 * The 16-byte storage key for SA, the form a BINARY(16) column holds: IPv6
 * as is, IPv4 (or IPv4-mapped) as ::ffff:a.b.c.d. Returns 0 or -EAFNOSUPPORT.
 */
static int peer_db_key(const struct sockaddr *sa, uint8_t key[16])
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (sa->sa_family == AF_INET) {
        memcpy(key, mapped, sizeof mapped);
        memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
        return 0;
    }
    return -EAFNOSUPPORT;
}

/*
 * Parse "ADDR" or "ADDR/BITS" (IPv4 or IPv6, numeric) into E. An address
 * without /BITS is a host entry (/32 or /128). An IPv4-mapped IPv6 prefix of
 * 96 bits or more becomes the IPv4 prefix it stands for. Returns 0 or
 * -EINVAL: bad address, bits out of range, or host bits set beyond the
 * prefix (192.0.2.1/24 is refused as a likely typo).
 */
static int acl_parse(const char *text, struct acl_entry *e)
{
    char addr[INET6_ADDRSTRLEN];
    const char *slash = strchr(text, '/');
    size_t alen = slash ? (size_t)(slash - text) : strlen(text);
    if (alen == 0 || alen >= sizeof addr)
        return -EINVAL;
    memcpy(addr, text, alen);
    addr[alen] = '\0';
    memset(e, 0, sizeof *e);
    if (inet_pton(AF_INET, addr, e->addr) == 1)
        e->family = AF_INET;
    else if (inet_pton(AF_INET6, addr, e->addr) == 1)
        e->family = AF_INET6;
    else
        return -EINVAL;
    unsigned max = e->family == AF_INET ? 32 : 128;
    e->bits = max;
    if (slash != NULL) {
        const char *why;
        long long b = strtonum(slash + 1, 0, max, &why); /* libbsd, as OpenBSD's nc */
        if (slash[1] < '0' || slash[1] > '9' || why != NULL) /* no sign, no blank */
            return -EINVAL;
        e->bits = (unsigned)b;
    }
    for (unsigned i = e->bits; i < max; i++) /* host bits must be zero */
        if (e->addr[i / 8] & (0x80 >> (i % 8)))
            return -EINVAL;
    if (e->family == AF_INET6 && e->bits >= 96 &&
        IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)e->addr)) {
        memmove(e->addr, e->addr + 12, 4);
        memset(e->addr + 4, 0, 12);
        e->family = AF_INET;
        e->bits -= 96;
    }
    return 0;
}

/* "ADDR/BITS" for E into BUF (canonical text). Returns the length or -ENOSPC. */
static int acl_format(const struct acl_entry *e, char *buf, size_t size)
{
    char addr[INET6_ADDRSTRLEN];
    if (inet_ntop(e->family, e->addr, addr, sizeof addr) == NULL)
        return -EINVAL;
    int n = snprintf(buf, size, "%s/%u", addr, e->bits);
    return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/* True when SA (already normalised) lies inside E's prefix. */
static bool acl_match(const struct acl_entry *e, const struct sockaddr *sa)
{
    const uint8_t *a;
    if (sa->sa_family != e->family)
        return false;
    if (sa->sa_family == AF_INET)
        a = (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
    else
        a = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
    unsigned full = e->bits / 8, rest = e->bits % 8;
    if (memcmp(a, e->addr, full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[full] & mask) == (e->addr[full] & mask);
}

/*
 * The verdict for a peer: true when the list is empty or any entry matches
 * the normalised peer (so ::ffff:192.0.2.1 matches 192.0.2.0/24).
 */
static bool acl_allows(const struct acl_entry *list, size_t n, const struct sockaddr *peer,
                       socklen_t len)
{
    struct sockaddr_storage norm;
    socklen_t nlen;
    if (n == 0)
        return true;
    if (peer_normalize(peer, len, &norm, &nlen) < 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (acl_match(&list[i], (struct sockaddr *)&norm))
            return true;
    return false;
}

/*
 * The listening socket: [::]:PORT with IPV6_V6ONLY=0 (both families on one
 * socket), or 0.0.0.0:PORT when the kernel has no IPv6. Returns the fd or
 * -errno.
 */
static int listen_dual(uint16_t port)
{
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons(port),
                                .sin6_addr = IN6ADDR_ANY_INIT};
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_ANY)};
    struct sockaddr *sa = (struct sockaddr *)&sin6;
    socklen_t salen = sizeof sin6;
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 && errno == EAFNOSUPPORT) {
        sa = (struct sockaddr *)&sin;
        salen = sizeof sin;
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    }
    if (fd < 0)
        return -errno;
    int on = 1, off = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    /* Explicit, whatever net.ipv6.bindv6only says: this socket takes IPv4 too. */
    if ((sa->sa_family == AF_INET6 &&
         setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0) ||
        bind(fd, sa, salen) < 0 || listen(fd, SOMAXCONN) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    char host[NI_MAXHOST];
    if (getnameinfo(sa, salen, host, sizeof host, NULL, 0, NI_NUMERICHOST) == 0)
        printf("listening on %s port %u\n", host, (unsigned)port);
    fflush(stdout);
    return fd;
}

/* Log, judge and answer one accepted client C whose address is PEER. */
static void serve_client(int c, const struct sockaddr *peer, socklen_t plen,
                         const struct acl_entry *acl, size_t nacl)
{
    struct sockaddr_storage norm;
    socklen_t nlen;
    char who[PEER_TEXT_MAX + 8], reply[NI_MAXHOST + 8];
    if (peer_normalize(peer, plen, &norm, &nlen) < 0 ||
        peer_describe((struct sockaddr *)&norm, nlen, who, sizeof who) < 0) {
        fprintf(stderr, "ported_peer_acl: peer of an unknown family\n");
        return;
    }
    bool ok = acl_allows(acl, nacl, peer, plen);
    uint8_t key[16];
    char hex[33];
    peer_db_key((struct sockaddr *)&norm, key); /* norm is AF_INET or AF_INET6 */
    for (int i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", key[i]);
    printf("peer %s %s key %s\n", who, ok ? "allowed" : "denied", hex);
    fflush(stdout);
    if (ok) {
        char host[NI_MAXHOST];
        if (getnameinfo((struct sockaddr *)&norm, nlen, host, sizeof host, NULL, 0,
                        NI_NUMERICHOST) != 0)
            strcpy(host, "?");
        snprintf(reply, sizeof reply, "hello %s\n", host);
    } else {
        strcpy(reply, "denied\n");
    }
    if (write(c, reply, strlen(reply)) < 0)
        fprintf(stderr, "ported_peer_acl: write to %s: %s\n", who, strerror(errno));
}

int main(int argc, char **argv)
{
    static struct acl_entry acl[ACL_MAX];
    size_t nacl = 0;
    long port = 0, maxclients = 0, served = 0;
    int opt;

    while ((opt = getopt(argc, argv, "p:n:a:")) != -1) {
        if (opt == 'a') {
            if (nacl == ACL_MAX || acl_parse(optarg, &acl[nacl]) < 0) {
                fprintf(stderr, "ported_peer_acl: bad prefix '%s' (want e.g. 192.0.2.0/24 "
                                "or 2001:db8::/32, at most %d)\n", optarg, ACL_MAX);
                return 2;
            }
            nacl++;
            continue;
        }
        if (opt != 'p' && opt != 'n')
            goto usage;
        const char *why;
        long long v = strtonum(optarg, 1, opt == 'p' ? 65535 : INT_MAX, &why); /* libbsd */
        if (why != NULL) {
            fprintf(stderr, "ported_peer_acl: bad %s '%s'\n", opt == 'p' ? "port" : "client count",
                    optarg);
            return 2;
        }
        *(opt == 'p' ? &port : &maxclients) = (long)v;
    }
    if (port == 0 || optind != argc)
        goto usage;

    int lfd = listen_dual((uint16_t)port);
    if (lfd < 0) {
        fprintf(stderr, "ported_peer_acl: port %ld: %s\n", port, strerror(-lfd));
        return 1;
    }
    for (size_t i = 0; i < nacl; i++) {
        char text[INET6_ADDRSTRLEN + 8];
        if (acl_format(&acl[i], text, sizeof text) > 0)
            printf("allow %s\n", text);
    }
    fflush(stdout);
    while (maxclients == 0 || served < maxclients) {
        struct sockaddr_storage peer;
        socklen_t plen = sizeof peer;
        int c = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        serve_client(c, (struct sockaddr *)&peer, plen, acl, nacl);
        close(c);
        served++;
    }
    close(lfd);
    return 0;
usage:
    fprintf(stderr, "usage: ported_peer_acl -p PORT [-n MAXCLIENTS] [-a PREFIX]...\n");
    return 2;
}
