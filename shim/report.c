/* report — report mode; see report.h. */
#define _GNU_SOURCE
#include "report.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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

/* Append S as a JSON string (quoted, escaped) to BUF at *OFF, or null. */
static void report_json_str(char *buf, size_t len, size_t *off, const char *s)
{
    if (!s) {
        *off += (size_t)snprintf(buf + *off, *off < len ? len - *off : 0, "null");
        return;
    }
    if (*off < len)
        buf[(*off)++] = '"';
    for (; *s && *off + 8 < len; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            *off += (size_t)snprintf(buf + *off, len - *off, "\\%c", c);
        else if (c < 0x20)
            *off += (size_t)snprintf(buf + *off, len - *off, "\\u%04x", c);
        else
            buf[(*off)++] = (char)c;
    }
    if (*off < len)
        buf[(*off)++] = '"';
}

/* Not reentrant (static buffers): called at exit, or by a test. */
int report_write(int fd)
{
    static struct report_site sites[REPORT_MAX_SITES];
    static char line[REPORT_MAX_SITES * 512 + 4 * PATH_MAX];
    pthread_mutex_lock(&report_lock);
    size_t n = report_nsites;
    memcpy(sites, report_sites, n * sizeof sites[0]);
    unsigned long dropped = report_dropped;
    pthread_mutex_unlock(&report_lock);

    char exe[PATH_MAX];
    ssize_t el = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[el > 0 ? el : 0] = '\0';
    size_t len = sizeof line, off = 0;
    off += (size_t)snprintf(line, len, "{\"v6shim_report\":1,\"pid\":%d,\"program\":", (int)getpid());
    report_json_str(line, len, &off, exe);
    off += (size_t)snprintf(line + off, len - off, ",\"sites\":[");
    size_t i;
    for (i = 0; i < n && off + 2 * PATH_MAX + 1024 < len; i++) {
        Dl_info di;
        bool known = dladdr(sites[i].caller, &di) != 0;
        off += (size_t)snprintf(line + off, len - off, "%s{\"check\":\"%s\",\"call\":\"%s\",\"count\":%lu,\"object\":",
                                i ? "," : "", report_check_id(sites[i].what), sites[i].call,
                                sites[i].count);
        /* The object as an absolute path (the main program's may be relative). */
        char obj[PATH_MAX];
        const char *object = NULL;
        if (known && di.dli_fname)
            object = realpath(di.dli_fname, obj) ? obj : di.dli_fname;
        report_json_str(line, len, &off, object);
        off += (size_t)snprintf(line + off, len - off, ",\"symbol\":");
        report_json_str(line, len, &off, known ? di.dli_sname : NULL);
        uintptr_t pc = (uintptr_t)sites[i].caller;
        if (known && di.dli_saddr)
            off += (size_t)snprintf(line + off, len - off, ",\"symbol_offset\":\"0x%zx\"",
                                    (size_t)(pc - (uintptr_t)di.dli_saddr));
        else
            off += (size_t)snprintf(line + off, len - off, ",\"symbol_offset\":null");
        if (known)
            off += (size_t)snprintf(line + off, len - off, ",\"object_offset\":\"0x%zx\"}",
                                    (size_t)(pc - (uintptr_t)di.dli_fbase));
        else
            off += (size_t)snprintf(line + off, len - off, ",\"object_offset\":null}");
    }
    dropped += n - i; /* sites that did not fit in the line */
    off += (size_t)snprintf(line + off, len - off, "],\"dropped\":%lu%s}\n", dropped,
                            report_own_dns_only(sites, n) ? ",\"notes\":[\"own-dns-client\"]"
                                                          : "");
    if (off >= len)
        return -ENOBUFS;
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
