/*
 * legacy/http_get.c — a small HTTP/1.0 GET client the way many were written:
 * the URL is split with strchr() at the first ':' after the scheme, so
 * "http://[2001:db8::1]:8080/" is taken apart in the middle of the address;
 * the host goes to gethostbyname(), which knows nothing of IPv6; the Host
 * header is built from the same broken pieces; there is no timeout. Compare
 * with ported/http_get.c (RFC 3986 brackets, RFC 6874 zone ids).
 *
 * Usage: legacy_http_get URL
 * Prints the response body. Exit: 0 on any response, 1 on failure, 2 on a
 * bad URL.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char host[256], path[1024], req[1400], buf[4096], *p, *q, *body;
    struct hostent *hp;
    struct sockaddr_in sin;
    int s, n, port = 80, total = 0;

    if (argc != 2 || strncmp(argv[1], "http://", 7) != 0) {
        fprintf(stderr, "usage: legacy_http_get http://HOST[:PORT]/PATH\n");
        exit(2);
    }
    p = argv[1] + 7;
    q = strchr(p, '/');
    strcpy(path, q ? q : "/");
    if (q)
        *q = '\0';
    q = strchr(p, ':');
    if (q) {
        *q = '\0';
        port = atoi(q + 1);
    }
    strncpy(host, p, sizeof(host) - 1);
    host[sizeof(host) - 1] = '\0';

    if ((hp = gethostbyname(host)) == NULL) {
        fprintf(stderr, "legacy_http_get: %s: unknown host\n", host);
        exit(1);
    }
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    memcpy(&sin.sin_addr, hp->h_addr, 4);
    s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("connect");
        exit(1);
    }
    sprintf(req, "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host);
    if (write(s, req, strlen(req)) < 0) perror("write");
    while (total < (int)sizeof(buf) - 1 && (n = read(s, buf + total, sizeof(buf) - 1 - total)) > 0)
        total += n;
    buf[total] = '\0';
    close(s);
    body = strstr(buf, "\r\n\r\n");
    if (body == NULL) {
        fprintf(stderr, "legacy_http_get: bad response\n");
        exit(1);
    }
    fputs(body + 4, stdout);
    return 0;
}
