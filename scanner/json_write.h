/* json_write — the string literals of the JSON v6scan writes (reports,
 * SARIF logs, baselines, the -j workers' results). Everything else in those
 * documents is ASCII written directly by the emitters.
 *
 * Every function writes one JSON string literal, quotes included, that is
 * valid UTF-8 and valid RFC 8259 whatever bytes s holds: '"' and '\' are
 * escaped, \n \r \t by name, other control characters as \u00XX.
 */
#ifndef V6SCAN_JSON_WRITE_H
#define V6SCAN_JSON_WRITE_H

#include <stdio.h>

/* For reports read by people and other tools: each byte that is not part
 * of a well-formed UTF-8 sequence (utf8.h) becomes U+FFFD. Lossy only for
 * such bytes. */
void json_write_string(FILE *f, const char *s);

/* For v6scan's own transport between processes (json_read_unescape
 * inverts it exactly): '%' and each byte of a malformed sequence are
 * written as %XX (upper-case hex); well-formed UTF-8 passes through. */
void json_write_lossless(FILE *f, const char *s);

/* For a SARIF artifactLocation.uri (a relative reference, RFC 3986): path
 * bytes other than ALPHA, DIGIT, "-._~", "!$&'()*+,;=", "@" and "/" are
 * percent-encoded (%XX of the byte; ':' too, so that a first segment never
 * reads as a scheme). The path must use '/' separators. */
void json_write_uri(FILE *f, const char *path);

#endif
