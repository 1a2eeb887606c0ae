/*
 * fuzz_baseline — v6scan's baseline file (scanner/baseline.h): the reader on
 * any bytes, and the writer's output read back.
 *
 * Reading: the input is a baseline file; a store holds findings whose
 * fingerprints are every run of 16 hex digits in the input (and one
 * finding with none). Properties: the result is 0, -EINVAL or -ENOMEM; an
 * error has a one-line message and marks nothing; where the strict parser
 * of json_check.h reads the same document (after a UTF-8 byte order mark),
 * the reader succeeds exactly when it is a baseline (an object with
 * "version": 1, "tool": "v6scan", "findings": an array of objects with a
 * 16-hex-digit "fingerprint" and string "check", "path", "function",
 * "subject" when present) and marks exactly the findings whose fingerprint
 * it lists. The file is read through the path of a memfd; memory stays
 * within libFuzzer's -rss_limit_mb.
 *
 * Writing: findings made from the input's bytes (any bytes as path,
 * function and subject; checks and suppression from the bytes too) are
 * normalised and fingerprinted; baseline_write's file is strict JSON with
 * exactly one entry per unsuppressed finding, in store order, its strings
 * those of the finding with each byte outside UTF-8 as U+FFFD, and read
 * back it marks every unsuppressed finding and no finding that shares no
 * fingerprint with one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "checks/registry.h"
#include "findings.h"
#include "fuzz_file.h"
#include "fuzz_input.h"
#include "json_check.h"
#include "utf8.h"

#define MAX_FPS 32

static struct fuzz_file file;
static const struct v6scan_check *const *all;
static size_t nall;

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int is_fingerprint(const struct json_value *v)
{
    if (!v || v->type != JSON_STRING || v->len != 16)
        return 0;
    for (size_t i = 0; i < 16; i++)
        if (!is_hex(v->str[i]))
            return 0;
    return 1;
}

/* 0 when jansson refuses what RFC 8259 allows in v: a number out of the
 * range of json_int_t or double, a NUL in a string or key. */
static int jansson_reads(const struct json_value *v)
{
    if (v->type == JSON_STRING)
        return strlen(v->str) == v->len;
    if (v->type == JSON_NUMBER) {
        errno = 0;
        if (strpbrk(v->str, ".eE"))
            (void)strtod(v->str, NULL);
        else
            (void)strtoll(v->str, NULL, 10);
        return errno != ERANGE || (strpbrk(v->str, ".eE") && strtod(v->str, NULL) == 0.0);
    }
    for (size_t i = 0; i < v->n; i++)
        if (!jansson_reads(&v->items[i]) || (v->type == JSON_OBJECT && !jansson_reads(&v->keys[i])))
            return 0;
    return 1;
}

/* 1 when the strictly parsed v is a baseline as baseline_apply accepts it. */
static int is_baseline(const struct json_value *v)
{
    const struct json_value *ver = json_get(v, "version"), *tool = json_get(v, "tool"),
                            *list = json_get(v, "findings");

    if (v->type != JSON_OBJECT || !ver || ver->type != JSON_NUMBER || strcmp(ver->str, "1") != 0)
        return 0;
    if (!tool || tool->type != JSON_STRING || tool->len != 6 || memcmp(tool->str, "v6scan", 7) != 0)
        return 0;
    if (!list || list->type != JSON_ARRAY)
        return 0;
    for (size_t i = 0; i < list->n; i++) {
        const struct json_value *x = &list->items[i];
        static const char *const shown[] = {"check", "path", "function", "subject"};
        if (x->type != JSON_OBJECT || !is_fingerprint(json_get(x, "fingerprint")))
            return 0;
        for (size_t k = 0; k < 4; k++) {
            const struct json_value *s = json_get(x, shown[k]);
            if (s && (s->type != JSON_STRING || strlen(s->str) != s->len))
                return 0; /* jansson refuses a NUL in a string */
        }
    }
    return 1;
}

/* 1 when the baseline v lists fingerprint fp. */
static int lists(const struct json_value *v, const char *fp)
{
    const struct json_value *list = json_get(v, "findings");

    for (size_t i = 0; i < list->n; i++)
        if (strcmp(json_get(&list->items[i], "fingerprint")->str, fp) == 0)
            return 1;
    return 0;
}

static void add(struct findings *fs, const struct v6scan_check *c, const char *path,
                const char *scope, const char *subject, unsigned line, int suppressed,
                const char *fp)
{
    struct finding f = {.check = c,
                        .level = c->level,
                        .path = (char *)path,
                        .line = line,
                        .column = 1,
                        .message = "m",
                        .scope = (char *)scope,
                        .subject = (char *)subject,
                        .suppressed = suppressed,
                        .justification = suppressed ? "" : NULL,
                        .fingerprint = (char *)fp};
    FUZZ_CHECK(findings_add(fs, &f) == 0);
}

