/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: form parsers (server/http/form.c).
 * First byte: low two bits choose url-encoded, multipart with the fixed
 * boundary "XyZ", or form_parse() with the Content-Type taken from the first
 * line of the input; bit 7 selects small limits so the limit paths are hit.
 * Besides crashes, aborts when a result breaks the parser's promises. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "http/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const form_limits_t small_limits = {
    .max_fields = 4,
    .max_name = 8,
    .max_value = 32,
    .max_file = 64,
};

static void check_field(const form_field_t *x, const form_limits_t *lim)
{
	size_t nlen = strlen(x->name);
	if (nlen > lim->max_name || !utf8_valid(x->name, nlen) || x->value[x->value_len] != '\0')
		abort();
	if (x->filename) {
		size_t flen = strlen(x->filename);
		if (flen == 0 || flen > FORM_FILENAME_MAX || strpbrk(x->filename, "/\\") ||
		    x->value_len > lim->max_file)
			abort();
		return;
	}
	if (x->value_len > lim->max_value || strlen(x->value) != x->value_len ||
	    !utf8_valid(x->value, x->value_len))
		abort();
}

static void check_form(enum form_error e, const form_t *f, const form_limits_t *lim)
{
	if (!form_error_text(e) || !form_error_text_pl(e))
		abort();
	if (e != FORM_OK) {
		if (f->first || f->last || f->count)
			abort();
		return;
	}
	size_t n = 0;
	for (const form_field_t *x = f->first; x; x = x->next, n++) {
		check_field(x, lim);
		if (!x->next && x != f->last)
			abort();
	}
	if (n != f->count || n > lim->max_fields)
		abort();
	if (f->first && form_get_field(f, f->first->name) != f->first)
		abort();
}

/* Content-Type from the first line, body after it. */
static enum form_error parse_with_header(arena_t *a, const uint8_t *p, size_t n,
					 const form_limits_t *lim, form_t *f)
{
	const uint8_t *nl = memchr(p, '\n', n);
	size_t hlen = nl ? (size_t)(nl - p) : n;
	char *ct = malloc(hlen + 1);
	memcpy(ct, p, hlen);
	ct[hlen] = '\0';
	size_t off = nl ? hlen + 1 : n;
	enum form_error e = form_parse(a, ct, (const char *)p + off, n - off, lim, f);
	free(ct);
	return e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	arena_t *a = arena_new(0);
	const form_limits_t *lim = data[0] & 0x80 ? &small_limits : &form_default_limits;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	form_t f;
	enum form_error e;
	switch (data[0] & 3) {
	case 0:
		e = form_parse_urlencoded(a, body, len, lim, &f);
		break;
	case 1:
		e = form_parse_multipart(a, "multipart/form-data; boundary=XyZ", body, len, lim,
					 &f);
		break;
	default:
		e = parse_with_header(a, data + 1, len, lim, &f);
		break;
	}
	check_form(e, &f, lim);
	arena_free(a);
	return 0;
}
