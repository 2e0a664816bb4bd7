/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/upload_scan.h"

#include <string.h>

#include "http/form.h"

enum {
	SCAN_PREAMBLE, /* before the first delimiter */
	SCAN_TAIL,     /* after a delimiter: "--" (the end) or padding and CRLF */
	SCAN_HEADERS,  /* a part's header block */
	SCAN_PART,     /* a part's content */
	SCAN_END,      /* after the closing delimiter, or the body cannot be read */
};

/* Room left for the closing delimiter and its NUL. */
static size_t reserve(const struct upload_scan *s)
{
	return s->dlen + 3;
}

static bool put(struct upload_scan *s, const char *p, size_t n)
{
	if (n > s->out_cap - reserve(s) - s->out_len)
		return false;
	memcpy(s->out + s->out_len, p, n);
	s->out_len += n;
	return true;
}

/* A kept field does not fit: it goes, the fields before it stay. */
static void drop_part(struct upload_scan *s)
{
	s->out_len = s->part_start;
	s->keep = false;
	s->skip = true;
	s->lost_field = true;
}

static void content(struct upload_scan *s, const char *p, size_t n)
{
	if (s->state != SCAN_PART || s->skip)
		return;
	if (s->current >= 0)
		s->files[s->current].size += n;
	else if (s->keep && !put(s, p, n))
		drop_part(s);
}

/* The header block is complete: is the part a text field (kept), a file
 * (measured) or something to skip? */
static void part_begins(struct upload_scan *s)
{
	const char *name, *filename;
	s->keep = s->skip = false;
	s->current = -1;
	s->part_start = s->out_len;
	if (form_part_describe(s->arena, s->headers, s->hlen, &name, &filename) != FORM_OK) {
		s->skip = true;
		return;
	}
	if (!filename) {
		/* "--boundary" CRLF, the headers as sent, then the content. */
		s->keep = put(s, s->delim + 2, s->dlen - 2) && put(s, "\r\n", 2) &&
		          put(s, s->headers, s->hlen);
		if (!s->keep)
			drop_part(s);
		return;
	}
	if (!*filename) {
		s->skip = true; /* an empty file input */
		return;
	}
	if (s->nfiles == UPLOAD_SCAN_FILES_MAX) {
		s->more_files++;
		s->skip = true;
		return;
	}
	s->current = s->nfiles++;
	s->files[s->current] = (struct upload_file){name, filename, 0};
}

static void part_ends(struct upload_scan *s)
{
	if (s->state == SCAN_PART && s->keep && !put(s, "\r\n", 2))
		drop_part(s);
	s->keep = false;
	s->current = -1;
}

static void header_byte(struct upload_scan *s, char ch)
{
	if (s->hlen == FORM_PART_HEADERS_MAX) {
		/* Not a part the form parser would take: skip its content. */
		s->state = SCAN_PART;
		s->skip = true;
		s->current = -1;
		s->keep = false;
		return;
	}
	s->headers[s->hlen++] = ch;
	if (s->hlen >= 4 && !memcmp(s->headers + s->hlen - 4, "\r\n\r\n", 4)) {
		s->state = SCAN_PART;
		part_begins(s);
	} else if (s->hlen == 2 && !memcmp(s->headers, "\r\n", 2)) {
		/* No header at all: the form parser refuses such a part. */
		s->state = SCAN_PART;
		s->skip = true;
		s->current = -1;
	}
}

static void tail_byte(struct upload_scan *s, char ch)
{
	s->tail[s->ntail++] = ch;
	if (s->ntail < 2) {
		return;
	}
	if (!memcmp(s->tail, "--", 2)) {
		s->state = SCAN_END;
	} else if (!memcmp(s->tail, "\r\n", 2)) {
		s->state = SCAN_HEADERS;
		s->hlen = 0;
	} else if (s->tail[0] == ' ' || s->tail[0] == '\t') {
		/* Transport padding (RFC 2046 §5.1.1) before the CRLF. */
		s->tail[0] = s->tail[1];
		s->ntail = 1;
	} else {
		s->state = SCAN_END;
	}
}

bool upload_scan_init(struct upload_scan *s, arena_t *a, const char *content_type, char *out,
                      size_t cap)
{
	memset(s, 0, sizeof *s);
	const char *b;
	size_t blen;
	if (cap < 128 || form_multipart_boundary(a, content_type, &b, &blen) != FORM_OK ||
	    blen + 4 >= sizeof s->delim)
		return false;
	s->arena = a;
	memcpy(s->delim, "\r\n--", 4);
	memcpy(s->delim + 4, b, blen);
	s->dlen = blen + 4;
	s->headers = arena_alloc(a, FORM_PART_HEADERS_MAX);
	s->out = out;
	s->out_cap = cap;
	s->current = -1;
	s->state = SCAN_PREAMBLE;
	/* The first delimiter may open the body without its CRLF. */
	s->matched = 2;
	return true;
}

void upload_scan_feed(struct upload_scan *s, const char *data, size_t n)
{
	s->seen += n;
	for (size_t i = 0; i < n && s->state != SCAN_END;) {
		char ch = data[i];
		if (s->state == SCAN_TAIL) {
			tail_byte(s, ch);
			i++;
			continue;
		}
		if (s->state == SCAN_HEADERS) {
			header_byte(s, ch);
			i++;
			continue;
		}
		/* The preamble or a part's content: look for the delimiter. */
		if (s->matched < s->dlen && ch == s->delim[s->matched]) {
			if (++s->matched == s->dlen) {
				part_ends(s);
				s->state = SCAN_TAIL;
				s->ntail = 0;
				s->matched = 0;
			}
			i++;
			continue;
		}
		if (s->matched) {
			/* What looked like a delimiter was content; the delimiter's
			 * first byte ('\r') appears nowhere else in it. */
			content(s, s->delim, s->matched);
			s->matched = 0;
			continue; /* the same byte may start a delimiter */
		}
		/* A run of content up to the next possible delimiter. */
		const char *cr = memchr(data + i, '\r', n - i);
		size_t run = cr ? (size_t)(cr - (data + i)) : n - i;
		content(s, data + i, run);
		i += run;
	}
}

size_t upload_scan_finish(struct upload_scan *s)
{
	/* A body cut short: its last part is incomplete, and not kept. */
	if (s->state != SCAN_END && s->state != SCAN_PREAMBLE && s->keep)
		s->out_len = s->part_start;
	if (s->out_len) {
		memcpy(s->out + s->out_len, s->delim + 2, s->dlen - 2);
		s->out_len += s->dlen - 2;
		memcpy(s->out + s->out_len, "--\r\n", 4);
		s->out_len += 4;
	}
	s->out[s->out_len] = '\0';
	s->state = SCAN_END;
	return s->out_len;
}
