/* SPDX-License-Identifier: EUPL-1.2 */
/* Redaction of a PDF (render/redact.c): a three-page PDF drawn here with
 * cairo and Pango, with a requester's name, PESEL and e-mail on page 2,
 * is redacted by search terms and by a box. After redaction pdftotext and a
 * byte search find none of the hidden strings; the untouched pages keep
 * their text and their content streams byte for byte; the page images
 * match the original outside the boxes and are black inside them; the
 * metadata is gone; broken, encrypted, oversized and odd input is refused
 * with a reason. */
/* cmocka.h needs these headers first, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */

#include <cairo-pdf.h>
#include <cairo.h>
#include <ftw.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/strbuf.h"
#include "render/pdf.h"
#include "render/redact.h"

#define PAGE_W 595.28
#define PAGE_H 841.89

static const char NAME[] = "Zenobia Pióro-Kwiatkowska";
static const char PESEL[] = "02270803628";
static const char EMAIL[] = "zenobia.kwiatkowska@example.org";
static const char SECRET[] = "Tajny dopisek na marginesie";

/* Where page 3's secret line is drawn: the box of the box test. */
#define SECRET_X 72.0
#define SECRET_Y 600.0

static char tmpdir[64];

/* ---- the sample PDF --------------------------------------------------- */

/* One line of text at (x, y) points from the top left, 12 pt DejaVu Sans. */
static void line(cairo_t *cr, double x, double y, const char *text)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans 12");
	pango_font_description_set_absolute_size(fd, 12 * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_text(l, text, -1);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	g_object_unref(l);
}

static cairo_status_t append(void *closure, const unsigned char *data, unsigned int n)
{
	sb_append(closure, (const char *)data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* `pages` pages of w x h points: page 1 and 3 a public text, page 2 the
 * requester's data among other text; a title and author in the metadata. */
static strbuf_t make_pdf(int pages, double w, double h)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(append, &sb, w, h);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, "Wniosek Zenobii");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, NAME);
	cairo_t *cr = cairo_create(s);
	for (int p = 0; p < pages; p++) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		if (p == 0) {
			line(cr, 72, 72, "Sprawozdanie z realizacji wniosków o informację publiczną");
			line(cr, 72, 100, "Strona pierwsza: liczba wniosków w 2025 roku wyniosła 412.");
			cairo_set_source_rgb(cr, 0.2, 0.4, 0.8);
			cairo_rectangle(cr, 72, 300, 200, 100);
			cairo_fill(cr);
		} else if (p == 1) {
			line(cr, 72, 72, "Wniosek o udostępnienie informacji publicznej");
			line(cr, 72, 120, "Wnioskodawca: Zenobia Pióro-Kwiatkowska");
			line(cr, 72, 150, "PESEL 02270803628");
			line(cr, 72, 180, "Adres e-mail: zenobia.kwiatkowska@example.org");
			line(cr, 72, 240, "Proszę o udostępnienie rejestru umów za 2025 rok.");
			cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
			cairo_rectangle(cr, 300, 400, 150, 150);
			cairo_fill(cr);
		} else if (p == 2) {
			line(cr, 72, 72, "Strona trzecia: odpowiedź zostanie udzielona w terminie.");
			line(cr, SECRET_X, SECRET_Y, SECRET);
		} else {
			line(cr, 72, 72, "Kolejna strona");
		}
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	cairo_surface_destroy(s);
	return sb;
}

/* ---- helpers ---------------------------------------------------------- */

static const unsigned char *u(const strbuf_t *sb)
{
	return (const unsigned char *)sb->data;
}

