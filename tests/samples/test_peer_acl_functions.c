/*
 * The pure functions of ported/peer_acl.c: IPv4-mapped normalisation,
 * numeric peer text, storage keys, ACL prefix parsing and matching for both
 * families. The sample is compiled into this test with its main renamed, so
 * it stays one file a reader can copy.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

int peer_acl_main(int argc, char **argv);
#define main peer_acl_main
#include "peer_acl.c"
#undef main

static struct sockaddr_storage make(const char *addr, uint16_t port, socklen_t *len)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(port);
        *len = sizeof *sin;
    } else {
        assert_int_equal(inet_pton(AF_INET6, addr, &sin6->sin6_addr), 1);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(port);
        *len = sizeof *sin6;
    }
    return ss;
}

/* Change SS's family as the kernel writes it, through memory. A store to
 * ss.ss_family followed, once inlined, by the sample's load of
 * sa->sa_family (another struct type) breaks strict aliasing, and gcc -Os
 * (a MinSizeRel build) reordered them: the load saw the old family. */
static void set_family(struct sockaddr_storage *ss, sa_family_t family)
{
    memcpy((char *)ss + offsetof(struct sockaddr_storage, ss_family), &family, sizeof family);
}

static void test_normalize_turns_mapped_ipv6_into_ipv4_with_port(void **state)
{
    socklen_t len, nlen;
    struct sockaddr_storage in = make("::ffff:192.0.2.7", 4242, &len), out;
    assert_int_equal(peer_normalize((struct sockaddr *)&in, len, &out, &nlen), 0);
    socklen_t len4;
    struct sockaddr_storage want = make("192.0.2.7", 4242, &len4); /* the plain IPv4 peer */
    assert_int_equal(out.ss_family, AF_INET);
    assert_int_equal(nlen, len4);
    assert_memory_equal(&out, &want, len4);
}

static void test_normalize_keeps_native_ipv6_and_ipv4(void **state)
{
    socklen_t len, nlen;
    struct sockaddr_storage in = make("2001:db8::7", 80, &len), out;
    assert_int_equal(peer_normalize((struct sockaddr *)&in, len, &out, &nlen), 0);
    assert_int_equal(out.ss_family, AF_INET6);
    assert_int_equal(nlen, sizeof(struct sockaddr_in6));
    assert_memory_equal(&out, &in, sizeof(struct sockaddr_in6));
    /* ::192.0.2.7 (deprecated IPv4-compatible) is not mapped: left alone. */
    in = make("::192.0.2.7", 80, &len);
    assert_int_equal(peer_normalize((struct sockaddr *)&in, len, &out, &nlen), 0);
    assert_int_equal(out.ss_family, AF_INET6);
    in = make("192.0.2.7", 80, &len);
    assert_int_equal(peer_normalize((struct sockaddr *)&in, len, &out, &nlen), 0);
    assert_memory_equal(&out, &in, sizeof(struct sockaddr_in));
}

static void test_normalize_rejects_short_and_foreign_addresses(void **state)
{
    socklen_t len, nlen;
    struct sockaddr_storage in = make("2001:db8::7", 80, &len), out;
    assert_int_equal(peer_normalize((struct sockaddr *)&in, len - 1, &out, &nlen), -EINVAL);
    set_family(&in, AF_UNIX);
    assert_int_equal(peer_normalize((struct sockaddr *)&in, len, &out, &nlen), -EAFNOSUPPORT);
}

