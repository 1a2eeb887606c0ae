/* utf8 — recognising well-formed UTF-8 (RFC 3629) in the byte strings v6scan
 * gets from the file system and from libclang, which need not be UTF-8: a
 * file name is any sequence of bytes but '/' and NUL.
 */
#ifndef V6SCAN_UTF8_H
#define V6SCAN_UTF8_H

#include <stddef.h>

/* U+FFFD REPLACEMENT CHARACTER, encoded. */
#define UTF8_REPLACEMENT "\xef\xbf\xbd"

/* The length (1 to 4) of the well-formed UTF-8 sequence at s, or 0 when the
 * byte at s does not start one: a stray continuation byte, an overlong form,
 * a surrogate (U+D800..U+DFFF), a code point above U+10FFFF, or a sequence
 * cut short (by the terminating NUL too). s must not point at the NUL. */
size_t utf8_seq_len(const char *s);

/* 1 when the NUL-terminated s is well-formed UTF-8 throughout. */
int utf8_valid(const char *s);

#endif
