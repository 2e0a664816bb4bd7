/* SPDX-License-Identifier: EUPL-1.2 */
#include "render/preview.h"

#include <cairo.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sniff.h"
#include "core/strbuf.h"
#include "render/redact.h"

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static bool pixels_ok(unsigned long w, unsigned long h, char *err, size_t errlen)
{
	if (!w || !h) {
		fail(err, errlen, "Obraz nie ma wymiarów.");
		return false;
	}
	if (w > 100000 || h > 100000 || (double)w * (double)h > (double)PREVIEW_MAX_PIXELS) {
		fail(err, errlen, "Obraz jest zbyt duży do podglądu (%lu × %lu pikseli, najwyżej "
		     "%ld milionów).", w, h, PREVIEW_MAX_PIXELS / 1000000);
		return false;
	}
	return true;
}

/* ---- PNG ----------------------------------------------------------------------- */

struct reader {
	const unsigned char *p;
	size_t len, at;
};

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int n)
{
	struct reader *r = closure;
	if (n > r->len - r->at)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p + r->at, n);
	r->at += n;
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t write_sb(void *closure, const unsigned char *data, unsigned int n)
{
	sb_append(closure, (const char *)data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* The PNG's IHDR (the first chunk, PNG spec §11.2.2) declares its size:
 * checked before libpng allocates anything. */
static bool png_header(const unsigned char *d, size_t len, char *err, size_t errlen)
{
	if (len < 33 || be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0) {
		fail(err, errlen, "Nie można odczytać obrazu PNG.");
		return false;
	}
	return pixels_ok(be32(d + 16), be32(d + 20), err, errlen);
}

/* A side of `side` pixels of an image whose longer side is `longer`,
 * scaled so that the longer one is at most PREVIEW_MAX_SIDE: in whole
 * numbers, rounded up, so the longer side is exactly the limit (floating
 * point could make it one more). */
static int fit(long side, long longer)
{
	if (longer <= PREVIEW_MAX_SIDE)
		return (int)side;
	return (int)((side * PREVIEW_MAX_SIDE + longer - 1) / longer);
}

/* `img` drawn again on white, scaled to fit PREVIEW_MAX_SIDE, as PNG. */
static bool redraw(cairo_surface_t *img, unsigned char **png, size_t *pnglen, char *err,
                   size_t errlen)
{
	int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
	int ow = fit(w, w > h ? w : h), oh = fit(h, w > h ? w : h);
	double s = (double)ow / w;
	cairo_surface_t *out = cairo_image_surface_create(CAIRO_FORMAT_RGB24, ow, oh);
	if (cairo_surface_status(out) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(out);
		fail(err, errlen, "Brak pamięci na podgląd.");
		return false;
	}
	cairo_t *cr = cairo_create(out);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, s, s);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD);
	cairo_paint(cr);
	cairo_destroy(cr);
	cairo_surface_flush(out);
	strbuf_t sb;
	sb_init(&sb, NULL);
	bool ok = cairo_surface_write_to_png_stream(out, write_sb, &sb) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(out);
	if (!ok) {
		sb_free(&sb);
		fail(err, errlen, "Nie udało się zapisać podglądu.");
		return false;
	}
	*pnglen = sb.len;
	*png = malloc(sb.len ? sb.len : 1);
	if (!*png) {
		sb_free(&sb);
		fail(err, errlen, "Brak pamięci na podgląd.");
		return false;
	}
	memcpy(*png, sb.data, sb.len);
	sb_free(&sb);
	return true;
}

static bool png_preview(const unsigned char *d, size_t len, unsigned char **png, size_t *pnglen,
                        char *err, size_t errlen)
{
	if (!png_header(d, len, err, errlen))
		return false;
	struct reader r = {d, len, 0};
	cairo_surface_t *img = cairo_image_surface_create_from_png_stream(read_mem, &r);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		fail(err, errlen, "Nie można odczytać obrazu PNG.");
		return false;
	}
	bool ok = redraw(img, png, pnglen, err, errlen);
	cairo_surface_destroy(img);
	return ok;
}

/* ---- JPEG ------------------------------------------------------------------------ */

struct jpeg_info {
	unsigned width, height, components;
	bool adobe; /* an APP14 "Adobe" segment: CMYK stored inverted */
};

/* The frame header (SOFn, ITU T.81 §B.2.2) and whether an Adobe segment
 * precedes the scan: markers are walked by their lengths up to the first
 * scan (SOS). */
static bool jpeg_header(const unsigned char *d, size_t len, struct jpeg_info *ji)
{
	memset(ji, 0, sizeof *ji);
	if (len < 4 || d[0] != 0xFF || d[1] != 0xD8)
		return false;
	size_t p = 2;
	bool frame = false;
	while (p < len) {
		if (d[p] != 0xFF)
			return false;
		while (p < len && d[p] == 0xFF)
			p++;
		if (p >= len)
			return false;
		unsigned m = d[p++];
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7))
			continue; /* no length */
		if (m == 0xD9 || len - p < 2)
			return false;
		unsigned seg = be16(d + p);
		if (seg < 2 || seg > len - p)
			return false;
		const unsigned char *s = d + p + 2;
		size_t n = seg - 2;
		bool sof = (m >= 0xC0 && m <= 0xCF) && m != 0xC4 && m != 0xC8 && m != 0xCC;
		if (sof && !frame) {
			if (n < 6)
				return false;
			ji->height = be16(s + 1);
			ji->width = be16(s + 3);
			ji->components = s[5];
			frame = true;
		}
		if (m == 0xEE && n >= 5 && !memcmp(s, "Adobe", 5))
			ji->adobe = true;
		if (m == 0xDA)
			return frame;
		p += seg;
	}
	return false;
}

