/* Tests of shim/config: defaults, each bad line's one-line message, the
 * environment overriding the file, secure mode ignoring the environment. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "init.h"
#include "pool.h"
#include "v6test.h"

/* A fake environment: NAME=VALUE pairs; NULL entries end it. */
static const char *fake_env[16];

static char *fake_getenv(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < 16 && fake_env[i]; i++)
        if (!strncmp(fake_env[i], name, n) && fake_env[i][n] == '=')
            return (char *)fake_env[i] + n + 1;
    return NULL;
}

/* What secure_getenv gives a set-uid program: nothing. */
static char *secure_mode_getenv(const char *name)
{
    return NULL;
}

static char conf_path[64];

static int setup(void **state)
{
    memset(fake_env, 0, sizeof fake_env);
    snprintf(conf_path, sizeof conf_path, "/tmp/v6shim-test-%ld.conf", (long)getpid());
    return 0;
}

static int teardown(void **state)
{
    if (unlink(conf_path) < 0)
        rmdir(conf_path);
    return 0;
}

static void write_conf(const char *text)
{
    FILE *f = fopen(conf_path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Load with the file and the fake environment the way the start-up path
 * does (shim_load: the configuration, the pool range against this host,
 * the gai.conf file); returns rc, ERR filled. */
static int load(struct v6shim_config *c, char *err, size_t len)
{
    static char confvar[128];
    snprintf(confvar, sizeof confvar, "V6SHIM_CONF=%s", conf_path);
    size_t i = 0;
    while (fake_env[i])
        i++;
    fake_env[i] = confvar;
    struct policy_table *t;
    int rc = shim_load(c, &t, fake_getenv, err, len);
    fake_env[i] = NULL;
    if (rc == 0)
        assert_non_null(t);
    else
        assert_null(t);
    policy_table_free(t);
    return rc;
}

static void test_defaults_are_the_documented_ones(void **state)
{
    struct v6shim_config c;
    char err[256];
    assert_int_equal(config_load(&c, secure_mode_getenv, err, sizeof err), 0);
    assert_string_equal(err, "");
    char net[INET_ADDRSTRLEN];
    /* NOLINTNEXTLINE(v6-*): the pool is IPv4 by design (v6scan self-scan) */
    inet_ntop(AF_INET, &c.pool_net, net, sizeof net);
    assert_string_equal(net, "198.18.0.0");
    assert_int_equal(c.pool_prefix, 15);
    assert_true(c.enabled);
    assert_int_equal(c.pool_size, 1024);
    assert_int_equal(c.pool_ttl_s, 300);
    assert_int_equal(c.policy, CONFIG_POLICY_RFC6724);
    assert_int_equal(c.he_attempt_delay_ms, 250);
    assert_int_equal(c.he_budget_ms, 10000);
    assert_true(c.listen_dualstack);
    assert_int_equal(c.log_level, V6LOG_OFF);
}

static void test_file_sets_every_key(void **state)
{
    write_conf("# comment\n\n"
               "enabled = yes\n"
               "pool_range = 198.19.0.0/16\n"
               "  pool_size=16  \n"
               "pool_ttl = 30\n"
               "policy = rfc3484\n"
               "he_attempt_delay_ms = 100\n"
               "he_budget_ms = 2000\n"
               "listen_dualstack = no\n"
               "log_level = debug\n"
               "log_target = file\n"
               "log_file = /tmp/x.log\n");
    struct v6shim_config c;
    char err[256];
    assert_int_equal(load(&c, err, sizeof err), 0);
    assert_int_equal(c.pool_prefix, 16);
    assert_int_equal(ntohl(c.pool_net.s_addr), 0xc6130000u);
    assert_int_equal(c.pool_size, 16);
    assert_int_equal(c.pool_ttl_s, 30);
    assert_int_equal(c.policy, CONFIG_POLICY_RFC3484);
    assert_int_equal(c.he_attempt_delay_ms, 100);
    assert_int_equal(c.he_budget_ms, 2000);
    assert_false(c.listen_dualstack);
    assert_int_equal(c.log_level, LOG_DEBUG);
    assert_int_equal(c.log_target, LOG_TARGET_FILE);
    assert_string_equal(c.log_file, "/tmp/x.log");
    assert_string_equal(c.file, conf_path);
}

/* Each bad line gives exactly "FILE:LINE: problem". */
static void expect_bad_line(const char *text, const char *problem)
{
    write_conf(text);
    struct v6shim_config c;
    char err[512], want[512];
    assert_int_equal(load(&c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:%s", conf_path, problem);
    assert_string_equal(err, want);
    assert_null(strchr(err, '\n'));
}

static void test_each_bad_line_names_file_line_and_problem(void **state)
{
    expect_bad_line("pool_size = 10\nbogus\n", "2: expected 'key = value'");
    expect_bad_line("= 3\n", "1: expected 'key = value'");
    expect_bad_line("\n\nfrobnicate = 1\n", "3: unknown key 'frobnicate'");
    expect_bad_line("pool_size =\n", "1: missing value for pool_size");
    expect_bad_line("pool_size = 0\n", "1: bad value '0' for pool_size (expected 1..65536)");
    expect_bad_line("pool_size = 12x\n", "1: bad value '12x' for pool_size (expected 1..65536)");
    expect_bad_line("pool_size = -1\n", "1: bad value '-1' for pool_size (expected 1..65536)");
    expect_bad_line(
        "pool_range = 198.18.0.1/15\n",
        "1: bad value '198.18.0.1/15' for pool_range (expected A.B.C.D/N with N in 8..30 and no host bits)");
    expect_bad_line(
        "pool_range = 198.18.0.0\n",
        "1: bad value '198.18.0.0' for pool_range (expected A.B.C.D/N with N in 8..30 and no host bits)");
    expect_bad_line("policy = rfc1918\n",
                    "1: bad value 'rfc1918' for policy (expected rfc6724, rfc3484 or ula-update)");
    expect_bad_line("enabled = maybe\n", "1: bad value 'maybe' for enabled (expected yes or no)");
    expect_bad_line("he_attempt_delay_ms = 5\n",
                    "1: bad value '5' for he_attempt_delay_ms (expected milliseconds, 10..2000)");
    expect_bad_line("pool_ttl = 86401\n",
                    "1: bad value '86401' for pool_ttl (expected seconds, 1..86400)");
    expect_bad_line(
        "pool_range = 10.0.0.0/31\n",
        "1: bad value '10.0.0.0/31' for pool_range (expected A.B.C.D/N with N in 8..30 and no host bits)");
    expect_bad_line(
        "log_level = loud\n",
        "1: bad value 'loud' for log_level (expected off, error, warning, info or debug)");
    expect_bad_line("log_target = tape\n",
                    "1: bad value 'tape' for log_target (expected stderr, syslog or file)");
}

static void test_missing_file_is_an_error_with_its_name(void **state)
{
    struct v6shim_config c;
    char err[512], want[512];
    unlink(conf_path);
    assert_int_equal(load(&c, err, sizeof err), -ENOENT);
    snprintf(want, sizeof want, "%s:0: cannot open: No such file or directory", conf_path);
    assert_string_equal(err, want);
}

/* A file of SIZE bytes: comment lines, then "pool_size = 7\n" as the last
 * line, so reading the whole file shows in the result. */
static void write_conf_of_size(size_t size)
{
    static const char last[] = "pool_size = 7\n";
    size_t body = size - (sizeof last - 1);
    char *text = malloc(size + 1);
    assert_non_null(text);
    memset(text, 'x', body);
    for (size_t i = 0; i < body; i += 100) {
        text[i] = '#';
        text[i + 99 < body ? i + 99 : body - 1] = '\n';
    }
    memcpy(text + body, last, sizeof last);
    FILE *f = fopen(conf_path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, size, f), size);
    fclose(f);
    free(text);
}

/* The limit is 65536 bytes: a file of exactly that size is read whole, one
 * byte more is refused with a message that names the same number. */
static void test_file_at_the_size_limit_is_read_and_one_byte_more_refused(void **state)
{
    struct v6shim_config c;
    char err[512], want[512];
    write_conf_of_size(65535);
    assert_int_equal(load(&c, err, sizeof err), 0);
    assert_int_equal(c.pool_size, 7);
    write_conf_of_size(65536);
    assert_int_equal(load(&c, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_int_equal(c.pool_size, 7);
    write_conf_of_size(65537);
    assert_int_equal(load(&c, err, sizeof err), -EFBIG);
    snprintf(want, sizeof want, "%s:0: larger than 65536 bytes", conf_path);
    assert_string_equal(err, want);
}

/* Editors on some systems start a UTF-8 file with EF BB BF. */
static void test_leading_utf8_bom_is_skipped(void **state)
{
    write_conf("\xef\xbb\xbfpool_size = 9\n\nbogus\n");
    struct v6shim_config c;
    char err[512], want[512];
    /* the BOM is gone, and line numbers still count from the first line */
    assert_int_equal(load(&c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:3: expected 'key = value'", conf_path);
    assert_string_equal(err, want);
    write_conf("\xef\xbb\xbfpool_size = 9\n");
    assert_int_equal(load(&c, err, sizeof err), 0);
    assert_int_equal(c.pool_size, 9);
    write_conf("\xef\xbb\xbf");
    assert_int_equal(load(&c, err, sizeof err), 0);
    assert_int_equal(c.pool_size, 1024);
    /* only a leading one: elsewhere it is part of the key */
    write_conf("pool_size = 9\n\xef\xbb\xbfpolicy = rfc3484\n");
    assert_int_equal(load(&c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:2: unknown key '\xef\xbb\xbfpolicy'", conf_path);
    assert_string_equal(err, want);
}

/* A FIFO would block open(2) until a writer came, in every preloaded
 * process: it is refused at once (no writer exists here; before the fix
 * this test hung). */
static void test_fifo_as_config_file_is_refused_without_blocking(void **state)
{
    assert_int_equal(mkfifo(conf_path, 0600), 0);
    struct v6shim_config c;
    char err[512], want[512];
    assert_int_equal(load(&c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s:0: not a regular file (a FIFO or pipe)", conf_path);
    assert_string_equal(err, want);
}

static void test_directory_or_device_as_config_file_is_refused(void **state)
{
    assert_int_equal(mkdir(conf_path, 0700), 0);
    struct v6shim_config c;
    char err[512], want[512];
    assert_int_equal(load(&c, err, sizeof err), -EISDIR);
    snprintf(want, sizeof want, "%s:0: not a regular file (a directory)", conf_path);
    assert_string_equal(err, want);
    fake_env[0] = "V6SHIM_CONF=/dev/zero";
    assert_int_equal(config_load(&c, fake_getenv, err, sizeof err), -EINVAL);
    assert_string_equal(err, "/dev/zero:0: not a regular file (a character device)");
}

/* /dev/null is the usual "no file": it reads as empty, giving the defaults. */
static void test_dev_null_as_config_file_gives_the_defaults(void **state)
{
    fake_env[0] = "V6SHIM_CONF=/dev/null";
    fake_env[1] = "V6SHIM_POOL_SIZE=12";
    struct v6shim_config c;
    char err[512];
    assert_int_equal(config_load(&c, fake_getenv, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_string_equal(c.file, "/dev/null");
    assert_int_equal(c.pool_size, 12);
    assert_int_equal(c.pool_ttl_s, 300);
}

/* The gai.conf a configuration names is checked the same way. */
static void test_fifo_as_gai_conf_is_refused_without_blocking(void **state)
{
    char fifo[96], text[160], want[160];
    snprintf(fifo, sizeof fifo, "%s.fifo", conf_path);
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    snprintf(text, sizeof text, "gai_conf = %s\n", fifo);
    write_conf(text);
    struct v6shim_config c;
    char err[512];
    int rc = load(&c, err, sizeof err);
    unlink(fifo);
    assert_int_equal(rc, -EINVAL);
    snprintf(want, sizeof want, "%s: not a regular file (a FIFO or pipe)", fifo);
    assert_string_equal(err, want);
}

static void test_reserved_pool_range_is_refused_after_parsing(void **state)
{
    write_conf("pool_range = 127.0.0.0/16\n");
    struct v6shim_config c;
    char err[512];
    assert_int_equal(load(&c, err, sizeof err), -EINVAL);
    assert_string_equal(err, "pool_range 127.0.0.0/16 overlaps 127.0.0.0/8 (loopback)");
}

static void test_log_file_target_needs_a_file(void **state)
{
    write_conf("log_level = info\nlog_target = file\n");
    struct v6shim_config c;
    char err[512], want[512];
    assert_int_equal(load(&c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want, "%s: log_target = file needs log_file", conf_path);
    assert_string_equal(err, want);
}

static void test_environment_overrides_the_file(void **state)
{
    write_conf("pool_size = 16\npolicy = rfc3484\n");
    fake_env[0] = "V6SHIM_POOL_SIZE=32";
    fake_env[1] = "V6SHIM_HE_BUDGET_MS=500";
    struct v6shim_config c;
    char err[256];
    assert_int_equal(load(&c, err, sizeof err), 0);
    assert_int_equal(c.pool_size, 32);
    assert_int_equal(c.policy, CONFIG_POLICY_RFC3484); /* from the file */
    assert_int_equal(c.he_budget_ms, 500);
}

static void test_bad_environment_value_names_the_variable(void **state)
{
    fake_env[0] = "V6SHIM_POLICY=fastest";
    struct v6shim_config c;
    char err[256];
    assert_int_equal(config_load(&c, fake_getenv, err, sizeof err), -EINVAL);
    assert_string_equal(err, "V6SHIM_POLICY: bad value 'fastest' for policy "
                             "(expected rfc6724, rfc3484 or ula-update)");
}

/* Regression (fuzz_config_env): a path with a newline printed by
 * --check-config as two lines, and the error line quoting it was two. */
static void test_path_the_file_cannot_hold_is_refused_in_one_line(void **state)
{
    static const char *const bad[] = {"/tmp/a\nenabled = no", " /tmp/lead", "/tmp/trail\t", "\n"};
    struct v6shim_config c;
    char err[512];
    config_defaults(&c);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(config_set(&c, "log_file", bad[i], err, sizeof err), -EINVAL);
        assert_null(strchr(err, '\n'));
        assert_int_equal(config_set(&c, "gai_conf", bad[i], err, sizeof err), -EINVAL);
        assert_null(strchr(err, '\n'));
    }
    assert_string_equal(c.log_file, "");
    assert_string_equal(c.gai_conf, "");
    /* Spaces inside, '#' and the empty path ("none") are fine. */
    assert_int_equal(config_set(&c, "log_file", "/tmp/my logs/#1", err, sizeof err), 0);
    assert_string_equal(c.log_file, "/tmp/my logs/#1");
    assert_int_equal(config_set(&c, "gai_conf", "", err, sizeof err), 0);

    fake_env[0] = "V6SHIM_LOG_FILE=/tmp/a\nenabled = no";
    assert_int_equal(config_load(&c, fake_getenv, err, sizeof err), -EINVAL);
    assert_string_equal(err, "V6SHIM_LOG_FILE: bad value '/tmp/a?enabled = no' for log_file "
                             "(expected a path without a newline or white space at either end)");
}

static void test_secure_mode_ignores_the_environment_and_conf_variable(void **state)
{
    /* What secure_getenv does for a set-uid program: every V6SHIM_* is unset,
     * so neither the bad value nor V6SHIM_CONF is seen. */
    setenv("V6SHIM_POOL_SIZE", "not-a-number", 1);
    struct v6shim_config c;
    char err[256];
    assert_int_equal(config_load(&c, secure_mode_getenv, err, sizeof err), 0);
    assert_int_equal(c.pool_size, 1024);
    /* the same process environment through getenv is an error */
    assert_int_equal(config_load(&c, getenv, err, sizeof err), -EINVAL);
    assert_string_equal(err, "V6SHIM_POOL_SIZE: bad value 'not-a-number' for pool_size "
                             "(expected 1..65536)");
    unsetenv("V6SHIM_POOL_SIZE");
}

static void test_set_accepts_boolean_spellings(void **state)
{
    struct v6shim_config c;
    config_defaults(&c);
    char err[128];
    const char *yes[] = {"yes", "true", "on", "1"}, *no[] = {"no", "false", "off", "0"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(config_set(&c, "listen_dualstack", no[i], err, sizeof err), 0);
        assert_false(c.listen_dualstack);
        assert_int_equal(config_set(&c, "listen_dualstack", yes[i], err, sizeof err), 0);
        assert_true(c.listen_dualstack);
    }
}

static void test_print_shows_the_effective_values(void **state)
{
    struct v6shim_config c;
    config_defaults(&c);
    c.pool_size = 77;
    char path[] = "/tmp/v6shim-print-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    config_print(&c, fd);
    char buf[2048] = {0};
    assert_true(pread(fd, buf, sizeof buf - 1, 0) > 0);
    close(fd);
    unlink(path);
    assert_non_null(strstr(buf, "\npool_range = 198.18.0.0/15\n"));
    assert_non_null(strstr(buf, "\npool_size = 77\n"));
    assert_non_null(strstr(buf, "\npolicy = rfc6724\n"));
    assert_non_null(strstr(buf, "\nhe_attempt_delay_ms = 250\n"));
    assert_null(strstr(buf, "socket_model"));
}

/* socket_model did nothing (only the lazy model exists): it is gone, and
 * setting it says so instead of being an unknown key or silently ignored. */
static void test_removed_key_is_an_error_that_says_why(void **state)
{
    write_conf("pool_size = 16\nsocket_model = lazy\n");
    struct v6shim_config c;
    char err[512], want[512];
    assert_int_equal(load(&c, err, sizeof err), -EINVAL);
    snprintf(want, sizeof want,
             "%s:2: socket_model was removed: the shim makes the AF_INET6 socket at connect "
             "or bind only (docs/internals/fdtable.md)",
             conf_path);
    assert_string_equal(err, want);
    fake_env[0] = "V6SHIM_CONF=/dev/null";
    fake_env[1] = "V6SHIM_SOCKET_MODEL=eager";
    assert_int_equal(config_load(&c, fake_getenv, err, sizeof err), -EINVAL);
    assert_string_equal(err, "V6SHIM_SOCKET_MODEL: socket_model was removed: the shim makes the "
                             "AF_INET6 socket at connect or bind only (docs/internals/fdtable.md)");
}

/* config.def is the one list: every default parses back to itself, every
 * key prints once in its order, and the pool's own fallback (pool.h) is
 * config.def's default. */
static void test_key_table_defaults_read_back_and_match_the_pool(void **state)
{
    struct v6shim_config c;
    config_defaults(&c);
    char path[] = "/tmp/v6shim-keys-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    config_print(&c, fd);
    char buf[4096] = {0};
    assert_true(pread(fd, buf, sizeof buf - 1, 0) > 0);
    close(fd);
    unlink(path);
    const char *line = strchr(buf, '\n') + 1; /* past "# read from:" */
    for (size_t i = 0; i < CONFIG_NKEYS; i++) {
        char want[256];
        snprintf(want, sizeof want, "%s = %s\n", config_keys[i].key, config_keys[i].def);
        assert_memory_equal(line, want, strlen(want));
        line += strlen(want);
    }
    assert_string_equal(line, "");
    assert_int_equal(ntohl(c.pool_net.s_addr), POOL_DEFAULT_NET);
    assert_int_equal(c.pool_prefix, POOL_DEFAULT_PREFIX);
    assert_int_equal(c.pool_size, POOL_DEFAULT_CAPACITY);
    assert_int_equal(c.log_target, LOG_TARGET_STDERR);
    char err[128];
    assert_int_equal(config_set(&c, "log_target", "file", err, sizeof err), 0);
    assert_int_equal(c.log_target, LOG_TARGET_FILE);
    assert_int_equal(config_set(&c, "policy", "ula-update", err, sizeof err), 0);
    assert_int_equal(c.policy, CONFIG_POLICY_ULA_UPDATE);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_defaults_are_the_documented_ones),
        T(test_file_sets_every_key),
        T(test_each_bad_line_names_file_line_and_problem),
        T(test_missing_file_is_an_error_with_its_name),
        T(test_file_at_the_size_limit_is_read_and_one_byte_more_refused),
        T(test_leading_utf8_bom_is_skipped),
        T(test_fifo_as_config_file_is_refused_without_blocking),
        T(test_directory_or_device_as_config_file_is_refused),
        T(test_dev_null_as_config_file_gives_the_defaults),
        T(test_fifo_as_gai_conf_is_refused_without_blocking),
        T(test_reserved_pool_range_is_refused_after_parsing),
        T(test_log_file_target_needs_a_file),
        T(test_environment_overrides_the_file),
        T(test_bad_environment_value_names_the_variable),
        T(test_path_the_file_cannot_hold_is_refused_in_one_line),
        T(test_secure_mode_ignores_the_environment_and_conf_variable),
        T(test_set_accepts_boolean_spellings),
        T(test_print_shows_the_effective_values),
        T(test_removed_key_is_an_error_that_says_why),
        T(test_key_table_defaults_read_back_and_match_the_pool),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
