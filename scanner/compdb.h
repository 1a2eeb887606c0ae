/* compdb — reading compile_commands.json through libclang's
 * CXCompilationDatabase and sanitising each command for a libclang parse.
 *
 * Sanitising keeps what changes the AST (-D, -U, -I, -isystem, -iquote,
 * -idirafter, -include, -imacros, -std, -x, -f/-m flags libclang knows,
 * --sysroot) and drops: the compiler (argv[0]), the input file, -c, -o X,
 * every -M* dependency flag (-MD -MMD -MF X -MT X -MQ X; libclang would
 * write the .d file), PCH flags (-include-pch X, -Winvalid-pch, -pch*),
 * warning flags (-W*, -w, -pedantic*), -g* and -O*, and GCC-only flags that
 * libclang rejects (table in compdb.c). Relative -I paths stay relative; the
 * parse runs with -working-directory set to the entry's directory.
 */
#ifndef V6SCAN_COMPDB_H
#define V6SCAN_COMPDB_H

#include <stddef.h>

#include "jobs.h"

/* Loads build_dir/compile_commands.json into db (one job per entry, files
 * as real paths; entries whose file does not exist are kept with their
 * path made absolute, so the scan reports them as failed). The file is
 * checked with compdb_check first (libclang's own reader accepts broken
 * JSON, e.g. a missing final ']'). Returns 0, or a negative errno with a
 * one-line message in err: compdb_check's errors (-ENOENT: no
 * compile_commands.json there), -EINVAL also when libclang cannot load it,
 * -ENOMEM. */
int compdb_load(const char *build_dir, struct joblist *db, char *err, size_t errlen);

/* Checks the compilation database file at path (json_read_file, at most
 * JSON_READ_MAX_COMPDB bytes): valid JSON, a non-empty array of objects,
 * each with non-empty "directory" and "file" strings and a non-empty
 * "arguments" array of strings or a "command" string ("output", when
 * present, a string), "directory" an absolute path, and no other member
 * (libclang refuses the file for one). Returns 0, or
 * json_read_file's errors, or -EINVAL
 * naming the first bad entry or field ("[3].file: missing"). */
int compdb_check(const char *path, char *err, size_t errlen);

/* Sanitises argv[0..argc) (argv[0] is the compiler) of the entry for `file`
 * compiled in `directory`. The input is recognised by its resolved path
 * (compdb_resolve of both), not its text: meson, autotools and bear spell
 * it "../../src/x.c" or "./x.c" beside an absolute or differently relative
 * `file`; any other C-family source name (.c, .h, .i, .cc, ...) that is not
 * the value of an option such as -include is dropped too: libclang is
 * given the file on its own and fails on a second input. Writes the kept
 * arguments as new strings into *out (count *nout). Returns 0 or -ENOMEM. */
int compdb_sanitise(char *const *argv, size_t argc, const char *directory, const char *file, char ***out, size_t *nout);

/* path (absolute, or relative to the absolute dir) as its real path when
 * it exists, else made absolute with "." and ".." removed from the text.
 * A new string, or NULL when out of memory. */
char *compdb_resolve(const char *dir, const char *path);

/* Whether compiler option ARG is one that compdb_sanitise keeps together
 * with the argument after it ("-I dir", "-include cfg.h"): that value is
 * never taken for an input file. */
int compdb_option_takes_value(const char *arg);

#endif
