/*
 * init — the shim's one start-up path (docs/internals/startup.md).
 *
 * shim_init() runs once per process, on the first hooked call that needs the
 * shim (pthread_once; no constructor: a preloaded process that never calls a
 * hooked function pays nothing). In this order it:
 *   1. loads the configuration (config_load: defaults, file, V6SHIM_*);
 *   2. sets up the log from it (log_setup), so every later step can log;
 *   3. checks the pool range against this host (pool_range_check);
 *   4. builds the policy table: the preset, then the gai_conf file (read
 *      here, once), then for ula-update the known-local ULA prefixes;
 *   5. sets up the pool with the configured range and size (pool_setup);
 *   6. with pool_share (and not set-uid), shares it with exec'd children:
 *      pool_share_start on the inherited V6SHIM_POOL_SHM, then sets the
 *      variable for its own children (best effort: a warning).
 * Steps 1, 3 and 4 are shim_load(), which v6run runs too, to refuse a bad
 * configuration before it starts the command. When any step fails, the
 * error line is written once (v6log_always) with "; running unshimmed",
 * the configuration keeps its defaults with enabled = false (every hook
 * passes through), no table is built and the pool keeps its default range.
 *
 * Dependencies go one way: init uses config, log, policy and pool; none of
 * them uses init. The pool never reads the configuration (pool.h).
 */
#ifndef V6SHIM_INIT_H
#define V6SHIM_INIT_H

#include <stddef.h>

#include "config.h"
#include "policy.h"

/*
 * The process's configuration, after the start-up path above has run (it
 * runs on the first call; thread-safe; cheap afterwards: one pthread_once).
 * Never NULL. Read-only.
 */
const struct v6shim_config *shim_init(void);

/* The error line of shim_init()'s start-up, or "" when it succeeded. */
const char *shim_init_error(void);

/* The policy table shim_init() built, or NULL when the start-up failed or
 * the table could not be allocated. Immutable: any thread may sort with it. */
const struct policy_table *shim_policy(void);

/*
 * Steps 1, 3 and 4 of the start-up path into C and *TABLE, without touching
 * the process's state (no log, no pool): for v6run, and for shim_init.
 * GETENV as for config_load (NULL: secure_getenv). Returns 0 with *TABLE
 * set (free it with policy_table_free), or -errno with ERR = the one-line
 * problem ("FILE:LINE: ...", "V6SHIM_KEY: ...", "pool_range ... overlaps
 * ...", "GAICONF:LINE: ...") and *TABLE = NULL.
 */
int shim_load(struct v6shim_config *c, struct policy_table **table,
              char *(*getenv_fn)(const char *), char *err, size_t errlen);

#endif
