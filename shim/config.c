/*
 * config — defaults, v6shim.conf and V6SHIM_* overrides (see config.h).
 */
/* NOLINTBEGIN(v6-*): the pool range is an IPv4 prefix by definition (v6scan self-scan). */
#define _GNU_SOURCE
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"
#include "pool.h"
#include "textfile.h"

/* Largest v6shim.conf read, in bytes: a file of exactly this size is read,
 * one byte more is refused ("larger than 65536 bytes"). */
#define CONFIG_MAX_FILE (64 * 1024)

const char *const config_keys[] = {
    "enabled",     "pool_range",          "pool_size",    "pool_ttl",
    "policy",      "gai_conf",            "he_attempt_delay_ms", "he_budget_ms",
    "listen_dualstack", "socket_model",   "log_level",    "log_target",
    "log_file",    NULL,
};

/* Written once under config_once; read-only afterwards. */
static struct v6shim_config config_global;
static char config_err[PATH_MAX + 256];
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

void config_defaults(struct v6shim_config *c)
{
    memset(c, 0, sizeof *c);
    c->enabled = true;
    c->pool_net.s_addr = htonl(0xc6120000u); /* 198.18.0.0: docs/internals/pool.md */
    c->pool_prefix = 15;
    c->pool_size = 1024;
    c->pool_ttl_s = 300;
    c->policy = CONFIG_POLICY_RFC6724;
    c->he_attempt_delay_ms = 250;
    c->he_budget_ms = 10000;
    c->listen_dualstack = true;
    c->socket_model = CONFIG_SOCKET_LAZY;
    c->log_level = V6LOG_OFF;
    c->log_target = LOG_TARGET_STDERR;
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

static int config_range(const char *v, struct in_addr *net, unsigned *prefix)
{
    char buf[32];
    const char *slash = strchr(v, '/');
    if (!slash || (size_t)(slash - v) >= sizeof buf)
        return -EINVAL;
    memcpy(buf, v, (size_t)(slash - v));
    buf[slash - v] = '\0';
    struct in_addr a;
    unsigned p;
    if (inet_pton(AF_INET, buf, &a) != 1 || config_uint(slash + 1, 8, 30, &p) < 0)
        return -EINVAL;
    uint32_t mask = 0xffffffffu << (32 - p);
    if (ntohl(a.s_addr) & ~mask)
        return -EINVAL; /* host bits set: say what is meant */
    *net = a;
    *prefix = p;
    return 0;
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

int config_set(struct v6shim_config *c, const char *key, const char *v, char *err,
               size_t errlen)
{
    int rc = -EINVAL;
    const char *expect = "";
    if (!strcmp(key, "enabled")) {
        rc = config_bool(v, &c->enabled);
        expect = "yes or no";
    } else if (!strcmp(key, "pool_range")) {
        rc = config_range(v, &c->pool_net, &c->pool_prefix);
        expect = "A.B.C.D/N with N in 8..30 and no host bits";
    } else if (!strcmp(key, "pool_size")) {
        rc = config_uint(v, 1, 65536, &c->pool_size);
        expect = "1..65536";
    } else if (!strcmp(key, "pool_ttl")) {
        rc = config_uint(v, 1, 86400, &c->pool_ttl_s);
        expect = "seconds, 1..86400";
    } else if (!strcmp(key, "policy")) {
        expect = "rfc6724, rfc3484 or ula-update";
        rc = 0;
        if (!strcmp(v, "rfc6724"))
            c->policy = CONFIG_POLICY_RFC6724;
        else if (!strcmp(v, "rfc3484"))
            c->policy = CONFIG_POLICY_RFC3484;
        else if (!strcmp(v, "ula-update"))
            c->policy = CONFIG_POLICY_ULA_UPDATE;
        else
            rc = -EINVAL;
    } else if (!strcmp(key, "gai_conf")) {
        rc = config_path(v, c->gai_conf);
        expect = "a path without a newline or white space at either end";
    } else if (!strcmp(key, "he_attempt_delay_ms")) {
        rc = config_uint(v, 10, 2000, &c->he_attempt_delay_ms);
        expect = "milliseconds, 10..2000";
    } else if (!strcmp(key, "he_budget_ms")) {
        rc = config_uint(v, 100, 600000, &c->he_budget_ms);
        expect = "milliseconds, 100..600000";
    } else if (!strcmp(key, "listen_dualstack")) {
        rc = config_bool(v, &c->listen_dualstack);
        expect = "yes or no";
    } else if (!strcmp(key, "socket_model")) {
        expect = "lazy or eager";
        rc = 0;
        if (!strcmp(v, "lazy"))
            c->socket_model = CONFIG_SOCKET_LAZY;
        else if (!strcmp(v, "eager"))
            c->socket_model = CONFIG_SOCKET_EAGER;
        else
            rc = -EINVAL;
    } else if (!strcmp(key, "log_level")) {
        rc = log_level_parse(v, &c->log_level);
        expect = "off, error, warning, info or debug";
    } else if (!strcmp(key, "log_target")) {
        expect = "stderr, syslog or file";
        rc = 0;
        if (!strcmp(v, "stderr"))
            c->log_target = LOG_TARGET_STDERR;
        else if (!strcmp(v, "syslog"))
            c->log_target = LOG_TARGET_SYSLOG;
        else if (!strcmp(v, "file"))
            c->log_target = LOG_TARGET_FILE;
        else
            rc = -EINVAL;
    } else if (!strcmp(key, "log_file")) {
        rc = config_path(v, c->log_file);
        expect = "a path without a newline or white space at either end";
    } else {
        snprintf(err, errlen, "unknown key '%s'", key);
        return -EINVAL;
    }
    if (rc < 0) {
        /* The message is one line even for a value from the environment,
         * which may hold any byte: control characters are shown as '?'. */
        char shown[PATH_MAX];
        size_t i;
        for (i = 0; v[i] && i < sizeof shown - 1; i++)
            shown[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
        shown[i] = '\0';
        snprintf(err, errlen, "bad value '%s%s' for %s (expected %s)", shown,
                 v[i] ? "..." : "", key, expect);
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
    if (*val == '\0' && strcmp(key, "gai_conf") != 0 && strcmp(key, "log_file") != 0) {
        snprintf(err, errlen, "missing value for %s", key);
        return -EINVAL;
    }
    return config_set(c, key, val, err, errlen);
}

int config_parse(struct v6shim_config *c, const char *name, const char *text, size_t len,
                 char *err, size_t errlen)
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
    for (char *line = copy; line; ) {
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

int config_load(struct v6shim_config *c, char *(*getenv_fn)(const char *), char *err,
                size_t errlen)
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
    for (size_t i = 0; config_keys[i]; i++) {
        char name[64] = "V6SHIM_";
        size_t off = strlen(name);
        for (const char *k = config_keys[i]; *k && off < sizeof name - 1; k++)
            name[off++] = (char)toupper((unsigned char)*k);
        name[off] = '\0';
        const char *v = getenv_fn(name);
        if (!v)
            continue;
        char problem[PATH_MAX + 64];
        if (config_set(c, config_keys[i], v, problem, sizeof problem) < 0) {
            snprintf(err, errlen, "%s: %s", name, problem);
            return -EINVAL;
        }
    }
    if (c->log_level != V6LOG_OFF && c->log_target == LOG_TARGET_FILE && !c->log_file[0]) {
        snprintf(err, errlen, "%s: log_target = file needs log_file",
                 c->file[0] ? c->file : "V6SHIM_LOG_TARGET");
        return -EINVAL;
    }
    if (c->gai_conf[0]) {
        struct policy_table *t;
        int rc2 = policy_table_new(POLICY_RFC6724, &t);
        if (rc2 == 0) {
            rc2 = policy_table_load_gaiconf(t, c->gai_conf, err, errlen);
            policy_table_free(t);
        }
        if (rc2 < 0)
            return rc2;
    }
    return pool_range_check(c->pool_net, c->pool_prefix, err, errlen);
}

static void config_do_load(void)
{
    struct v6shim_config c;
    if (config_load(&c, NULL, config_err, sizeof config_err) < 0) {
        config_defaults(&config_global);
        config_global.enabled = false;
        v6log_always(LOG_ERR, "%s; running unshimmed", config_err);
        return;
    }
    config_global = c;
    log_setup(c.log_level, c.log_target, c.log_file);
}

const struct v6shim_config *config_get(void)
{
    pthread_once(&config_once, config_do_load);
    return &config_global;
}

const char *config_error(void)
{
    config_get();
    return config_err;
}

static const char *config_policy_name(enum config_policy p)
{
    return p == CONFIG_POLICY_RFC3484 ? "rfc3484" : p == CONFIG_POLICY_ULA_UPDATE ? "ula-update"
                                                                                 : "rfc6724";
}

void config_print(const struct v6shim_config *c, int fd)
{
    char net[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &c->pool_net, net, sizeof net);
    static const char *const targets[] = {"stderr", "syslog", "file"};
    dprintf(fd, "# read from: %s\n", c->file[0] ? c->file : "(no file: defaults and environment)");
    dprintf(fd, "enabled = %s\n", c->enabled ? "yes" : "no");
    dprintf(fd, "pool_range = %s/%u\n", net, c->pool_prefix);
    dprintf(fd, "pool_size = %u\n", c->pool_size);
    dprintf(fd, "pool_ttl = %u\n", c->pool_ttl_s);
    dprintf(fd, "policy = %s\n", config_policy_name(c->policy));
    dprintf(fd, "gai_conf = %s\n", c->gai_conf);
    dprintf(fd, "he_attempt_delay_ms = %u\n", c->he_attempt_delay_ms);
    dprintf(fd, "he_budget_ms = %u\n", c->he_budget_ms);
    dprintf(fd, "listen_dualstack = %s\n", c->listen_dualstack ? "yes" : "no");
    dprintf(fd, "socket_model = %s\n", c->socket_model == CONFIG_SOCKET_EAGER ? "eager" : "lazy");
    dprintf(fd, "log_level = %s\n", log_level_name(c->log_level));
    dprintf(fd, "log_target = %s\n", targets[c->log_target]);
    dprintf(fd, "log_file = %s\n", c->log_file);
}
/* NOLINTEND(v6-*) */
