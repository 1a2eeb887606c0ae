/* Stand-in for shim-core's config.h (see README.md): defaults only. */
#ifndef V6SHIM_CONFIG_H
#define V6SHIM_CONFIG_H

#include <stdbool.h>

struct v6shim_config {
    bool enabled;
    unsigned he_attempt_delay_ms;
    unsigned he_budget_ms;
    bool listen_dualstack;
};

const struct v6shim_config *config_get(void);

#endif
