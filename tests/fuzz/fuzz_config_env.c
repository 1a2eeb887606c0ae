/*
 * fuzz_config_env — V6SHIM_* values (and v6run's options, which become
 * them) through config_set (shim/config.h), then the effective
 * configuration through config_print and config_parse.
 *
 * Input: records of key (u8, an index into config_keys) and value (a
 * length byte, then the bytes, NUL-free: an environment value has none).
 * Properties: config_set returns 0 or -EINVAL with a one-line message
 * naming the key;
 * what `v6run --check-config` prints (config_print) for the values that
 * were accepted parses back to exactly the same configuration.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct v6shim_config c, back;
    static char err[PATH_MAX + 512];
    size_t nkeys = CONFIG_NKEYS;
    struct fuzz_input in = {data, size};
    config_defaults(&c);
    while (in.n > 0) {
        const char *key = config_keys[fuzz_u8(&in) % nkeys].key;
        char value[256];
        fuzz_str(&in, value, sizeof value, 'x');
        err[0] = '\0';
        int rc = config_set(&c, key, value, err, sizeof err);
        FUZZ_CHECK(rc == 0 || rc == -EINVAL);
        if (rc < 0) /* one line, naming the key */
            FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL && strstr(err, key));
    }
    int fd = memfd_create("fuzz-config-env", MFD_CLOEXEC);
    FUZZ_CHECK(fd >= 0);
    config_print(&c, fd);
    off_t len = lseek(fd, 0, SEEK_CUR);
    FUZZ_CHECK(len > 0);
    char *text = malloc((size_t)len);
    FUZZ_CHECK(text != NULL);
    FUZZ_CHECK(pread(fd, text, (size_t)len, 0) == len);
    close(fd);
    config_defaults(&back);
    int rc = config_parse(&back, "printed", text, (size_t)len, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "printed configuration does not parse back: %s\n%.*s", err, (int)len,
                text);
    free(text);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(strcmp(c.gai_conf, back.gai_conf) == 0);
    FUZZ_CHECK(strcmp(c.log_file, back.log_file) == 0);
    FUZZ_CHECK(memcmp(&c.pool_net, &back.pool_net, sizeof c.pool_net) == 0); /* NOLINT(v6-sockaddr-compare): the pool range is IPv4 by design */
    FUZZ_CHECK(c.enabled == back.enabled && c.pool_prefix == back.pool_prefix &&
               c.pool_size == back.pool_size && c.pool_ttl_s == back.pool_ttl_s &&
               c.policy == back.policy && c.he_attempt_delay_ms == back.he_attempt_delay_ms &&
               c.he_budget_ms == back.he_budget_ms && c.listen_dualstack == back.listen_dualstack &&
               c.log_level == back.log_level &&
               c.log_target == back.log_target);
    return 0;
}