static char *write_tmp(const char *name, const void *data, size_t len)
{
	char *path = g_strdup_printf("%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* pdftotext of page `page` (1-based; 0: all) of the PDF, blanks collapsed. */
static char *pdftotext(const unsigned char *pdf, size_t len, int page)
{
	char *path = write_tmp("t.pdf", pdf, len);
	char cmd[512];
	if (page > 0)
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 -f %d -l %d %s - 2>/dev/null", page,
			 page, path);
	else
		snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s - 2>/dev/null", path);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	strbuf_t out;
	sb_init(&out, NULL);
	int c, last = ' ';
	while ((c = fgetc(f)) != EOF) {
		bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f' || c == '\r';
		if (space && last == ' ')
			continue;
		sb_putc(&out, space ? ' ' : (char)c);
		last = space ? ' ' : c;
	}
	assert_int_equal(pclose(f), 0);
	unlink(path);
	g_free(path);
	return out.data ? out.data : strdup("");
}

/* A PDF written by hand from its objects' bodies (object i+1 is objs[i]; 1
 * is the catalog), with a correct cross-reference table. */
static strbuf_t hand_pdf(const char *const *objs, size_t n)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	sb_puts(&sb, "%PDF-1.4\n");
	size_t *off = calloc(n, sizeof *off);
	for (size_t i = 0; i < n; i++) {
		off[i] = sb.len;
		sb_printf(&sb, "%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	size_t xref = sb.len;
	sb_printf(&sb, "xref\n0 %zu\n0000000000 65535 f \n", n + 1);
	for (size_t i = 0; i < n; i++)
		sb_printf(&sb, "%010zu 00000 n \n", off[i]);
	sb_printf(&sb, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1,
		  xref);
	free(off);
	return sb;
}

/* A stream object's body for `data`. */
static char *stream(const char *dict, const char *data)
{
	return g_strdup_printf("<< %s /Length %zu >>\nstream\n%s\nendstream", dict, strlen(data),
			       data);
}

static bool has_ci(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

/* A byte search ignoring ASCII case over the whole file. */
static bool bytes_have(const unsigned char *b, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp((const char *)b + i, needle, m) == 0 && !memchr(b + i, 0, m))
			return true;
	return false;
}

static qpdf_data qpdf_of(const unsigned char *pdf, size_t len)
{
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	assert_false(qpdf_read_memory(q, "t", (const char *)pdf, len, NULL) & QPDF_ERRORS);
	return q;
}

/* The raw (undecoded) bytes of page `i`'s content streams, in order. */
static strbuf_t raw_contents(qpdf_data q, int i)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	qpdf_oh page = qpdf_get_page_n(q, (size_t)i);
	qpdf_oh c = qpdf_oh_get_key(q, page, "/Contents");
	int n = qpdf_oh_is_array(q, c) ? qpdf_oh_get_array_n_items(q, c) : 1;
	for (int k = 0; k < n; k++) {
		qpdf_oh s = qpdf_oh_is_array(q, c) ? qpdf_oh_get_array_item(q, c, k) : c;
		assert_true(qpdf_oh_is_stream(q, s));
		unsigned char *buf = NULL;
		size_t len = 0;
		assert_false(qpdf_oh_get_stream_data(q, s, qpdf_dl_none, NULL, &buf, &len) &
			     QPDF_ERRORS);
		sb_append(&sb, (const char *)buf, len);
		free(buf);
	}
	return sb;
}

static cairo_surface_t *png_of(const unsigned char *pdf, size_t len, int page, int dpi)
{
	unsigned char *png = NULL;
	size_t pnglen = 0;
	char err[256] = "";
	bool ok = redact_page_png(pdf, len, page, dpi, &png, &pnglen, err, sizeof err);
	if (!ok)
		print_error("redact_page_png: %s\n", err);
	assert_true(ok);
	char *path = write_tmp("p.png", png, pnglen);
	cairo_surface_t *img = cairo_image_surface_create_from_png(path);
	assert_int_equal(cairo_surface_status(img), CAIRO_STATUS_SUCCESS);
	unlink(path);
	g_free(path);
	free(png);
	return img;
}

/* The grey level of pixel (x, y) of an RGB24/ARGB32 image. */
static int grey(cairo_surface_t *img, int x, int y)
{
	const unsigned char *row = cairo_image_surface_get_data(img) +
				   (size_t)y * (size_t)cairo_image_surface_get_stride(img);
	uint32_t p;
	memcpy(&p, row + 4 * x, 4);
	return (int)(((p >> 16) & 0xff) + ((p >> 8) & 0xff) + (p & 0xff)) / 3;
}

/* True if pixel (x, y) at `s` pixels per point lies within `margin` points
 * of one of the boxes of page `page`. */
static bool near_box(const redact_box_t *b, size_t n, int page, double s, int x, int y,
		     double margin)
{
	double px = (x + 0.5) / s, py = (y + 0.5) / s;
	for (size_t i = 0; i < n; i++)
		if (b[i].page == page && px >= b[i].x0 - margin && px <= b[i].x1 + margin &&
		    py >= b[i].y0 - margin && py <= b[i].y1 + margin)
			return true;
	return false;
}

/* Page `page` of the copy against the original at 72 dpi. Outside the
 * boxes (and 3 points around them: the padding and resampling) the same:
 * the copy's page is an image of the page at 200 dpi, so single pixels at
 * the edges of letters differ, but every 4 x 4 block of pixels has the same
 * mean grey within 24 levels (a missing or moved word changes a block by
 * far more). Inside the boxes (1 point in from their edges) black. */
static void compare_page(const strbuf_t *orig, const unsigned char *red, size_t redlen, int page,
			 const redact_box_t *b, size_t n)
{
	const int dpi = 72, blk = 4;
	double s = dpi / 72.0;
	cairo_surface_t *a = png_of(u(orig), orig->len, page, dpi);
	cairo_surface_t *r = png_of(red, redlen, page, dpi);
	int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
	assert_int_equal(w, cairo_image_surface_get_width(r));
	assert_int_equal(h, cairo_image_surface_get_height(r));
	long blocks = 0, inside = 0, light = 0;
	int worst = 0;
	for (int by = 0; by + blk <= h; by += blk) {
		for (int bx = 0; bx + blk <= w; bx += blk) {
			int sa = 0, sr = 0;
			bool near = false;
			for (int y = by; y < by + blk; y++) {
				for (int x = bx; x < bx + blk; x++) {
					int ga = grey(a, x, y), gr = grey(r, x, y);
					sa += ga;
					sr += gr;
					near = near || near_box(b, n, page, s, x, y, 3);
					if (near_box(b, n, page, s, x, y, -1)) {
						inside++;
						light += gr > 40;
					}
				}
			}
			if (near)
				continue;
			blocks++;
			int d = abs(sa - sr) / (blk * blk);
			worst = d > worst ? d : worst;
		}
	}
	cairo_surface_destroy(a);
	cairo_surface_destroy(r);
	print_message("page %d: %ld blocks of %dx%d pixels outside the boxes, the largest "
		      "difference %d; %ld pixels inside, %ld not black\n",
		      page + 1, blocks, blk, blk, worst, inside, light);
	assert_true(blocks > 10000);
	assert_true(worst <= 24);
	assert_int_equal(light, 0);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_redact_XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	strbuf_t *pdf = malloc(sizeof *pdf);
	*pdf = make_pdf(3, PAGE_W, PAGE_H);
	*state = pdf;
	return 0;
}

static int teardown(void **state)
{
	strbuf_t *pdf = *state;
	sb_free(pdf);
	free(pdf);
	nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	/* As the server does at exit, after pages were rendered: no abort. */
	assert_true(redact_rendered());
	pdf_shutdown();
	return 0;
}

/* ---- the sample itself -------------------------------------------------- */

static void test_sample_pdf_has_the_data_in_text_and_metadata(void **state)
{
	const strbuf_t *pdf = *state;
	char err[256] = "";
	assert_int_equal(redact_page_count(u(pdf), pdf->len, err, sizeof err), 3);
	double w, h;
	assert_true(redact_page_size(u(pdf), pdf->len, 1, &w, &h, err, sizeof err));
	assert_true(fabs(w - PAGE_W) < 0.01 && fabs(h - PAGE_H) < 0.01);
	char *t = pdftotext(u(pdf), pdf->len, 0);
	assert_true(has_ci(t, NAME) && has_ci(t, PESEL) && has_ci(t, EMAIL) && has_ci(t, SECRET));
	free(t);
	char *rt = redact_text(u(pdf), pdf->len, err, sizeof err);
	assert_non_null(rt);
	assert_non_null(strstr(rt, "PESEL 02270803628"));
	assert_non_null(strchr(rt, '\f'));
	free(rt);
	/* Test that the checks below can fail: the metadata holds the name. */
	qpdf_data q = qpdf_of(u(pdf), pdf->len);
	assert_non_null(qpdf_get_info_key(q, "/Author"));
	assert_true(qpdf_oh_has_key(q, qpdf_get_root(q), "/Metadata") ||
		    qpdf_get_info_key(q, "/Title"));
	qpdf_cleanup(&q);
}

/* The boxes of a search are where the text was drawn, in top-left points. */
static void test_find_reports_boxes_from_the_top_left(void **state)
{
	const strbuf_t *pdf = *state;
	const char *terms[] = {SECRET, "pesel", "", "nieobecny tekst"};
	redact_box_t *b = NULL;
	size_t n = 0;
	char err[256] = "";
	long k = redact_find(u(pdf), pdf->len, terms, 4, &b, &n, err, sizeof err);
	assert_int_equal(k, 2);
	assert_int_equal(n, 2);
	/* Page order, then term order: page 2's PESEL, page 3's secret. */
	assert_int_equal(b[0].page, 1);
	assert_int_equal(b[1].page, 2);
	assert_true(fabs(b[1].x0 - SECRET_X) < 2);
	assert_true(b[1].y0 >= SECRET_Y - 1 && b[1].y0 < SECRET_Y + 6);
	assert_true(b[1].y1 > b[1].y0 + 8 && b[1].y1 < SECRET_Y + 18);
	assert_true(b[1].x1 > SECRET_X + 150);
	assert_true(b[0].y0 > 150 - 1 && b[0].y1 < 150 + 18);
	free(b);
}

/* ---- redaction by search terms ------------------------------------------ */

static void test_redaction_by_terms_leaves_no_trace_and_keeps_other_pages(void **state)
{
	const strbuf_t *pdf = *state;
	const char *terms[] = {NAME, PESEL, EMAIL};
	redact_box_t *b = NULL;
	size_t n = 0;
	char err[512] = "";
	assert_int_equal(redact_find(u(pdf), pdf->len, terms, 3, &b, &n, err, sizeof err), 3);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(b[i].page, 1);
	unsigned char *out = NULL;
	size_t outlen = 0;
	bool ok = redact_pdf(u(pdf), pdf->len, b, n, terms, 3, &out, &outlen, err, sizeof err);
	if (!ok)
		print_error("redact_pdf: %s\n", err);
	assert_true(ok);
	assert_memory_equal(out, "%PDF-", 5);

	/* pdftotext and a byte search find none of the hidden strings, nor the
	 * parts of the name, nor the metadata. */
	const char *gone[] = {NAME, PESEL, EMAIL, "Kwiatkowska", "Zenobia", "Zenobii", "Pióro"};
	char *t = pdftotext(out, outlen, 0);
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
		assert_false(has_ci(t, gone[i]));
		assert_false(bytes_have(out, outlen, gone[i]));
	}
	/* Nor a byte search of the copy with every stream decompressed. */
	char *red = write_tmp("red.pdf", out, outlen);
	char *qdf = g_strdup_printf("%s/qdf.pdf", tmpdir);
	char *cmd = g_strdup_printf("qpdf --qdf --object-streams=disable %s %s", red, qdf);
	assert_int_equal(system(cmd), 0);
	strbuf_t plain;
	sb_init(&plain, NULL);
	assert_true(sb_read_file(&plain, qdf));
	assert_true(plain.len > outlen); /* the image and content decompressed */
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
		assert_false(bytes_have(u(&plain), plain.len, gone[i]));
	sb_free(&plain);
	g_free(cmd);
	g_free(qdf);
	g_free(red);
	/* The untouched pages keep their text. */
	assert_true(has_ci(t, "liczba wniosków w 2025 roku wyniosła 412"));
	assert_true(has_ci(t, SECRET));
	free(t);
	t = pdftotext(out, outlen, 2);
	assert_true(strspn(t, " ") == strlen(t)); /* the redacted page has no text layer */
	free(t);

	/* The untouched pages' content streams are the original's bytes. */
	qpdf_data qa = qpdf_of(u(pdf), pdf->len), qr = qpdf_of(out, outlen);
	assert_int_equal(qpdf_get_num_pages(qr), 3);
	for (int i = 0; i < 3; i += 2) {
		strbuf_t ca = raw_contents(qa, i), cr = raw_contents(qr, i);
		assert_true(ca.len > 100);
		assert_int_equal(ca.len, cr.len);
		assert_memory_equal(ca.data, cr.data, ca.len);
		sb_free(&ca);
		sb_free(&cr);
	}
	strbuf_t c1 = raw_contents(qr, 1);
	assert_true(c1.len < 100); /* "q ... cm /x Do Q": the image, nothing else */
	assert_null(strstr(c1.data, "Tj"));
	sb_free(&c1);
	/* No metadata: no information dictionary, no XMP. */
	assert_null(qpdf_get_info_key(qr, "/Author"));
	assert_null(qpdf_get_info_key(qr, "/Title"));
	assert_false(qpdf_oh_has_key(qr, qpdf_get_root(qr), "/Metadata"));
	qpdf_cleanup(&qa);
	qpdf_cleanup(&qr);

	/* The images match outside the boxes and are black inside them. */
	for (int i = 0; i < 3; i++)
		compare_page(pdf, out, outlen, i, b, n);
	free(out);
	free(b);
}

