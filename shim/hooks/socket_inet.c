/*
 * Exported IPv4 text-conversion hooks: inet_addr, inet_aton, inet_network,
 * inet_ntoa.
 *
 * Report mode (report.h) records their call sites. The parsers also take
 * IPv6 literals (literal.h): "::1", "[::1]", "2001:db8::1%eth0" give the
 * literal's pool address, so the rest of an IPv4-only code path works.
 *
 * Decision table (inet_addr, inet_aton, inet_network):
 *   no ':' in the text (every IPv4 form)            -> libc, untouched
 *   shim disabled, or not an IPv6 literal            -> libc, untouched
 *   an IPv6 literal, pool address given              -> that address
 *   an IPv6 literal, pool full                       -> libc (its failure)
 * inet_ntoa: always libc. When report mode is off and the text has no ':'
 * each costs one atomic load and one scan of the text.
 */
/* NOLINTBEGIN(v6-addr-in-uint32,v6-sockaddr-in-decl): these hooks interpose the IPv4-only text functions themselves (v6scan self-scan). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include "compat.h"
#include "init.h"
#include "literal.h"
#include "report.h"
#include "symbols.h"

/* The address for the IPv6 literal CP, when the shim answers it. errno is
 * left as it was (the start-up path may set it; libc's parsers never do). */
static bool hook_literal(const char *cp, struct in_addr *out)
{
    if (!literal_maybe(cp))
        return false;
    int saved = errno;
    bool ok = shim_init()->enabled && literal_map(cp, shim_init()->pool_ttl_s, out) == 0;
    errno = saved;
    return ok;
}

V6_EXPORT in_addr_t inet_addr(const char *cp)
{
    if (report_on())
        report_record(REPORT_INET_ADDR, "inet_addr", __builtin_return_address(0));
    struct in_addr a;
    if (hook_literal(cp, &a))
        return a.s_addr;
    return real_inet_addr(cp);
}

V6_EXPORT int inet_aton(const char *cp, struct in_addr *inp)
{
    if (report_on())
        report_record(REPORT_INET_ADDR, "inet_aton", __builtin_return_address(0));
    struct in_addr a;
    if (hook_literal(cp, &a)) {
        if (inp) /* glibc accepts a NULL address to only validate */
            *inp = a;
        return 1;
    }
    return real_inet_aton(cp, inp);
}

/* inet_network gives a network number in host byte order. */
V6_EXPORT in_addr_t inet_network(const char *cp)
{
    if (report_on())
        report_record(REPORT_INET_ADDR, "inet_network", __builtin_return_address(0));
    struct in_addr a;
    if (hook_literal(cp, &a))
        return ntohl(a.s_addr);
    return real_inet_network(cp);
}

V6_EXPORT char *inet_ntoa(struct in_addr in)
{
    if (report_on())
        report_record(REPORT_INET_NTOA, "inet_ntoa", __builtin_return_address(0));
    return real_inet_ntoa(in);
}
/* NOLINTEND(v6-addr-in-uint32,v6-sockaddr-in-decl) */
