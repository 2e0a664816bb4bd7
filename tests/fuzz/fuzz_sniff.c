/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: what a file is by its content (core/sniff.c: magic
 * bytes, the ZIP end record and central directory, OpenDocument's mimetype
 * entry), the size checks of the previews before anything is decoded
 * (render/preview.c: the PNG header, the JPEG markers up to the frame
 * header) and the one-page PDF a JPEG is wrapped in. The first byte picks
 * the name the file is offered under.
 *
 * Properties (abort() when violated): a kind of the enum; a file accepted
 * for sending has a row whose extension its name ends with and is not
 * empty, a refused one has a reason; a preview count is 0 with a reason
 * or a positive number of pages; a JPEG's wrapper is a PDF that declares
 * a page of at most PREVIEW_MAX_SIDE points a side. Pages are not rendered
 * here (render/redact.c has its own target). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sniff.h"
#include "render/preview.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

static const char *const names[] = {"a.pdf", "a.png", "a.jpg", "a.csv", "a.xlsx",
                                    "a.ods", "a.docx", "a.odt", "a.exe", "bez"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (1u << 20))
		return 0;
	const char *name = names[data[0] % (sizeof names / sizeof names[0])];
	const uint8_t *d = data + 1;
	size_t n = size - 1;
	enum sniff_kind k = sniff(d, n);
	check(k >= SNIFF_UNKNOWN && k <= SNIFF_MACROS);
	const struct sniff_type *t;
	const char *why;
	if (sniff_outgoing(name, d, n, &t, &why)) {
		check(t != NULL && n > 0 && t->kind == k);
		size_t nl = strlen(name), el = strlen(t->ext);
		check(nl > el && (!strcmp(name + nl - el, t->ext) ||
		                  (t->ext2 && nl > strlen(t->ext2) && !strcmp(name + nl - strlen(t->ext2), t->ext2))));
	} else {
		check(why != NULL && *why);
	}
	char err[300] = "";
	if (k == SNIFF_PNG || k == SNIFF_JPEG) {
		int c = preview_count(d, n, err, sizeof err);
		check(c == 0 || c == 1);
		check(c == 1 || *err);
	}
	if (k == SNIFF_JPEG) {
		unsigned char *pdf = NULL;
		size_t len = 0;
		if (preview_jpeg_pdf(d, n, &pdf, &len, err, sizeof err)) {
			const char *mb = memmem(pdf, len, "/MediaBox[0 0 ", 14);
			check(mb != NULL);
			double w = 0, h = 0;
			check(sscanf(mb + 14, "%lf %lf", &w, &h) == 2);
			check(w >= 1 && h >= 1 && w <= PREVIEW_MAX_SIDE && h <= PREVIEW_MAX_SIDE);
			free(pdf);
		} else {
			check(*err != '\0');
		}
	}
	return 0;
}