bool preview_jpeg_pdf(const unsigned char *data, size_t len, unsigned char **pdf,
                      size_t *pdflen, char *err, size_t errlen)
{
	struct jpeg_info ji;
	if (!jpeg_header(data, len, &ji) ||
	    (ji.components != 1 && ji.components != 3 && ji.components != 4)) {
		fail(err, errlen, "Nie można odczytać obrazu JPEG.");
		return false;
	}
	if (!pixels_ok(ji.width, ji.height, err, errlen))
		return false;
	long longer = ji.width > ji.height ? ji.width : ji.height;
	double w = fit(ji.width, longer), h = fit(ji.height, longer);
	const char *space = ji.components == 1 ? "/DeviceGray"
	                    : ji.components == 3 ? "/DeviceRGB"
	                                         : "/DeviceCMYK";
	const char *decode = ji.components == 4 && ji.adobe ? "/Decode[1 0 1 0 1 0 1 0]" : "";
	strbuf_t sb;
	sb_init(&sb, NULL);
	size_t off[6];
	char content[96];
	int clen = snprintf(content, sizeof content, "q %.0f 0 0 %.0f 0 0 cm /I Do Q\n", w, h);
	sb_puts(&sb, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
	off[1] = sb.len;
	sb_puts(&sb, "1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n");
	off[2] = sb.len;
	sb_puts(&sb, "2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n");
	off[3] = sb.len;
	sb_printf(&sb,
	          "3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 %.0f %.0f]"
	          "/Resources<</XObject<</I 4 0 R>>>>/Contents 5 0 R>>\nendobj\n",
	          w, h);
	off[4] = sb.len;
	sb_printf(&sb,
	          "4 0 obj\n<</Type/XObject/Subtype/Image/Width %u/Height %u/ColorSpace%s"
	          "/BitsPerComponent 8%s/Filter/DCTDecode/Length %zu>>\nstream\n",
	          ji.width, ji.height, space, decode, len);
	sb_append(&sb, (const char *)data, len);
	sb_puts(&sb, "\nendstream\nendobj\n");
	off[5] = sb.len;
	sb_printf(&sb, "5 0 obj\n<</Length %d>>\nstream\n%s\nendstream\nendobj\n", clen, content);
	size_t xref = sb.len;
	sb_puts(&sb, "xref\n0 6\n0000000000 65535 f \n");
	for (int i = 1; i <= 5; i++)
		sb_printf(&sb, "%010zu 00000 n \n", off[i]);
	sb_printf(&sb, "trailer\n<</Size 6/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", xref);
	*pdflen = sb.len;
	*pdf = malloc(sb.len);
	if (!*pdf) {
		sb_free(&sb);
		fail(err, errlen, "Brak pamięci na podgląd.");
		return false;
	}
	memcpy(*pdf, sb.data, sb.len);
	sb_free(&sb);
	return true;
}

static bool jpeg_preview(const unsigned char *d, size_t len, unsigned char **png,
                         size_t *pnglen, char *err, size_t errlen)
{
	unsigned char *pdf = NULL;
	size_t pdflen = 0;
	if (!preview_jpeg_pdf(d, len, &pdf, &pdflen, err, errlen))
		return false;
	char why[256] = "";
	/* 72 dpi: a point of the page is a pixel of the preview. */
	bool ok = redact_page_png(pdf, pdflen, 0, 72, png, pnglen, why, sizeof why);
	free(pdf);
	if (!ok)
		fail(err, errlen, "Nie można odczytać obrazu JPEG.");
	return ok;
}

/* ---- Both ------------------------------------------------------------------------ */

int preview_count(const unsigned char *data, size_t len, char *err, size_t errlen)
{
	if (len > PREVIEW_MAX_BYTES) {
		fail(err, errlen, "Plik jest zbyt duży do podglądu (najwyżej %u MB); pobierz go.",
		     PREVIEW_MAX_BYTES / (1024 * 1024));
		return 0;
	}
	switch (sniff(data, len)) {
	case SNIFF_PDF: {
		char why[256] = "";
		int n = redact_page_count(data, len, why, sizeof why);
		if (n < 0) {
			fail(err, errlen, "%s", why);
			return 0;
		}
		return n;
	}
	case SNIFF_PNG:
		return png_header(data, len, err, errlen) ? 1 : 0;
	case SNIFF_JPEG: {
		struct jpeg_info ji;
		if (!jpeg_header(data, len, &ji)) {
			fail(err, errlen, "Nie można odczytać obrazu JPEG.");
			return 0;
		}
		return pixels_ok(ji.width, ji.height, err, errlen) ? 1 : 0;
	}
	default:
		fail(err, errlen, "Podgląd jest tylko dla plików PDF i obrazów PNG i JPEG; ten plik "
		     "można pobrać.");
		return 0;
	}
}

bool preview_png(const unsigned char *data, size_t len, int n, unsigned char **png,
                 size_t *pnglen, char *err, size_t errlen)
{
	*png = NULL;
	*pnglen = 0;
	int count = preview_count(data, len, err, errlen);
	if (count <= 0)
		return false;
	if (n < 1 || n > count) {
		fail(err, errlen, "Podgląd nie ma strony %d.", n);
		return false;
	}
	switch (sniff(data, len)) {
	case SNIFF_PDF:
		return redact_page_png(data, len, n - 1, PREVIEW_DPI, png, pnglen, err, errlen);
	case SNIFF_PNG:
		return png_preview(data, len, png, pnglen, err, errlen);
	case SNIFF_JPEG:
		return jpeg_preview(data, len, png, pnglen, err, errlen);
	default:
		return false;
	}
}
