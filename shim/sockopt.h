/*
 * sockopt — IPv4-level socket options and their IPv6 counterparts.
 *
 * When the shim has replaced an application's AF_INET socket by an AF_INET6
 * one, an option the application sets at IPPROTO_IP is applied as is (Linux
 * honours most of them for IPv4-mapped traffic) AND mirrored to its IPPROTO_IPV6
 * twin, which governs native IPv6 traffic:
 *
 *   IP_TOS            → IPV6_TCLASS          IP_TTL           → IPV6_UNICAST_HOPS
 *   IP_MULTICAST_TTL  → IPV6_MULTICAST_HOPS  IP_MULTICAST_LOOP → IPV6_MULTICAST_LOOP
 *   IP_RECVTOS        → IPV6_RECVTCLASS      IP_PKTINFO       → IPV6_RECVPKTINFO
 *   IP_RECVERR        → IPV6_RECVERR         IP_MTU_DISCOVER  → IPV6_MTU_DISCOVER
 *   IP_RECVTTL        → IPV6_RECVHOPLIMIT
 *
 * Options with no IPv6 twin (documented in docs/internals/fdtable.md): IP_OPTIONS
 * (IPv6 uses extension headers), IP_HDRINCL (raw only), IP_ADD/DROP_MEMBERSHIP
 * and IP_MULTICAST_IF (they name IPv4 groups and interfaces; a group joined
 * this way still works for IPv4-mapped traffic), IP_FREEBIND/IP_TRANSPARENT
 * (these are shared with IPv6 by Linux already).
 */
#ifndef V6SHIM_SOCKOPT_H
#define V6SHIM_SOCKOPT_H

#include <stdbool.h>
#include <sys/socket.h>

/*
 * If IPPROTO_IP option NAME with value VAL/LEN has an IPv6 twin, store the
 * twin's name in *NAME6 and its int value in *VAL6 and return true. The IPv4
 * value may be an int or (for the multicast options) a single byte. False
 * when there is no twin or the value is malformed.
 */
bool sockopt_v6_twin(int name, const void *val, socklen_t len, int *name6, int *val6);

#endif
