/* SPDX-License-Identifier: EUPL-1.2 */
/* Paper for the post office (issue 18, docs/dispatch.md "Post"): the
 * registered letter to print and the book of registered dispatches
 * (książka nadawcza), as PDF with cairo and Pango (A4, DejaVu fonts, as
 * render/pdf.h).
 *
 * The letter is an address sheet, then the issued document's own pages
 * (drawn from its PDF with poppler, as vectors), then the return receipt
 * form. The address sheet holds the requester's address in the window of
 * a DL envelope (ISO 269 / DIN 5008 form B: 20 mm from the left edge, 45
 * mm from the top, 85 x 45 mm, the sender's line at its top), so an A4
 * sheet folded in three shows it; the issued letter's own addressee block
 * sits on the right and is not where a window is. */
#ifndef JAWNOSC_RENDER_POST_H
#define JAWNOSC_RENDER_POST_H

#include <stdbool.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Strings are UTF-8; NULL is "". Lines are split by '\n'. */
typedef struct post_letter {
	const char *org_name;
	const char *org_address; /* the sender's address, and where receipts return */
	const char *to;          /* the requester's name, then the address lines */
	const char *case_number;
	const char *title;       /* the document's */
	int seq;                 /* the document's number in the case */
	const char *number;      /* the dispatch number, when posted; else "" */
	const char *date;        /* YYYY-MM-DD: the PDF's creation date */
	bool receipt;            /* add the return receipt for a KPA delivery */
} post_letter_t;

/* Appends the letter's PDF to `out`, with the pages of the issued
 * document `doc` (`len` bytes of PDF). False with the reason in `err` when
 * the document cannot be read or cairo fails. */
bool post_letter_pdf(const post_letter_t *l, const char *doc, size_t len, strbuf_t *out, char *err,
                     size_t errlen);

typedef struct post_book_row {
	const char *name, *address, *number, *case_number, *posted_on, *note;
} post_book_row_t;

/* Appends the book of registered dispatches for `from`..`to` to `out`:
 * a table (no., addressee, address, dispatch number, case, date, remarks),
 * as many pages as it takes, with room for the post office's stamp. */
bool post_book_pdf(const char *org_name, const char *org_address, const char *from, const char *to,
                   const post_book_row_t *rows, size_t n, strbuf_t *out, char *err, size_t errlen);

/* A list as a table over as many pages as it takes, its head repeated on
 * each (the book above; the spis spraw of cases/export.h): `title` at the
 * top, `intro` under it, `footer` after the last row. `cells` holds
 * `nrows` rows of `ncols` strings (at most 12 columns); `shares` are the
 * columns' parts of the width (adding up to 1). */
typedef struct post_table {
	const char *title, *intro, *footer;
	const char *date; /* YYYY-MM-DD: the PDF's creation date */
	int ncols;
	const char *const *heads;
	const double *shares;
	const char *const *cells;
	size_t nrows;
} post_table_t;

bool post_table_pdf(const post_table_t *t, strbuf_t *out, char *err, size_t errlen);

#endif
