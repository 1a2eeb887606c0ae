/*
 * config — the shim's configuration: defaults, v6shim.conf, V6SHIM_* env.
 *
 * Sources, later ones winning: built-in defaults; the file named by
 * V6SHIM_CONF, or else the system file /etc/v6shim.conf when it exists;
 * V6SHIM_<KEY> environment variables (key upper-cased: V6SHIM_POOL_RANGE).
 * Environment is read with secure_getenv: a set-uid/set-gid program ignores
 * V6SHIM_CONF and every override. File syntax: `key = value` lines; `#`
 * starts a comment line; blank lines are ignored; a leading UTF-8 byte
 * order mark is skipped. The file must be a regular file of at most 65536
 * bytes (textfile.h): a FIFO, pipe or device is refused without being read.
 *
 * A bad source gives exactly one line: "FILE:LINE: problem" for a file,
 * "V6SHIM_KEY: problem" for the environment.
 */
/* NOLINTBEGIN(v6-sockaddr-in-decl): the pool range is an IPv4 prefix by definition (v6scan self-scan). */
#ifndef V6SHIM_CONFIG_H
#define V6SHIM_CONFIG_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "log.h"

#define CONFIG_SYSTEM_FILE "/etc/v6shim.conf"

/* Values of the ENUM keys: the index of the word in config.def. */
enum config_policy { CONFIG_POLICY_RFC6724, CONFIG_POLICY_RFC3484, CONFIG_POLICY_ULA_UPDATE };
/* log_target's values are enum log_target (log.h): stderr, syslog, file. */

/* One member per key of config.def (its comment there says what it holds). */
#define CONFIG_MEMBER_BOOL(field) bool field;
#define CONFIG_MEMBER_UINT(field) unsigned field;
#define CONFIG_MEMBER_RANGE(field) \
    struct in_addr field##_net;    \
    unsigned field##_prefix;
#define CONFIG_MEMBER_ENUM(field) int field;
#define CONFIG_MEMBER_LEVEL(field) int field;
#define CONFIG_MEMBER_PATH(field) char field[PATH_MAX];

struct v6shim_config {
#define V6_CONF(key, type, field, lo, hi, def, words, option, arg, help) CONFIG_MEMBER_##type(field)
#define V6_CONF_REMOVED(key, why)
#include "config.def"
#undef V6_CONF
#undef V6_CONF_REMOVED
    char file[PATH_MAX]; /* the file that was read ("" none) */
};

enum config_type { CONFIG_BOOL, CONFIG_UINT, CONFIG_RANGE, CONFIG_ENUM, CONFIG_LEVEL, CONFIG_PATH };

/* A row of config.def, for the programs that list the keys (v6run). */
struct config_key {
    const char *key; /* "pool_range" */
    enum config_type type;
    unsigned lo, hi;    /* UINT: values; RANGE: prefix lengths */
    const char *def;    /* the default as the file writes it */
    const char *words;  /* UINT: unit; ENUM: "a|b|c" */
    const char *option; /* v6run's long option without "--", "" none */
    const char *arg;    /* its argument in --help */
    const char *help;   /* its --help line */
};

/* config.def's keys in its order, CONFIG_NKEYS of them. */
enum {
#define V6_CONF(key, type, field, lo, hi, def, words, option, arg, help) CONFIG_KEY_##key,
#define V6_CONF_REMOVED(key, why)
#include "config.def"
#undef V6_CONF
#undef V6_CONF_REMOVED
    CONFIG_NKEYS
};
extern const struct config_key config_keys[CONFIG_NKEYS];

/* "expected ..." text for K's values: "1..65536", "seconds, 1..86400",
 * "rfc6724, rfc3484 or ula-update", "yes or no", "a path", ... */
const char *config_expect(const struct config_key *k, char *buf, size_t len);

/*
 * The process's configuration: shim_init() of init.h, which loads it once
 * on the start-up path (with the log, the pool and the policy table).
 * Defined in init.c; this name stays for the socket layer's callers.
 */
const struct v6shim_config *config_get(void);

/* Fill C with the built-in defaults. */
void config_defaults(struct v6shim_config *c);

/*
 * Set KEY to VALUE in C. Returns 0, or -EINVAL with ERR = "problem"
 * (no location: the caller prefixes FILE:LINE or the variable name):
 * "unknown key 'K'", "K was removed: WHY" (config.def's V6_CONF_REMOVED),
 * "bad value 'V' for K (expected ...)".
 */
int config_set(struct v6shim_config *c, const char *key, const char *value, char *err,
               size_t errlen);

/*
 * Apply the `key = value` lines of TEXT[0..LEN) (not NUL-terminated) to C;
 * NAME is where they came from, for messages. Stops at the first bad line,
 * keeping the lines before it. 0, or -EINVAL with ERR = "NAME:LINE:
 * problem" (LINE 0: "not a text file (NUL byte)"), or -ENOMEM. Does not
 * set C->file.
 */
int config_parse(struct v6shim_config *c, const char *name, const char *text, size_t len, char *err,
                 size_t errlen);

/*
 * Apply the `key = value` lines of PATH to C. 0, or -errno with
 * ERR = "PATH:LINE: problem": textfile_read's errors with LINE 0 (-ENOENT
 * "PATH:0: cannot open: ...", -EINVAL "PATH:0: not a regular file (a FIFO
 * or pipe)", -EFBIG "PATH:0: larger than 65536 bytes", ...), -EINVAL for a
 * NUL byte or a bad line.
 */
int config_read_file(struct v6shim_config *c, const char *path, char *err, size_t errlen);

/*
 * Load defaults, file and environment into C as described above and check
 * the keys against each other (log_target = file needs log_file). GETENV is
 * the environment lookup (NULL: secure_getenv). Returns 0 or -errno with
 * ERR. What needs other modules (the pool range against this host, the
 * gai_conf file) is checked by shim_load() in init.h.
 */
int config_load(struct v6shim_config *c, char *(*getenv_fn)(const char *), char *err,
                size_t errlen);

/* Write the effective configuration to FD: a "# read from:" line, then one
 * `key = value` line per key in config.def's order (it reads back). */
void config_print(const struct v6shim_config *c, int fd);


#endif
/* NOLINTEND(v6-sockaddr-in-decl) */
