/* SPDX-License-Identifier: EUPL-1.2 */
/* Redaction of a PDF for publication: see redact.h and docs/privacy.md,
 * "Redaction of PDFs".
 *
 * Two libraries read the input, and both must accept it: poppler-glib
 * (pages, sizes, text, search, rendering with cairo) and libqpdf (the
 * encryption check and the assembly of the copy, which copies the untouched
 * pages' objects without decoding them). The copy is then read back by
 * both and searched for the hidden strings before it is returned. */
#include "render/redact.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <poppler.h>
#include <qpdf/qpdf-c.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"

#define MAX_POINTS 14400.0    /* the largest page PDF allows (200 inches) */
#define MAX_PIXELS 25000000.0 /* one rendered page: 100 MB at 4 bytes a pixel */
#define MAX_BOXES 10000
#define BOX_PAD 1.5           /* points added on each side of a box */
#define MIN_HIDDEN 3          /* characters: shorter strings match noise */

static atomic_bool rendered;

bool redact_rendered(void)
{
	return atomic_load(&rendered);
}

void redact_note_rendered(void)
{
	atomic_store(&rendered, true);
}

static void fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- reading -------------------------------------------------------- */

static void drop_log(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
}

/* poppler-glib reports a damaged file's syntax errors through GLib's log
 * (domain "Poppler", level INFO), quoting the file's tokens: words of the
 * document, perhaps a person's name. They never reach the server's log. */
static void quiet_poppler(void)
{
	g_log_set_handler("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
			  drop_log, NULL);
}

/* qpdf's view of the bytes, errors kept from stderr; NULL when it cannot
 * parse them (*locked when because of a password). The buffer must outlive
 * the handle. */
static qpdf_data qpdf_open(const unsigned char *pdf, size_t len, const char *what, bool *locked)
{
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	if (qpdf_read_memory(q, what, (const char *)pdf, len, NULL) & QPDF_ERRORS) {
		qpdf_error e = qpdf_get_error(q);
		if (locked)
			*locked = e && qpdf_get_error_code(q, e) == qpdf_e_password;
		qpdf_cleanup(&q);
		return NULL;
	}
	return q;
}

static bool page_size_ok(PopplerPage *page, int i, double *w, double *h, char *err, size_t errlen)
{
	poppler_page_get_size(page, w, h);
	if (!isfinite(*w) || !isfinite(*h) || *w < 1 || *h < 1 || *w > MAX_POINTS ||
	    *h > MAX_POINTS) {
		fail(err, errlen, "Strona %d pliku PDF ma nieprawidłowy rozmiar.", i + 1);
		return false;
	}
	return true;
}

/* The document, checked: a PDF both libraries read, not encrypted, with 1 to
 * REDACT_MAX_PAGES pages, each of a sane size. NULL with the reason. */
static PopplerDocument *open_doc(const unsigned char *pdf, size_t len, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, quiet_poppler);
	if (!pdf || len == 0) {
		fail(err, errlen, "Plik jest pusty.");
		return NULL;
	}
	if (len < 8 || !memmem(pdf, len < 1024 ? len : 1024, "%PDF-", 5)) {
		fail(err, errlen, "To nie jest plik PDF.");
		return NULL;
	}
	bool encrypted = false;
	qpdf_data q = qpdf_open(pdf, len, "input", &encrypted);
	if (!q && !encrypted) {
		fail(err, errlen, "Plik PDF jest uszkodzony i nie da się go odczytać.");
		return NULL;
	}
	if (q) {
		encrypted = qpdf_is_encrypted(q);
		qpdf_cleanup(&q);
	}
	if (encrypted) {
		fail(err, errlen, "Plik PDF jest zaszyfrowany (chroniony hasłem lub ograniczeniami). "
				  "Zapisz go bez zabezpieczeń i dodaj ponownie.");
		return NULL;
	}
	GBytes *bytes = g_bytes_new_static(pdf, len);
	GError *gerr = NULL;
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
	g_bytes_unref(bytes);
	if (!doc) {
		bool locked = gerr && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED;
		fail(err, errlen, locked ? "Plik PDF jest chroniony hasłem. Zapisz go bez hasła i dodaj ponownie."
					 : "Plik PDF jest uszkodzony i nie da się go odczytać.");
		g_clear_error(&gerr);
		return NULL;
	}
	int n = poppler_document_get_n_pages(doc);
	if (n <= 0 || n > REDACT_MAX_PAGES) {
		if (n <= 0)
			fail(err, errlen, "Plik PDF nie ma żadnej strony.");
		else
			fail(err, errlen, "Plik PDF ma %d stron; można anonimizować pliki do %d stron.", n,
			     REDACT_MAX_PAGES);
		g_object_unref(doc);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		double w, h;
		PopplerPage *page = poppler_document_get_page(doc, i);
		bool ok = page && page_size_ok(page, i, &w, &h, err, errlen);
		if (!page)
			fail(err, errlen, "Nie da się odczytać strony %d pliku PDF.", i + 1);
		if (page)
			g_object_unref(page);
		if (!ok) {
			g_object_unref(doc);
			return NULL;
		}
	}
	return doc;
}

