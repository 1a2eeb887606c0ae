/*
 * Exported resolver hooks: the gethostbyname family, gethostbyaddr(_r),
 * getaddrinfo, freeaddrinfo, getnameinfo. Thin: the logic is shim/resolve.c.
 *
 * Decision table (every hook):
 *   shim disabled (enabled = no, or a bad configuration)  -> libc, untouched
 *   gethostbyname2(_r) with af != AF_INET                  -> libc, untouched
 *   freeaddrinfo                                           -> resolve (which
 *                       frees only its own lists and hands the rest to libc)
 *   getaddrinfo_a                                          -> resolve_async.h
 *   res_query, res_search                                  -> dns64.h
 *   everything else                                        -> resolve_*, which
 *                       itself hands literals, failures, names without IPv6
 *                       answers, non-pool addresses and non-AF_INET getaddrinfo
 *                       hints to libc with the caller's arguments.
 */
#define _GNU_SOURCE
#include <netdb.h>

#include <arpa/nameser.h>
#include <resolv.h>

#include "compat.h"
#include "dns64.h"
#include "init.h"
#include "report.h"
#include "resolve.h"
#include "resolve_async.h"
#include "symbols.h"

static inline bool hook_on(void)
{
    return shim_init()->enabled;
}

/* Report mode records the legacy call whether or not translation is on; the
 * caller's address must be taken in the exported function itself. Every
 * resolver hook also notes that the program asks libc's resolver (so a
 * program with its own DNS client can be told apart: report.h). */
#define RECORD(what, call)                                              \
    do {                                                                \
        if (report_on())                                                \
            report_record((what), (call), __builtin_return_address(0)); \
    } while (0)
#define NOTE_RESOLVER()             \
    do {                            \
        if (report_on())            \
            report_note_resolver(); \
    } while (0)

V6_EXPORT struct hostent *gethostbyname(const char *name)
{
    NOTE_RESOLVER();
    RECORD(REPORT_GETHOSTBYNAME, "gethostbyname");
    if (!hook_on())
        return real_gethostbyname(name);
    return resolve_gethostbyname(name);
}

V6_EXPORT int gethostbyname_r(const char *name, struct hostent *ret, char *buf, size_t buflen,
                              struct hostent **result, int *h_errnop)
{
    NOTE_RESOLVER();
    RECORD(REPORT_GETHOSTBYNAME, "gethostbyname_r");
    if (!hook_on())
        return real_gethostbyname_r(name, ret, buf, buflen, result, h_errnop);
    return resolve_gethostbyname_r(name, ret, buf, buflen, result, h_errnop);
}

/* NOLINTBEGIN(v6-family-switch-no-v6): gethostbyname2 is shimmed for AF_INET only; other families pass through (v6scan self-scan). */
V6_EXPORT struct hostent *gethostbyname2(const char *name, int af)
{
    NOTE_RESOLVER();
    if (af == AF_INET)
        RECORD(REPORT_GETHOSTBYNAME, "gethostbyname2");
    if (af != AF_INET || !hook_on())
        return real_gethostbyname2(name, af);
    return resolve_gethostbyname(name);
}

V6_EXPORT int gethostbyname2_r(const char *name, int af, struct hostent *ret, char *buf,
                               size_t buflen, struct hostent **result, int *h_errnop)
{
    NOTE_RESOLVER();
    if (af == AF_INET)
        RECORD(REPORT_GETHOSTBYNAME, "gethostbyname2_r");
    if (af != AF_INET || !hook_on())
        return real_gethostbyname2_r(name, af, ret, buf, buflen, result, h_errnop);
    return resolve_gethostbyname_r(name, ret, buf, buflen, result, h_errnop);
}
/* NOLINTEND(v6-family-switch-no-v6) */

V6_EXPORT struct hostent *gethostbyaddr(const void *addr, socklen_t len, int type)
{
    NOTE_RESOLVER();
    RECORD(REPORT_GETHOSTBYADDR, "gethostbyaddr");
    if (!hook_on())
        return real_gethostbyaddr(addr, len, type);
    return resolve_gethostbyaddr(addr, len, type);
}

V6_EXPORT int gethostbyaddr_r(const void *addr, socklen_t len, int type, struct hostent *ret,
                              char *buf, size_t buflen, struct hostent **result, int *h_errnop)
{
    NOTE_RESOLVER();
    RECORD(REPORT_GETHOSTBYADDR, "gethostbyaddr_r");
    if (!hook_on())
        return real_gethostbyaddr_r(addr, len, type, ret, buf, buflen, result, h_errnop);
    return resolve_gethostbyaddr_r(addr, len, type, ret, buf, buflen, result, h_errnop);
}

V6_EXPORT int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                          struct addrinfo **res)
{
    NOTE_RESOLVER();
    /* NOLINTNEXTLINE(v6-*): report mode records AF_INET lookups (v6scan self-scan) */
    if (hints && hints->ai_family == AF_INET)
        RECORD(REPORT_GETADDRINFO_INET, "getaddrinfo");
    if (!hook_on())
        return real_getaddrinfo(node, service, hints, res);
    return resolve_getaddrinfo(node, service, hints, res);
}

/* Always through resolve: a list made while the shim was on must be freed
 * by it even if nothing else is shimmed. */
V6_EXPORT void freeaddrinfo(struct addrinfo *res)
{
    NOTE_RESOLVER();
    resolve_freeaddrinfo(res);
}

V6_EXPORT int getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host, socklen_t hostlen,
                          char *serv, socklen_t servlen, int flags)
{
    NOTE_RESOLVER();
    if (!hook_on())
        return real_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
    return resolve_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
}

V6_EXPORT int getaddrinfo_a(int mode, struct gaicb *list[], int nitems, struct sigevent *sevp)
{
    NOTE_RESOLVER();
    if (report_on() && list)
        for (int i = 0; i < nitems; i++)
            if (resolve_async_ours(list[i]))
                report_record(REPORT_GETADDRINFO_INET, "getaddrinfo_a",
                              __builtin_return_address(0));
    if (!hook_on())
        return real_getaddrinfo_a(mode, list, nitems, sevp);
    return resolve_getaddrinfo_a(mode, list, nitems, sevp);
}

V6_EXPORT int res_query(const char *dname, int cls, int type, unsigned char *answer, int anslen)
{
    NOTE_RESOLVER();
    if (cls == ns_c_in && type == ns_t_a)
        RECORD(REPORT_RES_QUERY_A, "res_query");
    if (!hook_on())
        return real_res_query(dname, cls, type, answer, anslen);
    return resolve_res_query(0, dname, cls, type, answer, anslen);
}

V6_EXPORT int res_search(const char *dname, int cls, int type, unsigned char *answer, int anslen)
{
    NOTE_RESOLVER();
    if (cls == ns_c_in && type == ns_t_a)
        RECORD(REPORT_RES_QUERY_A, "res_search");
    if (!hook_on())
        return real_res_search(dname, cls, type, answer, anslen);
    return resolve_res_query(1, dname, cls, type, answer, anslen);
}
