/*
 * legacy_test_util — what the legacy-program tests (test_legacy.c,
 * test_legacy_report.c) share: spawning a legacy program under v6run or
 * directly, reading its lines and port, and plain IPv4/IPv6 clients. See
 * legacy_test_util.h.
 */
/* NOLINTBEGIN(v6-*): these helpers drive legacy IPv4-only programs on purpose (v6scan self-scan). */
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

/* Extra "NAME=value" settings for the next spawned child (NULL-terminated). */
const char *child_env[4];
/* When >= 0, the next spawned child's stdin. */
int child_stdin = -1;

/* Start DIR/PROG with the NULL-terminated arguments that follow, under
 * v6run (SHIM) or directly; nss_wrapper (the test names) is preloaded in
 * both cases, and v6run puts the shim before it. */
void spawn(struct child *c, bool shim, const char *prog, ...)
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
void read_line(struct child *c, char *buf, size_t len)
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
int finish(struct child *c, char *rest, size_t len)
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

uint16_t read_port(struct child *c)
{
    char line[64];
    read_line(c, line, sizeof line);
    unsigned port = 0;
    assert_int_equal(sscanf(line, "port %u", &port), 1);
    assert_true(port > 0 && port < 65536);
    return (uint16_t)port;
}

bool in_pool(const char *dotted)
{
    struct in_addr a;
    return inet_pton(AF_INET, dotted, &a) == 1 && (ntohl(a.s_addr) & 0xfffe0000u) == 0xc6120000u;
}

/* A client of FAMILY on loopback:PORT; returns the fd or -errno. */
int client(int family, int type, uint16_t port)
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

void read_all(int fd, char *buf, size_t len)
{
    size_t n = 0;
    ssize_t r;
    while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
}
/* NOLINTEND(v6-*) */
