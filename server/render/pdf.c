/* SPDX-License-Identifier: EUPL-1.2 */
/* Letters as PDF with cairo and Pango. Two steps: typesetting walks the
 * cmark tree once, makes a Pango layout per block and places its lines on
 * pages (so a paragraph can break across pages, and headings and the
 * signature are kept with what follows them); drawing then knows the page
 * count and draws every line, rule and footer ("Strona N z M"). */
#include "render/pdf.h"
#include "render/pdfsig.h"
#include "render/redact.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A4 in points; margins 2.5 cm. */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 70.87
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define BODY_TOP MARGIN
#define BODY_BOTTOM (PAGE_H - MARGIN)
#define FOOTER_BASELINE (PAGE_H - 36.0)

/* Indentation of a list item or a block quote, and the least width left for
 * text however deep the nesting goes. */
#define LIST_INDENT 18.0
#define QUOTE_INDENT 14.0
#define MIN_TEXT_W 120.0
/* Quote bars drawn at most this deep (deeper quotes are only indented). */
#define MAX_BARS 8

#define FONT_SERIF "DejaVu Serif"
#define FONT_SANS "DejaVu Sans"
#define FONT_MONO "DejaVu Sans Mono"
#define BODY_SIZE 11.0
#define LINE_SPACING 1.12

/* One line of a layout, placed on a page at its baseline. */
struct placed {
	int page;
	double x, baseline;
	PangoLayoutLine *line; /* owned by its layout, which the typesetter keeps */
};

struct rule {
	int page;
	double x0, y0, x1, y1, width;
};

struct list_ctx {
	bool ordered;
	int next;
	char delim;
	bool tight;
	double indent; /* added by the current item */
};

struct ts {
	PangoContext *pc;
	int page;
	double y; /* top of the next block on `page` */
	double indent;
	int quotes;
	double bar_x[MAX_BARS];
	double *quote_indent; /* what each open quote added to `indent` */
	size_t capquotes;
	struct placed *lines;
	size_t nlines, caplines;
	struct rule *rules;
	size_t nrules, caprules;
	PangoLayout **layouts;
	size_t nlayouts, caplayouts;
	struct list_ctx *lists;
	size_t nlists, caplists;
	PangoLayout *marker; /* a list item's marker, placed with its first line */
	double marker_x;
};

#define GROW(arr, n, cap)                                                                          \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? (cap)*2 : 64;                                              \
			(arr) = xrealloc((arr), (cap) * sizeof *(arr));                            \
		}                                                                                  \
	} while (0)

/* ---- layouts ----------------------------------------------------------- */

enum font { F_SERIF, F_SANS, F_MONO };

