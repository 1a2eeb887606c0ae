/*
 * config — defaults, v6shim.conf and V6SHIM_* overrides (see config.h).
 */
/* NOLINTBEGIN(v6-addr-in-uint32,v6-inet-pton-ntop-v4,v6-ipv4-range-math,v6-sockaddr-in-decl): the pool range is an IPv4 prefix by definition (v6scan self-scan). */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "textfile.h"

/* Largest v6shim.conf read, in bytes: a file of exactly this size is read,
 * one byte more is refused ("larger than 65536 bytes"). */
#define CONFIG_MAX_FILE (64 * 1024)

/* Where each key lives in struct v6shim_config; RANGE keys also use off2
 * (the prefix length). */
struct config_slot {
    size_t off, off2;
};

#define CONFIG_OFF2_RANGE(field) offsetof(struct v6shim_config, field##_prefix)
#define CONFIG_OFF2_BOOL(field) 0
#define CONFIG_OFF2_UINT(field) 0
#define CONFIG_OFF2_ENUM(field) 0
#define CONFIG_OFF2_LEVEL(field) 0
#define CONFIG_OFF2_PATH(field) 0
#define CONFIG_OFF_RANGE(field) offsetof(struct v6shim_config, field##_net)
#define CONFIG_OFF_BOOL(field) offsetof(struct v6shim_config, field)
#define CONFIG_OFF_UINT(field) offsetof(struct v6shim_config, field)
#define CONFIG_OFF_ENUM(field) offsetof(struct v6shim_config, field)
#define CONFIG_OFF_LEVEL(field) offsetof(struct v6shim_config, field)
#define CONFIG_OFF_PATH(field) offsetof(struct v6shim_config, field)

#define V6_CONF_REMOVED(key, why)
const struct config_key config_keys[CONFIG_NKEYS] = {
#define V6_CONF(key, type, field, lo, hi, def, words, option, arg, help) \
    {#key, CONFIG_##type, lo, hi, def, words, option, arg, help},
#include "config.def"
#undef V6_CONF
};

static const struct config_slot config_slots[CONFIG_NKEYS] = {
#define V6_CONF(key, type, field, lo, hi, def, words, option, arg, help) \
    {CONFIG_OFF_##type(field), CONFIG_OFF2_##type(field)},
#include "config.def"
#undef V6_CONF
};
#undef V6_CONF_REMOVED

static const struct {
    const char *key, *why;
} config_removed[] = {
#define V6_CONF(key, type, field, lo, hi, def, words, option, arg, help)
#define V6_CONF_REMOVED(key, why) {#key, why},
#include "config.def"
#undef V6_CONF
#undef V6_CONF_REMOVED
};

/* The variable of KEY: V6SHIM_ and KEY upper-cased, into BUF. */
static const char *config_env_name(const char *key, char *buf, size_t len)
{
    size_t off = (size_t)snprintf(buf, len, "V6SHIM_");
    for (const char *k = key; *k && off + 1 < len; k++)
        buf[off++] = (char)toupper((unsigned char)*k);
    buf[off] = '\0';
    return buf;
}

static int config_bool(const char *v, bool *out)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
        *out = true;
    else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") || !strcmp(v, "0"))
        *out = false;
    else
        return -EINVAL;
    return 0;
}

/* Decimal digits only (no sign, no blank, no hex), LO..HI. Not strtonum:
 * libbsd stays out of the preloaded library (tests: shim_needs_only_libc). */
static int config_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    if (!isdigit((unsigned char)v[0]))
        return -EINVAL;
    errno = 0;
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (errno || *end || n < lo || n > hi)
        return -EINVAL;
    *out = (unsigned)n;
    return 0;
}

