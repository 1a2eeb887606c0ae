/* Tests of shim/log: levels, file target, the line format, off by default,
 * v6log_always reaching stderr, errno preserved. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "v6test.h"

static char path[64];

static int setup(void **state)
{
    snprintf(path, sizeof path, "/tmp/v6shim-log-%ld", (long)getpid());
    unlink(path);
    return 0;
}

static int teardown(void **state)
{
    log_setup(V6LOG_OFF, LOG_TARGET_STDERR, NULL);
    unlink(path);
    return 0;
}

static void read_file(const char *p, char *buf, size_t len)
{
    memset(buf, 0, len);
    int fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    assert_true(read(fd, buf, len - 1) >= 0);
    close(fd);
}

static void test_off_by_default_writes_nothing(void **state)
{
    /* nothing set up: a message at any level is dropped (stderr is a file here) */
    int saved = dup(STDERR_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDERR_FILENO);
    v6log(LOG_ERR, "should not appear");
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    char buf[256];
    read_file(path, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void test_file_target_gets_messages_at_or_above_the_level(void **state)
{
    assert_int_equal(log_setup(LOG_INFO, LOG_TARGET_FILE, path), 0);
    errno = 42;
    v6log(LOG_DEBUG, "hidden %d", 1);
    v6log(LOG_INFO, "shown %d", 2);
    v6log(LOG_WARNING, "also %s", "shown");
    assert_int_equal(errno, 42);
    char buf[512], want[512];
    read_file(path, buf, sizeof buf);
    snprintf(want, sizeof want,
             "v6shim[%ld] test_log: info: shown 2\nv6shim[%ld] test_log: warning: also shown\n",
             (long)getpid(), (long)getpid());
    assert_string_equal(buf, want);
}

static void test_always_reaches_stderr_when_the_log_is_off(void **state)
{
    int saved = dup(STDERR_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDERR_FILENO);
    v6log_always(LOG_ERR, "bad %s", "config");
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    char buf[256], want[256];
    read_file(path, buf, sizeof buf);
    snprintf(want, sizeof want, "v6shim[%ld] test_log: error: bad config\n", (long)getpid());
    assert_string_equal(buf, want);
}

static void test_long_message_is_cut_to_one_line(void **state)
{
    assert_int_equal(log_setup(LOG_DEBUG, LOG_TARGET_FILE, path), 0);
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    v6log(LOG_DEBUG, "%s", big);
    char buf[4096];
    read_file(path, buf, sizeof buf);
    assert_int_equal(strlen(buf), 1024);
    assert_int_equal(buf[1023], '\n');
    assert_ptr_equal(strchr(buf, '\n'), buf + 1023); /* one line */
}

/* Run log_setup(LOG_INFO, LOG_TARGET_FILE, FILE) and one v6log(LOG_INFO)
 * with stderr sent to PATH; returns log_setup's result, BUF what stderr got. */
static int setup_with_stderr_captured(const char *file, char *buf, size_t len)
{
    char err_path[80];
    snprintf(err_path, sizeof err_path, "%s.stderr", path);
    int saved = dup(STDERR_FILENO);
    int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(saved >= 0 && fd >= 0);
    dup2(fd, STDERR_FILENO);
    int rc = log_setup(LOG_INFO, LOG_TARGET_FILE, file);
    v6log(LOG_INFO, "after");
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    read_file(err_path, buf, len);
    unlink(err_path);
    return rc;
}

/* The fallback says why, once, then the log goes on on stderr. */
static void test_unopenable_file_says_why_and_falls_back_to_stderr(void **state)
{
    char buf[512], want[512];
    assert_int_equal(setup_with_stderr_captured("/nonexistent/dir/log", buf, sizeof buf), -ENOENT);
    snprintf(want, sizeof want,
             "v6shim: log file /nonexistent/dir/log: No such file or directory; logging to "
             "stderr\nv6shim[%ld] test_log: info: after\n",
             (long)getpid());
    assert_string_equal(buf, want);
}

/* A FIFO nobody reads would block open(2) for writing forever (fifo(7)):
 * it is opened non-blocking, which fails with ENXIO instead. */
static void test_fifo_without_reader_is_refused_without_blocking(void **state)
{
    assert_int_equal(mkfifo(path, 0600), 0);
    char buf[512], want[512];
    assert_int_equal(setup_with_stderr_captured(path, buf, sizeof buf), -ENXIO);
    snprintf(want, sizeof want,
             "v6shim: log file %s: No such device or address; logging to stderr\n"
             "v6shim[%ld] test_log: info: after\n",
             path, (long)getpid());
    assert_string_equal(buf, want);
}

/* With a reader the FIFO is a fine log. */
static void test_fifo_with_reader_gets_the_lines(void **state)
{
    assert_int_equal(mkfifo(path, 0600), 0);
    int rd = open(path, O_RDONLY | O_NONBLOCK);
    assert_true(rd >= 0);
    assert_int_equal(log_setup(LOG_INFO, LOG_TARGET_FILE, path), 0);
    v6log(LOG_INFO, "through %s", "the fifo");
    char buf[256] = {0}, want[256];
    assert_true(read(rd, buf, sizeof buf - 1) > 0);
    close(rd);
    snprintf(want, sizeof want, "v6shim[%ld] test_log: info: through the fifo\n", (long)getpid());
    assert_string_equal(buf, want);
}

static void test_levels_parse_and_print(void **state)
{
    int l;
    assert_int_equal(log_level_parse("debug", &l), 0);
    assert_int_equal(l, LOG_DEBUG);
    assert_int_equal(log_level_parse("off", &l), 0);
    assert_int_equal(l, V6LOG_OFF);
    assert_int_equal(log_level_parse("verbose", &l), -EINVAL);
    assert_string_equal(log_level_name(LOG_WARNING), "warning");
    assert_string_equal(log_level_name(V6LOG_OFF), "off");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_off_by_default_writes_nothing),
        T(test_file_target_gets_messages_at_or_above_the_level),
        T(test_always_reaches_stderr_when_the_log_is_off),
        T(test_long_message_is_cut_to_one_line),
        T(test_unopenable_file_says_why_and_falls_back_to_stderr),
        T(test_fifo_without_reader_is_refused_without_blocking),
        T(test_fifo_with_reader_gets_the_lines),
        T(test_levels_parse_and_print),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
