/*
 * Legacy IPv4-only programs (tests/shim/sockets/legacy, each built plain and
 * with -O2 -D_FORTIFY_SOURCE=2) run under v6run (V6SOCK_V6RUN), talked to over
 * real loopback sockets in a private network namespace, with the test names
 * from nss_wrapper (V6SOCK_NSS_WRAPPER). This driver itself is not preloaded.
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

struct child {
    pid_t pid;
    int out; /* its stdout */
};

/* Extra "NAME=value" settings for the next spawned child (NULL-terminated). */
static const char *child_env[4];
/* When >= 0, the next spawned child's stdin. */
static int child_stdin = -1;

/* Start DIR/PROG with the NULL-terminated arguments that follow, under
 * v6run (SHIM) or directly; nss_wrapper (the test names) is preloaded in
 * both cases, and v6run puts the shim before it. */
static void spawn(struct child *c, bool shim, const char *prog, ...)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", getenv("V6SOCK_LEGACY_DIR"), prog);
    char *argv[20];
    int k = 0;
    if (shim) {
        argv[k++] = getenv("V6SOCK_V6RUN");
        argv[k++] = "--";
    }
    argv[k++] = path;
    va_list ap;
    va_start(ap, prog);
    while (k < 19 && (argv[k] = va_arg(ap, char *)) != NULL)
        k++;
    va_end(ap);
    argv[k] = NULL;
    int p[2];
    assert_int_equal(pipe(p), 0);
    c->pid = fork();
    assert_true(c->pid >= 0);
    if (c->pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        setenv("LD_PRELOAD", getenv("V6SOCK_NSS_WRAPPER"), 1);
        for (int i = 0; child_env[i]; i++)
            putenv((char *)child_env[i]);
        if (child_stdin >= 0)
            dup2(child_stdin, 0);
        execv(argv[0], argv);
        _exit(127);
    }
    close(p[1]);
    c->out = p[0];
}

/* One line of the child's output (without the newline); a generous guard
 * against a hung child, not a timing assertion. */
static void read_line(struct child *c, char *buf, size_t len)
{
    size_t n = 0;
    while (n + 1 < len) {
        struct pollfd pfd = {c->out, POLLIN, 0};
        assert_int_equal(poll(&pfd, 1, 20000), 1);
        char ch;
        if (read(c->out, &ch, 1) != 1)
            break;
        if (ch == '\n')
            break;
        buf[n++] = ch;
    }
    buf[n] = '\0';
}

