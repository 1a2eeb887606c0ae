/*
 * addr() for the policy tests: a numeric literal as the in6_addr the policy
 * module works on (IPv4 as ::ffff:a.b.c.d). Fails the running cmocka test on
 * a bad literal. Include after <cmocka.h>.
 */
#ifndef POLICY_TEST_ADDR_H
#define POLICY_TEST_ADDR_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static inline struct in6_addr addr(const char *s)
{
    struct in6_addr a;
    struct in_addr v4;
    memset(&a, 0, sizeof(a));
    if (inet_pton(AF_INET, s, &v4) == 1) {
        a.s6_addr[10] = a.s6_addr[11] = 0xff;
        memcpy(&a.s6_addr[12], &v4, 4);
        return a;
    }
    if (inet_pton(AF_INET6, s, &a) != 1)
        fail_msg("bad address literal in test: %s", s);
    return a;
}

#endif
