/* The glibc preset against glibc itself: a name with nine addresses (some
 * reachable from sources added to lo, some unreachable) is resolved by the
 * real getaddrinfo, which sorts with glibc's RFC 3484 code and its own
 * source probes, and by policy_probe_sources + policy_sort with
 * POLICY_RFC3484_GLIBC. Both orders must be the same, and the one written
 * below. /etc/gai.conf is hidden (glibc's built-in tables are compared). Runs in the private network namespace (NETNS) and, to give glibc a
 * hosts file of our own, in a private mount namespace with a file bound over
 * /etc/hosts (root only; skipped otherwise). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "policy.h"
#include "policy_test_addr.h"
#include "v6test.h"

#define NAME "sort.v6kit.test"

/* The name's addresses in hosts-file order (= the resolver's order). */
static const char *const answer[] = {
    "198.51.100.77", /* unreachable */
    "127.0.0.1",
    "2002:c633:6401::1", /* unreachable 6to4 */
    "192.0.2.99",        /* via 192.0.2.10/24 on lo */
    "fd00:5::99",        /* via fd00:5::10/64 on lo */
    "2001:db8:77::1",    /* unreachable */
    "::1",
    "2001:db8:5::99", /* via 2001:db8:5::10/64 on lo */
    "fd00:77::1",     /* unreachable ULA */
};
#define NANSWER (sizeof(answer) / sizeof(answer[0]))

/* What glibc's default tables make of it. */
static const char *const glibc_order[] = {
    "::1", /* 50 */
    "fd00:5::99",
    "2001:db8:5::99", /* 40, rule 10 keeps their order */
    "127.0.0.1",
    "192.0.2.99", /* 10, loopback by smaller scope */
    "2001:db8:77::1",
    "fd00:77::1",        /* no source (rule 1), then 40 */
    "2002:c633:6401::1", /* 30 */
    "198.51.100.77",     /* 10 */
};

/* And RFC 6724's, for contrast: ULA falls below IPv4. */
static const char *const rfc6724_order[] = {
    "::1",           "2001:db8:5::99",    "127.0.0.1",
    "192.0.2.99",    "fd00:5::99",        "2001:db8:77::1",
    "198.51.100.77", "2002:c633:6401::1", "fd00:77::1",
};

static bool only_loopback(void)
{
    struct if_nameindex *ifs = if_nameindex();
    if (ifs == NULL)
        return false;
    bool only =
        ifs[0].if_name != NULL && strcmp(ifs[0].if_name, "lo") == 0 && ifs[1].if_name == NULL;
    if_freenameindex(ifs);
    return only;
}

static char hosts_path[64];

/* Private mount namespace with our hosts file over /etc/hosts. */
static int setup(void **state)
{
    if (!only_loopback() || !v6test_have_ipv6())
        return 0;
    strcpy(hosts_path, "/tmp/v6kit-policy-hosts.XXXXXX");
    int fd = mkstemp(hosts_path);
    if (fd < 0)
        return -1;
    FILE *f = fdopen(fd, "w");
    for (size_t i = 0; i < NANSWER; i++)
        fprintf(f, "%s %s\n", answer[i], NAME);
    fclose(f);
    if (unshare(CLONE_NEWNS) != 0 || mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount(hosts_path, "/etc/hosts", "none", MS_BIND, NULL) != 0 ||
        /* glibc's sort must see its built-in tables, whatever this host's
         * gai.conf says. */
        (access("/etc/gai.conf", F_OK) == 0 &&
         mount("/dev/null", "/etc/gai.conf", "none", MS_BIND, NULL) != 0) ||
        /* A running nscd would answer from the host's /etc/hosts. */
        access("/var/run/nscd/socket", F_OK) == 0) {
        unlink(hosts_path);
        hosts_path[0] = '\0';
        return 0;
    }
    if (system("ip -6 addr replace fd00:5::10/64 dev lo nodad &&"
               " ip -6 addr replace 2001:db8:5::10/64 dev lo nodad &&"
               " ip addr replace 192.0.2.10/24 dev lo") != 0)
        return -1;
    *state = hosts_path;
    return 0;
}

static int teardown(void **state)
{
    if (*state == NULL)
        return 0;
    umount("/etc/hosts");
    umount("/etc/gai.conf");
    unlink(hosts_path);
    return system("ip -6 addr del fd00:5::10/64 dev lo && ip -6 addr del 2001:db8:5::10/64 dev lo"
                  " && ip addr del 192.0.2.10/24 dev lo") == 0
               ? 0
               : -1;
}

static void ours(enum policy_preset preset, const char *const *want)
{
    struct policy_cand c[NANSWER];
    memset(c, 0, sizeof(c));
    for (size_t i = 0; i < NANSWER; i++) {
        c[i].dst.sin6_family = AF_INET6;
        c[i].index = i;
        c[i].dst.sin6_addr = addr(answer[i]);
    }
    assert_int_equal(policy_probe_sources(c, NANSWER), 0);
    struct policy_table *t = table(preset);
    policy_sort(t, c, NANSWER);
    policy_table_free(t);
    for (size_t i = 0; i < NANSWER; i++) {
        char buf[INET6_ADDRSTRLEN];
        addr_text(&c[i].dst.sin6_addr, buf, sizeof(buf));
        print_message("  ours %zu: %s\n", i, buf);
        assert_string_equal(buf, want[i]);
    }
}

static void test_glibc_getaddrinfo_order_is_the_listed_one(void **state)
{
    if (*state == NULL)
        skip();
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    assert_int_equal(getaddrinfo(NAME, NULL, &hints, &res), 0);
    size_t i = 0;
    for (const struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next, i++) {
        char buf[INET6_ADDRSTRLEN];
        if (ai->ai_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ai->ai_addr)->sin_addr, buf,
                      sizeof(buf));
        else
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, buf,
                      sizeof(buf));
        print_message("  glibc %zu: %s\n", i, buf);
        assert_true(i < NANSWER);
        assert_string_equal(buf, glibc_order[i]);
    }
    assert_int_equal(i, NANSWER);
    freeaddrinfo(res);
}

static void test_glibc_preset_with_our_probe_gives_glibc_order(void **state)
{
    if (*state == NULL)
        skip();
    ours(POLICY_RFC3484_GLIBC, glibc_order);
}

static void test_rfc6724_preset_moves_ula_below_ipv4(void **state)
{
    if (*state == NULL)
        skip();
    ours(POLICY_RFC6724, rfc6724_order);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glibc_getaddrinfo_order_is_the_listed_one),
        cmocka_unit_test(test_glibc_preset_with_our_probe_gives_glibc_order),
        cmocka_unit_test(test_rfc6724_preset_moves_ula_below_ipv4),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
