/* SPDX-License-Identifier: EUPL-1.2 */
#include "render/svg.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

/* Geometry of the vertical charts, in SVG user units (the picture scales
 * to the width of its box). */
#define W 640.0
#define PLOT_TOP 12.0
#define PLOT_H 200.0
#define LEFT 56.0
#define RIGHT 12.0
#define AXIS_LABELS 22.0 /* room under the plot for the category labels */
#define LEGEND_ROW 20.0
#define FONT "DejaVu Sans, Arial, sans-serif"
#define INK "#1b1b1b"
#define GRID "#d0d7de"

static const char *const palette[] = {"#0b4f8a", "#b35900", "#1e6b34", "#8e3b83",
				      "#a4161a", "#0e7c86", "#4a4a4a", "#6b5b00"};

const char *svg_color(int i)
{
	int n = (int)(sizeof palette / sizeof palette[0]);
	return palette[(i % n + n) % n];
}

/* The fill patterns of stacked series: white marks over the series'
 * colour on an 8-unit tile, so that two neighbouring segments differ in
 * shape as well as colour (WCAG 2.1 1.4.1). The colour keeps most of the
 * tile, so each segment stays at least 3:1 against white. */
static const struct {
	const char *name;
	const char *marks; /* drawn over the colour, in white */
} patterns[] = {
    {"pełny", ""},
    {"ukośne paski", "<path d=\"M-2 2L2-2M0 8L8 0M6 10L10 6\" stroke=\"#fff\" stroke-width=\"1.5\"/>"},
    {"kropki", "<circle cx=\"4\" cy=\"4\" r=\"1.5\" fill=\"#fff\"/>"},
    {"poziome paski", "<path d=\"M0 4H8\" stroke=\"#fff\" stroke-width=\"1.5\"/>"},
    {"pionowe paski", "<path d=\"M4 0V8\" stroke=\"#fff\" stroke-width=\"1.5\"/>"},
    {"kratka", "<path d=\"M0 4H8M4 0V8\" stroke=\"#fff\" stroke-width=\"1\"/>"},
    {"paski w drugą stronę", "<path d=\"M-2 6L2 10M0 0L8 8M6-2L10 2\" stroke=\"#fff\" stroke-width=\"1.5\"/>"},
    {"romby", "<path d=\"M4 1L7 4L4 7L1 4Z\" fill=\"#fff\"/>"},
};
#define NPATTERNS ((int)(sizeof patterns / sizeof patterns[0]))

const char *svg_pattern_name(int i)
{
	return patterns[(i % NPATTERNS + NPATTERNS) % NPATTERNS].name;
}

double svg_nice_max(double v, double *step)
{
	if (!(v > 0) || !isfinite(v))
		v = 1;
	double mag = pow(10, floor(log10(v / 5)));
	static const double mult[] = {1, 2, 5, 10};
	double s = mag;
	for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
		s = mag * mult[i];
		if (ceil(v / s - 1e-9) <= 5)
			break;
	}
	/* Counts have no fractions: the step is at least 1 for small counts. */
	if (v <= 5 && s < 1)
		s = 1;
	if (step)
		*step = s;
	return ceil(v / s - 1e-9) * s;
}

/* ---- text --------------------------------------------------------------- */

static void esc(strbuf_t *out, const char *s)
{
	if (s)
		sb_html_escape(out, s, strlen(s));
}

/* `s` cut to SVG_LABEL_MAX characters (UTF-8 code points) with "…". */
static void esc_short(strbuf_t *out, const char *s)
{
	if (!s)
		return;
	size_t i = 0;
	int chars = 0;
	while (s[i] && chars < SVG_LABEL_MAX) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	sb_html_escape(out, s, i);
	if (s[i])
		sb_puts(out, "…");
}

