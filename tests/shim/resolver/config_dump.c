/* config_dump — print what the start-up path (shim_init) loaded: the secure-mode test runs
 * it set-uid and not. */
#include <stdio.h>

#include "init.h"

int main(void)
{
    const struct v6shim_config *c = shim_init();
    printf("enabled=%d pool_size=%u error=%s\n", c->enabled, c->pool_size, shim_init_error());
    return 0;
}
