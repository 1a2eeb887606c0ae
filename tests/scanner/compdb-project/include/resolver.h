/* Only reachable through the -I of the compile database. */
#ifndef RESOLVER_H
#define RESOLVER_H
#include <netdb.h>
struct hostent *resolve_legacy(const char *name);
#endif
