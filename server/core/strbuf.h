/* SPDX-License-Identifier: EUPL-1.2 */
/* Growable byte string. With an arena, memory comes from it and is never
 * freed separately; without one (arena NULL), it is malloc'd and released with
 * sb_free(). The content is always NUL-terminated. */
#ifndef JAWNOSC_CORE_STRBUF_H
#define JAWNOSC_CORE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

typedef struct strbuf {
	char *data;
	size_t len;
	size_t cap;
	arena_t *arena;
} strbuf_t;

void sb_init(strbuf_t *sb, arena_t *arena);
void sb_append(strbuf_t *sb, const char *s, size_t n);
/* Room for `n` more bytes at once (a page of a known size is then written
 * without growing, nor copying, on the way). */
void sb_reserve(strbuf_t *sb, size_t n);
void sb_puts(strbuf_t *sb, const char *s);
void sb_putc(strbuf_t *sb, char c);
void sb_printf(strbuf_t *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf_t *sb, const char *fmt, va_list ap);
/* Appends `s` escaped for HTML text and attribute values: & < > " ' */
void sb_html_escape(strbuf_t *sb, const char *s, size_t n);
/* Appends `s` as the contents of a JSON string (no quotes around). */
void sb_json_escape(strbuf_t *sb, const char *s, size_t n);
/* Appends the whole file at `path`. False when it cannot be opened or
 * read, with errno saying why (what was read before a read error stays). */
bool sb_read_file(strbuf_t *sb, const char *path);
void sb_reset(strbuf_t *sb);
/* Only for buffers made without an arena. */
void sb_free(strbuf_t *sb);

#endif