/* ---- redaction by a box ------------------------------------------------- */

static void test_redaction_by_box_hides_what_is_under_it(void **state)
{
	const strbuf_t *pdf = *state;
	redact_box_t box = {.page = 2, .x0 = SECRET_X - 2, .y0 = SECRET_Y - 2, .x1 = 400,
			    .y1 = SECRET_Y + 18};
	unsigned char *out = NULL;
	size_t outlen = 0;
	char err[512] = "";
	bool ok = redact_pdf(u(pdf), pdf->len, &box, 1, NULL, 0, &out, &outlen, err, sizeof err);
	if (!ok)
		print_error("redact_pdf: %s\n", err);
	assert_true(ok);
	char *t = pdftotext(out, outlen, 0);
	assert_false(has_ci(t, SECRET));
	assert_false(has_ci(t, "dopisek"));
	assert_false(bytes_have(out, outlen, "dopisek"));
	/* Pages 1 and 2 are untouched: the requester's data is still there
	 * (nobody asked to hide it here), in text and content streams. */
	assert_true(has_ci(t, PESEL));
	assert_true(has_ci(t, "liczba wniosków"));
	free(t);
	qpdf_data qa = qpdf_of(u(pdf), pdf->len), qr = qpdf_of(out, outlen);
	for (int i = 0; i < 2; i++) {
		strbuf_t ca = raw_contents(qa, i), cr = raw_contents(qr, i);
		assert_int_equal(ca.len, cr.len);
		assert_memory_equal(ca.data, cr.data, ca.len);
		sb_free(&ca);
		sb_free(&cr);
	}
	qpdf_cleanup(&qa);
	qpdf_cleanup(&qr);
	compare_page(pdf, out, outlen, 2, &box, 1);
	/* The same input gives the same bytes (the public copy's SHA-256). */
	unsigned char *again = NULL;
	size_t againlen = 0;
	assert_true(redact_pdf(u(pdf), pdf->len, &box, 1, NULL, 0, &again, &againlen, err,
			       sizeof err));
	assert_int_equal(againlen, outlen);
	assert_memory_equal(again, out, outlen);
	free(again);
	free(out);
}

