/* pages — the checks' documentation pages, docs/checks/<id>.md, for
 * --explain and SARIF's help.markdown. Part of the v6scan executable (the
 * search path is compiled into it).
 */
#ifndef V6SCAN_PAGES_H
#define V6SCAN_PAGES_H

#include <stdio.h>

/* Opens the page of check id: in $V6SCAN_DOCS_DIR, then the installed copy
 * beside the executable (<bindir>/<relative path to docdir>/checks), then
 * the source tree. NULL when none is found. */
FILE *pages_open(const char *id);

/* Every check's page as a string, in registry_all() order: NULL where a
 * page is not found; NULL when out of memory. Free with pages_free_all. */
char **pages_load_all(void);
void pages_free_all(char **pages);

#endif
