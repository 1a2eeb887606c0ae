/*
 * dns64_build (shim/dns64.h): the synthesised A response, byte for byte,
 * and parsed back by glibc's own ns_initparse/ns_parserr, so its counts,
 * lengths and compression pointers are those of a well-formed message.
 */
/* NOLINTBEGIN(v6-*): tests of the IPv4 answers the shim synthesises (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <errno.h>
#include <resolv.h>
#include <string.h>

#include "dns64.h"

static struct in_addr ip(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

static void test_one_a_record_is_exactly_the_expected_message(void **state)
{
    (void)state;
    struct in_addr a = ip("198.18.0.1");
    unsigned char msg[DNS64_MSG_MAX];
    int n = dns64_build(0x1234, "v6.test", "v6.test.", &a, 1, 300, msg);
    static const unsigned char want[] = {
        0x12, 0x34, 0x81, 0x80, 0,   1,   0,   1,   0, 0,  0, 0,    /* header */
        2,    'v',  '6',  4,    't', 'e', 's', 't', 0, 0,  1, 0, 1, /* question: v6.test IN A */
        0xc0, 12,   0,    1,    0,   1,   0,   0,   1, 44, 0, 4, 198,
        18,   0,    1, /* A 198.18.0.1, TTL 300 */
    };
    assert_int_equal(n, (int)sizeof want);
    assert_memory_equal(msg, want, sizeof want);
}

static void test_cname_then_a_records_parse_back_with_glibc(void **state)
{
    (void)state;
    struct in_addr a[2] = {ip("198.18.0.7"), ip("127.0.0.1")};
    unsigned char msg[DNS64_MSG_MAX];
    int n = dns64_build(7, "www.Example.test", "real.example.test", a, 2, 60, msg);
    assert_true(n > 0);
    ns_msg h;
    assert_int_equal(ns_initparse(msg, n, &h), 0);
    assert_int_equal(ns_msg_id(h), 7);
    assert_int_equal(ns_msg_getflag(h, ns_f_qr), 1);
    assert_int_equal(ns_msg_getflag(h, ns_f_rd), 1);
    assert_int_equal(ns_msg_getflag(h, ns_f_ra), 1);
    assert_int_equal(ns_msg_getflag(h, ns_f_rcode), ns_r_noerror);
    assert_int_equal(ns_msg_count(h, ns_s_qd), 1);
    assert_int_equal(ns_msg_count(h, ns_s_an), 3);
    assert_int_equal(ns_msg_count(h, ns_s_ns), 0);
    assert_int_equal(ns_msg_count(h, ns_s_ar), 0);
    ns_rr rr;
    assert_int_equal(ns_parserr(&h, ns_s_qd, 0, &rr), 0);
    assert_string_equal(ns_rr_name(rr), "www.Example.test");
    assert_int_equal(ns_rr_type(rr), ns_t_a);
    assert_int_equal(ns_parserr(&h, ns_s_an, 0, &rr), 0);
    assert_int_equal(ns_rr_type(rr), ns_t_cname);
    assert_string_equal(ns_rr_name(rr), "www.Example.test");
    char target[NS_MAXDNAME];
    assert_true(ns_name_uncompress(ns_msg_base(h), ns_msg_end(h), ns_rr_rdata(rr), target,
                                   sizeof target) > 0);
    assert_string_equal(target, "real.example.test");
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(ns_parserr(&h, ns_s_an, i, &rr), 0);
        assert_int_equal(ns_rr_type(rr), ns_t_a);
        assert_int_equal(ns_rr_class(rr), ns_c_in);
        assert_int_equal(ns_rr_ttl(rr), 60);
        assert_string_equal(ns_rr_name(rr), "real.example.test");
        assert_int_equal(ns_rr_rdlen(rr), 4);
        assert_memory_equal(ns_rr_rdata(rr), &a[i - 1], 4);
    }
    /* a trailing dot or another case is the same name: no CNAME */
    n = dns64_build(7, "www.example.test.", "WWW.example.test", a, 1, 60, msg);
    assert_int_equal(ns_initparse(msg, n, &h), 0);
    assert_int_equal(ns_msg_count(h, ns_s_an), 1);
}

static void test_many_addresses_stop_at_the_udp_limit_with_a_correct_count(void **state)
{
    (void)state;
    struct in_addr a[40];
    for (int i = 0; i < 40; i++)
        a[i] = ip("198.18.0.9");
    unsigned char msg[DNS64_MSG_MAX];
    int n = dns64_build(1, "a.test", NULL, a, 40, 1, msg);
    assert_true(n <= DNS64_MSG_MAX);
    ns_msg h;
    assert_int_equal(ns_initparse(msg, n, &h), 0);
    /* 12 + 12 (question) + 16 per record <= 512: 30 records */
    assert_int_equal(ns_msg_count(h, ns_s_an), 30);
    assert_int_equal(n, 12 + 12 + 30 * 16);
}

static void test_names_that_are_not_domain_names_are_refused(void **state)
{
    (void)state;
    struct in_addr a = ip("198.18.0.1");
    unsigned char msg[DNS64_MSG_MAX];
    char label[80], longname[300];
    memset(label, 'x', 64);
    label[64] = '\0';
    assert_int_equal(dns64_build(1, label, NULL, &a, 1, 1, msg), -EINVAL);
    label[63] = '\0';
    assert_true(dns64_build(1, label, NULL, &a, 1, 1, msg) > 0);
    assert_int_equal(dns64_build(1, "", NULL, &a, 1, 1, msg), -EINVAL);
    assert_int_equal(dns64_build(1, ".", NULL, &a, 1, 1, msg), -EINVAL);
    assert_int_equal(dns64_build(1, "a..test", NULL, &a, 1, 1, msg), -EINVAL);
    for (int i = 0; i < 128; i++)
        memcpy(longname + 2 * i, "a.", 2);
    longname[255] = '\0'; /* 128 labels: 257 bytes on the wire */
    assert_int_equal(dns64_build(1, longname, NULL, &a, 1, 1, msg), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_a_record_is_exactly_the_expected_message),
        cmocka_unit_test(test_cname_then_a_records_parse_back_with_glibc),
        cmocka_unit_test(test_many_addresses_stop_at_the_udp_limit_with_a_correct_count),
        cmocka_unit_test(test_names_that_are_not_domain_names_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
