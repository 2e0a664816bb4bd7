/* SPDX-License-Identifier: EUPL-1.2 */
/* Charts as SVG, drawn on the server: no JavaScript, no external files.
 *
 * Each chart is one <svg role="img" aria-labelledby="ID-title ID-desc">
 * with a <title> and a <desc>, so a screen reader announces the chart's
 * name and what it shows; the page puts the same figures in a data table
 * beside it (WCAG 2.1 1.1.1). A chart whose values link somewhere is
 * role="group" instead (an image's children are presentational, so links
 * inside one would be hidden): each link is named by its value, the rest
 * of the drawing is aria-hidden. Series are told apart by more than colour
 * (WCAG 2.1 1.4.1): several stacked series are filled with patterns
 * (solid, stripes, dots, ...) shown in the legend, and each line has its
 * own dash and marker shape. Colours and fonts are SVG presentation
 * attributes (fill=, font-size=), not CSS: the pages' Content-Security-Policy
 * allows no inline style. Every piece of text is XML-escaped; labels longer
 * than SVG_LABEL_MAX characters are shortened with "…" in the drawing only.
 *
 * The caller owns `out` (any strbuf); nothing else is allocated. Values must
 * be finite and not negative, except NaN for "no value" (a gap in a line,
 * nothing drawn for a bar). Pure: no I/O. */
#ifndef JAWNOSC_RENDER_SVG_H
#define JAWNOSC_RENDER_SVG_H

#include "core/strbuf.h"

#define SVG_SERIES_MAX 8
#define SVG_LABELS_MAX 64
#define SVG_LABEL_MAX 40

struct svg_series {
	const char *name;     /* in the legend */
	const double *values; /* one per label */
	/* One address per label: the value's bar (or dot) links there, e.g. to
	 * the queue showing the cases it counts. NULL, or a NULL entry: none. */
	const char *const *hrefs;
};

struct svg_chart {
	const char *id;		   /* unique in the page; letters, digits and '-' */
	const char *title;	   /* the chart's accessible name */
	const char *desc;	   /* one or two sentences: what it shows */
	const char *const *labels; /* the categories, in order */
	int nlabels;		   /* at most SVG_LABELS_MAX are drawn */
	const struct svg_series *series;
	int nseries;	  /* at most SVG_SERIES_MAX are drawn */
	const char *unit; /* after tick values ("%"); NULL: none */
	double max;	  /* top of the scale; 0: from the data */
	const char *link_note; /* after a linked value's name ("pokaż w kolejce"); NULL: none */
};

/* Vertical bars, one per label; several series are stacked. */
void svg_bar_chart(strbuf_t *out, const struct svg_chart *c);
/* Horizontal bars of the first series, labels on the left (long labels,
 * such as outcomes). */
void svg_hbar_chart(strbuf_t *out, const struct svg_chart *c);
/* One line per series over the labels, a dot at each value. */
void svg_line_chart(strbuf_t *out, const struct svg_chart *c);

/* The colour of series `i` (a palette told apart also by people with
 * colour-blindness, each at least 3:1 against white). */
const char *svg_color(int i);
/* The name of series `i`'s fill pattern (the legend shows the pattern
 * itself; only the tests ask for its name):
 * "pełny", "ukośne paski", "kropki", ... */
const char *svg_pattern_name(int i);

/* A round top for a scale holding `v` (1, 2 or 5 times a power of ten, in
 * at most 5 steps); the step into *step. At least 1 for counts when v <= 0. */
double svg_nice_max(double v, double *step);

#endif
