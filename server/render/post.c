/* SPDX-License-Identifier: EUPL-1.2 */
#include "render/post.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>

#include "render/pdf.h"
#include "render/redact.h"

#define PAGE_W 595.28
#define PAGE_H 841.89
#define MM 2.834645669
#define MARGIN (20 * MM)
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FONT_SANS "DejaVu Sans"
#define FONT_SERIF "DejaVu Serif"

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void fail(char *err, size_t errlen, const char *what)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", what);
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	sb_append(closure, (const char *)data, length);
	return CAIRO_STATUS_SUCCESS;
}

/* One surface and its Pango context, as render/pdf.c makes them. */
struct pen {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pc;
};

static void pen_open(struct pen *p, strbuf_t *out, const char *title, const char *date)
{
	p->surface = cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, nz(title));
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "Jawność");
	if (date && strlen(date) == 10) {
		char when[32];
		snprintf(when, sizeof when, "%sT00:00:00", date);
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_MOD_DATE, when);
	}
	p->cr = cairo_create(p->surface);
	p->pc = pango_font_map_create_context(pdf_font_map());
	pango_cairo_context_set_resolution(p->pc, 72.0);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(p->pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(p->pc, pango_language_from_string("pl"));
	pango_cairo_update_context(p->cr, p->pc);
}

static bool pen_close(struct pen *p, char *err, size_t errlen)
{
	g_object_unref(p->pc);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	cairo_status_t st = cairo_surface_status(p->surface);
	cairo_surface_destroy(p->surface);
	if (st != CAIRO_STATUS_SUCCESS) {
		if (err && errlen)
			snprintf(err, errlen, "PDF: %s", cairo_status_to_string(st));
		return false;
	}
	return true;
}

static PangoLayout *layout(struct pen *p, const char *family, double size, bool bold, double w,
                           const char *text)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd, family);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	if (bold)
		pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(w * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l, nz(text), -1);
	return l;
}

static double height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* Draws `text` at (x, y) in width `w`; the y below it. */
static double put(struct pen *p, double x, double y, double w, const char *family, double size,
                  bool bold, const char *text)
{
	PangoLayout *l = layout(p, family, size, bold, w, text);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	double h = height(l);
	g_object_unref(l);
	return y + h;
}

static void box(struct pen *p, double x, double y, double w, double h, double line)
{
	cairo_set_line_width(p->cr, line);
	cairo_rectangle(p->cr, x, y, w, h);
	cairo_stroke(p->cr);
}

static void hline(struct pen *p, double x, double y, double w)
{
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, x, y);
	cairo_line_to(p->cr, x + w, y);
	cairo_stroke(p->cr);
}

/* ---- the registered letter ----------------------------------------------- */

