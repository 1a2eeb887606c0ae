/*
 * Report mode (v6run --report) on the legacy IPv4-only programs of
 * tests/shim/sockets/legacy, run under v6run in a private network
 * namespace: every call site once, with counts and source lines, one line
 * per process, report-only mode. Servers and clients: test_legacy.c.
 */
/* NOLINTBEGIN(v6-*): these tests drive legacy IPv4-only programs on purpose (v6scan self-scan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "v6test.h"
#include "legacy_test_util.h"

/* ---- report mode ---- */

/* The report file PATH, into BUF. */
static size_t read_file(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n;
}

static int count_of(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p++)
        n++;
    return n;
}

/* The report of one process, PATH, into BUF: its site lines, then its one
 * exit line, which is left in BUF alone. Each site of the exit line had its
 * site line, written when first seen (report.h). */
static void read_report(const char *path, char *buf, size_t len)
{
    size_t n = read_file(path, buf, len);
    assert_true(n > 0 && buf[n - 1] == '\n');
    assert_int_equal(count_of(buf, "\"kind\":\"exit\""), 1);
    char *exit_line = strstr(buf, "{\"v6shim_report\":2,\"kind\":\"exit\",");
    assert_non_null(exit_line);
    assert_ptr_equal(strchr(exit_line, '\n') + 1, buf + n); /* the last line */
    int site_lines = count_of(buf, "{\"v6shim_report\":2,\"kind\":\"site\",");
    memmove(buf, exit_line, strlen(exit_line) + 1);
    assert_int_equal(site_lines, count_of(buf, "{\"check\":"));
    assert_non_null(strstr(buf, "\"end\":\"exit\","));
}

/* Number of sites in REPORT with this check, call and count. */
static int sites_with(const char *report, const char *check, const char *call, int count)
{
    char want[160];
    snprintf(want, sizeof want, "{\"check\":\"%s\",\"call\":\"%s\",\"count\":%d,", check, call,
             count);
    int n = 0;
    for (const char *p = report; (p = strstr(p, want)); p++)
        n++;
    return n;
}

static int count_sites(const char *report)
{
    int n = 0;
    for (const char *p = report; (p = strstr(p, "{\"check\":")); p++)
        n++;
    return n;
}

/* The line of SRC (a file name under V6SOCK_SOURCE_DIR) that contains TEXT. */
static int source_line(const char *src, const char *text)
{
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/%s", getenv("V6SOCK_SOURCE_DIR"), src);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int n = 0, found = 0;
    while (fgets(line, sizeof line, f)) {
        n++;
        if (strstr(line, text)) {
            found = n;
            break;
        }
    }
    fclose(f);
    assert_true(found > 0);
    return found;
}

/* Offline symbolisation of the site of CHECK/CALL in REPORT: "file:line". */
static void addr2line_of(const char *report, const char *check, const char *call, char *out,
                         size_t len)
{
    char want[160];
    snprintf(want, sizeof want, "{\"check\":\"%s\",\"call\":\"%s\",", check, call);
    const char *site = strstr(report, want);
    assert_non_null(site);
    char object[1024];
    unsigned long off;
    const char *o = strstr(site, "\"object\":\"");
    assert_non_null(o);
    assert_int_equal(sscanf(o, "\"object\":\"%1023[^\"]\"", object), 1);
    const char *x = strstr(site, "\"address\":\"");
    assert_non_null(x);
    assert_int_equal(sscanf(x, "\"address\":\"%lx\"", &off), 1);
    char cmd[2048];
    /* The return address follows the call: look one byte back. */
    snprintf(cmd, sizeof cmd, "addr2line -e '%s' 0x%lx", object, off - 1);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, (int)len, p));
    pclose(p);
    out[strcspn(out, " \n")] = '\0';
}

