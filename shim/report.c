/* report — report mode; see report.h. */
#define _GNU_SOURCE
#include "report.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "symbols.h"

struct report_site {
    enum report_what what;
    const char *call;   /* a string literal */
    const void *caller;
    unsigned long count;
};

static const char *const report_ids[REPORT_NWHAT] = {
    [REPORT_SOCKET_AF_INET] = "v6-socket-af-inet",
    [REPORT_INET_ADDR] = "v6-inet-addr",
    [REPORT_INET_NTOA] = "v6-inet-ntoa",
    [REPORT_WILDCARD_LISTEN] = "v6-inaddr-constant",
    [REPORT_IPV6_PEER] = "v6-ipv6-peer-as-ipv4",
    [REPORT_GETHOSTBYNAME] = "v6-gethostbyname",
    [REPORT_GETHOSTBYADDR] = "v6-gethostbyaddr",
    [REPORT_GETADDRINFO_INET] = "v6-getaddrinfo-af-inet",
    [REPORT_RES_QUERY_A] = "v6-res-query-a",
    [REPORT_OWN_DNS] = "v6-own-dns-client",
};

static pthread_once_t report_once = PTHREAD_ONCE_INIT;
static atomic_bool report_enabled;           /* set once under report_once */
static char report_path[PATH_MAX];           /* written once under report_once */

/* report_lock guards the table below. Leaf lock. */
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;
static struct report_site report_sites[REPORT_MAX_SITES];
static size_t report_nsites;
static unsigned long report_dropped;
/* Set by report_note_resolver; atomic, no lock. Cleared in a forked child. */
static atomic_bool report_resolver_used;

static void report_atfork_prepare(void)
{
    pthread_mutex_lock(&report_lock);
}

static void report_atfork_release(void)
{
    pthread_mutex_unlock(&report_lock);
}

/* A forked child writes its own line at exit: it starts with no sites, so
 * the parent's are not counted twice. */
static void report_atfork_child(void)
{
    report_nsites = 0;
    report_dropped = 0;
    atomic_store(&report_resolver_used, false);
    pthread_mutex_unlock(&report_lock);
}

/* At exit: append this process's line and say so on stderr. */
static void report_flush(void)
{
    int fd = open(report_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        dprintf(2, "v6shim: report: cannot open %s: %s\n", report_path, strerror(errno));
        return;
    }
    int rc = report_write(fd);
    if (close(fd) < 0 && rc == 0)
        rc = -errno; /* e.g. NFS reports a failed write only here (close(2)) */
    if (rc < 0) {
        /* No summary: it would point at a line that is not there. */
        dprintf(2, "v6shim: report: writing %s failed: %s\n", report_path, strerror(-rc));
        return;
    }
    unsigned long total = 0, per[REPORT_NWHAT] = {0};
    pthread_mutex_lock(&report_lock);
    for (size_t i = 0; i < report_nsites; i++) {
        total += report_sites[i].count;
        per[report_sites[i].what] += report_sites[i].count;
    }
    size_t nsites = report_nsites;
    pthread_mutex_unlock(&report_lock);
    char detail[512] = "";
    size_t off = 0;
    for (int w = 0; w < REPORT_NWHAT && off < sizeof detail; w++)
        if (per[w])
            off += (size_t)snprintf(detail + off, sizeof detail - off, "%s%s %lu",
                                    off ? ", " : " (", report_ids[w], per[w]);
    if (off && off < sizeof detail - 1)
        strcat(detail, ")");
    dprintf(2, "v6shim: report: %lu IPv4-only call%s at %zu call site%s%s -> %s\n", total,
            total == 1 ? "" : "s", nsites, nsites == 1 ? "" : "s", detail, report_path);
    if (per[REPORT_OWN_DNS] && !atomic_load(&report_resolver_used))
        dprintf(2, "v6shim: report: the program sends DNS queries itself (UDP port 53) and never "
                   "asked the C library's resolver: no preload can translate its lookups "
                   "(docs/porting-guide.md)\n");
}

static void report_init(void)
{
    const char *path = secure_getenv("V6SHIM_REPORT");
    if (!path || !*path || strlen(path) >= sizeof report_path)
        return;
    strcpy(report_path, path);
    pthread_atfork(report_atfork_prepare, report_atfork_release, report_atfork_child);
    atexit(report_flush);
    atomic_store(&report_enabled, true);
}

/* Set up at load time, so atexit runs in the program's order and a program
 * that never calls a hook still writes its (empty) line. */
__attribute__((constructor)) static void report_ctor(void)
{
    pthread_once(&report_once, report_init);
}

bool report_on(void)
{
    pthread_once(&report_once, report_init);
    return atomic_load_explicit(&report_enabled, memory_order_relaxed);
}