/* Everything the child still writes, then its exit status. */
static int finish(struct child *c, char *rest, size_t len)
{
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(c->out, rest + n, len - 1 - n)) > 0)
        n += (size_t)r;
    rest[n] = '\0';
    close(c->out);
    int st;
    assert_int_equal(waitpid(c->pid, &st, 0), c->pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static uint16_t read_port(struct child *c)
{
    char line[64];
    read_line(c, line, sizeof line);
    unsigned port = 0;
    assert_int_equal(sscanf(line, "port %u", &port), 1);
    assert_true(port > 0 && port < 65536);
    return (uint16_t)port;
}

static bool in_pool(const char *dotted)
{
    struct in_addr a;
    return inet_pton(AF_INET, dotted, &a) == 1 && (ntohl(a.s_addr) & 0xfffe0000u) == 0xc6120000u;
}

/* A client of FAMILY on loopback:PORT; returns the fd or -errno. */
static int client(int family, int type, uint16_t port)
{
    int fd = socket(family, type, 0);
    assert_true(fd >= 0);
    struct sockaddr_storage ss = {0};
    socklen_t len;
    if (family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(port);
        s6->sin6_addr = in6addr_loopback;
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(port);
        s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *s4;
    }
    if (connect(fd, (struct sockaddr *)&ss, len) != 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

static void read_all(int fd, char *buf, size_t len)
{
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
}

static void tcp_server_sees_views(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct child c;
    spawn(&c, true, prog, "2", (char *)NULL);
    uint16_t port = read_port(&c);
    char line[128], greet[128];

    int fd = client(AF_INET6, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, greet, sizeof greet);
    close(fd);
    read_line(&c, line, sizeof line);
    assert_true(strncmp(line, "peer ", 5) == 0);
    assert_true(in_pool(line + 5));
    char want[160];
    snprintf(want, sizeof want, "hello %s\n", line + 5);
    assert_string_equal(greet, want);

    fd = client(AF_INET, SOCK_STREAM, port);
    if (fd < 0) {
        char rest[512];
        int st = finish(&c, rest, sizeof rest);
        print_message("ipv4 client: %s; server exit %d, said: %s\n", strerror(-fd), st, rest);
    }
    assert_true(fd >= 0);
    read_all(fd, greet, sizeof greet);
    close(fd);
    read_line(&c, line, sizeof line);
    assert_string_equal(line, "peer 127.0.0.1");
    assert_string_equal(greet, "hello 127.0.0.1\n");
    assert_int_equal(finish(&c, line, sizeof line), 0);
}

static void test_legacy_tcp_server_accepts_ipv6_and_ipv4_clients_on_one_port(void **state)
{
    tcp_server_sees_views("legacy_server");
}

static void test_fortified_legacy_tcp_server_accepts_ipv6_and_ipv4_clients(void **state)
{
    tcp_server_sees_views("legacy_server_fortify");
}

static void test_legacy_tcp_server_without_shim_refuses_ipv6(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct child c;
    spawn(&c, false, "legacy_server", "1", (char *)NULL);
    uint16_t port = read_port(&c);
    assert_int_equal(client(AF_INET6, SOCK_STREAM, port), -ECONNREFUSED);
    int fd = client(AF_INET, SOCK_STREAM, port);
    assert_true(fd >= 0);
    close(fd);
    char rest[256];
    assert_int_equal(finish(&c, rest, sizeof rest), 0);
    assert_string_equal(rest, "peer 127.0.0.1\n");
}

static void udp_server_sees_views(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct child c;
    spawn(&c, true, prog, "-u", "2", (char *)NULL);
    uint16_t port = read_port(&c);
    const int fams[2] = {AF_INET6, AF_INET};
    for (int i = 0; i < 2; i++) {
        int fd = client(fams[i], SOCK_DGRAM, port);
        assert_true(fd >= 0);
        assert_int_equal(send(fd, "datagram", 8, 0), 8);
        char buf[32] = {0};
        struct pollfd pfd = {fd, POLLIN, 0};
        assert_int_equal(poll(&pfd, 1, 20000), 1);
        assert_int_equal(recv(fd, buf, sizeof buf, 0), 8);
        assert_string_equal(buf, "datagram");
        close(fd);
        char line[64];
        read_line(&c, line, sizeof line);
        assert_true(strncmp(line, "peer ", 5) == 0);
        if (fams[i] == AF_INET6)
            assert_true(in_pool(line + 5));
        else
            assert_string_equal(line, "peer 127.0.0.1");
    }
    char rest[64];
    assert_int_equal(finish(&c, rest, sizeof rest), 0);
}

static void test_legacy_udp_server_answers_ipv6_and_ipv4_clients(void **state)
{
    udp_server_sees_views("legacy_server");
}

static void test_fortified_legacy_udp_server_answers_ipv6_and_ipv4_clients(void **state)
{
    udp_server_sees_views("legacy_server_fortify"); /* recvfrom is __recvfrom_chk here */
}

static void inetd_child_sees_views(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct child c;
    spawn(&c, true, prog, "2", (char *)NULL);
    uint16_t port = read_port(&c);
    char buf[128];
    int fd = client(AF_INET6, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, buf, sizeof buf);
    close(fd);
    assert_true(strncmp(buf, "you are ", 8) == 0);
    buf[strcspn(buf, "\n")] = '\0';
    assert_true(in_pool(buf + 8));
    fd = client(AF_INET, SOCK_STREAM, port);
    assert_true(fd >= 0);
    read_all(fd, buf, sizeof buf);
    close(fd);
    assert_string_equal(buf, "you are 127.0.0.1\n");
    assert_int_equal(finish(&c, buf, sizeof buf), 0);
}

static void test_inetd_style_service_sees_ipv4_view_of_inherited_socket(void **state)
{
    inetd_child_sees_views("legacy_inetd");
}

static void test_fortified_inetd_style_service_sees_ipv4_view(void **state)
{
    inetd_child_sees_views("legacy_inetd_fortify");
}

static void differential(const char *prog)
{
    char with[8192], without[8192];
    struct child c;
    spawn(&c, false, prog, (char *)NULL);
    int st_without = finish(&c, without, sizeof without);
    spawn(&c, true, prog, (char *)NULL);
    int st_with = finish(&c, with, sizeof with);
    assert_int_equal(st_without, 0);
    assert_int_equal(st_with, st_without);
    assert_true(strlen(without) > 500); /* it did run the whole scenario */
    assert_string_equal(with, without);
}

static void test_ipv4_only_scenario_is_identical_with_and_without_shim(void **state)
{
    differential("legacy_v4only");
}

static void test_fortified_ipv4_only_scenario_is_identical_with_and_without_shim(void **state)
{
    differential("legacy_v4only_fortify");
}

/* ---- clients, by name (the resolver hooks hand out pool addresses) ---- */

static void tcp_client_by_name(const char *prog, const char *name, const char *server_addr,
                               const char *want_reply)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, server_addr, SOCK_STREAM, V6TEST_SAY_PEER), 0);
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    struct child c;
    spawn(&c, true, prog, name, port, "legacy", (char *)NULL);
    char out[512];
    int st = finish(&c, out, sizeof out);
    v6test_server_stop(&srv);
    print_message("%s", out);
    assert_int_equal(st, 0);
    char peer[64], reply[256];
    assert_int_equal(sscanf(out, "peer %63s\nreply: %255[^\n]", peer, reply), 2);
    assert_true(in_pool(peer));
    assert_string_equal(reply, want_reply);
}