static void address_sheet(struct pen *p, const post_letter_t *l)
{
	char line[512];
	/* The sender, at the top of the sheet. */
	double y = put(p, MARGIN, 15 * MM, CONTENT_W * 0.45, FONT_SANS, 11, true, l->org_name);
	put(p, MARGIN, y, CONTENT_W * 0.45, FONT_SANS, 8.5, false, l->org_address);
	snprintf(line, sizeof line, "POLECONY ZA POTWIERDZENIEM ODBIORU%s%s",
	         l->number && *l->number ? "\nNr nadawczy: " : "", nz(l->number));
	PangoLayout *mark = layout(p, FONT_SANS, 9, true, CONTENT_W * 0.53, line);
	pango_layout_set_alignment(mark, PANGO_ALIGN_RIGHT);
	cairo_move_to(p->cr, PAGE_W - MARGIN - CONTENT_W * 0.53, 15 * MM);
	pango_cairo_show_layout(p->cr, mark);
	g_object_unref(mark);

	/* The window of a DL envelope: DIN 5008 form B. */
	double wx = 20 * MM, wy = 45 * MM, ww = 85 * MM;
	char sender[600];
	snprintf(sender, sizeof sender, "%s", nz(l->org_name));
	y = put(p, wx + 5 * MM, wy + 2 * MM, ww - 10 * MM, FONT_SANS, 6.5, false, sender);
	hline(p, wx + 5 * MM, y + 1, ww - 10 * MM);
	put(p, wx + 5 * MM, y + 3 * MM, ww - 10 * MM, FONT_SERIF, 11, false, l->to);
	/* Fold marks (DIN 5008): 105 mm and 210 mm from the top. */
	cairo_set_line_width(p->cr, 0.4);
	cairo_move_to(p->cr, 4 * MM, 105 * MM);
	cairo_line_to(p->cr, 9 * MM, 105 * MM);
	cairo_move_to(p->cr, 4 * MM, 210 * MM);
	cairo_line_to(p->cr, 9 * MM, 210 * MM);
	cairo_stroke(p->cr);

	snprintf(line, sizeof line, "Znak sprawy: %s\nPismo nr %d: %s", nz(l->case_number), l->seq,
	         nz(l->title));
	put(p, MARGIN, 110 * MM, CONTENT_W, FONT_SANS, 9.5, false, line);
	put(p, MARGIN, 125 * MM, CONTENT_W, FONT_SANS, 8, false,
	    "Arkusz adresowy: złóż kartkę w trzy części tak, aby adres był widoczny w okienku koperty "
	    "DL. Dołącz wypełnione potwierdzenie odbioru (ostatnia strona).");
	cairo_show_page(p->cr);
}

static void return_receipt(struct pen *p, const post_letter_t *l)
{
	double x = MARGIN, w = CONTENT_W, top = 15 * MM;
	double y = put(p, x, top, w, FONT_SANS, 14, true, "POTWIERDZENIE ODBIORU");
	y = put(p, x, y + 2, w, FONT_SANS, 8.5, false,
	        "Zwrotne potwierdzenie odbioru pisma w postępowaniu administracyjnym "
	        "(KPA art. 39, 46 §1; doręczenie zastępcze: art. 43, 44)");
	y += 4 * MM;
	double col = w / 2 - 3 * MM;
	double y1 = put(p, x, y, col, FONT_SANS, 8, true, "ADRESAT");
	y1 = put(p, x, y1 + 2, col, FONT_SERIF, 10.5, false, l->to);
	double y2 = put(p, x + w / 2 + 3 * MM, y, col, FONT_SANS, 8, true, "NADAWCA — ZWROT DO");
	y2 = put(p, x + w / 2 + 3 * MM, y2 + 2, col, FONT_SERIF, 10.5, false, l->org_name);
	y2 = put(p, x + w / 2 + 3 * MM, y2, col, FONT_SERIF, 10, false, l->org_address);
	double yb = (y1 > y2 ? y1 : y2) + 3 * MM;
	box(p, x - 2 * MM, y - 2 * MM, col + 4 * MM, yb - y + 2 * MM, 0.6);
	box(p, x + w / 2 + 1 * MM, y - 2 * MM, col + 4 * MM, yb - y + 2 * MM, 0.6);
	y = yb + 4 * MM;

	char line[700];
	snprintf(line, sizeof line, "Znak sprawy: %s      Pismo nr %d: %s\nNumer nadawczy: %s",
	         nz(l->case_number), l->seq, nz(l->title),
	         l->number && *l->number ? l->number : "____________________");
	y = put(p, x, y, w, FONT_SANS, 9.5, false, line);
	y += 6 * MM;
	y = put(p, x, y, w, FONT_SANS, 10, true, "Pismo odebrałem(-am):");
	y += 8 * MM;
	hline(p, x, y, 55 * MM);
	hline(p, x + 75 * MM, y, w - 75 * MM);
	put(p, x, y + 1, 55 * MM, FONT_SANS, 7.5, false, "data doręczenia (dzień, miesiąc, rok)");
	y = put(p, x + 75 * MM, y + 1, w - 75 * MM, FONT_SANS, 7.5, false,
	        "czytelny podpis odbierającego");
	y += 4 * MM;
	y = put(p, x, y, w, FONT_SANS, 9, false,
	        "Odbierający:  ☐ adresat   ☐ pełnoletni domownik   ☐ sąsiad   ☐ dozorca domu "
	        "(KPA art. 43: jeżeli podjął się oddania pisma adresatowi)");
	y += 6 * MM;
	y = put(p, x, y, w, FONT_SANS, 10, true, "Adnotacje doręczającego (KPA art. 44):");
	y += 2 * MM;
	y = put(p, x, y, w, FONT_SANS, 9, false,
	        "Adresata nie zastano. Pismo pozostawiono na 14 dni w placówce pocztowej; zawiadomienie "
	        "umieszczono w skrzynce / na drzwiach.\n"
	        "Pierwsze zawiadomienie dnia: ______________    "
	        "Powtórne zawiadomienie dnia: ______________\n"
	        "Zwrot do nadawcy (pismo niepodjęte w terminie) dnia: ______________");
	y += 10 * MM;
	hline(p, x + 75 * MM, y, w - 75 * MM);
	put(p, x + 75 * MM, y + 1, w - 75 * MM, FONT_SANS, 7.5, false,
	    "podpis doręczającego");
	cairo_show_page(p->cr);
}

