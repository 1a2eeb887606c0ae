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
#include "config_roundtrip.h"
#include "fuzz_input.h"

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
    static struct v6shim_config c;
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

    fuzz_config_roundtrip(&c);
    return 0;
}
