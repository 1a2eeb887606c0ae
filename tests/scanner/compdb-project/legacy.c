/* compdb fixture: the finding below exists only with -DLEGACY_RESOLVER. */
#include "resolver.h"

struct hostent *resolve_legacy(const char *name)
{
#ifdef LEGACY_RESOLVER
	return gethostbyname(name); // expect: v6-gethostbyname
#else
	(void)name;
	return 0;
#endif
}
