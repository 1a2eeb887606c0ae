/*
 * fuzz_compdb — v6scan's compile-database reader (scanner/compdb.h).
 *
 * Each input is used four ways:
 *  1. as compile_commands.json: compdb_check returns 0, -EINVAL or -ENOMEM
 *     with a one-line message; what it accepts, compdb_load (libclang's
 *     reader, then compdb_sanitise) loads or refuses with -EINVAL, and each
 *     job has an absolute file, a directory and no -c, -o, -W*, -g*, -O*
 *     but as the value of an option (3);
 *  2. compdb_resolve on a directory and a path taken from the bytes (any
 *     spelling: "..", ".", "//", relative, absolute): the result is
 *     absolute with no empty, "." or ".." component and no final '/' (but
 *     "/"), and, when it names nothing, resolving it again gives it back;
 *  3. compdb_sanitise on an argument vector taken from the bytes (any bytes
 *     but NUL): what is kept is a subsequence of argv[1..]; -c, -o, -W*,
 *     -g*, -O* and the entry's own file (however spelled) are kept only as
 *     the value of an option that takes one (-D, -I, -include, ...);
 *  4. argument splitting round-trips: the same vector (bytes 1..127, two
 *     words or more) as an "arguments" entry and as a "command" string,
 *     each word single-quoted as a POSIX shell would need it, load to the
 *     same sanitised arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compdb.h"
#include "fuzz_file.h"
#include "fuzz_input.h"
#include "jobs.h"

#define MAX_ARGS 24

static char dbdir[4096];

static int never_kept(const char *a)
{
    return strcmp(a, "-c") == 0 || strcmp(a, "-o") == 0 || strncmp(a, "-W", 2) == 0 ||
           strncmp(a, "-g", 2) == 0 || strncmp(a, "-O", 2) == 0;
}

/* Property 3 for kept[0..nkept) of argv[0..argc). */
static void check_sanitised(char *const *argv, size_t argc, const char *dir, const char *file,
                            char **kept, size_t nkept)
{
    char *file_abs = compdb_resolve(dir, file);
    size_t i = 1;

    FUZZ_CHECK(file_abs != NULL);
    FUZZ_CHECK(nkept + 1 <= argc || (argc == 0 && nkept == 0));
    for (size_t k = 0; k < nkept; k++) {
        while (i < argc && strcmp(argv[i], kept[k]) != 0)
            i++;
        FUZZ_CHECK(i < argc); /* a subsequence */
        int as_value = i >= 2 && compdb_option_takes_value(argv[i - 1]);
        if (!as_value && never_kept(kept[k]))
            FUZZ_CHECK(0);
        if (!as_value && kept[k][0] != '-') {
            char *abs = compdb_resolve(dir, kept[k]);
            FUZZ_CHECK(abs != NULL);
            FUZZ_CHECK(strcmp(abs, file_abs) != 0);
            free(abs);
        }
        i++;
    }
    free(file_abs);
}

/* Property 2. */
static void check_resolved(const char *dir, const char *path)
{
    char *r = compdb_resolve(dir, path);

    FUZZ_CHECK(r != NULL && r[0] == '/');
    size_t n = strlen(r);
    FUZZ_CHECK(n == 1 || r[n - 1] != '/');
    for (const char *c = r; *c; c = strchrnul(c + 1, '/')) {
        const char *e = strchrnul(c + 1, '/');
        size_t len = (size_t)(e - c - 1);
        if (n == 1)
            break;
        FUZZ_CHECK(len > 0);
        FUZZ_CHECK(!(len == 1 && c[1] == '.') && !(len == 2 && c[1] == '.' && c[2] == '.'));
    }
    struct stat st;
    if (lstat(r, &st) != 0) {
        char *again = compdb_resolve("/", r);
        FUZZ_CHECK(again != NULL && strcmp(again, r) == 0);
        free(again);
    }
    free(r);
}

static void free_jobs(struct joblist *jl)
{
    jobs_free(jl);
    memset(jl, 0, sizeof(*jl));
}

