/*
 * init — the one start-up path (see init.h).
 *
 * State: init_config, init_table and init_err are written once under
 * init_once and read-only afterwards, so readers need no lock.
 */
#define _GNU_SOURCE
#include "init.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "log.h"
#include "pool.h"
#include "pool_share.h"
#include "symbols.h"

static struct v6shim_config init_config;
static struct policy_table *init_table;
static char init_err[PATH_MAX + 256];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* The probe's socket calls: the real ones, or the shim's own hooks would
 * see the ULA learning's netlink socket. */
static const struct policy_sockops init_sockops = {
    .socket = real_socket,
    .connect = real_connect,
    .getsockname = real_getsockname,
    .close = real_close,
};

static enum policy_preset init_preset(enum config_policy p)
{
    switch (p) {
    case CONFIG_POLICY_RFC3484: return POLICY_RFC3484_GLIBC;
    case CONFIG_POLICY_ULA_UPDATE: return POLICY_RFC6724_ULA_UPDATE;
    default: return POLICY_RFC6724;
    }
}

/* Steps 3 and 4 on a loaded C. 0 with *OUT, or -errno with ERR. */
static int init_check_and_build(const struct v6shim_config *c, struct policy_table **out, char *err,
                                size_t errlen)
{
    *out = NULL;
    int rc = pool_range_check(c->pool_net, c->pool_prefix, err, errlen);
    if (rc < 0)
        return rc;
    enum policy_preset p = init_preset(c->policy);
    struct policy_table *t;
    rc = policy_table_new(p, &t);
    if (rc < 0) {
        snprintf(err, errlen, "policy table: %s", strerror(-rc));
        return rc;
    }
    if (c->gai_conf[0]) {
        rc = policy_table_load_gaiconf(t, c->gai_conf, err, errlen);
        if (rc < 0) {
            policy_table_free(t);
            return rc;
        }
    }
    if (p == POLICY_RFC6724_ULA_UPDATE) {
        /* the draft's known-local ULAs: the /48s this host is numbered from;
         * best effort (the table without them is still the draft's) */
        int n = policy_table_learn_known_local(t, &init_sockops);
        if (n < 0)
            v6log(LOG_WARNING, "cannot learn known-local ULA prefixes: %s", strerror(-n));
    }
    *out = t;
    return 0;
}

int shim_load(struct v6shim_config *c, struct policy_table **table,
              char *(*getenv_fn)(const char *), char *err, size_t errlen)
{
    *table = NULL;
    int rc = config_load(c, getenv_fn, err, errlen);
    if (rc < 0)
        return rc;
    return init_check_and_build(c, table, err, errlen);
}

static void init_fail(void)
{
    config_defaults(&init_config);
    init_config.enabled = false;
    v6log_always(LOG_ERR, "%s; running unshimmed", init_err);
}

/* Step 6: share the pool with exec'd children (pool_share.h). Never in a
 * set-uid/set-gid process (AT_SECURE): its environment is not trusted, and
 * its children could not open its descriptors anyway. Best effort: a
 * failure is a warning and the process keeps its own table. */
static void init_share(void)
{
    if (getauxval(AT_SECURE))
        return;
    const char *inherited = getenv(POOL_SHARE_ENV);
    char spec[POOL_SHARE_SPEC_MAX];
    unsigned skipped = 0;
    int rc = pool_share_start(inherited, spec, sizeof spec, &skipped);
    if (skipped)
        v6log(LOG_WARNING,
              "%u of the pools named in %s could not be read (owner gone, "
              "another user, or a bad table); their addresses are unreachable here",
              skipped, POOL_SHARE_ENV);
    if (rc < 0)
        v6log(LOG_WARNING, "pool not shared with children: %s", strerror(-rc));
    /* glibc replaces a value by swapping one pointer of environ (the old
     * string is kept) and adds one by copying environ into a new array (the
     * old array stays valid), so another thread reading the environment
     * meanwhile sees the old or the new. The one unsafe case is a program
     * that added variables itself before from another thread: glibc then
     * reallocates its own array (docs/internals/pool.md). */
    if (spec[0] && setenv(POOL_SHARE_ENV, spec, 1) != 0)
        v6log(LOG_WARNING, "cannot set %s: %s", POOL_SHARE_ENV, strerror(errno));
}

static void init_run(void)
{
    struct v6shim_config c;
    if (config_load(&c, NULL, init_err, sizeof init_err) < 0) {
        init_fail();
        return;
    }
    log_setup(c.log_level, c.log_target, c.log_file);
    struct policy_table *t;
    if (init_check_and_build(&c, &t, init_err, sizeof init_err) < 0) {
        init_fail();
        return;
    }
    /* pool_reset's own limits are config.def's, so this cannot fail but for
     * memory; then the pool keeps its default range (pool.h). */
    int rc = pool_setup(c.pool_net, c.pool_prefix, c.pool_size);
    if (rc < 0)
        v6log_always(LOG_ERR, "pool of %u entries: %s; using the default pool", c.pool_size,
                     strerror(-rc));
    else if (c.pool_share)
        init_share();
    init_table = t;
    init_config = c;
}

const struct v6shim_config *shim_init(void)
{
    pthread_once(&init_once, init_run);
    return &init_config;
}

const char *shim_init_error(void)
{
    shim_init();
    return init_err;
}

const struct policy_table *shim_policy(void)
{
    shim_init();
    return init_table;
}

/* config.h's name for shim_init(), kept for the socket layer's callers. */
const struct v6shim_config *config_get(void)
{
    return shim_init();
}
