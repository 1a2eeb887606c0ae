/*
 * fuzz_config — v6shim.conf text through config_parse (shim/config.h).
 *
 * Properties: the result is 0, -EINVAL or -ENOMEM; a failure's message is
 * one line "fuzz.conf:LINE: problem" with LINE within the input (0 for the
 * whole file); a configuration that parsed prints (config_print) as text
 * that parses back to exactly the same configuration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_input.h"

static void config_same(const struct v6shim_config *a, const struct v6shim_config *b)
{
    FUZZ_CHECK(a->enabled == b->enabled);
    FUZZ_CHECK(memcmp(&a->pool_net, &b->pool_net, sizeof a->pool_net) == 0); /* NOLINT(v6-sockaddr-compare): the pool range is IPv4 by design */
    FUZZ_CHECK(a->pool_prefix == b->pool_prefix);
    FUZZ_CHECK(a->pool_size == b->pool_size);
    FUZZ_CHECK(a->pool_ttl_s == b->pool_ttl_s);
    FUZZ_CHECK(a->policy == b->policy);
    FUZZ_CHECK(strcmp(a->gai_conf, b->gai_conf) == 0);
    FUZZ_CHECK(a->he_attempt_delay_ms == b->he_attempt_delay_ms);
    FUZZ_CHECK(a->he_budget_ms == b->he_budget_ms);
    FUZZ_CHECK(a->listen_dualstack == b->listen_dualstack);
    FUZZ_CHECK(a->log_level == b->log_level);
    FUZZ_CHECK(a->log_target == b->log_target);
    FUZZ_CHECK(strcmp(a->log_file, b->log_file) == 0);
}

/* The message of a failed parse: "fuzz.conf:LINE: problem", one line. */
static void check_error(const char *err, const uint8_t *data, size_t size)
{
    static const char prefix[] = "fuzz.conf:";
    FUZZ_CHECK(strncmp(err, prefix, sizeof prefix - 1) == 0);
    FUZZ_CHECK(strchr(err, '\n') == NULL);
    char *end;
    unsigned long line = strtoul(err + sizeof prefix - 1, &end, 10);
    FUZZ_CHECK(end > err + sizeof prefix - 1 && end[0] == ':' && end[1] == ' ' && end[2]);
    size_t lines = 1;
    for (size_t i = 0; i + 1 < size; i++)
        lines += data[i] == '\n';
    FUZZ_CHECK(line <= lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct v6shim_config c, back;
    static char err[PATH_MAX + 512];
    config_defaults(&c);
    err[0] = '\0';
    int rc = config_parse(&c, "fuzz.conf", (const char *)data, size, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
    if (rc < 0) {
        if (rc == -EINVAL)
            check_error(err, data, size);
        return 0;
    }
    FUZZ_CHECK(err[0] == '\0');

    /* What --check-config prints reads back as the same configuration. */
    int fd = memfd_create("fuzz-config", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0);
    config_print(&c, fd);
    off_t len = lseek(fd, 0, SEEK_CUR);
    FUZZ_CHECK(len > 0);
    char *text = malloc((size_t)len);
    FUZZ_CHECK(text != NULL);
    FUZZ_CHECK(pread(fd, text, (size_t)len, 0) == len);
    close(fd);
    config_defaults(&back);
    rc = config_parse(&back, "printed", text, (size_t)len, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "printed configuration does not parse back: %s\n%.*s", err, (int)len,
                text);
    free(text);
    FUZZ_CHECK(rc == 0);
    config_same(&c, &back);
    return 0;
}
