/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: the scan of a multipart body over its limit
 * (server/http/upload_scan.c). The first byte sets the size of the pieces
 * the body is fed in and of the kept buffer; the rest is the body, with
 * the boundary "XyZ". Aborts when a promise is broken: the kept body must
 * parse as multipart with no file in it, and the files must be measured
 * the same whatever the pieces. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "http/upload_scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CT "multipart/form-data; boundary=XyZ"

static size_t run(const char *body, size_t len, size_t piece, size_t cap, struct upload_scan *s,
                  arena_t *a, char *out)
{
	if (!upload_scan_init(s, a, CT, out, cap))
		abort();
	for (size_t i = 0; i < len; i += piece)
		upload_scan_feed(s, body + i, len - i < piece ? len - i : piece);
	return upload_scan_finish(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t piece = 1 + (data[0] & 0x0f), cap = 128 + (size_t)(data[0] >> 4) * 64;
	const char *body = (const char *)data + 1;
	size_t len = size - 1;
	arena_t *a = arena_new(4096);
	char *out1 = malloc(cap), *out2 = malloc(cap);
	struct upload_scan s1, s2;
	size_t n1 = run(body, len, piece, cap, &s1, a, out1);
	size_t n2 = run(body, len, len ? len : 1, cap, &s2, a, out2);
	if (n1 >= cap || n1 != n2 || memcmp(out1, out2, n1) || s1.nfiles != s2.nfiles)
		abort();
	for (int i = 0; i < s1.nfiles; i++)
		if (s1.files[i].size != s2.files[i].size || !s1.files[i].filename[0])
			abort();
	if (n1) {
		form_t f;
		if (form_parse_multipart(a, CT, out1, n1, NULL, &f) == FORM_OK)
			for (const form_field_t *x = f.first; x; x = x->next)
				if (x->filename)
					abort();
	}
	free(out1);
	free(out2);
	arena_free(a);
	return 0;
}
