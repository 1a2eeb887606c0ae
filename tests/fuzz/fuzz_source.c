/*
 * fuzz_source — v6scan on mutated C sources, in process: parse_job (the
 * libclang parse v6scan runs, default flags), walk_tu with every check,
 * then what a scan does to the findings (normalise, suppression comments,
 * source annotation, fingerprints).
 *
 * The input is the text of fuzz.c in a private scan root (written to a
 * file there: parse_job reads the file as v6scan does, with its checks on
 * what may be parsed). Properties:
 *  - no crash, no out-of-bounds access in v6scan's code (libclang itself
 *    is not instrumented);
 *  - every finding is in fuzz.c, at a line of the file and a column within
 *    that line (or just past its end), lines counted as clang counts them
 *    ("\n", "\r\n" or a lone "\r" ends a line);
 *  - a snippet is the text of the finding's line (up to a NUL byte and
 *    SOURCE_MAX_SNIPPET bytes), and its end column is not before its column;
 *  - deterministic: a second parse and walk of the same text gives the
 *    same findings, field by field.
 *
 * Mutations: LLVMFuzzerCustomMutator mixes libFuzzer's byte mutations with
 * token-level ones on C (delete, duplicate, swap or replace a token, insert
 * a socket-API identifier, a keyword or a bracket), so most inputs stay C
 * that reaches the checks. The seed corpus is the scanner's fixtures.
 */
#define _GNU_SOURCE
#include <clang-c/Index.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "checks/registry.h"
#include "findings.h"
#include "fuzz_file.h"
#include "fuzz_input.h"
#include "jobs.h"
#include "parse.h"
#include "resdir.h"
#include "source.h"
#include "suppress.h"
#include "walk.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max) __attribute__((weak));
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed);

static CXIndex idx;
static char resdir[PATH_MAX], root[PATH_MAX], file[PATH_MAX];
static const char *resource;
static const struct v6scan_check *const *checks;
static size_t nchecks;
static FILE *devnull;
static int cwd = -1;

static void scan(const char *text, size_t len, struct findings *fs)
{
    static char *args[] = {"-std=gnu11", "-D_GNU_SOURCE"};
    struct job job = {.file = file,
                      .relpath = "fuzz.c",
                      .directory = root,
                      .args = args,
                      .nargs = 2,
                      .defaults = 1};
    struct parse_opts po = {.resource_dir = resource, .quiet = 1};
    struct walk_config wc = {.root = root, .checks = checks, .nchecks = nchecks};
    CXTranslationUnit tu = NULL;
    int clean = 0;
    char why[512];

    fuzz_dir_write(0, "fuzz.c", text, len);
    findings_init(fs);
    FILE *saved = stderr;
    stderr = devnull; /* rejected-suppression and parse messages */
    int rc = parse_job_why(idx, &job, &po, &tu, &clean, why, sizeof why);
    FUZZ_CHECK(rc == 0 || rc == -EIO);
    if (rc == 0) {
        FUZZ_CHECK(walk_tu(tu, &wc, fs) == 0);
        clang_disposeTranslationUnit(tu);
    }
    FUZZ_CHECK(fchdir(cwd) == 0); /* libclang's -working-directory is a chdir */
    findings_normalise(fs);
    FUZZ_CHECK(suppress_apply(fs, root) >= 0);
    FUZZ_CHECK(source_annotate(fs, root) == 0);
    FUZZ_CHECK(baseline_fingerprint_all(fs) == 0);
    stderr = saved;
}

/* Line n (1-based) as clang counts lines: start and length, or 0. */
static int clang_line(const char *t, size_t len, unsigned n, size_t *start, size_t *llen)
{
    size_t i = 0;

    for (unsigned l = 1; l < n; l++) {
        while (i < len && t[i] != '\n' && t[i] != '\r')
            i++;
        if (i == len)
            return 0;
        i += t[i] == '\r' && i + 1 < len && t[i + 1] == '\n' ? 2 : 1;
    }
    *start = i;
    while (i < len && t[i] != '\n' && t[i] != '\r')
        i++;
    *llen = i - *start;
    return 1;
}

