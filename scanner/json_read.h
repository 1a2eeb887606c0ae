/* json_read — reading the JSON v6scan is given: baselines, reports for
 * `v6scan merge`, the -j workers' results, compile databases. Parsing is
 * jansson's (RFC 8259, UTF-8 only, duplicate member names rejected, no NUL
 * in strings, numbers range-checked); this module bounds what is read and
 * checks each field a caller reads, with a message that names the field.
 *
 * Messages written to err are one line without the file name, e.g.
 *   "line 3, column 1: ']' expected near end of file"
 *   "findings[2].line: must be an integer from 1 to 4294967295 (got -5)"
 *   "summary.filesTotal: missing"
 */
#ifndef V6SCAN_JSON_READ_H
#define V6SCAN_JSON_READ_H

#include <jansson.h>
#include <stddef.h>

/* Size limits (bytes) of the files v6scan reads as JSON. */
#define JSON_READ_MAX_REPORT ((size_t)256 << 20)  /* reports, baselines: 256 MiB */
#define JSON_READ_MAX_COMPDB ((size_t)1024 << 20) /* compile_commands.json: 1 GiB */

/* Reads the JSON document (an object or an array) in the file at path.
 * Only a regular file is read: the file is opened with O_NONBLOCK (a FIFO
 * without a writer does not block) and checked with fstat. A leading UTF-8
 * byte order mark is skipped. Returns 0 and sets *out (json_decref it), or
 *   -errno     the file cannot be opened or read (err: strerror)
 *   -EINVAL    not a regular file, or not valid JSON (err: what, where)
 *   -EFBIG     larger than max_bytes (err says so)
 *   -ENOMEM */
int json_read_file(const char *path, size_t max_bytes, json_t **out, char *err, size_t errlen);

/* Parses text[0..len) (one line of a worker's result file); errors as
 * json_read_file's -EINVAL / -ENOMEM. */
int json_read_buffer(const char *text, size_t len, json_t **out, char *err, size_t errlen);

/* Field readers. obj is an object; `where` names it in messages ("" for the
 * document itself, e.g. "findings[3]"); key is the member. A member that is
 * absent is an error ("<where>.<key>: missing") only when required; else
 * *out is left as it was and 0 is returned. A member of the wrong type or
 * out of range is -EINVAL with a message. null is never accepted. */
int json_read_str(const json_t *obj, const char *where, const char *key, int required, const char **out, char *err,
		  size_t errlen);
int json_read_int(const json_t *obj, const char *where, const char *key, int required, json_int_t min, json_int_t max,
		  json_int_t *out, char *err, size_t errlen);
int json_read_bool(const json_t *obj, const char *where, const char *key, int required, int *out, char *err,
		   size_t errlen);
int json_read_array(const json_t *obj, const char *where, const char *key, int required, json_t **out, char *err,
		    size_t errlen);
int json_read_object(const json_t *obj, const char *where, const char *key, int required, json_t **out, char *err,
		     size_t errlen);

/* Writes "<where>: must be <what> (got <a description of v>)" to err and
 * returns -EINVAL: for checks the readers above cannot express. */
int json_read_bad(const json_t *v, const char *where, const char *what, char *err, size_t errlen);

/* Decodes %XX escapes (json_write_lossless, json_write_uri) into a new
 * string. Returns 0, -EINVAL (a '%' not followed by two hex digits, or
 * %00), -ENOMEM. */
int json_read_unescape(const char *s, char **out);

#endif
