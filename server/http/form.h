/* SPDX-License-Identifier: EUPL-1.2 */
/* Form data: query strings, application/x-www-form-urlencoded bodies and
 * multipart/form-data bodies (RFC 7578).
 *
 * Everything returned is allocated in the caller's per-request arena. On any
 * error the form is left empty (first == last == NULL, count == 0): a request
 * is handled with all of its fields or none. Pure code: no I/O.
 *
 * Field names and text values are valid UTF-8 without NUL bytes, kept
 * byte-exact (CRLF in a textarea stays CRLF). File contents are binary and
 * unchecked. */
#ifndef JAWNOSC_HTTP_FORM_H
#define JAWNOSC_HTTP_FORM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

typedef struct form_field {
	const char *name;  /* UTF-8, NUL-terminated */
	const char *value; /* NUL-terminated; files may contain NUL bytes: use value_len */
	size_t value_len;
	const char *filename;	  /* multipart file parts only, else NULL; basename, non-empty */
	const char *content_type; /* multipart parts with a Content-Type, else NULL */
	struct form_field *next;
} form_field_t;

typedef struct form {
	form_field_t *first, *last;
	size_t count;
} form_t;

/* Limits in bytes (names, values and files are measured after decoding). */
typedef struct form_limits {
	size_t max_fields;
	size_t max_name;
	size_t max_value;
	size_t max_file;
} form_limits_t;
/* 200 fields, 256-byte names, 1 MiB text values, 10 MiB files. */
extern const form_limits_t form_default_limits;
/* Longest file name kept (after stripping any directory): NAME_MAX on Linux. */
#define FORM_FILENAME_MAX 255
/* Largest header block of one multipart part. */
#define FORM_PART_HEADERS_MAX 8192

enum form_error {
	FORM_OK = 0,
	FORM_MALFORMED,
	FORM_TOO_MANY_FIELDS,
	FORM_NAME_TOO_LONG, /* a field name, or a file name over FORM_FILENAME_MAX */
	FORM_VALUE_TOO_LARGE,
	FORM_FILE_TOO_LARGE,
	FORM_BAD_ENCODING, /* bad %-escape, NUL, invalid UTF-8, control chars in a file name */
	FORM_UNSUPPORTED_TYPE,
};

/* Short English text for logs. Never NULL. */
const char *form_error_text(enum form_error e);
/* A clear Polish sentence for the user. Never NULL. */
const char *form_error_text_pl(enum form_error e);

/* Parses "a=1&b=x+y&c" (WHATWG URL Standard §5.1): pairs split on '&', empty
 * pairs skipped ("a&&b"), a pair without '=' has the empty value, '+' is a
 * space, then percent-decoding. Also used for query strings: pass the part
 * after the '?'. `lim` NULL means form_default_limits. */
enum form_error form_parse_urlencoded(arena_t *a, const char *body, size_t len,
				      const form_limits_t *lim, form_t *out);

/* Parses a multipart/form-data body (RFC 7578, framing from RFC 2046 §5.1.1).
 * content_type_header is the request's whole Content-Type value: it must be
 * multipart/form-data (else FORM_UNSUPPORTED_TYPE) with a boundary of 1-70
 * valid characters, quoted or not (else FORM_MALFORMED).
 *
 * Each part needs CRLF line ends and "Content-Disposition: form-data;
 * name=..." (header names case-insensitive, parameter values tokens or quoted
 * strings with backslash escapes). A "filename" parameter makes it a file part:
 * the file name is cut after the last '/' or '\'; "", "." or ".." after that
 * is FORM_MALFORMED, except that a part with filename="" and no content (what
 * browsers send for an empty file input) is skipped. The preamble and the
 * epilogue are ignored, and the CRLF after the closing boundary is optional.
 * A body that ends before the closing boundary is FORM_MALFORMED. */
enum form_error form_parse_multipart(arena_t *a, const char *content_type_header, const char *body,
				     size_t len, const form_limits_t *lim, form_t *out);

/* The boundary of a multipart/form-data Content-Type (not NUL-terminated:
 * `len` bytes, in the arena), under the rules of form_parse_multipart(). */
enum form_error form_multipart_boundary(arena_t *a, const char *content_type_header,
				       const char **boundary, size_t *len);
/* The field name of one part's header block (`len` bytes ending with the
 * empty line, CRLF CRLF) and, for a file part, its file name as
 * form_parse_multipart() keeps it ("" for an empty file input; NULL for a
 * text field). Both in the arena. */
enum form_error form_part_describe(arena_t *a, const char *headers, size_t len, const char **name,
				   const char **filename);

/* Dispatches on the Content-Type header: application/x-www-form-urlencoded
 * (a charset parameter, if any, must be UTF-8) or multipart/form-data; a
 * missing header or anything else is FORM_UNSUPPORTED_TYPE. */
enum form_error form_parse(arena_t *a, const char *content_type_header, const char *body,
			   size_t len, const form_limits_t *lim, form_t *out);

/* The first value of field `name`, or NULL. */
const char *form_get(const form_t *f, const char *name);
/* The first field called `name`, or NULL. */
const form_field_t *form_get_field(const form_t *f, const char *name);
/* Stores up to `max` values of field `name` (repeated fields: checkboxes,
 * multiple selects) in form order and returns how many it stored. */
size_t form_get_all(const form_t *f, const char *name, const char **values, size_t max);

/* A `const char *` member of an input struct and the field it is read from:
 * FORM_SLOT(struct x_input, subject) reads field "subject". */
struct form_slot {
	const char *field;
	size_t offset;
};
#define FORM_SLOT(type, member) {#member, offsetof(type, member)}
/* Sets each slot's member of `dst` to its field's first value, or to
 * `missing` when the form (NULL: none) has no such field. */
void form_fill(const form_t *f, void *dst, const struct form_slot *slots, size_t n,
	       const char *missing);

#endif