/* A hidden string that the boxes leave on the page fails the redaction:
 * the copy is checked, not trusted. */
static void test_hidden_text_left_outside_the_boxes_is_refused(void **state)
{
	const strbuf_t *pdf = *state;
	redact_box_t box = {.page = 1, .x0 = 72, .y0 = 150, .x1 = 300, .y1 = 166};
	const char *hidden[] = {PESEL, "412"};
	unsigned char *out = NULL;
	size_t outlen = 0;
	char err[512] = "";
	assert_false(redact_pdf(u(pdf), pdf->len, &box, 1, hidden, 2, &out, &outlen, err,
				sizeof err));
	assert_null(out);
	assert_non_null(strstr(err, "„412”"));
	assert_non_null(strstr(err, "stronie 1"));
	/* Too short to be checked reliably. */
	const char *tiny[] = {"Ze"};
	assert_false(redact_pdf(u(pdf), pdf->len, &box, 1, tiny, 1, &out, &outlen, err,
				sizeof err));
	assert_non_null(strstr(err, "za krótki"));
}

/* ---- what a PDF hides besides its pages' text --------------------------- */

/* Two pages in Helvetica with plain content streams: page 1 names the
 * person; page 2 does not show the name, but carries it in a comment
 * (an annotation) and, when `unused_form`, in a form XObject that its
 * resources list and its content never draws. */