static void read_any(const uint8_t *data, size_t size)
{
    struct findings fs;
    char err[512] = "";
    char fp[17];

    findings_init(&fs);
    add(&fs, all[0], "a.c", "", "s", 1, 0, NULL);
    for (size_t i = 0; i + 16 <= size && fs.count < MAX_FPS; i++) {
        size_t k = 0;
        while (k < 16 && is_hex((char)data[i + k]))
            k++;
        if (k < 16) {
            i += k;
            continue;
        }
        memcpy(fp, data + i, 16);
        fp[16] = '\0';
        add(&fs, all[0], "a.c", "", "s", (unsigned)fs.count + 1, 0, fp);
        i += 15;
    }
    int rc = baseline_apply(fuzz_file_set(&file, data, size), &fs, err, sizeof err);
    FUZZ_CHECK(rc == 0 || rc == -EINVAL || rc == -ENOMEM);
    if (rc) {
        FUZZ_CHECK(err[0] != '\0' && strchr(err, '\n') == NULL);
        for (size_t i = 0; i < fs.count; i++)
            FUZZ_CHECK(!fs.items[i].baselined);
    }
    FUZZ_CHECK(!fs.items[0].baselined); /* no fingerprint, never listed */

    size_t skip = size >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    struct json_value *v = NULL;
    char jerr[128];
    if (json_parse((const char *)data + skip, size - skip, &v, jerr, sizeof jerr) == 0 &&
        jansson_reads(v)) {
        FUZZ_CHECK((rc == 0) == is_baseline(v));
        for (size_t i = 1; rc == 0 && i < fs.count; i++)
            FUZZ_CHECK(fs.items[i].baselined == lists(v, fs.items[i].fingerprint));
    }
    json_free(v);
    findings_free(&fs);
}

/* s as the writer writes it: each byte outside well-formed UTF-8 as U+FFFD. */
static void lossy(const char *s, char *out)
{
    while (*s) {
        size_t n = utf8_seq_len(s);
        if (n == 0) {
            memcpy(out, UTF8_REPLACEMENT, 3);
            out += 3;
            s++;
        } else {
            memcpy(out, s, n);
            out += n;
            s += n;
        }
    }
    *out = '\0';
}

static void check_member(const struct json_value *x, const char *key, const char *want)
{
    const struct json_value *s = json_get(x, key);
    char buf[3 * 256 + 1];

    lossy(want, buf);
    FUZZ_CHECK(s && s->type == JSON_STRING && s->len == strlen(buf) &&
               memcmp(s->str, buf, s->len) == 0);
}

static void write_read(const uint8_t *data, size_t size)
{
    struct fuzz_input in = {data, size};
    struct findings fs, back;
    char path[4][256], scope[4][256], subject[4][256];
    size_t nfields = 1 + fuzz_u8(&in) % 4;

    /* a few distinct strings, used by many findings (equal keys give
     * occurrence indexes) */
    for (size_t i = 0; i < nfields; i++) {
        fuzz_str(&in, path[i], sizeof path[i], 'x');
        if (!path[i][0])
            strcpy(path[i], "p.c");
        fuzz_str(&in, scope[i], sizeof scope[i], 'x');
        fuzz_str(&in, subject[i], sizeof subject[i], 'x');
    }
    findings_init(&fs);
    findings_init(&back);
    size_t n = fuzz_u8(&in) % 48;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = fuzz_u8(&in), k = fuzz_u8(&in);
        size_t f = b % nfields;
        add(&fs, all[k % nall], path[f], scope[(b >> 2) % nfields], subject[(b >> 4) % nfields],
            1 + fuzz_u8(&in) % 8, (k & 0x80) != 0, NULL);
    }
    findings_normalise(&fs);
    FUZZ_CHECK(baseline_fingerprint_all(&fs) == 0);
    for (size_t i = 0; i < fs.count; i++) {
        const struct finding *x = &fs.items[i];
        add(&back, x->check, x->path, x->scope, x->subject, x->line, 0, x->fingerprint);
    }
    const char *out = fuzz_dir_write(0, "baseline.json", "", 0);
    FUZZ_CHECK(baseline_write(out, &fs) == 0);

    FILE *f = fopen(out, "rb");
    FUZZ_CHECK(f != NULL);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    int c;
    while ((c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(f);
    FUZZ_CHECK(fclose(m) == 0);
    struct json_value *v = NULL;
    char jerr[128];
    FUZZ_CHECK(json_parse(text, len, &v, jerr, sizeof jerr) == 0);
    FUZZ_CHECK(is_baseline(v));
    const struct json_value *list = json_get(v, "findings");
    size_t e = 0;
    for (size_t i = 0; i < fs.count; i++) {
        const struct finding *x = &fs.items[i];
        if (x->suppressed)
            continue;
        FUZZ_CHECK(e < list->n);
        const struct json_value *it = &list->items[e++];
        check_member(it, "fingerprint", x->fingerprint);
        check_member(it, "check", x->check->id);
        check_member(it, "path", x->path);
        check_member(it, "function", x->scope);
        check_member(it, "subject", x->subject);
    }
    FUZZ_CHECK(e == list->n);

    char err[512];
    FUZZ_CHECK(baseline_apply(out, &back, err, sizeof err) == 0);
    for (size_t i = 0; i < back.count; i++) {
        int listed = 0;
        for (size_t j = 0; j < fs.count; j++)
            listed |= !fs.items[j].suppressed &&
                      strcmp(fs.items[j].fingerprint, back.items[i].fingerprint) == 0;
        FUZZ_CHECK(back.items[i].baselined == listed);
        if (!fs.items[i].suppressed)
            FUZZ_CHECK(listed);
    }
    json_free(v);
    free(text);
    findings_free(&fs);
    findings_free(&back);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_file_init(&file, "fuzz_baseline.json");
    all = registry_all(&nall);
    FUZZ_CHECK(nall > 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!all)
        LLVMFuzzerInitialize(NULL, NULL);
    read_any(data, size);
    write_read(data, size);
    return 0;
}
