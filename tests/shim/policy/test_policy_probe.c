/* Tests of source probing (shim/policy_probe.c) with real sockets in a
 * private network namespace that has only loopback (NETNS). Tests that add
 * documentation addresses to lo skip unless lo is the only interface. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <unistd.h>

#include "policy.h"
#include "policy_test_addr.h"
#include "v6test.h"


static struct policy_cand dest(const char *dst, size_t index)
{
    struct policy_cand c;
    memset(&c, 0, sizeof(c));
    c.dst.sin6_family = AF_INET6;
    c.dst.sin6_port = htons(80);
    c.dst.sin6_addr = addr(dst);
    c.index = index;
    /* Stale values the probe must overwrite. */
    c.src_ok = true;
    c.src_flags = 0xff;
    c.src_prefixlen = 99;
    return c;
}

static void assert_source(const struct policy_cand *c, const char *src, unsigned flags,
                          unsigned prefixlen)
{
    char buf[64];
    assert_true(c->src_ok);
    assert_string_equal(addr_text(&c->src.sin6_addr, buf, sizeof(buf)), src);
    assert_int_equal(c->src.sin6_family, AF_INET6);
    assert_int_equal(c->src_flags, flags);
    assert_int_equal(c->src_prefixlen, prefixlen);
}

static void assert_no_source(const struct policy_cand *c)
{
    static const struct sockaddr_in6 zero;
    assert_false(c->src_ok);
    assert_int_equal(c->src_flags, 0);
    assert_int_equal(c->src_prefixlen, 0);
    assert_memory_equal(&c->src, &zero, sizeof(zero));
}

/* True when loopback is the only interface, as in the namespace
 * tests/netns-run.sh makes: nothing these tests add can reach a network. */
static bool in_private_netns(void)
{
    struct if_nameindex *ifs = if_nameindex();
    if (ifs == NULL)
        return false;
    bool only_lo =
        ifs[0].if_name != NULL && strcmp(ifs[0].if_name, "lo") == 0 && ifs[1].if_name == NULL;
    if_freenameindex(ifs);
    return only_lo;
}

#define REQUIRE_PRIVATE_NETNS()                                                       \
    do {                                                                              \
        if (!in_private_netns()) {                                                    \
            print_message("skipped: interfaces besides lo (run it through ctest)\n"); \
            skip();                                                                   \
        }                                                                             \
    } while (0)

static void test_loopback_destinations_get_loopback_sources(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct policy_cand c[2] = {dest("::1", 0), dest("127.0.0.1", 1)};
    assert_int_equal(policy_probe_sources(c, 2), 0);
    assert_source(&c[0], "::1", POLICY_SRC_NATIVE, 128);
    assert_source(&c[1], "127.0.0.1", POLICY_SRC_NATIVE, 8);
    /* An IPv4 source comes back as a mapped address. */
    assert_true(IN6_IS_ADDR_V4MAPPED(&c[1].src.sin6_addr));
}

static void test_other_loopback_ipv4_uses_lo_entry(void **state)
{
    struct policy_cand c = dest("127.0.0.53", 0);
    assert_int_equal(policy_probe_sources(&c, 1), 0);
    /* The kernel picks 127.0.0.1 for any 127/8 destination on lo. */
    assert_source(&c, "127.0.0.1", POLICY_SRC_NATIVE, 8);
}

static void test_unroutable_documentation_addresses_have_no_source(void **state)
{
    REQUIRE_PRIVATE_NETNS(); /* outside, the host may well route them */
    struct policy_cand c[2] = {dest("2001:db8:77::1", 0), dest("198.51.100.77", 1)};
    assert_int_equal(policy_probe_sources(c, 2), 0);
    assert_no_source(&c[0]);
    assert_no_source(&c[1]);
}

static void test_probe_then_sort_puts_v6_loopback_first_and_unusable_last(void **state)
{
    V6TEST_REQUIRE_IPV6();
    REQUIRE_PRIVATE_NETNS();
    struct policy_cand c[4] = {dest("198.51.100.77", 0), dest("127.0.0.1", 1),
                               dest("2001:db8:77::1", 2), dest("::1", 3)};
    assert_int_equal(policy_probe_sources(c, 4), 0);
    struct policy_table *t = NULL;
    assert_int_equal(policy_table_new(POLICY_RFC6724, &t), 0);
    policy_sort(t, c, 4);
    const char *const want[] = {"::1", "127.0.0.1", "2001:db8:77::1", "198.51.100.77"};
    for (size_t i = 0; i < 4; i++) {
        char buf[64];
        assert_string_equal(addr_text(&c[i].dst.sin6_addr, buf, sizeof(buf)), want[i]);
    }
    int rule = 0;
    assert_true(policy_compare(t, &c[0], &c[1], &rule) < 0);
    assert_int_equal(rule, 6); /* ::1 50 > IPv4 35 */
    assert_true(policy_compare(t, &c[1], &c[2], &rule) < 0);
    assert_int_equal(rule, 1); /* usable before unusable */
    assert_true(policy_compare(t, &c[2], &c[3], &rule) < 0);
    assert_int_equal(rule, 6); /* both unusable: 40 > 35 */
    policy_table_free(t);
}