static strbuf_t hidden_pdf(bool unused_form)
{
	char *c1 = stream("", "BT /F1 12 Tf 72 700 Td (Wnioskodawca: Jan Kowalski) Tj ET");
	char *c2 = stream("", "BT /F1 12 Tf 72 700 Td (Sprawozdanie roczne) Tj ET");
	char *fx = stream("/Type /XObject /Subtype /Form /BBox [0 0 100 100]",
			  "BT /F1 12 Tf 0 0 Td (Jan Kowalski) Tj ET");
	const char *xobj = unused_form ? "/XObject << /Fx 8 0 R >>" : "";
	char *p2 = g_strdup_printf(
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R "
	    "/Resources << /Font << /F1 7 0 R >> %s >> "
	    "/Annots [<< /Type /Annot /Subtype /Text /Rect [10 10 30 30] "
	    "/Contents (Uwaga: Jan Kowalski dzwonil) >>] >>",
	    xobj);
	const char *objs[] = {
	    "<< /Type /Catalog /Pages 2 0 R >>",
	    "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>",
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
	    "/Resources << /Font << /F1 7 0 R >> >> >>",
	    c1,
	    p2,
	    c2,
	    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	    fx,
	};
	strbuf_t sb = hand_pdf(objs, sizeof objs / sizeof objs[0]);
	g_free(c1);
	g_free(c2);
	g_free(fx);
	g_free(p2);
	return sb;
}

