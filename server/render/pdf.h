/* SPDX-License-Identifier: EUPL-1.2 */
/* A letter as PDF: the frame (letterhead, place and date, case number,
 * addressee, signature) and a CommonMark body laid out with Pango and drawn
 * with cairo on A4 pages (595.28 x 841.89 pt, 2.5 cm margins), "Strona N z M"
 * and the case number in every page's footer. Fonts are DejaVu Serif, Sans
 * and Sans Mono (fonts-dejavu-core), embedded by cairo as subsets, so every
 * Polish letter prints and the file is self-contained.
 *
 * The body supports what cmark produces: headings (levels 1-2 centred),
 * paragraphs (justified), bullet and ordered lists (nested), block quotes,
 * code blocks and spans, emphasis, strong, links (the text, then the address
 * in parentheses when it differs), images (their description), hard and soft
 * line breaks, thematic breaks. Raw HTML is left out, as in the HTML.
 *
 * Output is reproducible: the same input gives the same bytes (the creation
 * date is the letter's date, not the clock). Thread-safe: Pango's default
 * font map is per thread, and nothing here is shared. */
#ifndef JAWNOSC_RENDER_PDF_H
#define JAWNOSC_RENDER_PDF_H

#include <cmark.h>
#include <pango/pango.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Every string must be valid UTF-8 without control characters other than
 * '\n' (render/letter_html.c cleans them); NULL is taken as "". */
typedef struct pdf_letter {
	const char *title;  /* document metadata */
	const char *author; /* document metadata */
	const char *date;   /* "YYYY-MM-DD": the creation date in the metadata */
	const char *org_name;
	const char *org_lines; /* the rest of the letterhead, lines split by '\n' */
	const char *place_date;
	const char *case_number;
	const char *to_name;
	const char *to_address; /* lines split by '\n' */
	const char *sign_authorisation;
	const char *sign_name;
	const char *sign_position;
	/* What follows the signature (enclosures, recipients), or NULL. */
	cmark_node *closing;
} pdf_letter_t;

/* Appends the PDF of `l` with the body `doc` (a cmark document, borrowed)
 * to `out`. False only if cairo fails (err says why). */
bool pdf_render_letter(const pdf_letter_t *l, cmark_node *doc, strbuf_t *out, char *err,
		       size_t errlen);

/* The calling thread's Pango font map (Pango keeps one a thread), for
 * every renderer here that typesets with Pango: it is counted until it is
 * finalized, which pdf_shutdown() waits for. */
PangoFontMap *pdf_font_map(void);

/* Releases the calling thread's Pango font map, cairo's and fontconfig's
 * caches, so that leak checkers (LeakSanitizer, valgrind) see a clean exit.
 * Only at process exit, after every rendering thread has finished: the next
 * render would have to load the fonts again. */
void pdf_shutdown(void);

#endif
