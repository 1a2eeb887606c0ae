/*
 * resolve_async — getaddrinfo_a(3) under the shim.
 *
 * glibc's getaddrinfo_a resolves on its own threads through its internal
 * getaddrinfo, which no preload reaches, so an AF_INET request would never
 * see a pool address. The hook therefore answers each request whose hints
 * ask for AF_INET (ar_request->ai_family == AF_INET, ar_name not NULL)
 * itself, at once and in the calling thread, exactly as the shim's
 * getaddrinfo answers it (resolve_getaddrinfo: its list, or glibc's own for
 * a name without IPv6 answers), and hands every other request (AF_UNSPEC,
 * AF_INET6, no hints) to glibc's getaddrinfo_a in one call, in their
 * places, with the answered ones set to NULL in the list glibc sees.
 *
 * What the program sees: gai_error() of an answered request is its result
 * (0 or EAI_*), never EAI_INPROGRESS; gai_suspend() returns at once for it;
 * gai_cancel() says EAI_ALLDONE. The notification (GAI_NOWAIT with SEVP) is
 * glibc's: it fires when the requests glibc got are done, or at once when it
 * got none (glibc notifies for an all-NULL list). ar_result lists are freed
 * with freeaddrinfo as usual. The one difference from glibc: an answered
 * request costs the caller the lookup's time inside getaddrinfo_a.
 *
 * Relies on glibc's struct gaicb: gai_error() returns its `__return` member
 * (glibc's gai_error.c), which the shim sets for the requests it answers.
 */
#ifndef V6SHIM_RESOLVE_ASYNC_H
#define V6SHIM_RESOLVE_ASYNC_H

#include <netdb.h>
#include <signal.h>

/* Is REQ answered by the shim (AF_INET hints and a name)? */
int resolve_async_ours(const struct gaicb *req);

/* getaddrinfo_a as described above; same arguments and results. */
int resolve_getaddrinfo_a(int mode, struct gaicb *list[], int nitems, struct sigevent *sevp);

#endif
