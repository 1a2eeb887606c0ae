/*
 * Exported IPv4 text-conversion hooks: inet_addr, inet_aton, inet_ntoa.
 *
 * Pure pass-through: they exist only so that report mode (report.h) can
 * record the call sites; when report mode is off they cost one atomic load.
 */
/* NOLINTBEGIN(v6-*): these hooks interpose the IPv4-only text functions themselves (v6scan self-scan). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>

#include "report.h"
#include "symbols.h"

#define SOCK_EXPORT __attribute__((visibility("default")))

SOCK_EXPORT in_addr_t inet_addr(const char *cp)
{
    if (report_on())
        report_record(REPORT_INET_ADDR, "inet_addr", __builtin_return_address(0));
    return real_inet_addr(cp);
}

SOCK_EXPORT int inet_aton(const char *cp, struct in_addr *inp)
{
    if (report_on())
        report_record(REPORT_INET_ADDR, "inet_aton", __builtin_return_address(0));
    return real_inet_aton(cp, inp);
}

SOCK_EXPORT char *inet_ntoa(struct in_addr in)
{
    if (report_on())
        report_record(REPORT_INET_NTOA, "inet_ntoa", __builtin_return_address(0));
    return real_inet_ntoa(in);
}
/* NOLINTEND(v6-*) */
