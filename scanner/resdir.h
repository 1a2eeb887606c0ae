/* resdir — finding clang's resource directory (the one holding the builtin
 * headers such as stddef.h) for the libclang this process actually loaded.
 *
 * Order: $V6SCAN_RESOURCE_DIR; <dir of the loaded libclang>/clang/<v>; the
 * same beside the library's real path; <real dir>/../lib/llvm-<major>/lib/
 * clang/<v> (<major> from clang_getClangVersion, the Debian layout); the
 * directory found at build time (fallback). A candidate counts only if
 * <candidate>/include/stddef.h exists.
 */
#ifndef V6SCAN_RESDIR_H
#define V6SCAN_RESDIR_H

#include <stddef.h>

/* Writes the resource directory into buf and returns buf, or NULL when no
 * candidate is valid (libclang then uses its own default). */
const char *resdir_detect(char *buf, size_t len);

#endif
