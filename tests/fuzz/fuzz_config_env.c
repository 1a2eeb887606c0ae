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
#include "config_roundtrip.h"
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct v6shim_config c;
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
    fuzz_config_roundtrip(&c);
    return 0;
}
