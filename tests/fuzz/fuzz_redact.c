/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: reading a hostile PDF for redaction (render/redact.c:
 * poppler-glib and libqpdf behind redact_page_count, redact_page_size,
 * redact_text, redact_find and redact_pdf).
 *
 * Input: the PDF's bytes. redact_pdf (rendering at 200 dpi: slow) runs for
 * one input in 25, chosen by a hash of its bytes so that a replay does the
 * same, and for every input with the comment "%redact" in its first 64
 * bytes (the seeds that should exercise it). Properties (abort() when violated): a refusal
 * has a reason; a count is 1..REDACT_MAX_PAGES and every page has a size
 * of 1..14400 points; the text of a readable PDF is there, valid to read,
 * with a form feed between pages (at most count - 1 of them); every box
 * found is on a page the PDF has, with finite coordinates, x0 < x1 and
 * y0 < y1, and the count returned equals the boxes added; a redacted copy
 * is a PDF with as many pages, and none of the hidden terms in its text. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 131072
#define REDACT_EVERY 25

static void check(bool ok)
{
	if (!ok)
		abort();
}

/* FNV-1a: which inputs go through redact_pdf. */
static uint32_t hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

static bool wants_redaction(const uint8_t *data, size_t size)
{
	return memmem(data, size < 64 ? size : 64, "%redact", 7) || hash(data, size) % REDACT_EVERY == 0;
}

static void check_copy(const unsigned char *out, size_t outlen, int pages)
{
	char err[512] = "";
	check(outlen > 5 && memcmp(out, "%PDF-", 5) == 0);
	check(redact_page_count(out, outlen, err, sizeof err) == pages);
	char *t = redact_text(out, outlen, err, sizeof err);
	check(t != NULL);
	check(!strcasestr(t, "Kowalski"));
	free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	char err[512] = "";
	int n = redact_page_count(data, size, err, sizeof err);
	if (n < 0) {
		check(err[0] != '\0');
		return 0;
	}
	check(n >= 1 && n <= REDACT_MAX_PAGES);
	for (int i = 0; i < n && i < 8; i++) {
		double w = 0, h = 0;
		check(redact_page_size(data, size, i, &w, &h, err, sizeof err));
		check(w >= 1 && w <= 14400 && h >= 1 && h <= 14400);
	}
	char *t = redact_text(data, size, err, sizeof err);
	check(t != NULL);
	size_t ff = 0;
	for (const char *p = t; (p = strchr(p, '\f')); p++)
		ff++;
	free(t);
	/* A page's own text may hold form feeds too: only a lower bound. */
	check(ff >= (size_t)n - 1);

	static const char *const terms[] = {"Kowalski", "a", "PESEL 0", "ą"};
	redact_box_t *boxes = NULL;
	size_t nboxes = 0;
	long k = redact_find(data, size, terms, 4, &boxes, &nboxes, err, sizeof err);
	check(k == -1 ? err[0] != '\0' : (size_t)k == nboxes);
	for (size_t i = 0; i < nboxes; i++) {
		const redact_box_t *b = &boxes[i];
		check(b->page >= 0 && b->page < n);
		check(isfinite(b->x0) && isfinite(b->y0) && isfinite(b->x1) && isfinite(b->y1));
		check(b->x0 < b->x1 && b->y0 < b->y1);
	}
	if (k >= 0 && n <= 4 && wants_redaction(data, size)) {
		/* The boxes of "Kowalski" (and of the other terms) with it hidden:
		 * either a copy without it, or a refusal with a reason. */
		unsigned char *out = NULL;
		size_t outlen = 0;
		if (redact_pdf(data, size, boxes, nboxes, terms, 1, &out, &outlen, err, sizeof err))
			check_copy(out, outlen, n);
		else
			check(err[0] != '\0' && out == NULL);
		free(out);
	}
	free(boxes);
	return 0;
}
