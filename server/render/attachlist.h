/* SPDX-License-Identifier: EUPL-1.2 */
/* The list of a letter's enclosures ("Załączniki:") in its Markdown
 * (docs/letters.md, "Attachments both ways"): the files a clerk attaches
 * to an outgoing letter are listed in it by name, kind and size, in place
 * of the list under the letter's "Załączniki:" line (the template's
 * {{attachments}}, a "[DO UZUPEŁNIENIA: Załączniki]" mark in a new draft),
 * or at its end when it has none. Pure; no I/O. */
#ifndef JAWNOSC_RENDER_ATTACHLIST_H
#define JAWNOSC_RENDER_ATTACHLIST_H

#include <stddef.h>

#include "core/arena.h"

struct attachlist_item {
	const char *filename; /* as stored (escaped here for Markdown) */
	const char *label;    /* "arkusz XLSX" */
	long long size;       /* bytes */
};

/* "12 B", "1,5 kB", "2,3 MB": a size as a Polish reader writes it (1 kB =
 * 1024 B), in the arena. */
const char *attachlist_size(arena_t *a, long long bytes);

/* `md` with the list under its last "Załączniki:" line (bold, a heading or
 * plain; the list items, blank lines between them and any line holding the
 * mark of `todo_mark`) replaced by the `n` items, numbered; without such a
 * line, the heading and the list are added at the end. With n == 0 the
 * list becomes `todo_mark` (the clerk says what stands there), and a
 * letter without the line is left as it is. In the arena. */
const char *attachlist_apply(arena_t *a, const char *md, const struct attachlist_item *items,
                             size_t n, const char *todo_mark);

#endif