/* Page `i` of `doc` with its size checked; NULL with the reason. */
static PopplerPage *get_page(PopplerDocument *doc, int i, double *w, double *h, char *err,
			     size_t errlen)
{
	int n = poppler_document_get_n_pages(doc);
	if (i < 0 || i >= n) {
		fail(err, errlen, "Plik PDF nie ma strony %d (ma %d).", i + 1, n);
		return NULL;
	}
	PopplerPage *page = poppler_document_get_page(doc, i);
	if (!page) {
		fail(err, errlen, "Nie da się odczytać strony %d pliku PDF.", i + 1);
		return NULL;
	}
	if (!page_size_ok(page, i, w, h, err, errlen)) {
		g_object_unref(page);
		return NULL;
	}
	return page;
}

int redact_page_count(const unsigned char *pdf, size_t len, char *err, size_t errlen)
{
	PopplerDocument *doc = open_doc(pdf, len, err, errlen);
	if (!doc)
		return -1;
	int n = poppler_document_get_n_pages(doc);
	g_object_unref(doc);
	return n;
}

bool redact_page_size(const unsigned char *pdf, size_t len, int page, double *w, double *h,
		      char *err, size_t errlen)
{
	PopplerDocument *doc = open_doc(pdf, len, err, errlen);
	if (!doc)
		return false;
	PopplerPage *p = get_page(doc, page, w, h, err, errlen);
	if (p)
		g_object_unref(p);
	g_object_unref(doc);
	return p != NULL;
}

/* ---- rendering ------------------------------------------------------ */

/* The page drawn on white at `dpi` (less for a page so large that it would
 * pass MAX_PIXELS); *scale is pixels per point. NULL with the reason. */
static cairo_surface_t *render_page(PopplerPage *page, int i, double w, double h, int dpi,
				    double *scale, char *err, size_t errlen)
{
	double s = dpi / 72.0;
	if (w * h * s * s > MAX_PIXELS)
		s = sqrt(MAX_PIXELS / (w * h));
	int pw = (int)ceil(w * s), ph = (int)ceil(h * s);
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		fail(err, errlen, "Brak pamięci na obraz strony %d.", i + 1);
		return NULL;
	}
	cairo_t *cr = cairo_create(img);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, s, s);
	atomic_store(&rendered, true);
	poppler_page_render(page, cr);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(img);
		fail(err, errlen, "Nie udało się narysować strony %d: %s.", i + 1,
		     cairo_status_to_string(st));
		return NULL;
	}
	cairo_surface_flush(img);
	*scale = s;
	return img;
}

static cairo_status_t write_sb(void *closure, const unsigned char *data, unsigned int n)
{
	sb_append(closure, (const char *)data, n);
	return CAIRO_STATUS_SUCCESS;
}

/* Hands the buffer's bytes to the caller as a malloc'd block. */
static void sb_take(strbuf_t *sb, unsigned char **out, size_t *outlen)
{
	*out = (unsigned char *)sb->data;
	*outlen = sb->len;
	sb->data = NULL;
	sb->len = sb->cap = 0;
}

