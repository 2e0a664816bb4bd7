/* SPDX-License-Identifier: EUPL-1.2 */
/* A multipart/form-data body larger than its route takes, read as it
 * arrives without being kept (issue 21 item 11): the form's text fields
 * are copied into a small body of their own, a well-formed multipart body
 * that form_parse_multipart() reads as usual, and each file part is only
 * measured (its field, its file name, its size). So a form sent with files
 * over the limit can be given back with everything typed and a message
 * naming the files, for the memory of its text, not of its files.
 *
 * The fields are found wherever they are in the body; a browser sends the
 * parts in the order of the form, so a form that puts its file inputs
 * last gets its text back even when the body is cut short.
 *
 * Pure: no I/O; the part list is in the arena, the kept body in the
 * caller's buffer. */
#ifndef JAWNOSC_HTTP_UPLOAD_SCAN_H
#define JAWNOSC_HTTP_UPLOAD_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define UPLOAD_SCAN_FILES_MAX 64 /* file parts listed; more are counted only */

struct upload_file {
	const char *field;    /* the input's name ("attachment") */
	const char *filename; /* as the form parser keeps it (basename, UTF-8) */
	size_t size;          /* bytes of its content */
};

struct upload_scan {
	arena_t *arena;
	char delim[80]; /* "\r\n--" and the boundary */
	size_t dlen, matched;
	int state; /* upload_scan.c */
	char tail[2];
	size_t ntail;
	char *headers; /* the part's header block, up to FORM_PART_HEADERS_MAX */
	size_t hlen;
	bool keep;   /* the part is a text field being copied */
	bool skip;   /* the part is neither kept nor measured */
	int current; /* the file being measured, -1: none */
	/* The kept fields as a multipart body: the caller's buffer. */
	char *out;
	size_t out_len, out_cap, part_start;
	bool lost_field; /* a text field did not fit and was dropped */
	struct upload_file files[UPLOAD_SCAN_FILES_MAX];
	int nfiles, more_files;
	size_t seen; /* bytes fed */
};

/* Starts a scan of a body of `content_type` into `out` (`cap` bytes, which
 * must be at least 128). False when the type is not multipart/form-data
 * with a valid boundary: such a body cannot be given back as a form. */
bool upload_scan_init(struct upload_scan *s, arena_t *a, const char *content_type, char *out,
                      size_t cap);
/* The next `n` bytes of the body. */
void upload_scan_feed(struct upload_scan *s, const char *data, size_t n);
/* Ends the scan: a part cut short by the end of the body is dropped, and
 * the kept body is closed. Its length; it is in `out`, NUL-terminated. */
size_t upload_scan_finish(struct upload_scan *s);

#endif