/* Only [A-Za-z0-9-] of the id, so it is a valid XML id and IDREF. */
static void put_id(strbuf_t *out, const char *id)
{
	for (const char *p = id ? id : "chart"; *p; p++) {
		char ch = *p;
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '-';
		sb_putc(out, ok ? ch : '-');
	}
}

/* A tick or value as text: whole numbers without decimals. */
static void put_number(strbuf_t *out, double v, const char *unit)
{
	if (fabs(v - round(v)) < 1e-9)
		sb_printf(out, "%.0f", round(v));
	else
		sb_printf(out, "%.1f", v);
	if (unit)
		esc(out, unit);
}

static int nlabels(const struct svg_chart *c)
{
	return c->nlabels < 0 ? 0 : c->nlabels > SVG_LABELS_MAX ? SVG_LABELS_MAX : c->nlabels;
}

static int nseries(const struct svg_chart *c)
{
	return c->nseries < 0 ? 0 : c->nseries > SVG_SERIES_MAX ? SVG_SERIES_MAX : c->nseries;
}

static double value(const struct svg_chart *c, int s, int i)
{
	double v = c->series[s].values ? c->series[s].values[i] : NAN;
	return isfinite(v) && v >= 0 ? v : NAN;
}

/* ---- frame ---------------------------------------------------------------- */

static int nseries(const struct svg_chart *c);
static int nlabels(const struct svg_chart *c);

/* Where value i of series s links, or NULL. */
static const char *href_of(const struct svg_chart *c, int s, int i)
{
	const char *h = c->series[s].hrefs ? c->series[s].hrefs[i] : NULL;
	return h && *h ? h : NULL;
}

/* Whether any value links somewhere. */
static bool has_links(const struct svg_chart *c)
{
	for (int s = 0; s < nseries(c); s++)
		for (int i = 0; i < nlabels(c); i++)
			if (href_of(c, s, i))
				return true;
	return false;
}

static void open_svg(strbuf_t *out, const struct svg_chart *c, double height)
{
	sb_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"%s\" ",
		  has_links(c) ? "group" : "img");
	sb_printf(out, "viewBox=\"0 0 %.0f %.0f\" ", W, height);
	sb_puts(out, "aria-labelledby=\"");
	put_id(out, c->id);
	sb_puts(out, "-title ");
	put_id(out, c->id);
	sb_puts(out, "-desc\" font-family=\"" FONT "\" font-size=\"12\" fill=\"" INK "\">");
	sb_puts(out, "<title id=\"");
	put_id(out, c->id);
	sb_puts(out, "-title\">");
	esc(out, c->title);
	sb_puts(out, "</title><desc id=\"");
	put_id(out, c->id);
	sb_puts(out, "-desc\">");
	esc(out, c->desc);
	sb_puts(out, "</desc>");
}

/* The fill patterns of a chart of several stacked series. */
static void pattern_defs(strbuf_t *out, const struct svg_chart *c)
{
	if (nseries(c) < 2)
		return;
	sb_puts(out, "<defs>");
	for (int s = 0; s < nseries(c); s++) {
		sb_puts(out, "<pattern id=\"");
		put_id(out, c->id);
		sb_printf(out,
			  "-p%d\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">"
			  "<rect width=\"8\" height=\"8\" fill=\"%s\"/>%s</pattern>",
			  s, svg_color(s), patterns[s % NPATTERNS].marks);
	}
	sb_puts(out, "</defs>");
}

/* fill="..." of series s: its pattern when there are several. */
static void put_fill(strbuf_t *out, const struct svg_chart *c, int s)
{
	if (nseries(c) < 2) {
		sb_printf(out, "fill=\"%s\"", svg_color(s));
		return;
	}
	sb_puts(out, "fill=\"url(#");
	put_id(out, c->id);
	sb_printf(out, "-p%d)\"", s);
}

/* The drawing around the values (axes, labels, legend) says nothing a
 * screen reader needs when the chart is a group of links: the title, the
 * description and the links' names say it. */