bool redact_page_png(const unsigned char *pdf, size_t len, int page, int dpi,
		     unsigned char **png, size_t *pnglen, char *err, size_t errlen)
{
	*png = NULL;
	*pnglen = 0;
	if (dpi < 36 || dpi > 300) {
		fail(err, errlen, "Rozdzielczość musi wynosić od 36 do 300 dpi.");
		return false;
	}
	PopplerDocument *doc = open_doc(pdf, len, err, errlen);
	if (!doc)
		return false;
	bool ok = false;
	double w, h, s;
	cairo_surface_t *img = NULL;
	PopplerPage *p = get_page(doc, page, &w, &h, err, errlen);
	if (p && (img = render_page(p, page, w, h, dpi, &s, err, errlen))) {
		strbuf_t sb;
		sb_init(&sb, NULL);
		if (cairo_surface_write_to_png_stream(img, write_sb, &sb) == CAIRO_STATUS_SUCCESS) {
			sb_take(&sb, png, pnglen);
			ok = true;
		} else {
			sb_free(&sb);
			fail(err, errlen, "Nie udało się zapisać obrazu strony %d.", page + 1);
		}
		cairo_surface_destroy(img);
	}
	if (p)
		g_object_unref(p);
	g_object_unref(doc);
	return ok;
}

/* ---- text and search ------------------------------------------------ */

/* The text of every page of `doc`, a form feed between pages. */
static void doc_text(PopplerDocument *doc, strbuf_t *sb)
{
	int n = poppler_document_get_n_pages(doc);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			sb_putc(sb, '\f');
		PopplerPage *p = poppler_document_get_page(doc, i);
		if (!p)
			continue;
		char *t = poppler_page_get_text(p);
		if (t)
			sb_puts(sb, t);
		g_free(t);
		g_object_unref(p);
	}
}

char *redact_text(const unsigned char *pdf, size_t len, char *err, size_t errlen)
{
	PopplerDocument *doc = open_doc(pdf, len, err, errlen);
	if (!doc)
		return NULL;
	strbuf_t sb;
	sb_init(&sb, NULL);
	doc_text(doc, &sb);
	g_object_unref(doc);
	if (!sb.data)
		sb_puts(&sb, "");
	return sb.data;
}

static bool utf8_ok(const char *const *terms, size_t n, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		if (!terms[i] || !g_utf8_validate(terms[i], -1, NULL)) {
			fail(err, errlen, "Szukany tekst nr %zu nie jest poprawnym tekstem UTF-8.", i + 1);
			return false;
		}
	}
	return true;
}