static void test_deprecated_address_and_prefix_lengths_come_from_netlink(void **state)
{
    V6TEST_REQUIRE_IPV6();
    REQUIRE_PRIVATE_NETNS();
    /* A deprecated /64 and a /24 on lo, inside this namespace only. */
    int rc = system("ip -6 addr replace 2001:db8:5::10/64 dev lo preferred_lft 0 nodad &&"
                    " ip addr replace 192.0.2.10/24 dev lo");
    assert_int_equal(rc, 0);
    struct policy_cand c[3] = {dest("2001:db8:5::99", 0), dest("192.0.2.99", 1),
                               dest("2001:db8:6::1", 2)};
    assert_int_equal(policy_probe_sources(c, 3), 0);
    assert_source(&c[0], "2001:db8:5::10", POLICY_SRC_DEPRECATED | POLICY_SRC_NATIVE, 64);
    assert_source(&c[1], "192.0.2.10", POLICY_SRC_NATIVE, 24);
    assert_no_source(&c[2]);

    /* Rule 3 then puts the IPv4 destination first, despite precedence. */
    struct policy_table *t = NULL;
    assert_int_equal(policy_table_new(POLICY_RFC6724, &t), 0);
    int rule = 0;
    assert_true(policy_compare(t, &c[1], &c[0], &rule) < 0);
    assert_int_equal(rule, 3);
    policy_table_free(t);
    assert_int_equal(system("ip -6 addr del 2001:db8:5::10/64 dev lo &&"
                            " ip addr del 192.0.2.10/24 dev lo"),
                     0);
}

static void test_empty_list_is_a_no_op(void **state)
{
    assert_int_equal(policy_probe_sources(NULL, 0), 0);
}

/* Recording / failing socket calls for policy_probe_sources_ops(). */
static struct {
    int socket_family[16];
    size_t nsocket;
    int connect_family[16];
    size_t nconnect;
    size_t nclose;
    int fail_family; /* socket() of this family fails with fail_errno */
    int fail_errno;
} rec;

static int rec_socket(int domain, int type, int protocol)
{
    if (rec.nsocket < 16)
        rec.socket_family[rec.nsocket] = domain;
    rec.nsocket++;
    if (domain == rec.fail_family) {
        errno = rec.fail_errno;
        return -1;
    }
    return socket(domain, type, protocol);
}

static int rec_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    if (rec.nconnect < 16)
        rec.connect_family[rec.nconnect] = sa->sa_family;
    rec.nconnect++;
    return connect(fd, sa, len);
}

static int rec_close(int fd)
{
    rec.nclose++;
    return close(fd);
}

static const struct policy_sockops rec_ops = {
    .socket = rec_socket,
    .connect = rec_connect,
    .close = rec_close, /* getsockname, send, recv: NULL, so libc's */
};

static void test_one_socket_per_family_reset_with_af_unspec_between_candidates(void **state)
{
    V6TEST_REQUIRE_IPV6();
    memset(&rec, 0, sizeof(rec));
    struct policy_cand c[4] = {dest("::1", 0), dest("::1", 1), dest("127.0.0.1", 2),
                               dest("127.0.0.2", 3)};
    assert_int_equal(policy_probe_sources_ops(&rec_ops, c, 4), 0);
    assert_int_equal(rec.nsocket, 4);
    assert_int_equal(rec.socket_family[0], AF_INET6);
    assert_int_equal(rec.socket_family[1], AF_INET);    /* IPv4 on its own AF_INET socket */
    assert_int_equal(rec.socket_family[2], AF_NETLINK); /* RTM_GETADDR */
    assert_int_equal(rec.socket_family[3], AF_NETLINK); /* RTM_GETLINK */
    assert_int_equal(rec.nconnect, 6);
    const int want[] = {AF_INET6, AF_UNSPEC, AF_INET6, AF_INET, AF_UNSPEC, AF_INET};
    for (size_t i = 0; i < 6; i++)
        assert_int_equal(rec.connect_family[i], want[i]);
    assert_int_equal(rec.nclose, 4); /* every socket closed */
    for (size_t i = 0; i < 4; i++)
        assert_true(c[i].src_ok);
}

static void test_no_ipv6_sockets_leaves_ipv4_probed_and_ipv6_unusable(void **state)
{
    memset(&rec, 0, sizeof(rec));
    rec.fail_family = AF_INET6;
    rec.fail_errno = EAFNOSUPPORT;
    struct policy_cand c[2] = {dest("::1", 0), dest("127.0.0.1", 1)};
    assert_int_equal(policy_probe_sources_ops(&rec_ops, c, 2), 0);
    assert_no_source(&c[0]);
    assert_source(&c[1], "127.0.0.1", POLICY_SRC_NATIVE, 8);
    assert_int_equal(rec.nclose, rec.nsocket - 1); /* all but the failed one */

    /* Only IPv6 candidates: nothing could run, the socket error comes back. */
    memset(&rec, 0, sizeof(rec));
    rec.fail_family = AF_INET6;
    rec.fail_errno = EAFNOSUPPORT;
    struct policy_cand v6 = dest("::1", 0);
    assert_int_equal(policy_probe_sources_ops(&rec_ops, &v6, 1), -EAFNOSUPPORT);
    assert_no_source(&v6);
}