static bool redact_terms(const strbuf_t *pdf, const char *const *terms, size_t n,
			 unsigned char **out, size_t *outlen, char *err, size_t errlen)
{
	redact_box_t *b = NULL;
	size_t nb = 0;
	assert_true(redact_find(u(pdf), pdf->len, terms, n, &b, &nb, err, errlen) >= 0);
	bool ok = redact_pdf(u(pdf), pdf->len, b, nb, terms, n, out, outlen, err, errlen);
	free(b);
	return ok;
}

/* A comment on an untouched page is not copied: annotations are dropped. */
static void test_annotations_of_untouched_pages_are_dropped(void **state)
{
	strbuf_t pdf = hidden_pdf(false);
	const char *terms[] = {"Jan Kowalski"};
	unsigned char *out = NULL;
	size_t outlen = 0;
	char err[512] = "";
	bool ok = redact_terms(&pdf, terms, 1, &out, &outlen, err, sizeof err);
	if (!ok)
		print_error("redact_pdf: %s\n", err);
	assert_true(ok);
	assert_false(bytes_have(out, outlen, "Kowalski"));
	char *t = pdftotext(out, outlen, 0);
	assert_false(has_ci(t, "Kowalski"));
	assert_true(has_ci(t, "Sprawozdanie roczne"));
	free(t);
	qpdf_data q = qpdf_of(out, outlen);
	assert_false(qpdf_oh_has_key(q, qpdf_get_page_n(q, 1), "/Annots"));
	qpdf_cleanup(&q);
	free(out);
	sb_free(&pdf);
}

/* A hidden string in data the page never draws (an unused form XObject of
 * an untouched page) is found in the copy, and the copy is refused. */
static void test_hidden_text_in_undrawn_data_is_refused(void **state)
{
	strbuf_t pdf = hidden_pdf(true);
	const char *terms[] = {"Jan Kowalski"};
	unsigned char *out = NULL;
	size_t outlen = 0;
	char err[512] = "";
	assert_false(redact_terms(&pdf, terms, 1, &out, &outlen, err, sizeof err));
	assert_null(out);
	print_message("refused: %s\n", err);
	assert_non_null(strstr(err, "„Jan Kowalski”"));
	assert_non_null(strstr(err, "nie widać"));
	sb_free(&pdf);
}

/* poppler's complaints about a damaged file quote its words (here a name
 * written where an operator should be); with GLib's debug output switched
 * on (G_MESSAGES_DEBUG=all, set by main(): GLib reads it once), they still
 * never reach standard output or error (GLib writes INFO there), which
 * are the server's log. */
static void test_syntax_errors_of_a_pdf_are_not_logged(void **state)
{
	static const char src[] =
	    "BT Kowalski_Jan Zenobia (x) Tj ET";
	char *c = stream("", src);
	const char *objs[] = {
	    "<< /Type /Catalog /Pages 2 0 R >>",
	    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
	    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R >>",
	    c,
	};
	strbuf_t pdf = hand_pdf(objs, 4);
	g_free(c);
	char *log = g_strdup_printf("%s/stderr.log", tmpdir);
	fflush(stdout);
	fflush(stderr);
	int saved_out = dup(STDOUT_FILENO), saved = dup(STDERR_FILENO);
	FILE *f = fopen(log, "w");
	assert_non_null(f);
	dup2(fileno(f), STDOUT_FILENO);
	dup2(fileno(f), STDERR_FILENO);
	char err[256] = "";
	char *t = redact_text(u(&pdf), pdf.len, err, sizeof err);
	unsigned char *png = NULL;
	size_t pnglen = 0;
	bool ok = redact_page_png(u(&pdf), pdf.len, 0, 36, &png, &pnglen, err, sizeof err);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved, STDERR_FILENO);
	close(saved_out);
	close(saved);
	fclose(f);
	assert_non_null(t);
	assert_true(ok);
	strbuf_t logged;
	sb_init(&logged, NULL);
	assert_true(sb_read_file(&logged, log));
	if (logged.len)
		print_error("logged: %s\n", logged.data);
	assert_int_equal(logged.len, 0);
	sb_free(&logged);
	free(png);
	free(t);
	g_free(log);
	sb_free(&pdf);
}

/* ---- hostile input ------------------------------------------------------ */