static bool blank(const char *s)
{
	for (; *s; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

static bool push_box(redact_box_t **boxes, size_t *nboxes, const redact_box_t *b, char *err,
		     size_t errlen)
{
	if (*nboxes >= MAX_BOXES) {
		fail(err, errlen, "Za dużo trafień (ponad %d); zawęź szukany tekst.", MAX_BOXES);
		return false;
	}
	redact_box_t *nb = realloc(*boxes, (*nboxes + 1) * sizeof *nb);
	if (!nb) {
		fail(err, errlen, "Brak pamięci.");
		return false;
	}
	nb[(*nboxes)++] = *b;
	*boxes = nb;
	return true;
}

/* The matches of `term` on page `i` (height `h`), appended. poppler-glib
 * 22.12 reports them with the origin at the bottom left (y1 < y2, both
 * measured up from the bottom edge); the header's coordinates are from
 * the top. -1 on error, else how many. */
static long find_on_page(PopplerPage *p, int i, double h, const char *term, redact_box_t **boxes,
			 size_t *nboxes, char *err, size_t errlen)
{
	GList *found = poppler_page_find_text_with_options(p, term, POPPLER_FIND_MULTILINE);
	long k = 0;
	for (GList *l = found; l; l = l->next) {
		PopplerRectangle *r = l->data;
		bool finite = isfinite(r->x1) && isfinite(r->x2) && isfinite(r->y1) && isfinite(r->y2);
		if (k >= 0 && finite) {
			redact_box_t b = {.page = i,
					  .x0 = fmin(r->x1, r->x2),
					  .x1 = fmax(r->x1, r->x2),
					  .y0 = h - fmax(r->y1, r->y2),
					  .y1 = h - fmin(r->y1, r->y2)};
			/* A match of no width (a zero-size glyph) still marks its page. */
			b.x1 = fmax(b.x1, b.x0 + 1);
			b.y1 = fmax(b.y1, b.y0 + 1);
			k = push_box(boxes, nboxes, &b, err, errlen) ? k + 1 : -1;
		}
		poppler_rectangle_free(r);
	}
	g_list_free(found);
	return k;
}

long redact_find(const unsigned char *pdf, size_t len, const char *const *terms, size_t nterms,
		 redact_box_t **boxes, size_t *nboxes, char *err, size_t errlen)
{
	if (nterms > 0 && !utf8_ok(terms, nterms, err, errlen))
		return -1;
	PopplerDocument *doc = open_doc(pdf, len, err, errlen);
	if (!doc)
		return -1;
	long found = 0;
	int n = poppler_document_get_n_pages(doc);
	for (int i = 0; i < n && found >= 0; i++) {
		double w, h;
		PopplerPage *p = get_page(doc, i, &w, &h, err, errlen);
		if (!p) {
			found = -1;
			break;
		}
		for (size_t t = 0; t < nterms && found >= 0; t++) {
			if (blank(terms[t]))
				continue;
			long k = find_on_page(p, i, h, terms[t], boxes, nboxes, err, errlen);
			found = k < 0 ? -1 : found + k;
		}
		g_object_unref(p);
	}
	g_object_unref(doc);
	return found;
}

/* ---- the redacted page ---------------------------------------------- */

/* The boxes of page `i`, clipped and padded, painted black on `img`
 * (pixels per point `s`). */
static void paint_boxes(cairo_surface_t *img, double s, int i, double w, double h,
			const redact_box_t *boxes, size_t nboxes)
{
	cairo_t *cr = cairo_create(img);
	cairo_scale(cr, s, s);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
	for (size_t k = 0; k < nboxes; k++) {
		const redact_box_t *b = &boxes[k];
		if (b->page != i)
			continue;
		double x0 = fmax(0, b->x0 - BOX_PAD), y0 = fmax(0, b->y0 - BOX_PAD);
		double x1 = fmin(w, b->x1 + BOX_PAD), y1 = fmin(h, b->y1 + BOX_PAD);
		/* Whole pixels outward, so that no anti-aliased edge keeps a trace. */
		x0 = floor(x0 * s) / s;
		y0 = floor(y0 * s) / s;
		x1 = ceil(x1 * s) / s;
		y1 = ceil(y1 * s) / s;
		cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
	}
	cairo_fill(cr);
	cairo_destroy(cr);
	cairo_surface_flush(img);
}

/* A one-page PDF of `w` x `h` points that is the image `img` and nothing
 * else, into sb. */
static bool image_pdf(cairo_surface_t *img, double s, double w, double h, strbuf_t *sb)
{
	cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(write_sb, sb, w, h);
	cairo_t *cr = cairo_create(pdf);
	cairo_scale(cr, 1 / s, 1 / s);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_status_t st = cairo_status(cr);
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	return st == CAIRO_STATUS_SUCCESS;
}

static bool check_boxes(int npages, const redact_box_t *boxes, size_t nboxes, char *err,
			size_t errlen)
{
	if (nboxes > MAX_BOXES) {
		fail(err, errlen, "Za dużo prostokątów (ponad %d).", MAX_BOXES);
		return false;
	}
	for (size_t k = 0; k < nboxes; k++) {
		const redact_box_t *b = &boxes[k];
		if (b->page < 0 || b->page >= npages) {
			fail(err, errlen, "Prostokąt nr %zu wskazuje stronę %d, a plik ma %d.", k + 1,
			     b->page + 1, npages);
			return false;
		}
		if (!isfinite(b->x0) || !isfinite(b->y0) || !isfinite(b->x1) || !isfinite(b->y1) ||
		    b->x0 >= b->x1 || b->y0 >= b->y1) {
			fail(err, errlen, "Prostokąt nr %zu (strona %d) ma nieprawidłowe współrzędne.",
			     k + 1, b->page + 1);
			return false;
		}
	}
	return true;
}

/* ---- verification ---------------------------------------------------- */

typedef struct needle {
	const char *orig;     /* as given, for the message */
	char *folded;         /* casefolded, NFKC, blanks collapsed: for text */
	char *forms[3];       /* as given, lower, upper: for bytes (ASCII ignoring case) */
} needle_t;

/* `s` casefolded, in NFKC, every run of white space one blank, trimmed. */
static char *fold(const char *s, gssize n)
{
	char *cf = g_utf8_casefold(s, n);
	char *nf = g_utf8_normalize(cf, -1, G_NORMALIZE_NFKC);
	g_free(cf);
	if (!nf)
		return g_strdup("");
	char *o = nf;
	bool space = true;
	for (const char *p = nf; *p;) {
		gunichar c = g_utf8_get_char(p);
		const char *next = g_utf8_next_char(p);
		if (g_unichar_isspace(c) || c == 0xa0) {
			if (!space)
				*o++ = ' ';
			space = true;
		} else {
			memmove(o, p, (size_t)(next - p));
			o += next - p;
			space = false;
		}
		p = next;
	}
	if (o > nf && o[-1] == ' ')
		o--;
	*o = '\0';
	return nf;
}

static void needles_free(needle_t *nd, size_t n)
{
	for (size_t i = 0; nd && i < n; i++) {
		g_free(nd[i].folded);
		for (int f = 0; f < 3; f++)
			g_free(nd[i].forms[f]);
	}
	g_free(nd);
}

static needle_t *needles_make(const char *const *hidden, size_t nhidden, size_t *count, char *err,
			      size_t errlen)
{
	needle_t *nd = g_new0(needle_t, nhidden ? nhidden : 1);
	size_t n = 0;
	for (size_t i = 0; i < nhidden; i++) {
		if (blank(hidden[i]))
			continue;
		char *f = fold(hidden[i], -1);
		if (g_utf8_strlen(f, -1) < MIN_HIDDEN) {
			fail(err, errlen, "Ukrywany tekst „%s” jest za krótki (najmniej %d znaki); "
					  "zakryj go prostokątem.", hidden[i], MIN_HIDDEN);
			g_free(f);
			needles_free(nd, n);
			return NULL;
		}
		nd[n].orig = hidden[i];
		nd[n].folded = f;
		nd[n].forms[0] = g_strdup(hidden[i]);
		nd[n].forms[1] = g_utf8_strdown(hidden[i], -1);
		nd[n].forms[2] = g_utf8_strup(hidden[i], -1);
		n++;
	}
	*count = n;
	return nd;
}

/* memmem ignoring the case of ASCII letters. */
static const unsigned char *ci_memmem(const unsigned char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	if (m == 0 || m > n)
		return NULL;
	unsigned char lo = (unsigned char)tolower((unsigned char)needle[0]);
	unsigned char up = (unsigned char)toupper((unsigned char)needle[0]);
	for (size_t i = 0; i + m <= n; i++) {
		if (hay[i] != lo && hay[i] != up)
			continue;
		if (strncasecmp((const char *)hay + i, needle, m) == 0 &&
		    !memchr(hay + i, 0, m))
			return hay + i;
	}
	return NULL;
}

/* The first needle found in the bytes, or NULL. */
static const needle_t *bytes_hit(const unsigned char *b, size_t n, const needle_t *nd, size_t nn)
{
	for (size_t i = 0; i < nn; i++)
		for (int f = 0; f < 3; f++)
			if (ci_memmem(b, n, nd[i].forms[f]))
				return &nd[i];
	return NULL;
}

static const needle_t *text_hit(const char *s, size_t n, const needle_t *nd, size_t nn)
{
	if (nn == 0 || n == 0)
		return NULL;
	char *valid = g_utf8_make_valid(s, (gssize)n);
	char *f = fold(valid, -1);
	g_free(valid);
	const needle_t *hit = NULL;
	for (size_t i = 0; i < nn && !hit; i++)
		if (strstr(f, nd[i].folded))
			hit = &nd[i];
	g_free(f);
	return hit;
}

/* The raw bytes of the file outside stream data: qpdf writes each stream as
 * "N 0 obj\n<< ... /Length L ... >>\nstream\n" + L bytes + "\nendstream". A
 * stream whose length cannot be read is searched as well. */
static const needle_t *raw_hit(const unsigned char *pdf, size_t len, const needle_t *nd, size_t nn)
{
	static const char kw[] = "\nstream\n";
	size_t from = 0;
	while (from < len) {
		const unsigned char *s = memmem(pdf + from, len - from, kw, sizeof kw - 1);
		size_t end = s ? (size_t)(s - pdf) + sizeof kw - 1 : len;
		const needle_t *hit = bytes_hit(pdf + from, end - from, nd, nn);
		if (hit || !s)
			return hit;
		/* The dictionary before it: from its object's "obj" keyword. */
		const unsigned char *o = pdf + from, *d = NULL;
		for (const unsigned char *q; (q = memmem(o, (size_t)(s - o), " obj\n", 5)); o = q + 5)
			d = q;
		const unsigned char *l = d ? memmem(d, (size_t)(s - d), "/Length ", 8) : NULL;
		long long sl = l ? strtoll((const char *)l + 8, NULL, 10) : -1;
		if (sl >= 0 && (unsigned long long)sl <= len - end)
			from = end + (size_t)sl;
		else
			from = end;
	}
	return NULL;
}

/* Every string (as UTF-8) and name of a direct object, recursively. */
static const needle_t *object_hit(qpdf_data q, qpdf_oh oh, int depth, const needle_t *nd, size_t nn)
{
	if (depth > 32)
		return NULL;
	const needle_t *hit = NULL;
	const char *v;
	size_t vl;
	if (qpdf_oh_is_string(q, oh)) {
		if (qpdf_oh_get_value_as_utf8(q, oh, &v, &vl))
			hit = text_hit(v, vl, nd, nn);
		if (!hit && qpdf_oh_get_value_as_string(q, oh, &v, &vl))
			hit = bytes_hit((const unsigned char *)v, vl, nd, nn);
	} else if (qpdf_oh_is_name(q, oh)) {
		v = qpdf_oh_get_name(q, oh);
		hit = text_hit(v, strlen(v), nd, nn);
	} else if (qpdf_oh_is_array(q, oh)) {
		int n = qpdf_oh_get_array_n_items(q, oh);
		for (int i = 0; i < n && !hit; i++) {
			qpdf_oh item = qpdf_oh_get_array_item(q, oh, i);
			if (!qpdf_oh_is_indirect(q, item))
				hit = object_hit(q, item, depth + 1, nd, nn);
		}
	} else if (qpdf_oh_is_dictionary(q, oh)) {
		/* The key iterator is one per qpdf_data: collect the keys first. */
		GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
		qpdf_oh_begin_dict_key_iter(q, oh);
		while (qpdf_oh_dict_more_keys(q))
			g_ptr_array_add(keys, g_strdup(qpdf_oh_dict_next_key(q)));
		for (guint i = 0; i < keys->len && !hit; i++) {
			const char *k = keys->pdata[i];
			hit = text_hit(k, strlen(k), nd, nn);
			qpdf_oh val = qpdf_oh_get_key(q, oh, k);
			if (!hit && !qpdf_oh_is_indirect(q, val))
				hit = object_hit(q, val, depth + 1, nd, nn);
		}
		g_ptr_array_free(keys, TRUE);
	}
	return hit;
}

/* Streams whose data is not text: images and embedded font programs. */
static bool binary_stream(qpdf_data q, qpdf_oh dict)
{
	qpdf_oh sub = qpdf_oh_get_key(q, dict, "/Subtype");
	return qpdf_oh_is_name_and_equals(q, sub, "/Image") ||
	       qpdf_oh_is_name_and_equals(q, sub, "/Type1C") ||
	       qpdf_oh_is_name_and_equals(q, sub, "/CIDFontType0C") ||
	       qpdf_oh_is_name_and_equals(q, sub, "/OpenType") || qpdf_oh_has_key(q, dict, "/Length1");
}

/* Every object of the file: its strings and names, and each stream's data
 * decoded (all but images and fonts). */
static const needle_t *objects_hit(qpdf_data q, const needle_t *nd, size_t nn)
{
	qpdf_oh trailer = qpdf_get_trailer(q);
	const needle_t *hit = object_hit(q, trailer, 0, nd, nn);
	int size = qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, trailer, "/Size"));
	for (int id = 1; id < size && !hit; id++) {
		qpdf_oh oh = qpdf_get_object_by_id(q, id, 0);
		if (qpdf_oh_is_stream(q, oh)) {
			qpdf_oh dict = qpdf_oh_get_dict(q, oh);
			hit = object_hit(q, dict, 0, nd, nn);
			unsigned char *buf = NULL;
			size_t bl = 0;
			if (!hit && !binary_stream(q, dict) &&
			    !(qpdf_oh_get_stream_data(q, oh, qpdf_dl_specialized, NULL, &buf, &bl) &
			      QPDF_ERRORS))
				hit = bytes_hit(buf, bl, nd, nn);
			free(buf);
		} else {
			hit = object_hit(q, oh, 0, nd, nn);
		}
		qpdf_oh_release_all(q);
		trailer = qpdf_get_trailer(q);
	}
	return hit;
}