void report_record(enum report_what what, const char *call, const void *caller)
{
    if (!report_on() || what >= REPORT_NWHAT)
        return;
    pthread_mutex_lock(&report_lock);
    size_t i;
    for (i = 0; i < report_nsites; i++) {
        struct report_site *r = &report_sites[i];
        if (r->what == what && r->caller == caller && strcmp(r->call, call) == 0)
            break;
    }
    if (i < report_nsites) {
        report_sites[i].count++;
    } else if (report_nsites < REPORT_MAX_SITES) {
        report_sites[report_nsites++] = (struct report_site){what, call, caller, 1};
    } else {
        report_dropped++;
    }
    pthread_mutex_unlock(&report_lock);
}

void report_note_resolver(void)
{
    if (!atomic_load_explicit(&report_resolver_used, memory_order_relaxed))
        atomic_store(&report_resolver_used, true);
}

void report_note_dns(int fd, const void *sa, unsigned len, const char *call, const void *caller)
{
    if (!sa || !report_on())
        return;
    sa_family_t fam;
    if (len < sizeof fam)
        return;
    memcpy(&fam, sa, sizeof fam);
    in_port_t port;
    if (fam == AF_INET && len >= sizeof(struct sockaddr_in))
        memcpy(&port, (const char *)sa + offsetof(struct sockaddr_in, sin_port), sizeof port);
    else if (fam == AF_INET6 && len >= sizeof(struct sockaddr_in6))
        memcpy(&port, (const char *)sa + offsetof(struct sockaddr_in6, sin6_port), sizeof port);
    else
        return;
    if (ntohs(port) != 53)
        return;
    int saved = errno, type = 0;
    socklen_t tl = sizeof type;
    if (real_getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_DGRAM)
        report_record(REPORT_OWN_DNS, call, caller);
    errno = saved;
}

/* True when the process has a REPORT_OWN_DNS site and made no resolver call. */
static bool report_own_dns_only(const struct report_site *sites, size_t n)
{
    if (atomic_load(&report_resolver_used))
        return false;
    for (size_t i = 0; i < n; i++)
        if (sites[i].what == REPORT_OWN_DNS)
            return true;
    return false;
}

const char *report_check_id(enum report_what what)
{
    return what < REPORT_NWHAT ? report_ids[what] : "?";
}

/*
 * The line is built in BUF[0..LEN) at *OFF, which never passes LEN: a piece
 * that does not fit sets *OFF = LEN ("full"), and the caller drops what
 * it was writing. (snprintf returns what it would have written, so adding
 * that unchecked would move *OFF past the buffer and the next LEN - *OFF
 * would wrap.)
 */
__attribute__((format(printf, 4, 5))) static void report_put(char *buf, size_t len,
                                                            size_t *off, const char *fmt, ...)
{
    if (*off >= len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *off, len - *off, fmt, ap);
    va_end(ap);
    *off = k < 0 || (size_t)k >= len - *off ? len : *off + (size_t)k;
}

/* Length of the well-formed UTF-8 sequence at S (Unicode, table 3-7: no
 * overlong forms, no surrogates, nothing past U+10FFFF), 0 when S does not
 * start one. S is NUL-terminated, so a cut sequence ends at its NUL. */
static size_t report_utf8_len(const unsigned char *s)
{
    unsigned char lo = 0x80, hi = 0xbf;
    size_t k;
    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        k = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        k = 3, lo = s[0] == 0xe0 ? 0xa0 : 0x80, hi = s[0] == 0xed ? 0x9f : 0xbf;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        k = 4, lo = s[0] == 0xf0 ? 0x90 : 0x80, hi = s[0] == 0xf4 ? 0x8f : 0xbf;
    else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < k; i++)
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;
    return k;
}

/* Append S as a JSON string (quoted, escaped), or null when S is NULL.
 * JSON text is UTF-8 (RFC 8259 §8.1) but a path or symbol is any bytes:
 * a byte that does not start a well-formed UTF-8 sequence is written as
 * U+FFFD, so the line always parses. */
static void report_json_str(char *buf, size_t len, size_t *off, const char *s)
{
    if (!s) {
        report_put(buf, len, off, "null");
        return;
    }
    report_put(buf, len, off, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p && *off < len;) {
        char esc[8];
        const char *out = (const char *)p;
        size_t k = 1, w = 1;
        if (*p == '"' || *p == '\\')
            w = (size_t)snprintf(esc, sizeof esc, "\\%c", *p), out = esc;
        else if (*p < 0x20)
            w = (size_t)snprintf(esc, sizeof esc, "\\u%04x", *p), out = esc;
        else if (*p >= 0x80 && (k = w = report_utf8_len(p)) == 0)
            out = "\\ufffd", w = 6, k = 1;
        if (w >= len - *off) {
            *off = len; /* full */
            break;
        }
        memcpy(buf + *off, out, w);
        *off += w;
        p += k;
    }
    report_put(buf, len, off, "\"");
}

