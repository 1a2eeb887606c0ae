/* Stand-in for shim-core's config.c (see README.md). */
#include "config.h"

static const struct v6shim_config config_defaults = {
    .enabled = true, .he_attempt_delay_ms = 250, .he_budget_ms = 10000, .listen_dualstack = true,
};

const struct v6shim_config *config_get(void)
{
    return &config_defaults;
}