/* The copy read back: as many pages as the original, no text on the
 * redacted pages, none of the hidden strings anywhere. */
static bool verify(const unsigned char *out, size_t outlen, int npages, const bool *redacted,
		   const needle_t *nd, size_t nn, char *err, size_t errlen)
{
	char e[256];
	PopplerDocument *doc = open_doc(out, outlen, e, sizeof e);
	if (!doc || poppler_document_get_n_pages(doc) != npages) {
		fail(err, errlen, "Kopia po anonimizacji nie daje się odczytać (%s).",
		     doc ? "inna liczba stron" : e);
		if (doc)
			g_object_unref(doc);
		return false;
	}
	bool ok = true;
	for (int i = 0; i < npages && ok; i++) {
		PopplerPage *p = poppler_document_get_page(doc, i);
		char *t = p ? poppler_page_get_text(p) : NULL;
		const needle_t *hit = t ? text_hit(t, strlen(t), nd, nn) : NULL;
		if (redacted[i] && t && !blank(t)) {
			fail(err, errlen, "Strona %d kopii po anonimizacji ma jeszcze warstwę tekstu.", i + 1);
			ok = false;
		} else if (hit) {
			fail(err, errlen, "Tekst „%s” jest nadal na stronie %d, w miejscu, którego "
					  "wyszukiwanie nie wskazało; zakryj go prostokątem.", hit->orig, i + 1);
			ok = false;
		}
		g_free(t);
		if (p)
			g_object_unref(p);
	}
	g_object_unref(doc);
	const needle_t *hit = NULL;
	if (ok && (hit = raw_hit(out, outlen, nd, nn))) {
		fail(err, errlen, "Tekst „%s” jest nadal w pliku (poza treścią stron, np. w "
				  "metadanych); tego pliku nie da się bezpiecznie opublikować.", hit->orig);
		ok = false;
	}
	qpdf_data q = ok ? qpdf_open(out, outlen, "copy", NULL) : NULL;
	if (ok && !q) {
		fail(err, errlen, "Kopia po anonimizacji nie daje się odczytać.");
		ok = false;
	}
	if (q && (hit = objects_hit(q, nd, nn))) {
		fail(err, errlen, "Tekst „%s” jest nadal w pliku (w danych, których nie widać na "
				  "stronie); tego pliku nie da się bezpiecznie opublikować.", hit->orig);
		ok = false;
	}
	if (q)
		qpdf_cleanup(&q);
	return ok;
}

