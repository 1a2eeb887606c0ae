/*
 * legacy_test_util.h — shared by the legacy-program tests (test_legacy.c,
 * test_legacy_report.c): the programs in tests/shim/sockets/legacy run
 * under v6run (V6SOCK_V6RUN) or directly, with nss_wrapper preloaded
 * (V6SOCK_NSS_WRAPPER). Include after <cmocka.h>.
 */
#ifndef V6KIT_LEGACY_TEST_UTIL_H
#define V6KIT_LEGACY_TEST_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>


struct child {
    pid_t pid;
    int out; /* its stdout */
};

/* Extra "NAME=value" settings for the next spawned child (NULL-terminated). */
extern const char *child_env[4];
/* When >= 0, the next spawned child's stdin. */
extern int child_stdin;

void spawn(struct child *c, bool shim, const char *prog, ...);
void read_line(struct child *c, char *buf, size_t len);
int finish(struct child *c, char *rest, size_t len);
uint16_t read_port(struct child *c);
bool in_pool(const char *dotted);
int client(int family, int type, uint16_t port);
void read_all(int fd, char *buf, size_t len);

#endif