static void test_report_mode_records_every_ipv4_only_call_site_once_with_counts(void **state)
{
    V6TEST_REQUIRE_IPV6();
    char path[] = "/tmp/v6sock-report-XXXXXX";
    int tmp = mkstemp(path);
    assert_true(tmp >= 0);
    close(tmp);
    unlink(path); /* the shim creates it */
    char env[64 + sizeof path];
    snprintf(env, sizeof env, "V6SHIM_REPORT=%s", path);
    child_env[0] = env;
    struct child c;
    spawn(&c, true, "legacy_server", "2", (char *)NULL);
    child_env[0] = NULL;
    uint16_t port = read_port(&c);
    char buf[256];
    int fd = client(AF_INET6, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, buf, sizeof buf);
    close(fd);
    fd = client(AF_INET, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, buf, sizeof buf);
    close(fd);
    assert_int_equal(finish(&c, buf, sizeof buf), 0);

    static char report[65536];
    read_report(path, report, sizeof report);
    unlink(path);
    print_message("%s", report);
    assert_non_null(strstr(report, "{\"v6shim_report\":2,\"kind\":\"exit\",\"pid\":"));
    assert_non_null(strstr(report, "/legacy/legacy_server\",\"end\":\"exit\",\"sites\":["));
    /* Exactly these sites, with these counts. */
    assert_int_equal(sites_with(report, "v6-socket-af-inet", "socket", 1), 1);
    assert_int_equal(sites_with(report, "v6-inaddr-constant", "bind", 1), 1);
    assert_int_equal(sites_with(report, "v6-ipv6-peer-as-ipv4", "accept", 1), 1);
    assert_int_equal(sites_with(report, "v6-ipv6-peer-as-ipv4", "getpeername", 1), 1);
    assert_int_equal(sites_with(report, "v6-inet-ntoa", "inet_ntoa", 2), 2); /* printf, sprintf */
    assert_int_equal(count_sites(report), 6);
    assert_non_null(strstr(report, "],\"dropped\":0}\n"));
    /* The offsets lead back to the source lines, offline. */
    char where[1024], want[1024];
    addr2line_of(report, "v6-inet-ntoa", "inet_ntoa", where, sizeof where);
    snprintf(want, sizeof want, "legacy_server.c:%d",
             source_line("legacy/legacy_server.c", "/* tcp peer */"));
    assert_non_null(strstr(where, want));
    /* In a ThreadSanitizer build its runtime intercepts socket/bind/accept
     * ahead of the shim, so their caller is the interceptor. */
    if (strstr(report, "/libtsan.so")) {
        print_message("socket/bind sites are the sanitizer's interceptors: not checked\n");
        return;
    }
    addr2line_of(report, "v6-socket-af-inet", "socket", where, sizeof where);
    snprintf(want, sizeof want, "legacy_server.c:%d",
             source_line("legacy/legacy_server.c", "int s = socket(AF_INET"));
    assert_non_null(strstr(where, want));
    addr2line_of(report, "v6-inaddr-constant", "bind", where, sizeof where);
    snprintf(want, sizeof want, "legacy_server.c:%d",
             source_line("legacy/legacy_server.c", "if (bind(s,"));
    assert_non_null(strstr(where, want));
}

static void test_report_only_mode_records_without_translating(void **state)
{
    V6TEST_REQUIRE_IPV6();
    char path[] = "/tmp/v6sock-report-XXXXXX";
    int tmp = mkstemp(path);
    assert_true(tmp >= 0);
    close(tmp);
    unlink(path);
    char env[64 + sizeof path];
    snprintf(env, sizeof env, "V6SHIM_REPORT=%s", path);
    child_env[0] = env;
    child_env[1] = "V6SHIM_ENABLED=no";
    struct child c;
    spawn(&c, true, "legacy_server", "1", (char *)NULL);
    child_env[0] = child_env[1] = NULL;
    uint16_t port = read_port(&c);
    assert_int_equal(client(AF_INET6, SOCK_STREAM, port), -ECONNREFUSED); /* not translated */
    char buf[256];
    int fd = client(AF_INET, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, buf, sizeof buf);
    close(fd);
    assert_string_equal(buf, "hello 127.0.0.1\n");
    assert_int_equal(finish(&c, buf, sizeof buf), 0);
    static char report[65536];
    read_report(path, report, sizeof report);
    unlink(path);
    assert_int_equal(sites_with(report, "v6-socket-af-inet", "socket", 1), 1);
    assert_int_equal(sites_with(report, "v6-inaddr-constant", "bind", 1), 1);
    assert_int_equal(sites_with(report, "v6-inet-ntoa", "inet_ntoa", 1), 2);
    assert_int_equal(count_sites(report), 4);
}