/* Property 1. */
static void load_any(const uint8_t *data, size_t size)
{
    char err[1024] = "";
    const char *path = fuzz_dir_write(1, "db/compile_commands.json", data, size);
    int rc = compdb_check(path, err, sizeof err);

    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
    if (rc) {
        FUZZ_CHECK(err[0] && !strchr(err, '\n'));
        return;
    }
    struct joblist jl = {0};
    rc = compdb_load(dbdir, &jl, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
    if (rc)
        FUZZ_CHECK(err[0] && !strchr(err, '\n'));
    for (size_t i = 0; rc == 0 && i < jl.count; i++) {
        const struct job *j = &jl.items[i];
        FUZZ_CHECK(j->file[0] == '/' && j->directory != NULL && j->from_db);
        for (size_t a = 0; a < j->nargs; a++) {
            FUZZ_CHECK(j->args[a] != NULL);
            /* sanitised: -c, -o, -W*, -g*, -O* only as an option's value */
            FUZZ_CHECK(!never_kept(j->args[a]) ||
                       (a > 0 && compdb_option_takes_value(j->args[a - 1])));
        }
    }
    free_jobs(&jl);
}

/* Up to MAX_ARGS strings from the input, bytes limited to [lo, 127] when
 * ascii (else any byte but NUL). */
static size_t take_args(struct fuzz_input *in, char args[][64], int ascii)
{
    size_t n = 1 + fuzz_u8(in) % MAX_ARGS;

    for (size_t i = 0; i < n; i++) {
        fuzz_str(in, args[i], 64, 'x');
        for (char *p = args[i]; ascii && *p; p++)
            *p = (char)((unsigned char)*p & 0x7f ? (unsigned char)*p & 0x7f : 'x');
    }
    return n;
}

/* argv as one POSIX shell command line: every word single-quoted. */
static char *shell_join(char *const *argv, size_t argc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    FUZZ_CHECK(m != NULL);
    for (size_t i = 0; i < argc; i++) {
        fputs(i ? " '" : "'", m);
        for (const char *p = argv[i]; *p; p++)
            fputs(*p == '\'' ? "'\\''" : (char[]){*p, '\0'}, m);
        fputc('\'', m);
    }
    FUZZ_CHECK(fclose(m) == 0);
    return buf;
}

/* Property 4. */
static void round_trip(char *const *argv, size_t argc)
{
    json_t *db = json_array(), *list = json_array();
    char *cmd = shell_join(argv, argc);

    FUZZ_CHECK(db && list && cmd);
    for (size_t i = 0; i < argc; i++)
        FUZZ_CHECK(json_array_append_new(list, json_string(argv[i])) == 0);
    FUZZ_CHECK(json_array_append_new(db, json_pack("{s:s, s:s, s:o}", "directory", dbdir, "file",
                                                   "a.c", "arguments", list)) == 0);
    FUZZ_CHECK(json_array_append_new(db, json_pack("{s:s, s:s, s:s}", "directory", dbdir, "file",
                                                   "b.c", "command", cmd)) == 0);
    char *text = json_dumps(db, 0);
    FUZZ_CHECK(text != NULL);
    fuzz_dir_write(1, "db/compile_commands.json", text, strlen(text));

    struct joblist jl = {0};
    char err[1024];
    int rc = compdb_load(dbdir, &jl, err, sizeof err);
    FUZZ_CHECK(rc == 0);
    FUZZ_CHECK(jl.count == 2);
    const struct job *a = &jl.items[0], *b = &jl.items[1];
    if (strcmp(a->file + strlen(a->file) - 3, "b.c") == 0) {
        const struct job *t = a;
        a = b;
        b = t;
    }
    FUZZ_CHECK(a->nargs == b->nargs);
    for (size_t i = 0; i < a->nargs; i++)
        FUZZ_CHECK(strcmp(a->args[i], b->args[i]) == 0);
    free_jobs(&jl);
    free(text);
    free(cmd);
    json_decref(db);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    snprintf(dbdir, sizeof dbdir, "%s/db", fuzz_dir());
    FUZZ_CHECK(mkdir(dbdir, 0700) == 0 || errno == EEXIST);
    fuzz_dir_write(2, "db/a.c", "int a;\n", 7);
    fuzz_dir_write(3, "db/b.c", "int b;\n", 7);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dbdir[0])
        LLVMFuzzerInitialize(NULL, NULL);
    load_any(data, size);

    struct fuzz_input in = {data, size};
    char dir[256] = "/nonexistent-v6fuzz/", path[256], args[MAX_ARGS][64];
    fuzz_str(&in, dir + 20, sizeof dir - 20, 'x');
    fuzz_str(&in, path, sizeof path, 'x');
    check_resolved(dir, path);
    check_resolved(dir[20] == '/' ? dir + 20 : dir, path);

    char *argv[MAX_ARGS];
    size_t argc = take_args(&in, args, 0);
    for (size_t i = 0; i < argc; i++)
        argv[i] = args[i];
    char **kept = NULL;
    size_t nkept = 0;
    const char *file = argc > 1 ? argv[1 + fuzz_u8(&in) % (argc - 1)] : "a.c";
    if (!file[0])
        file = "a.c";
    FUZZ_CHECK(compdb_sanitise(argv, argc, dir, file, &kept, &nkept) == 0);
    check_sanitised(argv, argc, dir, file, kept, nkept);
    for (size_t i = 0; i < nkept; i++)
        free(kept[i]);
    free(kept);

    /* at least two words: libclang reads a one-word "arguments" array as a
     * command line to split (its JSON reader does that on purpose) */
    argc = take_args(&in, args, 1);
    for (size_t i = 0; i < argc; i++)
        argv[i] = args[i];
    if (argv[0][0] == '\0')
        argv[0] = "cc";
    if (argc == 1)
        argv[argc++] = "a.c";
    round_trip(argv, argc);
    return 0;
}