bool post_letter_pdf(const post_letter_t *l, const char *doc, size_t len, strbuf_t *out, char *err,
                     size_t errlen)
{
	if (!doc || len < 8 || memcmp(doc, "%PDF-", 5) != 0) {
		fail(err, errlen, "Brak pliku PDF pisma.");
		return false;
	}
	GBytes *bytes = g_bytes_new(doc, len);
	GError *gerr = NULL;
	PopplerDocument *pd = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	g_bytes_unref(bytes);
	if (!pd) {
		if (gerr)
			g_error_free(gerr);
		fail(err, errlen, "Nie da się odczytać pliku PDF pisma.");
		return false;
	}
	struct pen p;
	pen_open(&p, out, l->title, l->date);
	address_sheet(&p, l);
	int n = poppler_document_get_n_pages(pd);
	for (int i = 0; i < n; i++) {
		PopplerPage *page = poppler_document_get_page(pd, i);
		if (!page)
			continue;
		double w, h;
		poppler_page_get_size(page, &w, &h);
		cairo_pdf_surface_set_size(p.surface, w, h);
		cairo_save(p.cr);
		redact_note_rendered();
		poppler_page_render_for_printing(page, p.cr);
		cairo_restore(p.cr);
		cairo_show_page(p.cr);
		g_object_unref(page);
	}
	g_object_unref(pd);
	cairo_pdf_surface_set_size(p.surface, PAGE_W, PAGE_H);
	if (l->receipt)
		return_receipt(&p, l);
	return pen_close(&p, err, errlen);
}

/* ---- the book of registered dispatches ------------------------------------ */

/* A table's columns: their heads and shares of the content's width. */
struct table {
	int ncols;
	const char *const *heads;
	const double *shares;
};

#define TABLE_MAX_COLS 12

/* One row of the table at *y; a new page (with the head again) when it
 * does not fit and `repeat` is set. */
static void table_row(struct pen *p, const struct table *t, double *y, const char *const *cells,
                      bool bold, bool repeat)
{
	PangoLayout *ls[TABLE_MAX_COLS];
	double h = 0;
	for (int k = 0; k < t->ncols; k++) {
		ls[k] = layout(p, FONT_SANS, bold ? 7.5 : 8, bold, t->shares[k] * CONTENT_W - 4, cells[k]);
		double hk = height(ls[k]);
		h = hk > h ? hk : h;
	}
	h += 4;
	if (*y + h > PAGE_H - 30 * MM && repeat) {
		cairo_show_page(p->cr);
		*y = MARGIN;
		table_row(p, t, y, t->heads, true, false);
	}
	double x = MARGIN;
	for (int k = 0; k < t->ncols; k++) {
		double w = t->shares[k] * CONTENT_W;
		box(p, x, *y, w, h, 0.5);
		cairo_move_to(p->cr, x + 2, *y + 2);
		pango_cairo_show_layout(p->cr, ls[k]);
		g_object_unref(ls[k]);
		x += w;
	}
	*y += h;
}