static void open_decor(strbuf_t *out, const struct svg_chart *c)
{
	sb_puts(out, has_links(c) ? "<g aria-hidden=\"true\">" : "<g>");
}

/* Rows of legend items (a square and the series' name), wrapped to the
 * width; text width is estimated at 7 units per character. */
static int legend_rows(const struct svg_chart *c)
{
	int rows = nseries(c) > 1 ? 1 : 0;
	double x = LEFT;
	for (int s = 0; s < nseries(c) && nseries(c) > 1; s++) {
		double w = 34 + 7.0 * (double)strlen(c->series[s].name ? c->series[s].name : "");
		if (x + w > W - RIGHT && x > LEFT) {
			rows++;
			x = LEFT;
		}
		x += w;
	}
	return rows;
}

/* A line's marker at (x, y): its own shape for each series (circle,
 * square, triangle, diamond), so lines differ in more than colour. The
 * caller closes the element ("</circle>", ...: marker_end()). */
static const char *const marker_ends[] = {"</circle>", "</rect>", "</path>", "</path>"};

static void marker_open(strbuf_t *out, int s, double x, double y)
{
	switch (s % 4) {
	case 0: sb_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\"", x, y); break;
	case 1: sb_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"8\"", x - 4, y - 4); break;
	case 2: sb_printf(out, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"", x, y - 5, x + 5, y + 4, x - 5, y + 4); break;
	default: sb_printf(out, "<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\"", x, y - 5, x + 5, y, x, y + 5, x - 5, y); break;
	}
	sb_printf(out, " fill=\"%s\">", svg_color(s));
}

static const char *dash_of(int s)
{
	static const char *const dashes[] = {"", " stroke-dasharray=\"6 3\"", " stroke-dasharray=\"2 3\"",
					     " stroke-dasharray=\"10 3 2 3\""};
	return dashes[s % 4];
}

static void legend(strbuf_t *out, const struct svg_chart *c, double top, bool lines)
{
	if (nseries(c) < 2)
		return;
	double x = LEFT, y = top;
	for (int s = 0; s < nseries(c); s++) {
		const char *name = c->series[s].name ? c->series[s].name : "";
		double w = 34 + 7.0 * (double)strlen(name);
		if (x + w > W - RIGHT && x > LEFT) {
			y += LEGEND_ROW;
			x = LEFT;
		}
		if (lines) {
			sb_printf(out,
				  "<path d=\"M%.1f %.1fH%.1f\" stroke=\"%s\" stroke-width=\"2.5\"%s/>",
				  x, y + 7, x + 22, svg_color(s), dash_of(s));
			marker_open(out, s, x + 11, y + 7);
			sb_puts(out, marker_ends[s % 4]);
		} else {
			sb_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"22\" height=\"14\" ", x, y);
			put_fill(out, c, s);
			sb_puts(out, " stroke=\"" INK "\" stroke-width=\"0.5\"/>");
		}
		sb_printf(out, "<text x=\"%.1f\" y=\"%.1f\">", x + 27, y + 11.5);
		esc(out, name);
		sb_puts(out, "</text>");
		x += w;
	}
}

/* Horizontal grid lines with their values, and the base line. */
static void value_axis(strbuf_t *out, double top, double max, double step, const char *unit)
{
	for (double v = 0; v <= max + step / 2; v += step) {
		double y = top + PLOT_H - v / max * PLOT_H;
		sb_printf(out,
			  "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
			  LEFT, y, W - RIGHT, y, v == 0 ? INK : GRID);
		sb_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", LEFT - 6, y + 4);
		put_number(out, v, unit);
		sb_puts(out, "</text>");
	}
}

static void category_labels(strbuf_t *out, const struct svg_chart *c, double top)
{
	int n = nlabels(c);
	double band = (W - LEFT - RIGHT) / (n ? n : 1);
	for (int i = 0; i < n; i++) {
		sb_printf(out,
			  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">",
			  LEFT + band * (i + 0.5), top + PLOT_H + 16);
		esc_short(out, c->labels[i]);
		sb_puts(out, "</text>");
	}
}

