/*
 * ported/http_get.c — a small HTTP/1.0 GET client that handles every kind
 * of host a URL can carry.
 *
 * What it teaches: an IPv6 literal in a URL sits in square brackets (RFC
 * 3986 section 3.2.2), because its colons would otherwise be read as the
 * port separator: http://[2001:db8::1]:8080/x. A link-local literal carries
 * a zone (scope) id, written "%25" + zone in a URI (RFC 6874), e.g.
 * http://[fe80::1%25eth0]/; this parser also accepts the bare "%eth0" people
 * type. The zone goes to getaddrinfo ("fe80::1%eth0" sets sin6_scope_id) but
 * never onto the wire: the Host header is "[fe80::1]" (RFC 6874 section 4),
 * brackets kept, port added when it is not 80 (RFC 7230 section 5.4). Then
 * the usual: getaddrinfo(AF_UNSPEC), every address in order, a timeout per
 * attempt.
 *
 * Usage: ported_http_get [-t SECONDS] URL
 * -t: the timeout of each connect attempt and of each read, 1..3600 s
 *     (default 5).
 * stdout: the response body. stderr: "trying …", "connected to …" and the
 * status line. Exit: 0 for a 2xx response, 1 for another status or a
 * network failure, 2 for a bad URL or bad arguments.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <bsd/stdlib.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

struct url {
    char host[NI_MAXHOST]; /* for getaddrinfo: "example.org", "::1", "fe80::1%eth0" */
    char port[6];          /* decimal, "80" when the URL has none */
    char path[2048];       /* from the first '/', "/" when the URL has none */
    bool ipv6_literal;     /* host came in brackets */
    size_t zone_at;        /* ipv6_literal: index of '%' in host, or 0 */
};

/*
 * Split an "http://" URL into U. Accepts a reg-name or IPv4 host, or an IPv6
 * literal in brackets with an optional zone ("%25zone" or "%zone"); an
 * optional port (1..65535; "host:" means the default, as RFC 3986 allows);
 * path, query and fragment are kept as the path. Returns 0, or -EINVAL with
 * a reason in *WHY: a missing scheme, userinfo, unbalanced brackets, an
 * invalid IPv6 literal, an unbracketed IPv6 address, a bad port.
 */
static int url_parse(const char *text, struct url *u, const char **why)
{
    memset(u, 0, sizeof *u);
    if (strncasecmp(text, "http://", 7) != 0) {
        *why = "only http:// URLs are supported";
        return -EINVAL;
    }
    const char *auth = text + 7;
    size_t alen = strcspn(auth, "/?#");
    const char *rest = auth + alen;
    if (memchr(auth, '@', alen)) {
        *why = "user information in URLs is not supported";
        return -EINVAL;
    }
    const char *port = NULL;
    if (alen > 0 && auth[0] == '[') {
        const char *close = memchr(auth, ']', alen);
        if (close == NULL) {
            *why = "'[' without ']'";
            return -EINVAL;
        }
        size_t inner = (size_t)(close - auth - 1);
        if (inner == 0 || inner >= sizeof u->host) {
            *why = "bad IPv6 literal";
            return -EINVAL;
        }
        memcpy(u->host, auth + 1, inner);
        char *pct = strchr(u->host, '%');
        if (pct != NULL) {
            /* RFC 6874: "%25" is the encoded '%'; a bare '%' is accepted too
             * (so a zone literally named "25…" must be written "%2525…"). */
            if (pct[1] == '2' && pct[2] == '5')
                memmove(pct + 1, pct + 3, strlen(pct + 3) + 1);
            if (pct[1] == '\0' || strlen(pct + 1) >= IF_NAMESIZE) {
                *why = "bad zone id";
                return -EINVAL;
            }
            u->zone_at = (size_t)(pct - u->host);
            *pct = '\0'; /* validate the address part alone */
        }
        struct in6_addr a6;
        bool ok = inet_pton(AF_INET6, u->host, &a6) == 1;
        if (pct != NULL)
            *pct = '%';
        if (!ok) {
            *why = "bad IPv6 literal";
            return -EINVAL;
        }
        u->ipv6_literal = true;
        if (close + 1 < rest) {
            if (close[1] != ':') {
                *why = "junk after ']'";
                return -EINVAL;
            }
            port = close + 2;
        }
    } else {
        const char *colon = memchr(auth, ':', alen);
        size_t hlen = colon ? (size_t)(colon - auth) : alen;
        if (colon && memchr(colon + 1, ':', (size_t)(rest - colon - 1))) {
            *why = "IPv6 addresses in URLs must be in brackets, e.g. http://[2001:db8::1]:8080/";
            return -EINVAL;
        }
        if (hlen == 0 || hlen >= sizeof u->host || memchr(auth, '[', hlen) ||
            memchr(auth, ']', hlen)) {
            *why = "bad host";
            return -EINVAL;
        }
        memcpy(u->host, auth, hlen);
        if (colon)
            port = colon + 1;
    }
    strcpy(u->port, "80");
    if (port != NULL && port < rest) {
        /* RFC 3986 §3.2.3: port = *DIGIT; strtonum alone would take a sign
         * or a blank too */
        char digits[8];
        size_t plen = (size_t)(rest - port);
        const char *bad = NULL;
        if (plen == 0 || strspn(port, "0123456789") < plen) {
            *why = "bad port";
            return -EINVAL;
        }
        while (plen > 1 && *port == '0') { /* "0080" is port 80 */
            port++;
            plen--;
        }
        if (plen >= sizeof digits) {
            *why = "bad port";
            return -EINVAL;
        }
        memcpy(digits, port, plen);
        digits[plen] = '\0';
        long long v = strtonum(digits, 1, 65535, &bad);
        if (bad != NULL) {
            *why = "bad port";
            return -EINVAL;
        }
        snprintf(u->port, sizeof u->port, "%lld", v); /* "080" -> "80" */
    }
    /* "http://h?q" has the path "/?q": the path always starts with '/'. */
    size_t at = *rest == '/' ? 0 : 1, rlen = strlen(rest);
    if (at + rlen >= sizeof u->path) {
        *why = "path too long";
        return -EINVAL;
    }
    u->path[0] = '/';
    memcpy(u->path + at, rest, rlen + 1);
    return 0;
}

