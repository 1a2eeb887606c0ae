/* config_roundtrip — see config_roundtrip.h. */
#define _GNU_SOURCE
#include "config_roundtrip.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input.h"

static void config_same(const struct v6shim_config *a, const struct v6shim_config *b)
{
    FUZZ_CHECK(a->enabled == b->enabled);
    /* NOLINTNEXTLINE(v6-sockaddr-compare): the pool range is IPv4 by design */
    FUZZ_CHECK(memcmp(&a->pool_net, &b->pool_net, sizeof a->pool_net) == 0);
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
    FUZZ_CHECK(a->pool_share == b->pool_share);
}

void fuzz_config_roundtrip(const struct v6shim_config *c)
{
    static struct v6shim_config back;
    static char err[PATH_MAX + 512];
    int fd = memfd_create("fuzz-config", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0);
    config_print(c, fd);
    off_t len = lseek(fd, 0, SEEK_CUR);
    FUZZ_CHECK(len > 0);
    char *text = malloc((size_t)len);
    FUZZ_CHECK(text != NULL);
    FUZZ_CHECK(pread(fd, text, (size_t)len, 0) == len);
    close(fd);
    config_defaults(&back);
    int rc = config_parse(&back, "printed", text, (size_t)len, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "printed configuration does not parse back: %s\n%.*s", err, (int)len, text);
    free(text);
    FUZZ_CHECK(rc == 0);
    config_same(c, &back);
}
