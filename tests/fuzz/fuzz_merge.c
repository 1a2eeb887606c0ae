/*
 * fuzz_merge — the report reader of `v6scan merge` and of the -j workers'
 * results (scanner/load.h), on any bytes and on what the emitters write.
 *
 * Properties:
 *  - any bytes: json_read_file gives 0, -EINVAL or -ENOMEM (a one-line
 *    message); a document load_report refuses gets -EINVAL and a one-line
 *    message; one it takes adds findings with a known check and level, a
 *    non-empty path, line and column from 1, and file counters with
 *    filesParsed <= filesTotal;
 *  - round trip: a store made from the bytes (any bytes in paths, messages,
 *    functions, subjects, snippets, failed files and reasons; any levels,
 *    columns, flags) written by emit_json in the workers' lossless form
 *    reads back (LOAD_LOSSLESS) to exactly the same store; written as a
 *    public JSON report and as SARIF it reads back the same with every
 *    byte outside UTF-8 as U+FFFD (SARIF URIs keep every byte of a path).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "emit.h"
#include "findings.h"
#include "fuzz_file.h"
#include "fuzz_input.h"
#include "json_read.h"
#include "load.h"
#include "utf8.h"

static struct fuzz_file file;
static const struct v6scan_check *const *all;
static size_t nall;

static void check_err(const char *err)
{
    FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
}

static void load_any(const uint8_t *data, size_t size)
{
    char err[1024] = "";
    json_t *doc = NULL;
    int rc = json_read_file(fuzz_file_set(&file, data, size), JSON_READ_MAX_REPORT, &doc, err,
                            sizeof err);

    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
    if (rc) {
        check_err(err);
        return;
    }
    struct findings fs;
    int used = 0;
    findings_init(&fs);
    for (unsigned flags = 0; flags <= LOAD_LOSSLESS; flags++) {
        err[0] = '\0';
        rc = load_report(doc, &fs, &used, flags, err, sizeof err);
        FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
        if (rc) {
            check_err(err);
            break;
        }
        FUZZ_CHECK(fs.files_parsed <= fs.files_total);
        for (size_t i = 0; i < fs.count; i++) {
            const struct finding *f = &fs.items[i];
            FUZZ_CHECK(registry_find(f->check->id) == f->check);
            FUZZ_CHECK(f->level <= V6SCAN_ERROR && f->path[0] && f->line >= 1 && f->column >= 1);
        }
        FUZZ_CHECK(fs.root == NULL || fs.root[0] == '/');
    }
    findings_free(&fs);
    json_decref(doc);
}

/* s with each byte outside UTF-8 as U+FFFD (a new string). */
static char *lossy(const char *s)
{
    char *out = malloc(3 * strlen(s) + 1), *o = out;

    FUZZ_CHECK(out != NULL);
    while (*s) {
        size_t n = utf8_seq_len(s);
        memcpy(o, n ? s : UTF8_REPLACEMENT, n ? n : 3);
        o += n ? n : 3;
        s += n ? n : 1;
    }
    *o = '\0';
    return out;
}

/* a == b, or lossy(a) == b when lossy. NULL is "". */
static void same_str(const char *a, const char *b, int lossy_)
{
    a = a ? a : "";
    b = b ? b : "";
    if (!lossy_) {
        FUZZ_CHECK(strcmp(a, b) == 0);
        return;
    }
    char *l = lossy(a);
    FUZZ_CHECK(strcmp(l, b) == 0);
    free(l);
}

enum form { LOSSLESS_JSON, PUBLIC_JSON, SARIF };

static void compare(const struct findings *a, const struct findings *b, enum form form)
{
    int lo = form != LOSSLESS_JSON;

    FUZZ_CHECK(a->count == b->count);
    FUZZ_CHECK(a->files_total == b->files_total && a->files_parsed == b->files_parsed);
    FUZZ_CHECK(a->default_flags == b->default_flags);
    FUZZ_CHECK(a->failed_count == b->failed_count);
    for (size_t i = 0; i < a->failed_count; i++) {
        same_str(a->failed[i].path, b->failed[i].path, lo);
        same_str(a->failed[i].why, b->failed[i].why, lo);
    }
    same_str(a->root, b->root, form == PUBLIC_JSON);
    for (size_t i = 0; i < a->count; i++) {
        const struct finding *x = &a->items[i], *y = &b->items[i];
        FUZZ_CHECK(x->check == y->check && x->level == y->level);
        FUZZ_CHECK(x->line == y->line && x->column == y->column);
        FUZZ_CHECK(x->end_column == y->end_column);
        FUZZ_CHECK(x->suppressed == y->suppressed && x->baselined == y->baselined);
        same_str(x->path, y->path, form == PUBLIC_JSON);
        same_str(x->snippet, y->snippet, lo);
        same_str(x->message, y->message, lo);
        same_str(x->scope, y->scope, lo);
        same_str(x->subject, y->subject, lo);
        same_str(x->fingerprint, y->fingerprint, lo);
        if (x->suppressed)
            same_str(x->justification, y->justification, lo);
    }
}