static int config_range(const char *v, unsigned lo, unsigned hi, struct in_addr *net,
                        unsigned *prefix)
{
    char buf[32];
    const char *slash = strchr(v, '/');
    if (!slash || (size_t)(slash - v) >= sizeof buf)
        return -EINVAL;
    memcpy(buf, v, (size_t)(slash - v));
    buf[slash - v] = '\0';
    struct in_addr a;
    unsigned p;
    if (inet_pton(AF_INET, buf, &a) != 1 || config_uint(slash + 1, lo, hi, &p) < 0)
        return -EINVAL;
    uint32_t mask = 0xffffffffu << (32 - p);
    if (ntohl(a.s_addr) & ~mask)
        return -EINVAL; /* host bits set: say what is meant */
    *net = a;
    *prefix = p;
    return 0;
}

/* The index of V among WORDS ("a|b|c"), or -EINVAL. */
static int config_word(const char *words, const char *v)
{
    size_t vl = strlen(v);
    int i = 0;
    for (const char *w = words; *w; i++) {
        const char *bar = strchr(w, '|');
        size_t wl = bar ? (size_t)(bar - w) : strlen(w);
        if (wl == vl && !strncmp(w, v, vl))
            return i;
        if (!bar)
            break;
        w = bar + 1;
    }
    return -EINVAL;
}

/* The I-th word of WORDS into BUF. */
static const char *config_word_at(const char *words, int i, char *buf, size_t len)
{
    const char *w = words;
    for (; i > 0 && w; i--) {
        w = strchr(w, '|');
        if (w)
            w++;
    }
    if (!w)
        w = "";
    size_t wl = strcspn(w, "|");
    snprintf(buf, len, "%.*s", (int)wl, w);
    return buf;
}

const char *config_expect(const struct config_key *k, char *buf, size_t len)
{
    switch (k->type) {
    case CONFIG_BOOL: snprintf(buf, len, "yes or no"); break;
    case CONFIG_UINT:
        snprintf(buf, len, "%s%s%u..%u", k->words, *k->words ? ", " : "", k->lo, k->hi);
        break;
    case CONFIG_RANGE:
        snprintf(buf, len, "A.B.C.D/N with N in %u..%u and no host bits", k->lo, k->hi);
        break;
    case CONFIG_ENUM: {
        /* "a, b or c" */
        size_t off = 0;
        buf[0] = '\0';
        for (const char *w = k->words; *w && off < len;) {
            size_t wl = strcspn(w, "|");
            const char *next = w[wl] ? w + wl + 1 : w + wl;
            const char *sep = off == 0 ? "" : *next ? ", " : " or ";
            off += (size_t)snprintf(buf + off, len - off, "%s%.*s", sep, (int)wl, w);
            w = next;
        }
        break;
    }
    case CONFIG_LEVEL: snprintf(buf, len, "off, error, warning, info or debug"); break;
    case CONFIG_PATH:
        snprintf(buf, len, "a path without a newline or white space at either end");
        break;
    }
    return buf;
}

/* A path that a `key = value` line can hold, so that what config_print
 * writes (v6run --check-config) reads back the same: no newline, and no
 * white space at either end (a line's value is trimmed). */
static int config_path(const char *v, char *out)
{
    size_t n = strlen(v);
    if (n >= PATH_MAX || strchr(v, '\n') ||
        (n > 0 && (isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]))))
        return -EINVAL;
    memcpy(out, v, n + 1);
    return 0;
}

/* Parse V for key I into C. 0 or -EINVAL. */
static int config_parse_value(struct v6shim_config *c, size_t i, const char *v)
{
    const struct config_key *k = &config_keys[i];
    char *at = (char *)c + config_slots[i].off;
    int n;
    switch (k->type) {
    case CONFIG_BOOL: return config_bool(v, (bool *)(void *)at);
    case CONFIG_UINT: return config_uint(v, k->lo, k->hi, (unsigned *)(void *)at);
    case CONFIG_RANGE:
        return config_range(v, k->lo, k->hi, (struct in_addr *)(void *)at,
                            (unsigned *)(void *)((char *)c + config_slots[i].off2));
    case CONFIG_ENUM:
        n = config_word(k->words, v);
        if (n < 0)
            return n;
        *(int *)(void *)at = n;
        return 0;
    case CONFIG_LEVEL: return log_level_parse(v, (int *)(void *)at);
    case CONFIG_PATH: return config_path(v, at);
    }
    return -EINVAL;
}

