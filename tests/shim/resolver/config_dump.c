/* config_dump — print what config_get() loaded: the secure-mode test runs
 * it set-uid and not. */
#include <stdio.h>

#include "config.h"

int main(void)
{
    const struct v6shim_config *c = config_get();
    printf("enabled=%d pool_size=%u error=%s\n", c->enabled, c->pool_size, config_error());
    return 0;
}
