/* Tests of shim/sockopt: IPv4 options and their IPv6 twins. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <netinet/in.h>

#include "sockopt.h"

static void test_options_with_twins_map_name_and_int_value(void **state)
{
    static const struct {
        int v4, v6, val;
    } cases[] = {
        {IP_TOS, IPV6_TCLASS, 0x28},
        {IP_TTL, IPV6_UNICAST_HOPS, 33},
        {IP_TTL, IPV6_UNICAST_HOPS, -1}, /* "system default" in both */
        {IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, 5},
        {IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, 0},
        {IP_RECVTOS, IPV6_RECVTCLASS, 1},
        {IP_PKTINFO, IPV6_RECVPKTINFO, 1},
        {IP_RECVERR, IPV6_RECVERR, 1},
        {IP_MTU_DISCOVER, IPV6_MTU_DISCOVER, IP_PMTUDISC_DO},
        {IP_RECVTTL, IPV6_RECVHOPLIMIT, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int name6 = -1, val6 = -12345;
        assert_true(sockopt_v6_twin(cases[i].v4, &cases[i].val, sizeof(int), &name6, &val6));
        assert_int_equal(name6, cases[i].v6);
        assert_int_equal(val6, cases[i].val);
    }
}

static void test_single_byte_values_only_for_the_multicast_pair(void **state)
{
    unsigned char b = 9;
    int name6, val6;
    assert_true(sockopt_v6_twin(IP_MULTICAST_TTL, &b, 1, &name6, &val6));
    assert_int_equal(name6, IPV6_MULTICAST_HOPS);
    assert_int_equal(val6, 9);
    assert_true(sockopt_v6_twin(IP_MULTICAST_LOOP, &b, 1, &name6, &val6));
    assert_int_equal(val6, 9);
    assert_false(sockopt_v6_twin(IP_TTL, &b, 1, &name6, &val6));
    assert_false(sockopt_v6_twin(IP_TOS, NULL, sizeof(int), &name6, &val6));
}

static void test_options_without_twin_are_left_alone(void **state)
{
    int one = 1, name6 = -7, val6 = -7;
    static const int none[] = {IP_OPTIONS,      IP_HDRINCL,  IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP,
                               IP_MULTICAST_IF, IP_FREEBIND, IP_TRANSPARENT};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
        assert_false(sockopt_v6_twin(none[i], &one, sizeof one, &name6, &val6));
    assert_int_equal(name6, -7);
    assert_int_equal(val6, -7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_with_twins_map_name_and_int_value),
        cmocka_unit_test(test_single_byte_values_only_for_the_multicast_pair),
        cmocka_unit_test(test_options_without_twin_are_left_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