/* ---- assembly ------------------------------------------------------- */

/* Keys of a copied page that carry data not drawn by its content, or that
 * point elsewhere in the document: annotations (comments, form fields,
 * links, attached files), the page's own XMP, private application data,
 * article threads, actions (JavaScript), the thumbnail (it would show a
 * redacted page as it was if the page were redacted: harmless here, but
 * it is not needed), the structure tree's keys (the tree is not copied). */
static const char *const dropped_keys[] = {
    "/Annots", "/Metadata", "/PieceInfo", "/B", "/AA", "/Thumb", "/StructParents", "/Tabs",
};

/* The assembled copy: page i from its image PDF when redacted[i], else
 * from the original; written into sb. qpdf keeps the original pages'
 * streams as they are (no decoding, no recompression). */
static bool assemble(qpdf_data src, int npages, const bool *redacted, const strbuf_t *images,
		     strbuf_t *sb, char *err, size_t errlen)
{
	qpdf_data out = qpdf_init();
	qpdf_silence_errors(out);
	qpdf_set_suppress_warnings(out, QPDF_TRUE);
	qpdf_data *img = calloc((size_t)npages, sizeof *img);
	bool ok = img && !(qpdf_empty_pdf(out) & QPDF_ERRORS) &&
		  !(qpdf_push_inherited_attributes_to_page(src) & QPDF_ERRORS);
	for (int i = 0; ok && i < npages; i++) {
		qpdf_data from = src;
		int n = i;
		if (redacted[i]) {
			img[i] = qpdf_open((const unsigned char *)images[i].data, images[i].len, "page", NULL);
			from = img[i];
			n = 0;
		}
		ok = from && !(qpdf_add_page(out, from, qpdf_get_page_n(from, (size_t)n), QPDF_FALSE) &
			       QPDF_ERRORS);
		if (!ok)
			break;
		qpdf_oh page = qpdf_get_page_n(out, (size_t)i);
		for (size_t k = 0; k < sizeof dropped_keys / sizeof dropped_keys[0]; k++)
			qpdf_oh_remove_key(out, page, dropped_keys[k]);
	}
	if (ok) {
		qpdf_init_write_memory(out);
		qpdf_set_decode_level(out, qpdf_dl_none);
		qpdf_set_compress_streams(out, QPDF_FALSE);
		qpdf_set_object_stream_mode(out, qpdf_o_disable);
		qpdf_set_deterministic_ID(out, QPDF_TRUE);
		qpdf_set_minimum_pdf_version(out, qpdf_get_pdf_version(src));
		qpdf_set_minimum_pdf_version(out, "1.5");
		ok = !(qpdf_write(out) & QPDF_ERRORS);
	}
	if (ok)
		sb_append(sb, (const char *)qpdf_get_buffer(out), qpdf_get_buffer_length(out));
	else
		fail(err, errlen, "Nie udało się złożyć kopii pliku PDF (%s).",
		     qpdf_has_error(out) ? qpdf_get_error_full_text(out, qpdf_get_error(out))
					 : "błąd odczytu strony");
	for (int i = 0; img && i < npages; i++)
		if (img[i])
			qpdf_cleanup(&img[i]);
	free(img);
	qpdf_cleanup(&out);
	return ok;
}