static void expect_refused(const unsigned char *pdf, size_t len, const char *why)
{
	char err[512] = "";
	assert_int_equal(redact_page_count(pdf, len, err, sizeof err), -1);
	print_message("refused: %s\n", err);
	assert_non_null(strstr(err, why));
	err[0] = '\0';
	assert_null(redact_text(pdf, len, err, sizeof err));
	assert_non_null(strstr(err, why));
	unsigned char *out = (unsigned char *)"x";
	size_t outlen = 1;
	redact_box_t box = {.page = 0, .x0 = 1, .y0 = 1, .x1 = 10, .y1 = 10};
	err[0] = '\0';
	assert_false(redact_pdf(pdf, len, &box, 1, NULL, 0, &out, &outlen, err, sizeof err));
	assert_null(out);
	assert_non_null(strstr(err, why));
	err[0] = '\0';
	assert_false(redact_page_png(pdf, len, 0, 72, &out, &outlen, err, sizeof err));
	assert_non_null(strstr(err, why));
}

static void test_broken_and_hostile_input_is_refused_with_a_reason(void **state)
{
	const strbuf_t *pdf = *state;
	expect_refused(NULL, 0, "pusty");
	expect_refused((const unsigned char *)"", 0, "pusty");
	expect_refused((const unsigned char *)"GIF89a not a pdf at all", 23, "nie jest plik PDF");
	/* Only the header: no objects, no pages. */
	static const char header[] = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
	expect_refused((const unsigned char *)header, sizeof header - 1, "PDF");
	/* Cut in the middle: whatever the libraries recover must be whole or
	 * refused; never a crash. */
	for (size_t cut = 16; cut < pdf->len; cut += pdf->len / 7) {
		char err[256] = "";
		int n = redact_page_count(u(pdf), cut, err, sizeof err);
		assert_true(n == -1 || (n >= 1 && n <= 3));
		if (n == -1)
			assert_true(strlen(err) > 10);
	}
	/* Garbage in the middle of a stream. */
	strbuf_t bad;
	sb_init(&bad, NULL);
	sb_append(&bad, pdf->data, pdf->len);
	memset(bad.data + bad.len / 3, 0xff, bad.len / 3);
	char err[256] = "";
	char *t = redact_text(u(&bad), bad.len, err, sizeof err);
	free(t);
	sb_free(&bad);
}

static void test_encrypted_pdf_is_refused(void **state)
{
	const strbuf_t *pdf = *state;
	char *in = write_tmp("plain.pdf", pdf->data, pdf->len);
	char *enc = g_strdup_printf("%s/enc.pdf", tmpdir);
	char *owner = g_strdup_printf("%s/owner.pdf", tmpdir);
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "qpdf --encrypt user owner 256 -- %s %s && qpdf --encrypt '' owner 256 -- %s %s",
		 in, enc, in, owner);
	assert_int_equal(system(cmd), 0);
	strbuf_t e, o;
	sb_init(&e, NULL);
	sb_init(&o, NULL);
	assert_true(sb_read_file(&e, enc));
	assert_true(sb_read_file(&o, owner));
	/* With a user password, and with only an owner password (which opens
	 * without one, but its restrictions say "do not copy"). */
	expect_refused(u(&e), e.len, "zaszyfrowany");
	expect_refused(u(&o), o.len, "zaszyfrowany");
	sb_free(&e);
	sb_free(&o);
	g_free(in);
	g_free(enc);
	g_free(owner);
}

static void test_too_many_pages_and_absurd_sizes_are_refused(void **state)
{
	strbuf_t big = make_pdf(REDACT_MAX_PAGES + 1, 200, 200);
	expect_refused(u(&big), big.len, "do 500 stron");
	sb_free(&big);
	strbuf_t ok = make_pdf(REDACT_MAX_PAGES, 100, 100);
	char err[256] = "";
	assert_int_equal(redact_page_count(u(&ok), ok.len, err, sizeof err), REDACT_MAX_PAGES);
	sb_free(&ok);
	/* A page of 1e9 points and one of zero points, written by hand (qpdf
	 * and poppler rebuild the missing cross-reference table). */
	static const char huge[] =
	    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
	    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
	    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 1000000000 1000000000] >> endobj\n"
	    "trailer << /Root 1 0 R >>\n%%EOF\n";
	expect_refused((const unsigned char *)huge, sizeof huge - 1, "rozmiar");
	static const char flat[] =
	    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
	    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
	    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 600 0] >> endobj\n"
	    "trailer << /Root 1 0 R >>\n%%EOF\n";
	expect_refused((const unsigned char *)flat, sizeof flat - 1, "rozmiar");
	/* A page count that lies (/Count 1000000 over one page). */
	static const char liar[] =
	    "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
	    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1000000 >> endobj\n"
	    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] >> endobj\n"
	    "trailer << /Root 1 0 R >>\n%%EOF\n";
	int n = redact_page_count((const unsigned char *)liar, sizeof liar - 1, err, sizeof err);
	assert_true(n == -1 || n == 1);
}