/* Index of KEY in config_keys, or -1. */
static ssize_t config_find(const char *key)
{
    for (size_t i = 0; i < CONFIG_NKEYS; i++)
        if (!strcmp(config_keys[i].key, key))
            return (ssize_t)i;
    return -1;
}

void config_defaults(struct v6shim_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < CONFIG_NKEYS; i++)
        config_parse_value(c, i, config_keys[i].def); /* test_config: every default parses */
}

int config_set(struct v6shim_config *c, const char *key, const char *v, char *err, size_t errlen)
{
    ssize_t i = config_find(key);
    if (i < 0) {
        for (size_t r = 0; r < sizeof config_removed / sizeof config_removed[0]; r++) {
            if (!strcmp(config_removed[r].key, key)) {
                snprintf(err, errlen, "%s was removed: %s", key, config_removed[r].why);
                return -EINVAL;
            }
        }
        snprintf(err, errlen, "unknown key '%s'", key);
        return -EINVAL;
    }
    int rc = config_parse_value(c, (size_t)i, v);
    if (rc < 0) {
        /* The message is one line even for a value from the environment,
         * which may hold any byte: control characters are shown as '?'. */
        char expect[128], shown[PATH_MAX];
        size_t n;
        for (n = 0; v[n] && n < sizeof shown - 1; n++)
            shown[n] = (unsigned char)v[n] < 0x20 || v[n] == 0x7f ? '?' : v[n];
        shown[n] = '\0';
        snprintf(err, errlen, "bad value '%s%s' for %s (expected %s)", shown, v[n] ? "..." : "",
                 key, config_expect(&config_keys[i], expect, sizeof expect));
    }
    return rc;
}

static char *config_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

/* Apply one line; 0, or -EINVAL with ERR = "problem". */
static int config_line(struct v6shim_config *c, char *line, char *err, size_t errlen)
{
    char *s = config_trim(line);
    if (*s == '\0' || *s == '#')
        return 0;
    char *eq = strchr(s, '=');
    if (!eq) {
        snprintf(err, errlen, "expected 'key = value'");
        return -EINVAL;
    }
    *eq = '\0';
    char *key = config_trim(s);
    char *val = config_trim(eq + 1);
    if (*key == '\0') {
        snprintf(err, errlen, "expected 'key = value'");
        return -EINVAL;
    }
    /* An empty path means "none", so config_print's output reads back. */
    ssize_t i = config_find(key);
    if (*val == '\0' && i >= 0 && config_keys[i].type != CONFIG_PATH) {
        snprintf(err, errlen, "missing value for %s", key);
        return -EINVAL;
    }
    return config_set(c, key, val, err, errlen);
}

int config_parse(struct v6shim_config *c, const char *name, const char *text, size_t len, char *err,
                 size_t errlen)
{
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s:0: not a text file (NUL byte)", name);
        return -EINVAL;
    }
    char *copy = malloc(len + 1), problem[PATH_MAX + 64];
    if (copy == NULL) {
        snprintf(err, errlen, "%s:0: out of memory", name);
        return -ENOMEM;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    int rc = 0;
    unsigned lineno = 0;
    for (char *line = copy; line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (config_line(c, line, problem, sizeof problem) < 0) {
            rc = -EINVAL;
            snprintf(err, errlen, "%s:%u: %s", name, lineno, problem);
            break;
        }
        line = nl ? nl + 1 : NULL;
        if (line && *line == '\0')
            break;
    }
    free(copy);
    return rc;
}

int config_read_file(struct v6shim_config *c, const char *path, char *err, size_t errlen)
{
    char *text, problem[PATH_MAX + 64];
    size_t len;
    int rc = textfile_read(path, CONFIG_MAX_FILE, &text, &len, problem, sizeof problem);
    if (rc < 0) {
        snprintf(err, errlen, "%s:0: %s", path, problem);
        return rc;
    }
    rc = config_parse(c, path, text, len, err, errlen);
    if (rc == 0)
        snprintf(c->file, sizeof c->file, "%s", path);
    free(text);
    return rc;
}

