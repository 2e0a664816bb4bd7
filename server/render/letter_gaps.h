/* SPDX-License-Identifier: EUPL-1.2 */
/* The gaps of a letter's draft (issue 21 item 3): where the template
 * needs a variable no step recorded, the draft holds a mark that names it
 * in Polish, "[DO UZUPEŁNIENIA: Uzasadnienie prawne]" (the variable's
 * label, letter_vars[].label), plain in the Markdown the clerk edits. The
 * letter page shows each gap as a field of its own above the text; what
 * the clerk types there takes the mark's place, escaped for Markdown like
 * any value; the preview marks the gaps left in place; a letter holding a
 * mark cannot be issued, and the refusal names the gaps. Pure; no I/O.
 * Everything returned is in the arena. */
#ifndef JAWNOSC_RENDER_LETTER_GAPS_H
#define JAWNOSC_RENDER_LETTER_GAPS_H

#include <stddef.h>

#include "core/arena.h"
#include "render/letter.h"

/* A mark opens with this (a draft with any cannot be issued) and closes
 * with "]". */
#define LETTER_GAP_OPEN "[DO UZUPEŁNIENIA:"

/* The most gaps letter_gaps_find() reports. */
#define LETTER_GAPS_MAX 24

/* "[DO UZUPEŁNIENIA: <label>]". */
const char *letter_gap_mark(arena_t *a, const char *label);

/* The variable whose label is `label` (or, for a draft written before
 * the labels, whose name is `label`), or NULL. */
const letter_var_t *letter_var_by_label(const char *label);

/* The name of the page's field for the gap of `v`: "luka-" and its name
 * with '.' as '-' ("luka-refusal-scope"), a valid id. */
const char *letter_gap_field(arena_t *a, const letter_var_t *v);
/* The variable of field `field`, or NULL. */
const letter_var_t *letter_var_by_field(const char *field);

/* `md` as letter_markdown() wrote it with every mark it escaped
 * ("\[DO UZUPEŁNIENIA: Zakres odmowy\]") plain again. */
const char *letter_gaps_plain(arena_t *a, const char *md);

/* The gaps marked in `md`, each label once, in the order of their first
 * mark: up to LETTER_GAPS_MAX into out[] (var: the variable the mark
 * names, and label its label; NULL and the mark's text for a mark of
 * another name). Returns how many. */
struct letter_gap {
	const char *label;
	const letter_var_t *var;
};
size_t letter_gaps_find(arena_t *a, const char *md, struct letter_gap *out);

/* The longest text letter_gap_fill() makes (a value may fill many marks). */
#define LETTER_GAPS_MAX_TEXT (400 * 1024)

/* `md` with every mark of `label` replaced by `value` (trimmed; nothing
 * changes when it is empty), escaped for Markdown: paragraphs where the
 * mark stands alone on its line, a line break for a newline elsewhere,
 * and an item a line where the mark is a list's item. NULL when the text
 * would grow past LETTER_GAPS_MAX_TEXT bytes. */
const char *letter_gap_fill(arena_t *a, const char *md, const char *label, const char *value);

/* The preview's HTML with each mark wrapped in <mark class="letter-gap">,
 * linked to its field when the gap is a variable's. */
const char *letter_gaps_mark_html(arena_t *a, const char *html);

/* The labels of `n` gaps as one Polish list: "„Zakres odmowy”,
 * „Uzasadnienie prawne”" (a label may hold a comma). */
const char *letter_gaps_names(arena_t *a, const struct letter_gap *gaps, size_t n);

#endif