/* Renders, paints and writes as a one-page PDF every page that has a box. */
static bool redact_pages(PopplerDocument *doc, int npages, const redact_box_t *boxes,
			 size_t nboxes, bool *redacted, strbuf_t *images, char *err, size_t errlen)
{
	for (int i = 0; i < npages; i++) {
		double w, h, s;
		PopplerPage *p = get_page(doc, i, &w, &h, err, errlen);
		if (!p)
			return false;
		/* A box beyond the visible page (text found outside the crop box)
		 * still makes its page an image: what lay there is gone with it. */
		for (size_t k = 0; k < nboxes; k++)
			redacted[i] = redacted[i] || boxes[k].page == i;
		cairo_surface_t *img = NULL;
		if (redacted[i] && !(img = render_page(p, i, w, h, REDACT_DPI, &s, err, errlen))) {
			g_object_unref(p);
			return false;
		}
		g_object_unref(p);
		if (!img)
			continue;
		paint_boxes(img, s, i, w, h, boxes, nboxes);
		bool ok = image_pdf(img, s, w, h, &images[i]);
		cairo_surface_destroy(img);
		if (!ok) {
			fail(err, errlen, "Nie udało się zapisać strony %d jako obrazu.", i + 1);
			return false;
		}
	}
	return true;
}

