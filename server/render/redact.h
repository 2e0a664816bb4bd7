/* SPDX-License-Identifier: EUPL-1.2 */
/* Redaction of a PDF for publication (issue 17 §1; docs/privacy.md,
 * "Redaction of PDFs"). A document other than a letter the
 * system wrote (a requester's attachment, a clerk's upload, a signed PDF)
 * is published only as a redacted public copy made here.
 *
 * How: each page that has something to hide is rendered to an image
 * (poppler-glib + cairo, REDACT_DPI), the boxes are painted solid black
 * on it, and the image becomes that page of a new PDF with no text layer;
 * the pages with nothing to hide are taken unchanged from the original
 * (qpdf), so they keep their text and their content streams byte for
 * byte (annotations and document metadata are not copied). The result is
 * checked before it is returned: its text (poppler) and its bytes hold
 * none of the hidden strings, else it fails.
 *
 * Coordinates are PDF points (1/72 inch) with the origin at the top left
 * corner of the page as it is shown (crop box, rotation applied), as
 * poppler-glib reports text positions.
 *
 * The input is hostile: a broken, encrypted or oversized PDF is refused
 * with a reason, never a crash. Thread-safe; no database. */
#ifndef JAWNOSC_RENDER_REDACT_H
#define JAWNOSC_RENDER_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#define REDACT_DPI 200        /* the resolution of a redacted page */
#define REDACT_MAX_PAGES 500  /* a longer PDF is refused */

typedef struct redact_box {
	int page;                 /* 0-based */
	double x0, y0, x1, y1;    /* points, top-left origin; x0 < x1, y0 < y1 */
} redact_box_t;

/* The PDF's page count, or -1 with the reason (Polish, for the clerk) in
 * `err` when it cannot be read: not a PDF, damaged, encrypted (even with an
 * empty user password), no page, more than REDACT_MAX_PAGES pages, or a
 * page whose size is not between 1 and 14400 points (the PDF limit). */
int redact_page_count(const unsigned char *pdf, size_t len, char *err, size_t errlen);

/* The size of page `page` (0-based) in points, as it is shown (the crop
 * box, turned by the page's rotation), into *w and *h; false with `err`. */
bool redact_page_size(const unsigned char *pdf, size_t len, int page, double *w, double *h,
                      char *err, size_t errlen);

/* Page `page` (0-based) as a PNG image at `dpi` (36..300), for the clerk's
 * page view and the public copy's preview: white background, annotations
 * drawn. A very large page is drawn at a lower resolution so that the image
 * stays under 25 million pixels. Malloc'd into *png, *pnglen; false with the
 * reason in `err`. */
bool redact_page_png(const unsigned char *pdf, size_t len, int page, int dpi,
                     unsigned char **png, size_t *pnglen, char *err, size_t errlen);

/* The text of the PDF (every page, form feed between pages), malloc'd,
 * for the personal-data detector's suggestions; NULL with `err`. */
char *redact_text(const unsigned char *pdf, size_t len, char *err, size_t errlen);

/* The boxes where `terms` (valid UTF-8; each matched ignoring case, as
 * poppler's find does, also across a line break; empty terms are skipped)
 * occur, appended to *boxes (malloc'd/realloc'd, *nboxes updated; the
 * caller frees *boxes also after an error). Returns how many were found,
 * or -1 with `err` (unreadable PDF, invalid UTF-8, more than 10000 boxes). */
long redact_find(const unsigned char *pdf, size_t len, const char *const *terms, size_t nterms,
                 redact_box_t **boxes, size_t *nboxes, char *err, size_t errlen);

/* The redacted copy: the pages with a box rendered and painted, the others
 * unchanged; `hidden` (may be empty) are strings that must not be in the
 * result (the search terms; valid UTF-8, at least 3 characters): checked,
 * ignoring case, in its text (poppler), in its raw bytes outside stream
 * data, in every stream decoded (but images and font programs) and in every
 * string and name of every object. A box is widened by 1.5 points each
 * side and clipped to its page; one wholly outside the visible page paints
 * nothing but still turns its page into an image. A box on a page the PDF
 * does not have, or with x0 >= x1, y0 >= y1 or a coordinate not finite, is
 * refused. The copy has no document information dictionary (author,
 * title, producer), no XMP metadata, no outline, form, attachment or
 * JavaScript, and no annotations on any page (docs/privacy.md, "Redaction
 * of PDFs"). The same input gives the same bytes. Malloc'd into
 * *out, *outlen; false with the reason in `err`. */
bool redact_pdf(const unsigned char *pdf, size_t len, const redact_box_t *boxes, size_t nboxes,
                const char *const *hidden, size_t nhidden, unsigned char **out, size_t *outlen,
                char *err, size_t errlen);

/* True once this process has rendered a page. poppler keeps the cairo
 * font faces it loaded in a process-wide cache that outlives every
 * document, so cairo's static data must then not be reset at exit
 * (pdf_shutdown() asks: cairo would abort on the faces still in use). */
bool redact_rendered(void);
/* Tells redact_rendered() that another module (render/post.c) had poppler
 * render a page. */
void redact_note_rendered(void);

#endif
