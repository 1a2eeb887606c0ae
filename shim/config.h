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
/* NOLINTBEGIN(v6-*): the pool range is an IPv4 prefix by definition (v6scan self-scan). */
#ifndef V6SHIM_CONFIG_H
#define V6SHIM_CONFIG_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#include "log.h"

#define CONFIG_SYSTEM_FILE "/etc/v6shim.conf"

enum config_policy { CONFIG_POLICY_RFC6724, CONFIG_POLICY_RFC3484, CONFIG_POLICY_ULA_UPDATE };
enum config_socket_model { CONFIG_SOCKET_LAZY, CONFIG_SOCKET_EAGER };

struct v6shim_config {
    bool enabled;                 /* enabled = yes|no (default yes); false after a bad config */
    struct in_addr pool_net;      /* pool_range = A.B.C.D/N (default 198.18.0.0/15) */
    unsigned pool_prefix;         /*   N in 8..30 */
    unsigned pool_size;           /* pool_size = entries kept (default 1024, 1..65536) */
    unsigned pool_ttl_s;          /* pool_ttl = seconds a mapping lives after its lookup (300) */
    enum config_policy policy;    /* policy = rfc6724|rfc3484|ula-update (rfc6724) */
    char gai_conf[PATH_MAX];      /* gai_conf = PATH of gai.conf lines ("" none) */
    unsigned he_attempt_delay_ms; /* he_attempt_delay_ms = 10..2000 (250, RFC 8305 §5) */
    unsigned he_budget_ms;        /* he_budget_ms = 100..600000 (10000): whole connect */
    bool listen_dualstack;        /* listen_dualstack = yes|no (yes): 0.0.0.0 -> [::] */
    enum config_socket_model socket_model; /* socket_model = lazy|eager (lazy) */
    int log_level;                /* log_level = off|error|warning|info|debug (off) */
    enum log_target log_target;   /* log_target = stderr|syslog|file (stderr) */
    char log_file[PATH_MAX];      /* log_file = PATH, for log_target = file */
    char file[PATH_MAX];          /* the file that was read ("" none) */
};

/*
 * The process's configuration, loaded once (thread-safe). When loading
 * failed the error line is logged (v6log_always) and the result has
 * enabled = false, so every hook passes calls through: a program preloaded
 * with a bad configuration runs unshimmed rather than broken.
 */
const struct v6shim_config *config_get(void);

/* The error line of config_get()'s load, or "" when it succeeded. */
const char *config_error(void);

/* Fill C with the built-in defaults. */
void config_defaults(struct v6shim_config *c);

/*
 * Set KEY to VALUE in C. Returns 0, or -EINVAL with ERR = "problem"
 * (no location: the caller prefixes FILE:LINE or the variable name).
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
int config_parse(struct v6shim_config *c, const char *name, const char *text, size_t len,
                 char *err, size_t errlen);

/*
 * Apply the `key = value` lines of PATH to C. 0, or -errno with
 * ERR = "PATH:LINE: problem": textfile_read's errors with LINE 0 (-ENOENT
 * "PATH:0: cannot open: ...", -EINVAL "PATH:0: not a regular file (a FIFO
 * or pipe)", -EFBIG "PATH:0: larger than 65536 bytes", ...), -EINVAL for a
 * NUL byte or a bad line.
 */
int config_read_file(struct v6shim_config *c, const char *path, char *err, size_t errlen);

/*
 * Load defaults, file and environment into C as described above, then check
 * the pool range against the local addresses and routes. GETENV is the
 * environment lookup (NULL: secure_getenv). Returns 0 or -errno with ERR.
 */
int config_load(struct v6shim_config *c, char *(*getenv_fn)(const char *), char *err,
                size_t errlen);

/* Write the effective configuration to FD as `key = value` lines. */
void config_print(const struct v6shim_config *c, int fd);

/* Names of the keys, NULL-terminated (v6run maps its options onto them). */
extern const char *const config_keys[];

#endif
/* NOLINTEND(v6-*) */