static int same_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(root, sizeof root, "%s", fuzz_dir());
    FUZZ_CHECK(snprintf(file, sizeof file, "%s/fuzz.c", root) < (int)sizeof file);
    resource = resdir_detect(resdir, sizeof resdir);
    idx = clang_createIndex(0, 0);
    /* libclang's crash recovery would take SIGABRT and SIGSEGV from
     * libFuzzer (no input saved): a crash here is a finding */
    clang_toggleCrashRecovery(0);
    checks = registry_all(&nchecks);
    devnull = fopen("/dev/null", "w");
    cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    FUZZ_CHECK(idx && devnull && cwd >= 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!idx)
        LLVMFuzzerInitialize(NULL, NULL);
    const char *text = (const char *)data;
    struct findings a, b;

    scan(text, size, &a);
    for (size_t i = 0; i < a.count; i++) {
        const struct finding *f = &a.items[i];
        size_t start, len;
        FUZZ_CHECK(strcmp(f->path, "fuzz.c") == 0);
        FUZZ_CHECK(f->line >= 1 && clang_line(text, size, f->line, &start, &len));
        FUZZ_CHECK(f->column >= 1 && f->column <= len + 1);
        if (f->snippet) {
            size_t want = strnlen(text + start, len);
            if (want > SOURCE_MAX_SNIPPET)
                want = SOURCE_MAX_SNIPPET;
            FUZZ_CHECK(strlen(f->snippet) == want && memcmp(f->snippet, text + start, want) == 0);
            FUZZ_CHECK(f->end_column == 0 || f->end_column > f->column);
        }
    }
    scan(text, size, &b);
    FUZZ_CHECK(a.count == b.count);
    for (size_t i = 0; i < a.count; i++) {
        const struct finding *x = &a.items[i], *y = &b.items[i];
        FUZZ_CHECK(x->check == y->check && x->line == y->line && x->column == y->column);
        FUZZ_CHECK(x->end_column == y->end_column && x->suppressed == y->suppressed);
        FUZZ_CHECK(same_str(x->message, y->message) && same_str(x->scope, y->scope));
        FUZZ_CHECK(same_str(x->subject, y->subject) && same_str(x->fingerprint, y->fingerprint));
        FUZZ_CHECK(same_str(x->snippet, y->snippet) &&
                   same_str(x->justification, y->justification));
    }
    findings_free(&a);
    findings_free(&b);
    return 0;
}

/* --- token-level mutation of C --- */

static const char *const vocabulary[] = {
    "gethostbyname",
    "gethostbyname2",
    "gethostbyaddr",
    "getaddrinfo",
    "inet_addr",
    "inet_aton",
    "inet_ntoa",
    "inet_pton",
    "inet_ntop",
    "socket",
    "bind",
    "connect",
    "accept",
    "setsockopt",
    "ioctl",
    "AF_INET",
    "AF_INET6",
    "PF_INET",
    "AF_UNSPEC",
    "INADDR_ANY",
    "INADDR_LOOPBACK",
    "INADDR_BROADCAST",
    "IPPROTO_IP",
    "IP_TTL",
    "sockaddr_in",
    "sockaddr_in6",
    "sockaddr_storage",
    "sockaddr",
    "in_addr",
    "in6_addr",
    "hostent",
    "addrinfo",
    "h_addr",
    "h_addr_list",
    "s_addr",
    "sin_family",
    "sin_addr",
    "sin6_family",
    "ai_family",
    "struct",
    "union",
    "switch",
    "case",
    "if",
    "return",
    "sizeof",
    "#define",
    "#include <netdb.h>\n",
    "#include <arpa/inet.h>\n",
    "#if 1\n",
    "#endif\n",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ";",
    ",",
    "=",
    "==",
    "&",
    "*",
    "->",
    ".",
    "\"127.0.0.1\"",
    "\"%d.%d.%d.%d\"",
    "0x7f000001",
    "16",
    "4",
    "\n",
    "// NOLINT",
    "/* v6scan: ignore[v6-*] r */",
    "\\\n",
    "?\?=",
    "\xc3\xa9",
    "\r",
};

