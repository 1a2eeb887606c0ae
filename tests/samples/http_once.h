/*
 * http_once — a one-request HTTP/1.0 server for the sample tests.
 *
 * It runs in a forked child, accepts one connection, reads the request up to
 * its blank line and answers "HTTP/1.0 STATUS" with the request itself as
 * the body, so a test sees exactly what a client put on the wire.
 */
#ifndef HTTP_ONCE_H
#define HTTP_ONCE_H

#include <stdint.h>
#include <sys/types.h>

struct http_server {
    pid_t pid;     /* the serving child */
    uint16_t port; /* bound port, host order */
};

/*
 * Start the server on a free port of the numeric address ADDR ("::1",
 * "127.0.0.1", or with a zone: "fe80::1%lo"; zones are resolved here with
 * if_nametoindex, since nss_wrapper's getaddrinfo drops them). STATUS is
 * the status line's tail, e.g. "200 OK". Returns 0 or -errno.
 */
int http_server_start(struct http_server *s, const char *addr, const char *status);

/* Stop the server (if it is still waiting) and reap it. */
void http_server_stop(struct http_server *s);

#endif