/*
 * The Host header value for U into BUF: brackets around an IPv6 literal,
 * without its zone id; ":port" unless the port is 80. Returns the length,
 * or -ENOSPC when BUF is too small.
 */
static int url_host_header(const struct url *u, char *buf, size_t size)
{
    size_t hlen = u->ipv6_literal && u->zone_at ? u->zone_at : strlen(u->host);
    bool dflt = strcmp(u->port, "80") == 0;
    int n = snprintf(buf, size, "%s%.*s%s%s%s", u->ipv6_literal ? "[" : "", (int)hlen, u->host,
                     u->ipv6_literal ? "]" : "", dflt ? "" : ":", dflt ? "" : u->port);
    return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

/* Connect with a timeout (non-blocking connect + poll + SO_ERROR): 0 or -errno. */
static int connect_timeout(int fd, const struct sockaddr *sa, socklen_t len, int timeout_ms)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -errno;
    int err = 0;
    if (connect(fd, sa, len) < 0) {
        if (errno != EINPROGRESS)
            return -errno;
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int rc;
        while ((rc = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
            ;
        if (rc <= 0)
            return rc == 0 ? -ETIMEDOUT : -errno;
        socklen_t elen = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
            return -errno;
    }
    if (err == 0 && fcntl(fd, F_SETFL, flags) < 0)
        return -errno;
    return -err;
}

/* Every address of U in order; the connected fd, or -1 with reasons printed. */
static int connect_url(const struct url *u, int timeout_ms)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int rc = getaddrinfo(u->host, u->port, &hints, &res);
    if (rc != 0) {
        fprintf(stderr, "ported_http_get: %s port %s: %s\n", u->host, u->port,
                rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        char h[NI_MAXHOST], s[NI_MAXSERV];
        if (getnameinfo(ai->ai_addr, ai->ai_addrlen, h, sizeof h, s, sizeof s,
                        NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
            strcpy(h, "?");
            strcpy(s, "?");
        }
        fprintf(stderr, "trying %s port %s\n", h, s);
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        int e = fd < 0 ? -errno : connect_timeout(fd, ai->ai_addr, ai->ai_addrlen, timeout_ms);
        if (e == 0) {
            fprintf(stderr, "connected to %s port %s\n", h, s);
            break;
        }
        fprintf(stderr, "%s port %s: %s\n", h, s, strerror(-e));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* Write all of BUF[0..LEN) to FD: 0 or -errno. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0)
            return -errno;
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

/*
 * Read the response on FD: status line to stderr, body to stdout. Returns
 * the HTTP status code, or -1 for a response that is not HTTP.
 */
static int read_response(int fd)
{
    char head[8192];
    size_t got = 0;
    char *end = NULL;
    while (end == NULL && got < sizeof head - 1) {
        ssize_t n = read(fd, head + got, sizeof head - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        head[got] = '\0';
        end = strstr(head, "\r\n\r\n");
    }
    int status;
    if (end == NULL || sscanf(head, "HTTP/%*d.%*d %3d", &status) != 1) {
        fprintf(stderr, "ported_http_get: not an HTTP response\n");
        return -1;
    }
    fprintf(stderr, "%.*s\n", (int)strcspn(head, "\r"), head);
    end += 4;
    fwrite(end, 1, got - (size_t)(end - head), stdout);
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    return status;
}

int main(int argc, char **argv)
{
    int timeout_s = 5, opt;
    while ((opt = getopt(argc, argv, "t:")) != -1) {
        if (opt != 't')
            goto usage;
        const char *why;
        long long v = strtonum(optarg, 1, 3600, &why); /* libbsd, as OpenBSD's nc */
        if (why != NULL) {
            fprintf(stderr, "ported_http_get: bad timeout '%s' (want 1..3600 seconds)\n", optarg);
            return 2;
        }
        timeout_s = (int)v;
    }
    if (argc - optind != 1)
        goto usage;

    struct url u;
    const char *why = NULL;
    if (url_parse(argv[optind], &u, &why) < 0) {
        fprintf(stderr, "ported_http_get: %s: %s\n", argv[optind], why);
        return 2;
    }
    char host_header[NI_MAXHOST + 8];
    if (url_host_header(&u, host_header, sizeof host_header) < 0) {
        fprintf(stderr, "ported_http_get: host name too long\n");
        return 2;
    }
    int fd = connect_url(&u, timeout_s * 1000);
    if (fd < 0)
        return 1;
    struct timeval tv = {.tv_sec = timeout_s};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);

    char req[sizeof u.path + sizeof host_header + 128];
    int len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: v6kit-sample\r\n"
                       "Connection: close\r\n\r\n",
                       u.path, host_header);
    int status = -1;
    if (write_all(fd, req, (size_t)len) < 0)
        perror("ported_http_get: write");
    else
        status = read_response(fd);
    close(fd);
    return status >= 200 && status <= 299 ? 0 : 1;
usage:
    fprintf(stderr, "usage: ported_http_get [-t SECONDS] URL\n");
    return 2;
}
