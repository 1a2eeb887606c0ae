/*
 * hostent — build an AF_INET struct hostent entirely inside a caller's buffer
 * (the gethostbyname_r contract: nothing points outside BUF).
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): this module builds the IPv4 hostent legacy callers asked for (v6scan self-scan). */
#ifndef V6SHIM_HOSTENT_H
#define V6SHIM_HOSTENT_H

#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>

/*
 * Fill HE with h_name = NAME, no aliases, h_addrtype AF_INET, h_length 4 and
 * h_addr_list = ADDRS[0..N) then NULL; the name, the address bytes and both
 * pointer arrays are stored in BUF[0..BUFLEN), pointer-aligned.
 * Returns 0, or -ERANGE when BUFLEN is too small (HE is then untouched).
 */
int hostent_build(struct hostent *he, char *buf, size_t buflen, const char *name,
                  const struct in_addr *addrs, size_t n);

/* Bytes hostent_build needs for NAME and N addresses at BUF's alignment. */
size_t hostent_size(const char *buf, const char *name, size_t n);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