static char *config_secure_getenv(const char *name)
{
#ifdef HAVE_SECURE_GETENV
    return secure_getenv(name);
#else
    return getuid() == geteuid() && getgid() == getegid() ? getenv(name) : NULL;
#endif
}

int config_load(struct v6shim_config *c, char *(*getenv_fn)(const char *), char *err, size_t errlen)
{
    if (!getenv_fn)
        getenv_fn = config_secure_getenv;
    config_defaults(c);
    if (errlen)
        err[0] = '\0';
    const char *file = getenv_fn("V6SHIM_CONF");
    int rc;
    if (file && *file) {
        rc = config_read_file(c, file, err, errlen);
        if (rc < 0)
            return rc;
    } else if (access(CONFIG_SYSTEM_FILE, F_OK) == 0) {
        rc = config_read_file(c, CONFIG_SYSTEM_FILE, err, errlen);
        if (rc < 0)
            return rc;
    }
    char name[64], problem[PATH_MAX + 64];
    for (size_t i = 0; i < CONFIG_NKEYS; i++) {
        const char *v = getenv_fn(config_env_name(config_keys[i].key, name, sizeof name));
        if (v && config_set(c, config_keys[i].key, v, problem, sizeof problem) < 0) {
            snprintf(err, errlen, "%s: %s", name, problem);
            return -EINVAL;
        }
    }
    for (size_t r = 0; r < sizeof config_removed / sizeof config_removed[0]; r++) {
        if (getenv_fn(config_env_name(config_removed[r].key, name, sizeof name))) {
            snprintf(err, errlen, "%s: %s was removed: %s", name, config_removed[r].key,
                     config_removed[r].why);
            return -EINVAL;
        }
    }
    if (c->log_level != V6LOG_OFF && c->log_target == LOG_TARGET_FILE && !c->log_file[0]) {
        snprintf(err, errlen, "%s: log_target = file needs log_file",
                 c->file[0] ? c->file : "V6SHIM_LOG_TARGET");
        return -EINVAL;
    }
    return 0;
}

/* K's value in C as the file writes it, into BUF. */
static const char *config_value(const struct v6shim_config *c, size_t i, char *buf, size_t len)
{
    const struct config_key *k = &config_keys[i];
    const char *at = (const char *)c + config_slots[i].off;
    char net[INET_ADDRSTRLEN];
    switch (k->type) {
    case CONFIG_BOOL:
        snprintf(buf, len, "%s", *(const bool *)(const void *)at ? "yes" : "no");
        break;
    case CONFIG_UINT: snprintf(buf, len, "%u", *(const unsigned *)(const void *)at); break;
    case CONFIG_RANGE:
        inet_ntop(AF_INET, at, net, sizeof net);
        snprintf(buf, len, "%s/%u", net,
                 *(const unsigned *)(const void *)((const char *)c + config_slots[i].off2));
        break;
    case CONFIG_ENUM: config_word_at(k->words, *(const int *)(const void *)at, buf, len); break;
    case CONFIG_LEVEL:
        snprintf(buf, len, "%s", log_level_name(*(const int *)(const void *)at));
        break;
    case CONFIG_PATH: snprintf(buf, len, "%s", at); break;
    }
    return buf;
}

void config_print(const struct v6shim_config *c, int fd)
{
    char v[PATH_MAX + 32];
    dprintf(fd, "# read from: %s\n", c->file[0] ? c->file : "(no file: defaults and environment)");
    for (size_t i = 0; i < CONFIG_NKEYS; i++)
        dprintf(fd, "%s = %s\n", config_keys[i].key, config_value(c, i, v, sizeof v));
}
/* NOLINTEND(v6-addr-in-uint32,v6-inet-pton-ntop-v4,v6-ipv4-range-math,v6-sockaddr-in-decl) */