bool redact_pdf(const unsigned char *pdf, size_t len, const redact_box_t *boxes, size_t nboxes,
		const char *const *hidden, size_t nhidden, unsigned char **out, size_t *outlen,
		char *err, size_t errlen)
{
	*out = NULL;
	*outlen = 0;
	if (nhidden > 0 && !utf8_ok(hidden, nhidden, err, errlen))
		return false;
	size_t nn = 0;
	needle_t *nd = needles_make(hidden, nhidden, &nn, err, errlen);
	if (!nd)
		return false;
	PopplerDocument *doc = open_doc(pdf, len, err, errlen);
	if (!doc) {
		needles_free(nd, nn);
		return false;
	}
	int npages = poppler_document_get_n_pages(doc);
	bool *redacted = calloc((size_t)npages, sizeof *redacted);
	strbuf_t *images = calloc((size_t)npages, sizeof *images);
	strbuf_t result;
	sb_init(&result, NULL);
	qpdf_data src = NULL;
	bool ok = false;
	if (!redacted || !images) {
		fail(err, errlen, "Brak pamięci.");
		goto out;
	}
	if (!check_boxes(npages, boxes, nboxes, err, errlen) ||
	    !redact_pages(doc, npages, boxes, nboxes, redacted, images, err, errlen))
		goto out;
	src = qpdf_open(pdf, len, "input", NULL);
	if (!src || qpdf_get_num_pages(src) != npages) {
		fail(err, errlen, "Plik PDF jest uszkodzony (biblioteki odczytują różną liczbę stron).");
		goto out;
	}
	if (!assemble(src, npages, redacted, images, &result, err, errlen) ||
	    !verify((const unsigned char *)result.data, result.len, npages, redacted, nd, nn, err,
		    errlen))
		goto out;
	sb_take(&result, out, outlen);
	ok = true;
out:
	if (src)
		qpdf_cleanup(&src);
	for (int i = 0; images && i < npages; i++)
		sb_free(&images[i]);
	free(images);
	free(redacted);
	sb_free(&result);
	g_object_unref(doc);
	needles_free(nd, nn);
	return ok;
}