static PangoLayout *new_layout(struct ts *t, enum font font, double size, double width)
{
	static const char *const families[] = {FONT_SERIF, FONT_SANS, FONT_MONO};
	PangoLayout *l = pango_layout_new(t->pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family_static(fd, families[font]);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_line_spacing(l, LINE_SPACING);
	GROW(t->layouts, t->nlayouts, t->caplayouts);
	t->layouts[t->nlayouts++] = l;
	return l;
}

/* Text and attributes of one block, built while walking its inlines. */
struct inl {
	strbuf_t text;
	PangoAttrList *attrs;
	size_t *starts; /* where each open span (emphasis, link, ...) began */
	size_t nstarts, capstarts;
};

static void inl_init(struct inl *in)
{
	memset(in, 0, sizeof *in);
	sb_init(&in->text, NULL);
	sb_puts(&in->text, "");
	in->attrs = pango_attr_list_new();
	/* Legal text is not hyphenated: a hyphen the author did not write could
	 * change a case number or an amount. */
	pango_attr_list_insert(in->attrs, pango_attr_insert_hyphens_new(FALSE));
}

static void inl_free(struct inl *in)
{
	sb_free(&in->text);
	pango_attr_list_unref(in->attrs);
	free(in->starts);
	memset(in, 0, sizeof *in);
}

static void inl_push(struct inl *in)
{
	GROW(in->starts, in->nstarts, in->capstarts);
	in->starts[in->nstarts++] = in->text.len;
}

static size_t inl_pop(struct inl *in)
{
	return in->nstarts ? in->starts[--in->nstarts] : 0;
}

static void inl_attr(struct inl *in, PangoAttribute *a, size_t start, size_t end)
{
	a->start_index = (guint)start;
	a->end_index = (guint)end;
	pango_attr_list_insert(in->attrs, a);
}

/* Case numbers, dates, contract numbers and postcodes ("COMON.1431.15.2026",
 * "17/DI/2026", "00-001") are never split across lines: no breaks inside a
 * short token that holds a digit and a '.', '/' or '-'. */
#define KEEP_TOKEN_MAX 40

static void keep_tokens(struct inl *in)
{
	const char *s = in->text.data;
	size_t n = in->text.len;
	for (size_t i = 0; i < n;) {
		while (i < n && (s[i] == ' ' || s[i] == '\n'))
			i++;
		size_t start = i;
		bool digit = false, sep = false;
		while (i < n && s[i] != ' ' && s[i] != '\n') {
			digit = digit || (s[i] >= '0' && s[i] <= '9');
			sep = sep || s[i] == '.' || s[i] == '/' || s[i] == '-';
			i++;
		}
		if (digit && sep && i - start <= KEEP_TOKEN_MAX)
			inl_attr(in, pango_attr_allow_breaks_new(FALSE), start, i);
	}
}

/* Applies the block's text and attributes to a layout. */
static void inl_apply(struct inl *in, PangoLayout *l)
{
	keep_tokens(in);
	pango_layout_set_text(l, in->text.data, (int)in->text.len);
	pango_layout_set_attributes(l, in->attrs);
}

/* ---- placing lines on pages -------------------------------------------- */

static double layout_height(PangoLayout *l)
{
	PangoRectangle r;
	pango_layout_get_extents(l, NULL, &r);
	return (double)r.height / PANGO_SCALE;
}

static void new_page(struct ts *t)
{
	t->page++;
	t->y = BODY_TOP;
}

/* Starts a new page unless `need` points fit below the cursor (or the
 * cursor is already at the top, where nothing more can be done). */
static void ensure_room(struct ts *t, double need)
{
	if (t->y > BODY_TOP && t->y + need > BODY_BOTTOM && need <= BODY_BOTTOM - BODY_TOP)
		new_page(t);
}

static void add_rule(struct ts *t, int page, double x0, double y0, double x1, double y1, double w)
{
	GROW(t->rules, t->nrules, t->caprules);
	t->rules[t->nrules++] = (struct rule){page, x0, y0, x1, y1, w};
}

static void add_line(struct ts *t, int page, double x, double baseline, PangoLayoutLine *line)
{
	GROW(t->lines, t->nlines, t->caplines);
	t->lines[t->nlines++] = (struct placed){page, x, baseline, line};
}

/* Places every line of `l` with its left edge at `x`, breaking pages
 * between lines; the cursor ends below the last line. */
static void place(struct ts *t, PangoLayout *l, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double offset = 0; /* page y of the layout's y = 0 */
	bool first = true;
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double top = (double)r.y / PANGO_SCALE, h = (double)r.height / PANGO_SCALE;
		if (first) {
			offset = t->y - top;
			first = false;
		}
		if (offset + top + h > BODY_BOTTOM && offset + top > BODY_TOP) {
			new_page(t);
			offset = BODY_TOP - top;
		}
		double base = offset + (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		add_line(t, t->page, x + (double)r.x / PANGO_SCALE, base,
			 pango_layout_iter_get_line_readonly(it));
		for (int q = 0; q < t->quotes && q < MAX_BARS; q++)
			add_rule(t, t->page, t->bar_x[q], offset + top, t->bar_x[q],
				 offset + top + h, 1.2);
		if (t->marker) {
			PangoLayoutLine *m = pango_layout_get_line_readonly(t->marker, 0);
			if (m)
				add_line(t, t->page, t->marker_x, base, m);
			t->marker = NULL;
		}
		t->y = offset + top + h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

/* Places `l` at exactly (x, y) on the current page (the frame's first
 * page); returns its bottom. */
static double place_at(struct ts *t, PangoLayout *l, double x, double y)
{
	double save = t->y;
	t->y = y;
	place(t, l, x);
	double bottom = t->y;
	t->y = save;
	return bottom;
}

/* ---- the body ---------------------------------------------------------- */

static double text_x(const struct ts *t)
{
	return MARGIN + t->indent;
}

static double text_w(const struct ts *t)
{
	double w = CONTENT_W - t->indent;
	return w < MIN_TEXT_W ? MIN_TEXT_W : w;
}

static bool in_tight_list(const struct ts *t)
{
	return t->nlists && t->lists[t->nlists - 1].tight;
}

static void flush_paragraph(struct ts *t, struct inl *in)
{
	PangoLayout *l = new_layout(t, F_SERIF, BODY_SIZE, text_w(t));
	pango_layout_set_justify(l, TRUE);
	inl_apply(in, l);
	/* Keep two lines together at the bottom of a page. */
	int nl = pango_layout_get_line_count(l);
	double two = layout_height(l) / (nl > 0 ? nl : 1) * 2;
	ensure_room(t, two);
	place(t, l, text_x(t));
	t->y += in_tight_list(t) ? 2.0 : 6.5;
}

static void flush_heading(struct ts *t, struct inl *in, int level)
{
	bool big = level <= 2;
	double size = level == 1 ? 14.0 : level == 2 ? 11.5 : BODY_SIZE;
	PangoLayout *l = new_layout(t, big ? F_SANS : F_SERIF, size, text_w(t));
	if (big)
		pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
	inl_attr(in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0, in->text.len);
	inl_apply(in, l);
	if (t->y > BODY_TOP)
		t->y += level == 1 ? 10.0 : 8.0;
	/* A heading is kept with at least two lines of what follows it. */
	ensure_room(t, layout_height(l) + 2 * BODY_SIZE * 1.4);
	place(t, l, text_x(t));
	t->y += level == 1 ? 9.0 : 5.0;
}

static void flush_code(struct ts *t, const char *code)
{
	size_t n = strlen(code);
	while (n && code[n - 1] == '\n')
		n--;
	PangoLayout *l = new_layout(t, F_MONO, 9.0, text_w(t) - 8);
	PangoAttrList *a = pango_attr_list_new();
	pango_attr_list_insert(a, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(l, a);
	pango_attr_list_unref(a);
	pango_layout_set_text(l, code, (int)n);
	place(t, l, text_x(t) + 8);
	t->y += 6.5;
}

static void thematic_break(struct ts *t)
{
	t->y += 4;
	ensure_room(t, 8);
	add_rule(t, t->page, text_x(t), t->y + 2, MARGIN + CONTENT_W, t->y + 2, 0.6);
	t->y += 10;
}

static void list_enter(struct ts *t, cmark_node *n)
{
	GROW(t->lists, t->nlists, t->caplists);
	struct list_ctx *lc = &t->lists[t->nlists++];
	lc->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
	lc->next = cmark_node_get_list_start(n);
	lc->delim = cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM ? ')' : '.';
	lc->tight = cmark_node_get_list_tight(n);
	lc->indent = 0;
}

static void item_enter(struct ts *t)
{
	if (!t->nlists)
		return;
	struct list_ctx *lc = &t->lists[t->nlists - 1];
	char marker[32];
	if (lc->ordered)
		snprintf(marker, sizeof marker, "%d%c", lc->next++, lc->delim);
	else
		snprintf(marker, sizeof marker, "%s", t->nlists % 2 ? "•" : "–");
	PangoLayout *m = new_layout(t, F_SERIF, BODY_SIZE, 0);
	pango_layout_set_text(m, marker, -1);
	PangoRectangle r;
	pango_layout_get_extents(m, NULL, &r);
	double w = (double)r.width / PANGO_SCALE + 6;
	lc->indent = w > LIST_INDENT ? w : LIST_INDENT;
	if (t->indent + lc->indent > CONTENT_W - MIN_TEXT_W)
		lc->indent = 0; /* too deep: stop indenting */
	t->marker = m;
	t->marker_x = text_x(t);
	t->indent += lc->indent;
}

static void item_exit(struct ts *t)
{
	if (!t->nlists)
		return;
	struct list_ctx *lc = &t->lists[t->nlists - 1];
	t->indent -= lc->indent;
	if (t->marker) { /* an empty item: its marker stands alone */
		PangoLayout *m = t->marker;
		t->marker = NULL;
		place(t, m, t->marker_x);
		t->y += 2;
	}
}

static void quote_enter(struct ts *t)
{
	size_t n = (size_t)t->quotes;
	GROW(t->quote_indent, n, t->capquotes);
	if (t->quotes < MAX_BARS)
		t->bar_x[t->quotes] = text_x(t) + 2;
	double add = t->indent + QUOTE_INDENT <= CONTENT_W - MIN_TEXT_W ? QUOTE_INDENT : 0;
	t->quote_indent[t->quotes++] = add;
	t->indent += add;
}

static void quote_exit(struct ts *t)
{
	if (t->quotes > 0)
		t->indent -= t->quote_indent[--t->quotes];
}

/* cmark's safe mode empties these links in HTML (houdini's rule). */
static bool safe_url(const char *url)
{
	static const char *const bad[] = {"javascript:", "vbscript:", "file:", "data:"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (strncasecmp(url, bad[i], strlen(bad[i])) == 0)
			return false;
	return true;
}

/* An inline node inside a paragraph or heading. */
static void inline_event(struct inl *in, cmark_node *n, cmark_event_type ev)
{
	const char *lit;
	size_t start;
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT:
		lit = cmark_node_get_literal(n);
		sb_puts(&in->text, lit ? lit : "");
		break;
	case CMARK_NODE_CODE:
		start = in->text.len;
		lit = cmark_node_get_literal(n);
		sb_puts(&in->text, lit ? lit : "");
		inl_attr(in, pango_attr_family_new(FONT_MONO), start, in->text.len);
		inl_attr(in, pango_attr_scale_new(0.88), start, in->text.len);
		break;
	case CMARK_NODE_SOFTBREAK:
		sb_putc(&in->text, ' ');
		break;
	case CMARK_NODE_LINEBREAK:
		sb_putc(&in->text, '\n');
		break;
	case CMARK_NODE_EMPH:
	case CMARK_NODE_STRONG:
	case CMARK_NODE_LINK:
		if (ev == CMARK_EVENT_ENTER) {
			inl_push(in);
			break;
		}
		start = inl_pop(in);
		if (cmark_node_get_type(n) == CMARK_NODE_EMPH) {
			inl_attr(in, pango_attr_style_new(PANGO_STYLE_ITALIC), start, in->text.len);
		} else if (cmark_node_get_type(n) == CMARK_NODE_STRONG) {
			inl_attr(in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, in->text.len);
		} else {
			inl_attr(in, pango_attr_underline_new(PANGO_UNDERLINE_SINGLE), start,
				 in->text.len);
			/* On paper a link is only useful with its address; the
			 * addresses the HTML drops are dropped here too. */
			const char *url = cmark_node_get_url(n);
			size_t ulen = url && safe_url(url) ? strlen(url) : 0;
			if (ulen && !(in->text.len - start == ulen &&
				      memcmp(in->text.data + start, url, ulen) == 0))
				sb_printf(&in->text, " (%s)", url);
		}
		break;
	case CMARK_NODE_IMAGE:
		sb_puts(&in->text, ev == CMARK_EVENT_ENTER ? "[obraz: " : "]");
		break;
	default: /* raw HTML is dropped, as in the HTML rendering */
		break;
	}
}

static void typeset_body(struct ts *t, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	struct inl in = {0};
	bool collecting = false;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type type = cmark_node_get_type(n);
		bool enter = ev == CMARK_EVENT_ENTER;
		switch (type) {
		case CMARK_NODE_PARAGRAPH:
		case CMARK_NODE_HEADING:
			if (enter) {
				inl_init(&in);
				collecting = true;
				break;
			}
			if (type == CMARK_NODE_PARAGRAPH)
				flush_paragraph(t, &in);
			else
				flush_heading(t, &in, cmark_node_get_heading_level(n));
			inl_free(&in);
			collecting = false;
			break;
		case CMARK_NODE_CODE_BLOCK:
			flush_code(t, cmark_node_get_literal(n) ? cmark_node_get_literal(n) : "");
			break;
		case CMARK_NODE_THEMATIC_BREAK:
			thematic_break(t);
			break;
		case CMARK_NODE_LIST:
			if (enter) {
				list_enter(t, n);
			} else if (t->nlists) {
				t->nlists--;
				t->y += 4.5;
			}
			break;
		case CMARK_NODE_ITEM:
			if (enter)
				item_enter(t);
			else
				item_exit(t);
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			if (enter)
				quote_enter(t);
			else
				quote_exit(t);
			break;
		default:
			if (collecting)
				inline_event(&in, n, ev);
			break;
		}
	}
	if (collecting)
		inl_free(&in);
	cmark_iter_free(it);
}

/* ---- the frame --------------------------------------------------------- */

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* A layout whose first line (up to '\n') is bold at `first_size`, the rest
 * at `size`. */
static PangoLayout *head_layout(struct ts *t, enum font font, const char *first, double first_size,
				const char *rest, double size, double width)
{
	struct inl in;
	inl_init(&in);
	sb_puts(&in.text, first);
	size_t end = in.text.len;
	inl_attr(&in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), 0, end);
	inl_attr(&in, pango_attr_size_new_absolute((int)(first_size * PANGO_SCALE)), 0, end);
	if (*rest) {
		sb_putc(&in.text, '\n');
		sb_puts(&in.text, rest);
	}
	PangoLayout *l = new_layout(t, font, size, width);
	inl_apply(&in, l);
	inl_free(&in);
	return l;
}

static void typeset_frame_top(struct ts *t, const pdf_letter_t *p)
{
	double left_w = CONTENT_W * 0.58, right_w = CONTENT_W * 0.40;
	PangoLayout *org =
	    head_layout(t, F_SANS, nz(p->org_name), 11.0, nz(p->org_lines), 8.5, left_w);
	PangoLayout *date = new_layout(t, F_SERIF, BODY_SIZE, right_w);
	pango_layout_set_alignment(date, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(date, nz(p->place_date), -1);
	double b1 = place_at(t, org, MARGIN, BODY_TOP);
	double b2 = place_at(t, date, MARGIN + CONTENT_W - right_w, BODY_TOP);
	t->y = (b1 > b2 ? b1 : b2) + 16;

	PangoLayout *cn = new_layout(t, F_SANS, 9.5, CONTENT_W);
	struct inl in;
	inl_init(&in);
	sb_printf(&in.text, "Znak sprawy: %s", nz(p->case_number));
	inl_attr(&in, pango_attr_weight_new(PANGO_WEIGHT_BOLD), strlen("Znak sprawy: "),
		 in.text.len);
	inl_apply(&in, cn);
	inl_free(&in);
	place(t, cn, MARGIN);
	t->y += 18;

	double to_x = CONTENT_W * 0.55;
	PangoLayout *to = head_layout(t, F_SERIF, nz(p->to_name), BODY_SIZE, nz(p->to_address),
				      BODY_SIZE, CONTENT_W - to_x);
	place(t, to, MARGIN + to_x);
	t->y += 26;
}

static void typeset_signature(struct ts *t, const pdf_letter_t *p)
{
	double x = MARGIN + CONTENT_W * 0.45, w = CONTENT_W * 0.55;
	PangoLayout *auth = NULL;
	if (p->sign_authorisation && *p->sign_authorisation) {
		auth = new_layout(t, F_SERIF, 9.0, w);
		pango_layout_set_alignment(auth, PANGO_ALIGN_CENTER);
		struct inl in;
		inl_init(&in);
		sb_puts(&in.text, p->sign_authorisation);
		inl_attr(&in, pango_attr_style_new(PANGO_STYLE_ITALIC), 0, in.text.len);
		inl_apply(&in, auth);
		inl_free(&in);
	}
	PangoLayout *sig =
	    head_layout(t, F_SERIF, nz(p->sign_name), BODY_SIZE, nz(p->sign_position), 10.0, w);
	pango_layout_set_alignment(sig, PANGO_ALIGN_CENTER);
	double gap = auth ? 22.0 : 0;
	t->y += 20;
	/* The signature block is never split from itself. */
	ensure_room(t, (auth ? layout_height(auth) : 0) + gap + layout_height(sig));
	if (auth) {
		place(t, auth, x);
		t->y += gap;
	}
	place(t, sig, x);
}

/* ---- drawing ------------------------------------------------------------ */

static void draw_footer(struct ts *t, cairo_t *cr, const pdf_letter_t *p, int page, int pages)
{
	char num[64];
	snprintf(num, sizeof num, "Strona %d z %d", page + 1, pages);
	PangoLayout *left = new_layout(t, F_SANS, 7.5, CONTENT_W * 0.7);
	char *cn = g_strdup_printf("Znak sprawy: %s", nz(p->case_number));
	pango_layout_set_text(left, cn, -1);
	g_free(cn);
	PangoLayout *right = new_layout(t, F_SANS, 7.5, CONTENT_W * 0.3);
	pango_layout_set_alignment(right, PANGO_ALIGN_RIGHT);
	pango_layout_set_text(right, num, -1);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	cairo_move_to(cr, MARGIN, FOOTER_BASELINE - 11);
	pango_cairo_show_layout(cr, left);
	cairo_move_to(cr, MARGIN + CONTENT_W * 0.7, FOOTER_BASELINE - 11);
	pango_cairo_show_layout(cr, right);
	cairo_set_line_width(cr, 0.4);
	cairo_move_to(cr, MARGIN, FOOTER_BASELINE - 14);
	cairo_line_to(cr, MARGIN + CONTENT_W, FOOTER_BASELINE - 14);
	cairo_stroke(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
}

static void draw(struct ts *t, cairo_t *cr, const pdf_letter_t *p)
{
	int pages = t->page + 1;
	size_t li = 0, ri = 0;
	for (int page = 0; page < pages; page++) {
		cairo_set_source_rgb(cr, 0, 0, 0);
		for (; li < t->nlines && t->lines[li].page <= page; li++) {
			cairo_move_to(cr, t->lines[li].x, t->lines[li].baseline);
			pango_cairo_show_layout_line(cr, t->lines[li].line);
		}
		for (; ri < t->nrules && t->rules[ri].page <= page; ri++) {
			const struct rule *r = &t->rules[ri];
			cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
			cairo_set_line_width(cr, r->width);
			cairo_move_to(cr, r->x0, r->y0);
			cairo_line_to(cr, r->x1, r->y1);
			cairo_stroke(cr);
			cairo_set_source_rgb(cr, 0, 0, 0);
		}
		draw_footer(t, cr, p, page, pages);
		cairo_show_page(cr);
	}
}

/* ---- the document -------------------------------------------------------- */

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	sb_append(closure, (const char *)data, length);
	return CAIRO_STATUS_SUCCESS;
}

static void set_metadata(cairo_surface_t *s, const pdf_letter_t *p)
{
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, nz(p->title));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, nz(p->author));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Jawność");
	if (p->date && strlen(p->date) == 10) {
		char when[32];
		snprintf(when, sizeof when, "%sT00:00:00", p->date);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, when);
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, when);
	}
}