/* The top of the scale: the chart's own or the largest value (stacked:
 * the largest sum). */
static double scale_max(const struct svg_chart *c, bool stacked, double *step)
{
	double top = 0;
	for (int i = 0; i < nlabels(c); i++) {
		double sum = 0;
		for (int s = 0; s < nseries(c); s++) {
			double v = value(c, s, i);
			if (isnan(v))
				continue;
			if (stacked)
				sum += v;
			else if (v > top)
				top = v;
		}
		if (stacked && sum > top)
			top = sum;
	}
	/* A fixed scale (0..100 %) keeps its top, in 5 steps, unless a value
	 * goes beyond it. */
	if (c->max > 0 && top <= c->max) {
		*step = c->max / 5;
		return c->max;
	}
	return svg_nice_max(top, step);
}

/* "label, series: value", escaped: what a value is, to a pointer (its
 * <title>) and to a screen reader (its link's name). */
static void item_text(strbuf_t *out, const struct svg_chart *c, int s, int i, double v)
{
	esc(out, c->labels[i]);
	if (nseries(c) > 1) {
		sb_puts(out, ", ");
		esc(out, c->series[s].name);
	}
	sb_puts(out, ": ");
	put_number(out, v, c->unit);
}

static void item_title(strbuf_t *out, const struct svg_chart *c, int s, int i, double v)
{
	sb_puts(out, "<title>");
	item_text(out, c, s, i, v);
	sb_puts(out, "</title>");
}

/* A value's link, when it has one: opened before its shape, closed after
 * (link_close). Named by the value and the chart's link_note. */
static void link_open(strbuf_t *out, const struct svg_chart *c, int s, int i, double v)
{
	const char *h = href_of(c, s, i);
	if (!h)
		return;
	sb_puts(out, "<a href=\"");
	esc(out, h);
	sb_puts(out, "\" aria-label=\"");
	item_text(out, c, s, i, v);
	if (c->link_note) {
		sb_puts(out, " — ");
		esc(out, c->link_note);
	}
	sb_puts(out, "\">");
}

static void link_close(strbuf_t *out, const struct svg_chart *c, int s, int i)
{
	if (href_of(c, s, i))
		sb_puts(out, "</a>");
}

/* ---- the charts -------------------------------------------------------------- */

/* The frame of a chart over categories (bars stacked or lines): the
 * document, the value axis; the top of the scale, and in *band the width
 * each category takes. */
static double plot_open(strbuf_t *out, const struct svg_chart *c, bool stacked, double *band)
{
	double height = PLOT_TOP + PLOT_H + AXIS_LABELS + legend_rows(c) * LEGEND_ROW + 8;
	double step, max = scale_max(c, stacked, &step);
	open_svg(out, c, height);
	open_decor(out, c);
	value_axis(out, PLOT_TOP, max, step, c->unit);
	sb_puts(out, "</g>");
	int n = nlabels(c);
	*band = (W - LEFT - RIGHT) / (n ? n : 1);
	return max;
}

/* The categories under the plot, the legend, the end of the document. */
static void plot_close(strbuf_t *out, const struct svg_chart *c, bool lines)
{
	open_decor(out, c);
	category_labels(out, c, PLOT_TOP);
	legend(out, c, PLOT_TOP + PLOT_H + AXIS_LABELS + 4, lines);
	sb_puts(out, "</g></svg>");
}