static unsigned mut_rand(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static int mut_word(uint8_t c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The end of the token starting at t[i] (t[0..n)). */
static size_t tok_end(const uint8_t *t, size_t n, size_t i)
{
    uint8_t c = t[i];
    size_t j = i + 1;

    if (mut_word(c)) {
        while (j < n && mut_word(t[j]))
            j++;
    } else if (c == '"' || c == '\'') {
        while (j < n && t[j] != c && t[j] != '\n')
            j += t[j] == '\\' && j + 1 < n ? 2 : 1;
        j = j < n ? j + 1 : n;
    } else if (c == ' ' || c == '\t') {
        while (j < n && (t[j] == ' ' || t[j] == '\t'))
            j++;
    }
    return j;
}

/* Token starts of t[0..n) into starts (at most max); returns the count. */
static size_t tokens(const uint8_t *t, size_t n, size_t *starts, size_t max)
{
    size_t k = 0;

    for (size_t i = 0; i < n && k < max; i = tok_end(t, n, i))
        starts[k++] = i;
    return k;
}

/* Replaces data[at..at+del) by ins[0..inslen); returns the new size, or
 * size when it would not fit in max. */
static size_t mut_splice(uint8_t *data, size_t size, size_t max, size_t at, size_t del,
                         const void *ins, size_t inslen)
{
    if (size - del + inslen > max)
        return size;
    memmove(data + at + inslen, data + at + del, size - at - del);
    memcpy(data + at, ins, inslen);
    return size - del + inslen;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max, unsigned seed)
{
    static size_t starts[4096];
    unsigned r = seed;

    if ((mut_rand(&r) % 4 == 0 || size == 0) && LLVMFuzzerMutate)
        return LLVMFuzzerMutate(data, size, max);
    size_t n = tokens(data, size, starts, sizeof starts / sizeof starts[0]);
    if (n == 0)
        return LLVMFuzzerMutate ? LLVMFuzzerMutate(data, size, max) : size;
    size_t a = mut_rand(&r) % n, b = mut_rand(&r) % n;
    size_t a0 = starts[a], a1 = a + 1 < n ? starts[a + 1] : size;
    size_t b0 = starts[b], b1 = b + 1 < n ? starts[b + 1] : size;
    const char *word = vocabulary[mut_rand(&r) % (sizeof vocabulary / sizeof vocabulary[0])];
    uint8_t tmp[256];

    switch (mut_rand(&r) % 5) {
    case 0: /* delete a token */ return mut_splice(data, size, max, a0, a1 - a0, "", 0);
    case 1: /* duplicate a token */
        if (a1 - a0 > sizeof tmp)
            return size;
        memcpy(tmp, data + a0, a1 - a0);
        return mut_splice(data, size, max, a0, 0, tmp, a1 - a0);
    case 2: /* replace a token by a word */
        return mut_splice(data, size, max, a0, a1 - a0, word, strlen(word));
    case 3: /* insert a word before a token */
        return mut_splice(data, size, max, a0, 0, word, strlen(word));
    default: /* move token b before token a */
        if (b1 - b0 > sizeof tmp || a0 == b0)
            return size;
        memcpy(tmp, data + b0, b1 - b0);
        size = mut_splice(data, size, max, b0, b1 - b0, "", 0);
        if (a0 > b0)
            a0 -= b1 - b0;
        return mut_splice(data, size, max, a0, 0, tmp, b1 - b0);
    }
}
