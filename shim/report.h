/*
 * report — report mode: which IPv4-only constructs a program actually
 * executes, and from where.
 *
 * On when V6SHIM_REPORT names a file (read once, with secure_getenv).
 * Recording changes no behaviour: translation stays as configured
 * (`enabled`), so `V6SHIM_ENABLED=no V6SHIM_REPORT=f` only observes.
 *
 * Each (construct, hooked call, call site) is kept once with a count. A call
 * site is the return address in the program's code; it is symbolised at exit
 * with dladdr (object, exported symbol if any, offsets) and never with
 * addr2line at run time: `addr2line -e OBJECT OBJECT_OFFSET-1` gives the
 * source line offline. At exit each process appends ONE line of JSON to the
 * file (JSON Lines: a forked child, which starts with no sites, or an exec'd
 * one adds its own line) and prints a one-line summary on stderr:
 *
 *   {"v6shim_report":1,"pid":N,"program":"…","sites":[{"check":"v6-inet-ntoa",
 *    "call":"inet_ntoa","count":2,"object":"/path/prog","symbol":null,
 *    "symbol_offset":null,"object_offset":"0x1a2b"}…],"dropped":0}
 *
 * Strings are JSON-escaped; a byte of a path or symbol name that is not
 * well-formed UTF-8 is written as \ufffd (U+FFFD), since JSON text must
 * be UTF-8 (RFC 8259 §8.1). A site is written whole or counted as dropped.
 *
 * Check ids are v6scan's where the two meet (docs/checks/), so runtime and
 * static findings can be joined; "v6-ipv6-peer-as-ipv4" is runtime-only.
 * Lock: report_lock guards the site table; a leaf. report_on() is one atomic
 * load, so hooks pay nothing when the mode is off.
 */
#ifndef V6SHIM_REPORT_H
#define V6SHIM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum report_what {
    REPORT_SOCKET_AF_INET,   /* socket(AF_INET)                  v6-socket-af-inet */
    REPORT_INET_ADDR,        /* inet_addr, inet_aton             v6-inet-addr */
    REPORT_INET_NTOA,        /* inet_ntoa                        v6-inet-ntoa */
    REPORT_WILDCARD_LISTEN,  /* bind(AF_INET, INADDR_ANY)        v6-inaddr-constant */
    REPORT_IPV6_PEER,        /* an IPv6 peer shown as IPv4       v6-ipv6-peer-as-ipv4 */
    REPORT_GETHOSTBYNAME,    /* gethostbyname family             v6-gethostbyname */
    REPORT_GETHOSTBYADDR,    /* gethostbyaddr family             v6-gethostbyaddr */
    REPORT_GETADDRINFO_INET, /* getaddrinfo(_a) with AF_INET     v6-getaddrinfo-af-inet */
    REPORT_RES_QUERY_A,      /* res_query/res_search for IN A    v6-res-query-a */
    REPORT_OWN_DNS,          /* UDP to port 53 from the program  v6-own-dns-client */
    REPORT_NWHAT
};

#define REPORT_MAX_SITES 512

/* Is report mode on? (Sets itself up on first call.) */
bool report_on(void);

/* Count construct WHAT made through hooked function CALL (a string
 * literal) from return address CALLER. No-op when report mode is off;
 * sites beyond REPORT_MAX_SITES are counted as dropped. */
void report_record(enum report_what what, const char *call, const void *caller);

/* The program called one of libc's resolver functions (any hooked one). */
void report_note_resolver(void);

/*
 * For the socket layer's connect, sendto and sendmsg hooks, before anything
 * else (tracked fd or not): the program sends to or connects FD to SA. A
 * UDP socket (SO_TYPE SOCK_DGRAM) and an AF_INET or AF_INET6 SA with port
 * 53 is recorded as REPORT_OWN_DNS at CALLER with CALL: the program has a
 * DNS client of its own (djb-style tools, c-ares, ldns), whose lookups no
 * preload can translate (glibc's own resolver sends through internal calls
 * that never reach a hook, so it is never counted). When the process then
 * made no resolver call at all, its report line carries
 * "notes":["own-dns-client"] and the stderr summary says so. No-op when
 * report mode is off; errno is preserved.
 */
void report_note_dns(int fd, const void *sa, unsigned len, const char *call, const void *caller);

/* The check id of WHAT ("v6-socket-af-inet", …). */
const char *report_check_id(enum report_what what);

/* One call site as the report line shows it (report_format). */
struct report_entry {
    const char *check;    /* the check id */
    const char *call;     /* the hooked function */
    unsigned long count;
    const char *object;   /* the object's path; NULL: not known (no offsets) */
    size_t object_offset; /* the return address minus the object's base */
    const char *symbol;   /* the nearest exported symbol; NULL: none */
    size_t symbol_offset; /* the return address minus the symbol's */
};

/* Fill *E for site I (0..N) of report_format's caller. */
typedef void report_describe_fn(size_t i, struct report_entry *e, void *ctx);

/* Write the JSON line (with its newline) of process PID running PROGRAM,
 * with N sites described by DESCRIBE and DROPPED more, into LINE[0..LEN).
 * Never writes past LEN. Returns the line's length (< LEN; LINE is then
 * NUL-terminated), or -ENOBUFS when LEN cannot hold the line without any
 * site. A site is written whole or not at all: the sites from the first one
 * that does not fit on are counted as dropped. (report_write's formatter;
 * exposed for tests and the fuzz target.) */
ssize_t report_format(char *line, size_t len, int pid, const char *program, size_t n,
                      unsigned long dropped, report_describe_fn *describe, void *ctx);

/* Append this process's JSON line to FD. Returns 0 or -errno. (At exit this
 * runs by itself; tests call it directly.) */
int report_write(int fd);

#endif