void svg_bar_chart(strbuf_t *out, const struct svg_chart *c)
{
	double band, max = plot_open(out, c, true, &band), bw = band * 0.66;
	int n = nlabels(c);
	pattern_defs(out, c);
	for (int i = 0; i < n; i++) {
		double y = PLOT_TOP + PLOT_H;
		for (int s = 0; s < nseries(c); s++) {
			double v = value(c, s, i);
			if (isnan(v) || v <= 0)
				continue;
			double h = v / max * PLOT_H;
			y -= h;
			link_open(out, c, s, i, v);
			sb_printf(out,
				  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" ",
				  LEFT + band * i + (band - bw) / 2, y, bw, h);
			put_fill(out, c, s);
			/* A white edge between stacked segments. */
			sb_puts(out, nseries(c) > 1 ? " stroke=\"#fff\" stroke-width=\"1\">" : ">");
			item_title(out, c, s, i, v);
			sb_puts(out, "</rect>");
			link_close(out, c, s, i);
		}
	}
	plot_close(out, c, false);
}

void svg_line_chart(strbuf_t *out, const struct svg_chart *c)
{
	double band, max = plot_open(out, c, false, &band);
	int n = nlabels(c);
	for (int s = 0; s < nseries(c); s++) {
		/* A missing value breaks the line: the next point starts anew. */
		strbuf_t d;
		sb_init(&d, out->arena);
		bool pen = false;
		for (int i = 0; i < n; i++) {
			double v = value(c, s, i);
			if (isnan(v)) {
				pen = false;
				continue;
			}
			sb_printf(&d, "%s%.1f %.1f", pen ? " L" : (d.len ? " M" : "M"),
				  LEFT + band * (i + 0.5), PLOT_TOP + PLOT_H - v / max * PLOT_H);
			pen = true;
		}
		if (d.len)
			sb_printf(
			    out,
			    "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s/>",
			    d.data, svg_color(s), dash_of(s));
		if (!out->arena)
			sb_free(&d);
		for (int i = 0; i < n; i++) {
			double v = value(c, s, i);
			if (isnan(v))
				continue;
			link_open(out, c, s, i, v);
			marker_open(out, s, LEFT + band * (i + 0.5),
				    PLOT_TOP + PLOT_H - v / max * PLOT_H);
			item_title(out, c, s, i, v);
			sb_puts(out, marker_ends[s % 4]);
			link_close(out, c, s, i);
		}
	}
	plot_close(out, c, true);
}

void svg_hbar_chart(strbuf_t *out, const struct svg_chart *c)
{
	const double row = 26, label_w = 280, top = 8;
	int n = nlabels(c);
	double height = top + row * (n ? n : 1) + 8;
	double step, max;
	struct svg_chart one = *c;
	one.nseries = nseries(c) ? 1 : 0;
	max = scale_max(&one, false, &step);
	open_svg(out, c, height);
	double x0 = label_w + 8, plot_w = W - RIGHT - x0 - 48;
	open_decor(out, c);
	sb_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"" INK "\"/>",
		  x0, top, x0, top + row * n);
	for (int i = 0; i < n; i++) {
		double y = top + row * i;
		sb_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", label_w,
			  y + row / 2 + 4);
		esc_short(out, c->labels[i]);
		sb_puts(out, "</text>");
		double v = one.nseries ? value(c, 0, i) : NAN;
		if (isnan(v))
			continue;
		sb_printf(out, "<text x=\"%.1f\" y=\"%.1f\">", x0 + v / max * plot_w + 6,
			  y + row / 2 + 4);
		put_number(out, v, c->unit);
		sb_puts(out, "</text>");
	}
	sb_puts(out, "</g>");
	for (int i = 0; i < n; i++) {
		double y = top + row * i, v = one.nseries ? value(c, 0, i) : NAN;
		if (isnan(v))
			continue;
		link_open(out, &one, 0, i, v);
		sb_printf(out,
			  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">",
			  x0, y + 4, v / max * plot_w, row - 8, svg_color(0));
		item_title(out, &one, 0, i, v);
		sb_puts(out, "</rect>");
		link_close(out, &one, 0, i);
	}
	sb_puts(out, "</svg>");
}
