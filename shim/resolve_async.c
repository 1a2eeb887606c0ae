/* resolve_async — getaddrinfo_a under the shim; see resolve_async.h. */
#define _GNU_SOURCE
#include "resolve_async.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "symbols.h"

int resolve_async_ours(const struct gaicb *req)
{
    // NOLINTNEXTLINE(v6-*): AF_INET requests are the ones the shim answers (v6scan self-scan)
    return req && req->ar_name && req->ar_request && req->ar_request->ai_family == AF_INET;
}

int resolve_getaddrinfo_a(int mode, struct gaicb *list[], int nitems, struct sigevent *sevp)
{
    /* glibc refuses a bad mode or count before doing anything: let it. */
    if ((mode != GAI_WAIT && mode != GAI_NOWAIT) || nitems <= 0 || !list)
        return real_getaddrinfo_a(mode, list, nitems, sevp);
    size_t n = (size_t)nitems, ours = 0;
    for (size_t i = 0; i < n; i++)
        ours += resolve_async_ours(list[i]) != 0;
    if (ours == 0)
        return real_getaddrinfo_a(mode, list, nitems, sevp);
    struct gaicb **rest = malloc(n * sizeof *rest);
    if (!rest)
        return EAI_MEMORY;
    int saved = errno;
    for (size_t i = 0; i < n; i++) {
        struct gaicb *r = list[i];
        rest[i] = r;
        if (!resolve_async_ours(r))
            continue;
        rest[i] = NULL;
        r->ar_result = NULL;
        r->__return = resolve_getaddrinfo(r->ar_name, r->ar_service, r->ar_request, &r->ar_result);
    }
    errno = saved;
    /* glibc keeps pointers to the gaicbs, not to this array: it may go. */
    int rc = real_getaddrinfo_a(mode, rest, nitems, sevp);
    free(rest);
    return rc;
}