#define BOOK_COLS 7
static const char *const book_heads[BOOK_COLS] = {"Lp.", "Adresat", "Adres", "Numer nadawczy",
                                                  "Znak sprawy", "Data nadania", "Uwagi"};
static const double book_shares[BOOK_COLS] = {0.06, 0.19, 0.25, 0.16, 0.14, 0.10, 0.10};
static const struct table book = {BOOK_COLS, book_heads, book_shares};

bool post_table_pdf(const post_table_t *t, strbuf_t *out, char *err, size_t errlen)
{
	if (t->ncols < 1 || t->ncols > TABLE_MAX_COLS) {
		fail(err, errlen, "too many columns");
		return false;
	}
	struct table tb = {t->ncols, t->heads, t->shares};
	struct pen p;
	pen_open(&p, out, t->title, t->date);
	double y = put(&p, MARGIN, MARGIN, CONTENT_W, FONT_SANS, 14, true, t->title);
	if (t->intro && *t->intro)
		y = put(&p, MARGIN, y + 4, CONTENT_W, FONT_SANS, 9, false, t->intro);
	y += 4 * MM;
	table_row(&p, &tb, &y, t->heads, true, false);
	for (size_t i = 0; i < t->nrows; i++)
		table_row(&p, &tb, &y, t->cells + i * (size_t)t->ncols, false, true);
	if (t->footer && *t->footer)
		put(&p, MARGIN, y + 4 * MM, CONTENT_W, FONT_SANS, 9.5, true, t->footer);
	cairo_show_page(p.cr);
	return pen_close(&p, err, errlen);
}

bool post_book_pdf(const char *org_name, const char *org_address, const char *from, const char *to,
                   const post_book_row_t *rows, size_t n, strbuf_t *out, char *err, size_t errlen)
{
	struct pen p;
	pen_open(&p, out, "Książka nadawcza", to);
	double y = put(&p, MARGIN, MARGIN, CONTENT_W, FONT_SANS, 14, true,
	               "KSIĄŻKA NADAWCZA — przesyłki polecone za potwierdzeniem odbioru");
	char addr[400], line[700];
	snprintf(addr, sizeof addr, "%s", nz(org_address));
	for (char *c = addr; *c; c++)
		if (*c == '\n')
			*c = ' ';
	snprintf(line, sizeof line, "Nadawca: %s, %s\nOkres nadania: %s – %s", nz(org_name), addr,
	         nz(from), nz(to));
	y = put(&p, MARGIN, y + 4, CONTENT_W, FONT_SANS, 9, false, line) + 4 * MM;
	table_row(&p, &book, &y, book_heads, true, false);
	for (size_t i = 0; i < n; i++) {
		char no[24];
		snprintf(no, sizeof no, "%zu", i + 1);
		const char *cells[BOOK_COLS] = {no,
		                                rows[i].name,
		                                rows[i].address,
		                                rows[i].number,
		                                rows[i].case_number,
		                                rows[i].posted_on,
		                                rows[i].note};
		table_row(&p, &book, &y, cells, false, true);
	}
	snprintf(line, sizeof line, "Liczba przesyłek: %zu", n);
	y = put(&p, MARGIN, y + 4 * MM, CONTENT_W, FONT_SANS, 9.5, true, line);
	if (y + 25 * MM > PAGE_H - MARGIN) {
		cairo_show_page(p.cr);
		y = MARGIN;
	}
	y += 15 * MM;
	hline(&p, PAGE_W - MARGIN - 80 * MM, y, 80 * MM);
	put(&p, PAGE_W - MARGIN - 80 * MM, y + 1, 80 * MM, FONT_SANS, 7.5, false,
	    "stempel placówki pocztowej i podpis przyjmującego");
	cairo_show_page(p.cr);
	return pen_close(&p, err, errlen);
}