/* Pango's font maps not yet finalized (see pdf_font_map()). */
static atomic_int font_maps_live;
static char counted; /* the key of the mark on a counted font map */

static void font_map_gone(void *unused)
{
	(void)unused;
	atomic_fetch_sub(&font_maps_live, 1);
}

PangoFontMap *pdf_font_map(void)
{
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	/* The map is this thread's (Pango keeps one a thread): marked here
	 * only, and unmarked by GObject's finalize after Pango's own, in
	 * whichever thread drops the last reference. */
	GQuark q = g_quark_from_static_string("jawnosc-pdf-font-map");
	if (!g_object_get_qdata(G_OBJECT(fm), q)) {
		atomic_fetch_add(&font_maps_live, 1);
		g_object_set_qdata_full(G_OBJECT(fm), q, &counted, font_map_gone);
	}
	return fm;
}

static PangoContext *new_context(cairo_t *cr)
{
	PangoContext *pc = pango_font_map_create_context(pdf_font_map());
	/* Points are the page's units; vector output wants unhinted, linear
	 * metrics so that the layout does not depend on a screen's pixels. */
	pango_cairo_context_set_resolution(pc, 72.0);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(pc, fo);
	cairo_font_options_destroy(fo);
	pango_context_set_language(pc, pango_language_from_string("pl"));
	pango_cairo_update_context(cr, pc);
	return pc;
}