/* Room kept for the line's end, "],\"dropped\":N}\n". */
#define REPORT_TAIL_MAX 48

ssize_t report_format(char *line, size_t len, int pid, const char *program, size_t n,
                      unsigned long dropped, report_describe_fn *describe, void *ctx)
{
    if (len <= REPORT_TAIL_MAX)
        return -ENOBUFS;
    size_t body = len - REPORT_TAIL_MAX, off = 0;
    report_put(line, body, &off, "{\"v6shim_report\":1,\"pid\":%d,\"program\":", pid);
    report_json_str(line, body, &off, program);
    report_put(line, body, &off, ",\"sites\":[");
    if (off >= body)
        return -ENOBUFS;
    size_t i;
    for (i = 0; i < n; i++) {
        struct report_entry e;
        describe(i, &e, ctx);
        size_t start = off;
        report_put(line, body, &off, "%s{\"check\":\"%s\",\"call\":\"%s\",\"count\":%lu,\"object\":",
                   i ? "," : "", e.check, e.call, e.count);
        report_json_str(line, body, &off, e.object);
        report_put(line, body, &off, ",\"symbol\":");
        report_json_str(line, body, &off, e.symbol);
        if (e.symbol)
            report_put(line, body, &off, ",\"symbol_offset\":\"0x%zx\"", e.symbol_offset);
        else
            report_put(line, body, &off, ",\"symbol_offset\":null");
        if (e.object)
            report_put(line, body, &off, ",\"object_offset\":\"0x%zx\"}", e.object_offset);
        else
            report_put(line, body, &off, ",\"object_offset\":null}");
        if (off >= body) { /* this site does not fit: it and the rest are dropped */
            off = start;
            break;
        }
    }
    dropped += n - i;
    report_put(line, len, &off, "],\"dropped\":%lu}\n", dropped);
    if (off >= len)
        return -ENOBUFS;
    return (ssize_t)off;
}

/* report_write's describe: symbolise site I of the snapshot with dladdr. */
struct report_snapshot {
    const struct report_site *sites;
    char obj[PATH_MAX];
};

static void report_describe(size_t i, struct report_entry *e, void *ctx)
{
    struct report_snapshot *snap = ctx;
    const struct report_site *s = &snap->sites[i];
    Dl_info di;
    bool known = dladdr(s->caller, &di) != 0;
    uintptr_t pc = (uintptr_t)s->caller;
    *e = (struct report_entry){.check = report_check_id(s->what), .call = s->call,
                               .count = s->count};
    if (!known)
        return;
    /* The object as an absolute path (the main program's may be relative). */
    if (di.dli_fname)
        e->object = realpath(di.dli_fname, snap->obj) ? snap->obj : di.dli_fname;
    e->object_offset = (size_t)(pc - (uintptr_t)di.dli_fbase);
    if (di.dli_sname && di.dli_saddr) {
        e->symbol = di.dli_sname;
        e->symbol_offset = (size_t)(pc - (uintptr_t)di.dli_saddr);
    }
}

/* Not reentrant (static buffers): called at exit, or by a test. */
int report_write(int fd)
{
    static struct report_site sites[REPORT_MAX_SITES];
    static struct report_snapshot snap = {.sites = sites};
    static char line[REPORT_MAX_SITES * 512 + 4 * PATH_MAX];
    pthread_mutex_lock(&report_lock);
    size_t n = report_nsites;
    memcpy(sites, report_sites, n * sizeof sites[0]);
    unsigned long dropped = report_dropped;
    pthread_mutex_unlock(&report_lock);

    char exe[PATH_MAX];
    ssize_t el = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[el > 0 ? el : 0] = '\0';
    ssize_t k = report_format(line, sizeof line, (int)getpid(), exe, n, dropped,
                              report_describe, &snap);
    if (k < 0)
        return (int)k;
    size_t off = (size_t)k;
    /* A program with its own DNS client: say so on its line (report.h). */
    static const char note[] = ",\"notes\":[\"own-dns-client\"]";
    if (report_own_dns_only(sites, n)) {
        if (off < 2 || off + sizeof note - 1 > sizeof line)
            return -ENOBUFS;
        memmove(line + off - 2 + sizeof note - 1, line + off - 2, 2); /* "}\n" */
        memcpy(line + off - 2, note, sizeof note - 1);
        off += sizeof note - 1;
    }
    for (size_t done = 0; done < off;) {
        ssize_t w = write(fd, line + done, off - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)w;
    }
    return 0;
}