static void test_boxes_and_arguments_out_of_range_are_refused(void **state)
{
	const strbuf_t *pdf = *state;
	static const struct {
		redact_box_t box;
		const char *why;
	} bad[] = {
	    {{.page = 3, .x0 = 1, .y0 = 1, .x1 = 10, .y1 = 10}, "stronę 4"},
	    {{.page = -1, .x0 = 1, .y0 = 1, .x1 = 10, .y1 = 10}, "stronę 0"},
	    {{.page = 0, .x0 = 10, .y0 = 1, .x1 = 10, .y1 = 10}, "współrzędne"},
	    {{.page = 0, .x0 = 1, .y0 = 20, .x1 = 10, .y1 = 10}, "współrzędne"},
	    {{.page = 0, .x0 = NAN, .y0 = 1, .x1 = 10, .y1 = 10}, "współrzędne"},
	    {{.page = 0, .x0 = 1, .y0 = 1, .x1 = INFINITY, .y1 = 10}, "współrzędne"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned char *out = NULL;
		size_t outlen = 0;
		char err[256] = "";
		assert_false(redact_pdf(u(pdf), pdf->len, &bad[i].box, 1, NULL, 0, &out, &outlen,
					err, sizeof err));
		assert_null(out);
		if (!strstr(err, bad[i].why))
			print_error("box %zu: %s\n", i, err);
		assert_non_null(strstr(err, bad[i].why));
	}
	/* A box that reaches past the edge is clipped, not refused; one wholly
	 * outside the page paints nothing, but its page becomes an image. */
	redact_box_t edge[] = {{.page = 0, .x0 = -100, .y0 = -100, .x1 = 100, .y1 = 100},
			       {.page = 2, .x0 = 700, .y0 = -50, .x1 = 800, .y1 = -1}};
	unsigned char *out = NULL;
	size_t outlen = 0;
	char err[256] = "";
	bool ok = redact_pdf(u(pdf), pdf->len, edge, 2, NULL, 0, &out, &outlen, err, sizeof err);
	if (!ok)
		print_error("redact_pdf: %s\n", err);
	assert_true(ok);
	char *t = pdftotext(out, outlen, 0);
	assert_false(has_ci(t, "liczba wniosków"));
	assert_false(has_ci(t, SECRET));
	assert_true(has_ci(t, PESEL));
	free(t);
	compare_page(pdf, out, outlen, 2, edge, 2);
	free(out);
	/* Page and resolution out of range; invalid UTF-8 in a term. */
	assert_false(redact_page_size(u(pdf), pdf->len, 3, &(double){0}, &(double){0}, err,
				      sizeof err));
	assert_non_null(strstr(err, "nie ma strony 4"));
	assert_false(redact_page_png(u(pdf), pdf->len, 0, 600, &out, &outlen, err, sizeof err));
	assert_non_null(strstr(err, "dpi"));
	const char *terms[] = {"ok", "\xff\xfe"};
	redact_box_t *b = NULL;
	size_t n = 0;
	assert_int_equal(redact_find(u(pdf), pdf->len, terms, 2, &b, &n, err, sizeof err), -1);
	assert_non_null(strstr(err, "UTF-8"));
	free(b);
}

int main(void)
{
	setenv("G_MESSAGES_DEBUG", "all", 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sample_pdf_has_the_data_in_text_and_metadata),
	    cmocka_unit_test(test_find_reports_boxes_from_the_top_left),
	    cmocka_unit_test(test_redaction_by_terms_leaves_no_trace_and_keeps_other_pages),
	    cmocka_unit_test(test_redaction_by_box_hides_what_is_under_it),
	    cmocka_unit_test(test_hidden_text_left_outside_the_boxes_is_refused),
	    cmocka_unit_test(test_annotations_of_untouched_pages_are_dropped),
	    cmocka_unit_test(test_hidden_text_in_undrawn_data_is_refused),
	    cmocka_unit_test(test_syntax_errors_of_a_pdf_are_not_logged),
	    cmocka_unit_test(test_broken_and_hostile_input_is_refused_with_a_reason),
	    cmocka_unit_test(test_encrypted_pdf_is_refused),
	    cmocka_unit_test(test_too_many_pages_and_absurd_sizes_are_refused),
	    cmocka_unit_test(test_boxes_and_arguments_out_of_range_are_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