bool pdf_render_letter(const pdf_letter_t *p, cmark_node *doc, strbuf_t *out, char *err,
		       size_t errlen)
{
	cairo_surface_t *surface =
	    cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
	set_metadata(surface, p);
	cairo_t *cr = cairo_create(surface);
	struct ts t = {.pc = new_context(cr), .y = BODY_TOP};

	typeset_frame_top(&t, p);
	if (doc)
		typeset_body(&t, doc);
	typeset_signature(&t, p);
	if (p->closing) {
		t.y += 18;
		typeset_body(&t, p->closing);
	}
	draw(&t, cr, p);

	cairo_destroy(cr);
	cairo_surface_finish(surface);
	cairo_status_t st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	for (size_t i = 0; i < t.nlayouts; i++)
		g_object_unref(t.layouts[i]);
	free(t.layouts);
	free(t.lines);
	free(t.rules);
	free(t.lists);
	free(t.quote_indent);
	g_object_unref(t.pc);
	if (st != CAIRO_STATUS_SUCCESS) {
		if (err && errlen)
			snprintf(err, errlen, "PDF: %s", cairo_status_to_string(st));
		return false;
	}
	return true;
}

void pdf_shutdown(void)
{
	pango_cairo_font_map_set_default(NULL);
	/* poppler's font cache still holds cairo's faces (render/redact.h). */
	if (redact_rendered() || pdfsig_rendered())
		return;
	/* Pango's fontconfig thread holds a font map until the font sorts it
	 * was asked for are done, and the map's fonts hold cairo's scaled
	 * fonts: resetting cairo before that map is finalized aborts
	 * (_cairo_hash_table_destroy: live_entries == 0). Wait for it, a
	 * little; a map still alive (another thread's) leaves the caches. */
	for (int ms = 0; atomic_load(&font_maps_live) > 0 && ms < 2000; ms++)
		g_usleep(1000);
	if (atomic_load(&font_maps_live) > 0)
		return;
	cairo_debug_reset_static_data();
	FcFini();
}