static void test_describe_brackets_ipv6_and_not_ipv4(void **state)
{
    static const struct {
        const char *addr;
        uint16_t port;
        const char *text;
    } cases[] = {
        {"192.0.2.1", 80, "192.0.2.1:80"},
        {"2001:db8::1", 443, "[2001:db8::1]:443"},
        {"2001:0db8:0000::0001", 1, "[2001:db8::1]:1"},        /* RFC 5952 canonical form */
        {"::ffff:192.0.2.1", 8080, "[::ffff:192.0.2.1]:8080"}, /* not normalised here */
        {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", 65535,
         "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        socklen_t len;
        struct sockaddr_storage ss = make(cases[i].addr, cases[i].port, &len);
        char buf[PEER_TEXT_MAX + 8];
        assert_int_equal(peer_describe((struct sockaddr *)&ss, len, buf, sizeof buf),
                         (int)strlen(cases[i].text));
        assert_string_equal(buf, cases[i].text);
    }
}

static void test_describe_reports_small_buffer(void **state)
{
    socklen_t len;
    struct sockaddr_storage ss = make("2001:db8::1", 443, &len);
    char buf[16]; /* the legacy char[16] */
    assert_int_equal(peer_describe((struct sockaddr *)&ss, len, buf, sizeof buf), -ENOSPC);
}

static void test_longest_address_text_fits_the_documented_width(void **state)
{
    /* The longest valid IPv6 text is 45 characters: why a CHAR(15) column
     * (or the legacy char[16]) cannot hold an IPv6 peer. */
    static const char longest[] = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
    struct in6_addr a;
    assert_int_equal(inet_pton(AF_INET6, longest, &a), 1);
    assert_int_equal(strlen(longest), INET6_ADDRSTRLEN - 1);
    /* Plus '%' and a zone of up to IF_NAMESIZE - 1 characters, plus NUL. */
    assert_int_equal(PEER_TEXT_MAX, 45 + 1 + (IF_NAMESIZE - 1) + 1);
}

static void test_db_key_maps_ipv4_into_ipv6_space(void **state)
{
    socklen_t len;
    uint8_t key[16];
    static const uint8_t v4[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
    static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    struct sockaddr_storage ss = make("192.0.2.1", 1, &len);
    assert_int_equal(peer_db_key((struct sockaddr *)&ss, key), 0);
    assert_memory_equal(key, v4, 16);
    ss = make("2001:db8::1", 1, &len);
    assert_int_equal(peer_db_key((struct sockaddr *)&ss, key), 0);
    assert_memory_equal(key, v6, 16);
    set_family(&ss, AF_UNIX);
    assert_int_equal(peer_db_key((struct sockaddr *)&ss, key), -EAFNOSUPPORT);
}

static void test_acl_parse_gives_canonical_prefixes(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"192.0.2.0/24", "192.0.2.0/24"},
        {"192.0.2.1", "192.0.2.1/32"},
        {"0.0.0.0/0", "0.0.0.0/0"},
        {"2001:0DB8::/32", "2001:db8::/32"},
        {"2001:db8::1", "2001:db8::1/128"},
        {"::/0", "::/0"},
        {"::ffff:192.0.2.0/120", "192.0.2.0/24"}, /* mapped prefix becomes IPv4 */
        {"::ffff:0.0.0.0/96", "0.0.0.0/0"},
        {"::fffe:0:0/95", "::fffe:0:0/95"}, /* not a mapped prefix: stays IPv6 */
        {"fe80::/10", "fe80::/10"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct acl_entry e;
        char buf[64];
        assert_int_equal(acl_parse(cases[i].in, &e), 0);
        assert_true(acl_format(&e, buf, sizeof buf) > 0);
        assert_string_equal(buf, cases[i].out);
    }
}

static void test_acl_parse_rejects_bad_prefixes(void **state)
{
    static const char *bad[] = {
        "",
        "/24",
        "192.0.2.0/",
        "192.0.2.0/33",
        "2001:db8::/129",
        "192.0.2.1/24",
        "2001:db8::1/32",
        "192.0.2.0/2x",
        "192.0.2.0/-1",
        "192.0.2",
        "2001:db8::g/32",
        "192.0.2.0/+8",
        "[2001:db8::]/32",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct acl_entry e;
        assert_int_equal(acl_parse(bad[i], &e), -EINVAL);
    }
}

static bool allows(const char *prefix, const char *peer)
{
    struct acl_entry e;
    socklen_t len;
    assert_int_equal(acl_parse(prefix, &e), 0);
    struct sockaddr_storage ss = make(peer, 1, &len);
    return acl_allows(&e, 1, (struct sockaddr *)&ss, len);
}

static void test_acl_matches_ipv4_prefixes_bit_by_bit(void **state)
{
    assert_true(allows("192.0.2.0/24", "192.0.2.255"));
    assert_false(allows("192.0.2.0/24", "192.0.3.0"));
    assert_true(allows("192.0.2.128/25", "192.0.2.200"));
    assert_false(allows("192.0.2.128/25", "192.0.2.127"));
    assert_true(allows("0.0.0.0/0", "198.51.100.1"));
    assert_true(allows("192.0.2.1", "192.0.2.1"));
    assert_false(allows("192.0.2.1", "192.0.2.2"));
}

static void test_acl_matches_ipv6_prefixes_bit_by_bit(void **state)
{
    assert_true(allows("2001:db8::/32", "2001:db8:ffff::1"));
    assert_false(allows("2001:db8::/32", "2001:db9::1"));
    assert_true(allows("2001:db8:8000::/33", "2001:db8:8000::1"));
    assert_false(allows("2001:db8:8000::/33", "2001:db8:7fff::1"));
    assert_true(allows("::/0", "2001:db8::1"));
    assert_true(allows("fe80::/10", "febf::1"));
    assert_false(allows("fe80::/10", "fec0::1"));
}

static void test_acl_never_matches_across_families(void **state)
{
    assert_false(allows("::/0", "192.0.2.1"));
    assert_false(allows("0.0.0.0/0", "2001:db8::1"));
    /* ::192.0.2.1 is not ::ffff:192.0.2.1: no IPv4 rule applies. */
    assert_false(allows("192.0.2.0/24", "::192.0.2.1"));
}

static void test_acl_matches_mapped_peer_against_ipv4_rule(void **state)
{
    assert_true(allows("192.0.2.0/24", "::ffff:192.0.2.9"));
    assert_false(allows("192.0.2.0/24", "::ffff:198.51.100.9"));
    assert_true(allows("::ffff:192.0.2.0/120", "192.0.2.9"));
    assert_false(allows("::/0", "::ffff:192.0.2.9")); /* it is an IPv4 peer */
}

static void test_acl_empty_list_allows_all_and_any_entry_suffices(void **state)
{
    socklen_t len;
    struct sockaddr_storage ss = make("2001:db8::1", 1, &len);
    assert_true(acl_allows(NULL, 0, (struct sockaddr *)&ss, len));
    struct acl_entry list[2];
    assert_int_equal(acl_parse("192.0.2.0/24", &list[0]), 0);
    assert_int_equal(acl_parse("2001:db8::/48", &list[1]), 0);
    assert_true(acl_allows(list, 2, (struct sockaddr *)&ss, len));
    ss = make("2001:db8:1::1", 1, &len);
    assert_false(acl_allows(list, 2, (struct sockaddr *)&ss, len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize_turns_mapped_ipv6_into_ipv4_with_port),
        cmocka_unit_test(test_normalize_keeps_native_ipv6_and_ipv4),
        cmocka_unit_test(test_normalize_rejects_short_and_foreign_addresses),
        cmocka_unit_test(test_describe_brackets_ipv6_and_not_ipv4),
        cmocka_unit_test(test_describe_reports_small_buffer),
        cmocka_unit_test(test_longest_address_text_fits_the_documented_width),
        cmocka_unit_test(test_db_key_maps_ipv4_into_ipv6_space),
        cmocka_unit_test(test_acl_parse_gives_canonical_prefixes),
        cmocka_unit_test(test_acl_parse_rejects_bad_prefixes),
        cmocka_unit_test(test_acl_matches_ipv4_prefixes_bit_by_bit),
        cmocka_unit_test(test_acl_matches_ipv6_prefixes_bit_by_bit),
        cmocka_unit_test(test_acl_never_matches_across_families),
        cmocka_unit_test(test_acl_matches_mapped_peer_against_ipv4_rule),
        cmocka_unit_test(test_acl_empty_list_allows_all_and_any_entry_suffices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