static void test_netlink_refused_keeps_sources_without_flags(void **state)
{
    V6TEST_REQUIRE_IPV6();
    memset(&rec, 0, sizeof(rec));
    rec.fail_family = AF_NETLINK;
    rec.fail_errno = EPERM;
    struct policy_cand c[2] = {dest("::1", 0), dest("127.0.0.1", 1)};
    assert_int_equal(policy_probe_sources_ops(&rec_ops, c, 2), 0);
    assert_source(&c[0], "::1", 0, 0); /* flags and prefix length unknown */
    assert_source(&c[1], "127.0.0.1", 0, 0);
}

static void test_known_local_ula_prefixes_are_learnt_from_interface_addresses(void **state)
{
    V6TEST_REQUIRE_IPV6();
    REQUIRE_PRIVATE_NETNS();
    struct policy_table *t = NULL;
    assert_int_equal(policy_table_new(POLICY_RFC6724_ULA_UPDATE, &t), 0);
    struct policy_row before[32];
    size_t nlabel = policy_table_rows(t, POLICY_COL_LABEL, before, 32);

    /* Only ::1 on lo: nothing to learn, nothing changed. */
    assert_int_equal(policy_table_learn_known_local(t, NULL), 0);
    assert_int_equal(policy_table_rows(t, POLICY_COL_LABEL, before, 32), nlabel);

    assert_int_equal(system("ip -6 addr replace fd00:5:1::10/64 dev lo nodad &&"
                            " ip -6 addr replace fd00:5:1:2::10/64 dev lo nodad &&"
                            " ip -6 addr replace fd12:3456::1/64 dev lo nodad &&"
                            " ip -6 addr replace fc00:9::1/64 dev lo nodad"),
                     0);
    /* Two /48s: fd00:5:1::/48 (two addresses) and fd12:3456::/48; fc00::/8 is
     * not defined for known-locals. */
    assert_int_equal(policy_table_learn_known_local(t, NULL), 2);
    assert_int_equal(policy_table_rows(t, POLICY_COL_LABEL, before, 32), nlabel + 2);
    struct {
        const char *a;
        int precedence, label;
    } want[] = {
        {"fd00:5:1:ffff::1", 45, 14}, {"fd12:3456:0:9::9", 45, 14},
        {"fd00:5:2::1", 30, 13}, /* another /48 of the same /40 */
        {"fc00:9::5", 30, 13},        {"2001:db8::1", 40, 1},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct in6_addr a = addr(want[i].a);
        print_message("  %s\n", want[i].a);
        assert_int_equal(policy_precedence(t, &a), want[i].precedence);
        assert_int_equal(policy_label(t, &a), want[i].label);
    }

    /* Netlink refused: the error comes back and the table stays as it was. */
    memset(&rec, 0, sizeof(rec));
    rec.fail_family = AF_NETLINK;
    rec.fail_errno = EPERM;
    struct policy_table *fresh = NULL;
    assert_int_equal(policy_table_new(POLICY_RFC6724_ULA_UPDATE, &fresh), 0);
    assert_int_equal(policy_table_learn_known_local(fresh, &rec_ops), -EPERM);
    assert_int_equal(policy_table_rows(fresh, POLICY_COL_LABEL, before, 32), nlabel);
    policy_table_free(fresh);
    policy_table_free(t);
    assert_int_equal(system("ip -6 addr del fd00:5:1::10/64 dev lo &&"
                            " ip -6 addr del fd00:5:1:2::10/64 dev lo &&"
                            " ip -6 addr del fd12:3456::1/64 dev lo &&"
                            " ip -6 addr del fc00:9::1/64 dev lo"),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loopback_destinations_get_loopback_sources),
        cmocka_unit_test(test_other_loopback_ipv4_uses_lo_entry),
        cmocka_unit_test(test_unroutable_documentation_addresses_have_no_source),
        cmocka_unit_test(test_probe_then_sort_puts_v6_loopback_first_and_unusable_last),
        cmocka_unit_test(test_deprecated_address_and_prefix_lengths_come_from_netlink),
        cmocka_unit_test(test_empty_list_is_a_no_op),
        cmocka_unit_test(test_one_socket_per_family_reset_with_af_unspec_between_candidates),
        cmocka_unit_test(test_no_ipv6_sockets_leaves_ipv4_probed_and_ipv6_unusable),
        cmocka_unit_test(test_netlink_refused_keeps_sources_without_flags),
        cmocka_unit_test(test_known_local_ula_prefixes_are_learnt_from_interface_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