static void round_trip(const struct findings *fs, enum form form)
{
    struct emit_info info = {
        .baseline_used = 1, .compact = form == LOSSLESS_JSON, .lossless = form == LOSSLESS_JSON};
    char *text = NULL, err[1024] = "";
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);

    FUZZ_CHECK(m != NULL);
    FUZZ_CHECK((form == SARIF ? emit_sarif(m, fs, &info) : emit_json(m, fs, &info)) == 0);
    FUZZ_CHECK(fclose(m) == 0);
    json_t *doc = NULL;
    FUZZ_CHECK(json_read_buffer(text, len, &doc, err, sizeof err) == 0);
    struct findings back;
    int used = 0;
    findings_init(&back);
    int rc =
        load_report(doc, &back, &used, form == LOSSLESS_JSON ? LOAD_LOSSLESS : 0, err, sizeof err);
    if (rc)
        fprintf(stderr, "load_report: %s\n", err);
    FUZZ_CHECK(rc == 0 && used == 1);
    compare(fs, &back, form);
    findings_free(&back);
    json_decref(doc);
    free(text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_file_init(&file, "fuzz_merge.json");
    all = registry_all(&nall);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!all)
        LLVMFuzzerInitialize(NULL, NULL);
    load_any(data, size);

    struct fuzz_input in = {data, size};
    struct findings fs;
    char s[8][256];
    findings_init(&fs);
    fs.files_total = fuzz_u16(&in);
    fs.files_parsed = fs.files_total ? fuzz_u16(&in) % (fs.files_total + 1) : 0;
    fs.default_flags = fuzz_u8(&in) & 1;
    if (fuzz_u8(&in) & 1) {
        fuzz_str(&in, s[0] + 1, sizeof s[0] - 1, 'x');
        s[0][0] = '/';
        fs.root = strdup(s[0]);
        FUZZ_CHECK(fs.root != NULL);
    }
    for (size_t n = fuzz_u8(&in) % 4; n > 0; n--) {
        fuzz_str(&in, s[0], sizeof s[0], 'x');
        fuzz_str(&in, s[1], sizeof s[1], 'x');
        FUZZ_CHECK(findings_add_failed_why(&fs, s[0][0] ? s[0] : "f.c", s[1]) == 0);
    }
    for (size_t n = fuzz_u8(&in) % 16; n > 0; n--) {
        for (int k = 0; k < 7; k++)
            fuzz_str(&in, s[k], sizeof s[k], 'x');
        uint8_t flags = fuzz_u8(&in);
        unsigned column = 1 + fuzz_u16(&in);
        struct finding f = {
            .check = all[fuzz_u8(&in) % nall],
            .level = (enum v6scan_level)(flags % 3),
            .path = s[0][0] ? s[0] : "p.c",
            .line = 1 + fuzz_u32(&in) % 0xfffffffeu,
            .column = column,
            /* SARIF writes an end column only past the start */
            .end_column = flags & 8 ? column + 1 + fuzz_u8(&in) : 0,
            .snippet = flags & 16 ? s[1] : NULL,
            .message = s[2],
            .scope = s[3],
            .subject = s[4],
            .fingerprint = s[5][0] ? s[5] : NULL,
            .suppressed = (flags & 32) != 0,
            .justification = flags & 32 ? s[6] : NULL,
            .baselined = (flags & 64) != 0,
        };
        FUZZ_CHECK(findings_add(&fs, &f) == 0);
    }
    round_trip(&fs, LOSSLESS_JSON);
    round_trip(&fs, PUBLIC_JSON);
    /* SARIF columns are UTF-16 units counted on the snippet: exact for a
     * column at a character boundary; ASCII snippets keep that true */
    for (size_t i = 0; i < fs.count; i++)
        for (char *p = fs.items[i].snippet; p && *p; p++)
            *p = (char)(*p & 0x7f ? *p & 0x7f : 'x');
    round_trip(&fs, SARIF);
    findings_free(&fs);
    return 0;
}
