/*
 * hostent — struct hostent inside a caller's buffer (see hostent.h).
 */
/* NOLINTBEGIN(v6-hostent-fields,v6-sockaddr-in-decl): this module builds the IPv4 hostent legacy callers asked for (v6scan self-scan). */
#include "hostent.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

size_t hostent_size(const char *buf, const char *name, size_t n)
{
    size_t pad = (size_t)(-(uintptr_t)buf & (_Alignof(char *) - 1));
    return pad + (n + 1) * sizeof(char *) + sizeof(char *) + n * sizeof(struct in_addr) +
           strlen(name) + 1;
}

int hostent_build(struct hostent *he, char *buf, size_t buflen, const char *name,
                  const struct in_addr *addrs, size_t n)
{
    if (hostent_size(buf, name, n) > buflen)
        return -ERANGE;
    char *p = buf + (size_t)(-(uintptr_t)buf & (_Alignof(char *) - 1));
    char **list = (char **)(void *)p;
    p += (n + 1) * sizeof(char *);
    char **aliases = (char **)(void *)p;
    p += sizeof(char *);
    for (size_t i = 0; i < n; i++) {
        memcpy(p, &addrs[i], sizeof addrs[i]);
        list[i] = p;
        p += sizeof addrs[i];
    }
    list[n] = NULL;
    aliases[0] = NULL;
    strcpy(p, name);
    he->h_name = p;
    he->h_aliases = aliases;
    he->h_addrtype = AF_INET;
    he->h_length = sizeof(struct in_addr);
    he->h_addr_list = list;
    return 0;
}
/* NOLINTEND(v6-hostent-fields,v6-sockaddr-in-decl) */
