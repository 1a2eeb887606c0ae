/*
 * config_roundtrip — the property both configuration fuzz targets check:
 * what `v6run --check-config` prints (config_print) for a configuration
 * parses back (config_parse) to exactly the same configuration.
 */
#ifndef V6FUZZ_CONFIG_ROUNDTRIP_H
#define V6FUZZ_CONFIG_ROUNDTRIP_H

#include "config.h"

/* FUZZ_CHECK that C prints as text that parses back to C, field by field. */
void fuzz_config_roundtrip(const struct v6shim_config *c);

#endif
