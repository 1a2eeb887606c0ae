/* emit — writing a scan's findings: compiler-style text, JSON and SARIF 2.1.0.
 *
 * Text: per active finding (neither suppressed nor baselined), in the order
 * of the store (path, line, column):
 *   path:line:col: <level>: <message> [<check id>]
 *      15 |         <the source line, when it could be read>
 *         |         ^~~~~~~~~  (under [column, end_column))
 * and, after the first finding of each check in each file only, the
 * replacement advice `path:line:col: note: <advice>`. With colour (GCC's
 * defaults): bold location and message, the level and check id in red
 * (error), magenta (warning) or cyan (note), a green caret.
 *
 * JSON (the format `v6scan merge` and the -j workers read back):
 *   {"version": 1, "tool": "v6scan", "toolVersion": "...",
 *    "summary": {"findings", "errors", "warnings", "notes", "suppressed",
 *                "baselined", "filesParsed", "filesTotal", "defaultFlags"},
 *    "baselineUsed": bool, "root": "/abs/root" (when known),
 *    "failedFiles": [path...], "failureReasons": [why...] (same order),
 *    "findings": [{"check", "level", "path", "line", "column",
 *                  "endColumn" and "snippet" (when the source was read),
 *                  "message", "function", "subject", "fingerprint",
 *                  "inactive": true (found in an inactive #if branch),
 *                  "fix": {"description", "replacements": [{"path",
 *                          "offset", "length", "line", "column", "text"}]}
 *                         (when the finding has a fix-it; bytes),
 *                  "suppressed": bool, "justification" (when suppressed),
 *                  "executed": bool and "hits" (with --runtime, for the
 *                  checks report mode sees: runtime_join.h),
 *                  "baselined": bool}]}
 *
 * Every string is valid UTF-8 (json_write.h): a byte of a path, message or
 * snippet that is not part of well-formed UTF-8 is written as U+FFFD (in
 * JSON strings) or %XX (in SARIF URIs). Text output keeps the bytes.
 *
 * SARIF: one run; tool.driver with every check as a rule (id, name,
 * shortDescription, fullDescription, help {text, markdown: the check's page
 * when found}, helpUri only when a base is configured (at build time or
 * --help-uri-base), defaultConfiguration, properties.tags); an invocation
 * whose toolExecutionNotifications name each file not fully analysed and
 * why and whose ruleConfigurationOverrides give the level --severity set
 * for a rule (§3.20.5, §3.51); originalUriBaseIds {"%SRCROOT%": file:// URI of the report root};
 * results with ruleId, ruleIndex, level, message, one physical location
 * (uri: the path as a percent-encoded relative reference, json_write_uri,
 * against uriBaseId "%SRCROOT%"; region startLine/startColumn and, when the
 * source was read, endLine/endColumn and snippet; columns in UTF-16 code
 * units), partialFingerprints "v6scanFingerprint/v1", suppressions
 * [{kind "inSource", justification}] for suppressed results, baselineState
 * ("new"/"unchanged") when a baseline was applied, fixes (§3.55: one fix,
 * artifactChanges with byteOffset/byteLength regions, each replacement's
 * line and byteColumn in its properties) when the finding has a fix-it,
 * and properties {function, subject, message, inactive (when true)}.
 * Text: a finding with a fix-it is followed by
 *   path:line:col: fix-it: <what it does> (--fix applies it) run.properties carries the file counters,
 * failed files and reasons so that `v6scan merge` can rebuild the summary.
 *
 * HTML (emit_html.c): one self-contained page (inline CSS, no script, no
 * external reference): the summary line, the files that did not parse,
 * totals of active findings per check and per directory, then per file each
 * active finding with the source lines around it (read from info->root/path;
 * "(source line not available)" when unreadable) and the check's
 * replacement advice. Every text is HTML-escaped, non-UTF-8 bytes and C0
 * controls as U+FFFD.
 */
#ifndef V6SCAN_EMIT_H
#define V6SCAN_EMIT_H

#include <stdio.h>

#include "findings.h"

enum emit_format { EMIT_TEXT, EMIT_JSON, EMIT_SARIF, EMIT_HTML, EMIT_CODECLIMATE };

enum emit_color { EMIT_COLOR_AUTO, EMIT_COLOR_ALWAYS, EMIT_COLOR_NEVER };

struct emit_info {
	int baseline_used;         /* 1: --baseline was given */
	int color;                 /* text: 1 to colour (emit_color_wanted) */
	int compact;               /* JSON on one line, no trailing newline (worker protocol) */
	const char *help_uri_base; /* SARIF: base of helpUri, "" or NULL: none */
	char *const *docs;         /* SARIF: each check's page (registry order; NULL entries), or NULL */
	int lossless;              /* JSON strings as json_write_lossless (worker protocol) */
	const char *root;          /* HTML: directory the findings' paths are relative to (NULL: cwd) */
	/* --severity: each check's level (registry order, -1: its own), or
	 * NULL: none overridden. The findings carry their levels already; this
	 * is for what describes a check: SARIF's
	 * invocations[0].ruleConfigurationOverrides (the rules'
	 * defaultConfiguration stays each check's own), HTML's per-check table */
	const signed char *levels;
};

/* The default base of every rule's helpUri (<base><check id>.md) and of
 * the driver's informationUri: set at configure time with
 * -DV6SCAN_HELP_URI_BASE=...; empty (no helpUri) unless it is. */
#ifdef V6SCAN_HELP_URI_BASE
#define EMIT_HELP_URI_BASE V6SCAN_HELP_URI_BASE
#else
#define EMIT_HELP_URI_BASE ""
#endif

int emit_text(FILE *f, const struct findings *fs, const struct emit_info *info);
int emit_json(FILE *f, const struct findings *fs, const struct emit_info *info);
int emit_sarif(FILE *f, const struct findings *fs, const struct emit_info *info);
int emit_html(FILE *f, const struct findings *fs, const struct emit_info *info);
/* Code Climate (emit_codeclimate.c), GitLab's code quality report: a JSON
 * array with one issue per active finding: type "issue", check_name (the
 * check id), description (the message), categories ["Compatibility"],
 * severity (error critical, warning major, note info), fingerprint (the
 * baseline fingerprint, "-N" added for its N-th repeat), location {path,
 * lines {begin}}. */
int emit_codeclimate(FILE *f, const struct findings *fs, const struct emit_info *info);

/* Writes the one-line summary (with a trailing newline):
 * "N findings (E errors, W warnings, N notes), S suppressed, B baselined,
 *  P/T files parsed" plus "; no compilation database: parsed with
 * -std=gnu11 -D_GNU_SOURCE" when default flags were used. */
void emit_summary(FILE *f, const struct findings *fs);

/* Parses "auto", "always", "never". 0 or -EINVAL. */
int emit_color_parse(const char *s, enum emit_color *out);

/* Whether to colour output written to fd: always, never, or for auto when
 * fd is a terminal, TERM is not "dumb" and NO_COLOR is unset or empty
 * (https://no-color.org: --color=always overrides it). */
int emit_color_wanted(enum emit_color when, int fd);

/* Parses "text", "json", "sarif", "html", "codeclimate". 0 or -EINVAL. */
int emit_format_parse(const char *s, enum emit_format *out);

#endif