/* An AF_INET6 socket the program never made, on its fd 0 (as inetd hands
 * it over): the IPv4 view for a sockaddr_in-sized buffer, only when
 * translation is on. */
static void test_inherited_ipv6_socket_gets_the_view_only_when_translation_is_on(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    int fd = client(AF_INET6, SOCK_STREAM, srv.port);
    assert_true(fd >= 0);
    char out[256];
    struct child c;
    child_stdin = fd;
    spawn(&c, true, "legacy_inetd", "--service", (char *)NULL);
    assert_int_equal(finish(&c, out, sizeof out), 0);
    assert_true(strncmp(out, "you are ", 8) == 0);
    out[strcspn(out, "\n")] = '\0';
    assert_true(in_pool(out + 8));
    child_env[0] = "V6SHIM_ENABLED=no";
    spawn(&c, true, "legacy_inetd", "--service", (char *)NULL);
    child_env[0] = NULL;
    child_stdin = -1;
    assert_int_equal(finish(&c, out, sizeof out), 1);
    char want[64];
    snprintf(want, sizeof want, "not AF_INET: %d\n", AF_INET6); /* the kernel's own answer */
    assert_string_equal(out, want);
    close(fd);
    v6test_server_stop(&srv);
}

/* inetd-style: the server and the service it execs each append their own line. */
static void test_report_mode_gives_one_line_per_process(void **state)
{
    V6TEST_REQUIRE_IPV6();
    char path[] = "/tmp/v6sock-report-XXXXXX";
    int tmp = mkstemp(path);
    assert_true(tmp >= 0);
    close(tmp);
    unlink(path);
    char env[64 + sizeof path];
    snprintf(env, sizeof env, "V6SHIM_REPORT=%s", path);
    child_env[0] = env;
    struct child c;
    spawn(&c, true, "legacy_inetd", "1", (char *)NULL);
    child_env[0] = NULL;
    uint16_t port = read_port(&c);
    char buf[256];
    int fd = client(AF_INET6, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, buf, sizeof buf);
    close(fd);
    assert_true(strncmp(buf, "you are ", 8) == 0);
    assert_int_equal(finish(&c, buf, sizeof buf), 0);
    static char report[65536];
    size_t n = read_file(path, report, sizeof report);
    unlink(path);
    /* Two processes: the server's site lines (socket, bind), the
     * service's two site lines and its exit line, the server's exit line. */
    assert_int_equal(count_of(report, "\"kind\":\"exit\""), 2);
    char *second = strstr(report, "\"kind\":\"exit\"");
    second = strchr(second, '\n');
    assert_non_null(second);
    *second++ = '\0';
    assert_ptr_equal(strchr(second, '\n') + 1, report + n);
    assert_int_equal(count_of(report, "\"kind\":\"site\""), 4);
    assert_int_equal(count_of(second, "\"kind\":\"site\""), 0);
    /* The service (it exits first): the view of its inherited fd 0, inet_ntoa. */
    assert_int_equal(sites_with(report, "v6-ipv6-peer-as-ipv4", "getpeername", 1), 1);
    assert_int_equal(sites_with(report, "v6-inet-ntoa", "inet_ntoa", 1), 1);
    assert_int_equal(count_sites(report), 2);
    /* The server: its socket and wildcard bind only (accept wanted no address). */
    assert_int_equal(sites_with(second, "v6-socket-af-inet", "socket", 1), 1);
    assert_int_equal(sites_with(second, "v6-inaddr-constant", "bind", 1), 1);
    assert_int_equal(count_sites(second), 2);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_mode_records_every_ipv4_only_call_site_once_with_counts),
        cmocka_unit_test(test_report_only_mode_records_without_translating),
        cmocka_unit_test(test_report_mode_gives_one_line_per_process),
        cmocka_unit_test(test_inherited_ipv6_socket_gets_the_view_only_when_translation_is_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
