/*
 * addr — address conversions the shim makes everywhere, in one place. Pure:
 * no I/O, no locks, no state; every function only reads its inputs and
 * writes its outputs.
 *
 *   IPv4-mapped IPv6 (RFC 4291 §2.5.5.2, ::ffff:a.b.c.d): make and unmap;
 *   sockaddr lengths by family;
 *   a pool entry's candidates as socket addresses, and the one to use for a
 *   socket of a given family ("first of that family, else, on an IPv6
 *   socket, the first IPv4 candidate mapped").
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): these helpers convert between the IPv4 view and IPv6 on purpose (v6scan self-scan). */
#ifndef V6SHIM_ADDR_H
#define V6SHIM_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "pool.h"

/* ::ffff:A into *OUT. */
void addr_mapped(struct in_addr a, struct in6_addr *out);

/* If A is IPv4-mapped, its IPv4 address into *OUT and true; else false
 * (*OUT untouched). */
bool addr_unmap(const struct in6_addr *a, struct in_addr *out);

/* A:PORT as the socket address [::ffff:A]:PORT (all other fields zero). */
void addr_sin6_mapped(struct in_addr a, in_port_t port, struct sockaddr_in6 *out);

/* sizeof the sockaddr_in6 or sockaddr_in in SS (by ss_family). */
socklen_t addr_len(const struct sockaddr_storage *ss);

/* The candidates of pool entry V at PORT, in the entry's order, into DST
 * (at most MAX; candidates of another family are skipped). Returns how many. */
size_t addr_candidates(const struct pool_view *v, in_port_t port, struct sockaddr_storage *dst,
                       size_t max);

/*
 * Where a socket of FAMILY (AF_INET or AF_INET6) sends for destinations
 * DST[0..N): the first of its own family; for AF_INET6, else the first IPv4
 * one as [::ffff:a]:port. Returns 0 with *OUT, or -ENETUNREACH when none fits.
 */
int addr_pick(const struct sockaddr_storage *dst, size_t n, int family,
              struct sockaddr_storage *out);

#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
