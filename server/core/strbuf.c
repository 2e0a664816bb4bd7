/* SPDX-License-Identifier: EUPL-1.2 */
#include "core/strbuf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

void sb_init(strbuf_t *sb, arena_t *arena)
{
	sb->data = NULL;
	sb->len = 0;
	sb->cap = 0;
	sb->arena = arena;
}

/* Room for `extra` more bytes: doubled while growing, or exactly (`exact`). */
static void sb_grow_to(strbuf_t *sb, size_t extra, bool exact)
{
	if (extra > SIZE_MAX / 2 - sb->len)
		oom();
	size_t need = sb->len + extra + 1;
	if (need <= sb->cap)
		return;
	size_t cap = exact ? need : sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	if (sb->arena) {
		char *p = arena_alloc(sb->arena, cap);
		if (sb->len)
			memcpy(p, sb->data, sb->len);
		sb->data = p;
	} else {
		sb->data = xrealloc(sb->data, cap);
	}
	sb->cap = cap;
}

static void sb_grow(strbuf_t *sb, size_t extra)
{
	sb_grow_to(sb, extra, false);
}

void sb_reserve(strbuf_t *sb, size_t n)
{
	/* Exactly: a page of 90 kB must not take 128 kB, which glibc maps
	 * (and faults in) afresh each time (http/server.c). */
	sb_grow_to(sb, n, true);
	sb->data[sb->len] = '\0';
}

void sb_append(strbuf_t *sb, const char *s, size_t n)
{
	sb_grow(sb, n);
	if (n)
		memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void sb_puts(strbuf_t *sb, const char *s)
{
	sb_append(sb, s, strlen(s));
}

void sb_putc(strbuf_t *sb, char c)
{
	sb_append(sb, &c, 1);
}

void sb_vprintf(strbuf_t *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0) {
		sb_grow(sb, 0);
		sb->data[sb->len] = '\0';
		return;
	}
	sb_grow(sb, (size_t)n);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_printf(strbuf_t *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sb_html_escape(strbuf_t *sb, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		sb_append(sb, s + start, i - start);
		sb_puts(sb, rep);
		start = i + 1;
	}
	sb_append(sb, s + start, n - start);
}

void sb_json_escape(strbuf_t *sb, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];
		const char *rep = NULL;
		if (c == '"')
			rep = "\\\"";
		else if (c == '\\')
			rep = "\\\\";
		else if (c == '\n')
			rep = "\\n";
		else if (c == '\r')
			rep = "\\r";
		else if (c == '\t')
			rep = "\\t";
		else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			/* <, > and & escaped so JSON can be embedded in HTML safely. */
			esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15]; esc[6] = '\0';
			rep = esc;
		} else
			continue;
		sb_append(sb, s + start, i - start);
		sb_puts(sb, rep);
		start = i + 1;
	}
	sb_append(sb, s + start, n - start);
}

bool sb_read_file(strbuf_t *sb, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append(sb, buf, n);
	bool ok = !ferror(f);
	int e = errno;
	fclose(f);
	if (!ok)
		errno = e ? e : EIO;
	return ok;
}

void sb_reset(strbuf_t *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

void sb_free(strbuf_t *sb)
{
	if (!sb->arena)
		free(sb->data);
	sb_init(sb, NULL);
}