static void test_legacy_client_reaches_ipv6_only_tcp_server_by_name(void **state)
{
    tcp_client_by_name("legacy_client", V6TEST_NAME_V6ONLY, "::1", "::1");
}

static void test_fortified_legacy_client_reaches_ipv6_only_tcp_server_by_name(void **state)
{
    tcp_client_by_name("legacy_client_fortify", V6TEST_NAME_V6ONLY, "::1", "::1");
}

static void test_legacy_client_reaches_dual_name_whose_ipv6_refuses(void **state)
{
    /* Only 127.0.0.1 listens: the IPv6 attempt is refused, Happy Eyeballs
     * goes on to IPv4 although the program only ever tried h_addr. */
    tcp_client_by_name("legacy_client", V6TEST_NAME_DUAL, "127.0.0.1", "127.0.0.1");
}

static void udp_client_by_name(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_DGRAM, V6TEST_ECHO), 0);
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    struct child c;
    spawn(&c, true, prog, "-u", V6TEST_NAME_V6ONLY, port, "udp-legacy", (char *)NULL);
    char out[512];
    int st = finish(&c, out, sizeof out);
    v6test_server_stop(&srv);
    print_message("%s", out);
    assert_int_equal(st, 0);
    char from[64];
    assert_int_equal(sscanf(out, "from %63s\n", from), 1);
    assert_true(in_pool(from));
    assert_non_null(strstr(out, "\nsame as sent to: yes\nreply: udp-legacy\n"));
}

static void test_legacy_client_reaches_ipv6_only_udp_server_by_name(void **state)
{
    udp_client_by_name("legacy_client");
}

static void test_fortified_legacy_client_reaches_ipv6_only_udp_server_by_name(void **state)
{
    udp_client_by_name("legacy_client_fortify");
}

static void test_legacy_client_without_shim_cannot_resolve_ipv6_only_name(void **state)
{
    struct child c;
    spawn(&c, false, "legacy_client", V6TEST_NAME_V6ONLY, "9", "x", (char *)NULL);
    char out[256];
    assert_int_equal(finish(&c, out, sizeof out), 1);
    assert_string_equal(out, "unknown host " V6TEST_NAME_V6ONLY "\n");
}

static void evloop_client(const char *prog)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv;
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    struct child c;
    spawn(&c, true, prog, V6TEST_NAME_V6ONLY, port, "evloop", (char *)NULL);
    char out[512];
    int st = finish(&c, out, sizeof out);
    v6test_server_stop(&srv);
    print_message("%s", out);
    assert_int_equal(st, 0);
    /* Loopback may complete the connect at once; both are the kernel's answers. */
    assert_true(strcmp(out, "connect: in progress\nso_error: none\nreply: evloop\n") == 0 ||
                strcmp(out, "connect: at once\nso_error: none\nreply: evloop\n") == 0);
}

static void test_event_loop_client_connects_nonblocking_to_ipv6_only_name(void **state)
{
    evloop_client("legacy_evloop");
}

static void test_fortified_event_loop_client_connects_to_ipv6_only_name(void **state)
{
    evloop_client("legacy_evloop_fortify");
}

static void test_event_loop_client_sees_refusal_through_so_error(void **state)
{
    V6TEST_REQUIRE_IPV6();
    struct v6test_server srv; /* a port nobody listens on any more */
    assert_int_equal(v6test_server_start(&srv, "::1", SOCK_STREAM, V6TEST_ECHO), 0);
    char port[8];
    snprintf(port, sizeof port, "%u", srv.port);
    v6test_server_stop(&srv);
    struct child c;
    spawn(&c, true, "legacy_evloop", V6TEST_NAME_V6ONLY, port, "x", (char *)NULL);
    char out[512];
    assert_int_equal(finish(&c, out, sizeof out), 1);
    print_message("%s", out);
    assert_true(strcmp(out, "connect: in progress\nso_error: Connection refused\n") == 0 ||
                strcmp(out, "connect: Connection refused\n") == 0);
}

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
        cmocka_unit_test(test_legacy_tcp_server_accepts_ipv6_and_ipv4_clients_on_one_port),
        cmocka_unit_test(test_fortified_legacy_tcp_server_accepts_ipv6_and_ipv4_clients),
        cmocka_unit_test(test_legacy_tcp_server_without_shim_refuses_ipv6),
        cmocka_unit_test(test_legacy_udp_server_answers_ipv6_and_ipv4_clients),
        cmocka_unit_test(test_fortified_legacy_udp_server_answers_ipv6_and_ipv4_clients),
        cmocka_unit_test(test_inetd_style_service_sees_ipv4_view_of_inherited_socket),
        cmocka_unit_test(test_fortified_inetd_style_service_sees_ipv4_view),
        cmocka_unit_test(test_ipv4_only_scenario_is_identical_with_and_without_shim),
        cmocka_unit_test(test_fortified_ipv4_only_scenario_is_identical_with_and_without_shim),
        cmocka_unit_test(test_legacy_client_reaches_ipv6_only_tcp_server_by_name),
        cmocka_unit_test(test_fortified_legacy_client_reaches_ipv6_only_tcp_server_by_name),
        cmocka_unit_test(test_legacy_client_reaches_dual_name_whose_ipv6_refuses),
        cmocka_unit_test(test_legacy_client_reaches_ipv6_only_udp_server_by_name),
        cmocka_unit_test(test_fortified_legacy_client_reaches_ipv6_only_udp_server_by_name),
        cmocka_unit_test(test_legacy_client_without_shim_cannot_resolve_ipv6_only_name),
        cmocka_unit_test(test_event_loop_client_connects_nonblocking_to_ipv6_only_name),
        cmocka_unit_test(test_fortified_event_loop_client_connects_to_ipv6_only_name),
        cmocka_unit_test(test_event_loop_client_sees_refusal_through_so_error),
        cmocka_unit_test(test_report_mode_records_every_ipv4_only_call_site_once_with_counts),
        cmocka_unit_test(test_report_only_mode_records_without_translating),
        cmocka_unit_test(test_report_mode_gives_one_line_per_process),
        cmocka_unit_test(test_inherited_ipv6_socket_gets_the_view_only_when_translation_is_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
/* NOLINTEND(v6-*) */
