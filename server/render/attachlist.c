/* SPDX-License-Identifier: EUPL-1.2 */
#include "render/attachlist.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "core/strbuf.h"
#include "render/letter.h"
#include "render/letter_internal.h"

const char *attachlist_size(arena_t *a, long long bytes)
{
	if (bytes < 1024)
		return arena_printf(a, "%lld B", bytes < 0 ? 0 : bytes);
	double v = (double)bytes / 1024.0;
	const char *unit = "kB";
	if (v >= 1024.0) {
		v /= 1024.0;
		unit = "MB";
	}
	/* One decimal, with a comma; none from 100 up. */
	if (v >= 100.0)
		return arena_printf(a, "%.0f %s", v, unit);
	long tenths = (long)(v * 10.0 + 0.5);
	return arena_printf(a, "%ld,%ld %s", tenths / 10, tenths % 10, unit);
}

/* A line [s, e): its text without emphasis, heading marks, spaces and a
 * final colon is "Załączniki" (or "Załącznik"). */
static bool is_heading(const char *s, const char *e)
{
	while (s < e && strchr("*_# \t>", *s))
		s++;
	while (e > s && strchr("*_ \t\r", e[-1]))
		e--;
	if (e > s && e[-1] == ':')
		e--;
	while (e > s && strchr("*_ \t", e[-1]))
		e--;
	size_t n = (size_t)(e - s);
	static const char *const words[] = {"Załączniki", "ZAŁĄCZNIKI", "Załącznik", "ZAŁĄCZNIK"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (n == strlen(words[i]) && !memcmp(s, words[i], n))
			return true;
	return false;
}

static bool is_blank(const char *s, const char *e)
{
	for (; s < e; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* A list item ("- x", "* x", "+ x", "1. x", "1) x") or its continuation
 * (indented). */
static bool is_item(const char *s, const char *e)
{
	if (s < e && (*s == ' ' || *s == '\t'))
		return true;
	if (e - s >= 2 && strchr("-*+", s[0]) && (s[1] == ' ' || s[1] == '\t'))
		return true;
	const char *p = s;
	while (p < e && isdigit((unsigned char)*p))
		p++;
	return p > s && p - s < 10 && e - p >= 2 && (*p == '.' || *p == ')') &&
	       (p[1] == ' ' || p[1] == '\t');
}

static bool has(const char *s, const char *e, const char *needle)
{
	size_t k = strlen(needle);
	for (; s + k <= e; s++)
		if (!memcmp(s, needle, k))
			return true;
	return false;
}

static const char *line_end(const char *s)
{
	const char *nl = strchr(s, '\n');
	return nl ? nl : s + strlen(s);
}

static void put_items(strbuf_t *sb, const struct attachlist_item *items, size_t n,
                      const char *todo_mark)
{
	if (!n) {
		/* The gap named as the letters name it (render/letter_gaps.h). */
		const letter_var_t *v = letter_var_find("attachments", strlen("attachments"));
		sb_printf(sb, "1. %s %s]\n", todo_mark, v && v->label ? v->label : "attachments");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		sb_printf(sb, "%zu. ", i + 1);
		const char *f = items[i].filename ? items[i].filename : "";
		letter_md_escape(sb, f, strlen(f), false);
		sb_printf(sb, " (%s, %s)\n", items[i].label ? items[i].label : "plik",
		          attachlist_size(sb->arena, items[i].size));
	}
}

const char *attachlist_apply(arena_t *a, const char *md, const struct attachlist_item *items,
                             size_t n, const char *todo_mark)
{
	md = md ? md : "";
	/* The last "Załączniki:" line. */
	const char *head = NULL;
	for (const char *s = md; *s;) {
		const char *e = line_end(s);
		if (is_heading(s, e))
			head = s;
		s = *e ? e + 1 : e;
	}
	strbuf_t sb;
	sb_init(&sb, a);
	sb_puts(&sb, "");
	if (!head) {
		if (!n)
			return md;
		sb_puts(&sb, md);
		size_t len = strlen(md);
		while (sb.len && (sb.data[sb.len - 1] == '\n' || sb.data[sb.len - 1] == '\r'))
			sb.len--;
		sb.data[sb.len] = '\0';
		sb_puts(&sb, len ? "\n\n**Załączniki:**\n\n" : "**Załączniki:**\n\n");
		put_items(&sb, items, n, todo_mark);
		return sb.data;
	}
	const char *he = line_end(head);
	const char *after = *he ? he + 1 : he;
	/* The list: its items, blank lines among them, the mark. */
	const char *end = after, *s = after;
	while (*s) {
		const char *e = line_end(s);
		bool blank = is_blank(s, e);
		if (!blank && !is_item(s, e) && !has(s, e, todo_mark))
			break;
		s = *e ? e + 1 : e;
		if (!blank)
			end = s;
	}
	sb_append(&sb, md, (size_t)(after - md));
	if (!*he)
		sb_putc(&sb, '\n');
	sb_putc(&sb, '\n');
	put_items(&sb, items, n, todo_mark);
	/* One blank line before what follows the list. */
	while (*end) {
		const char *e = line_end(end);
		if (!is_blank(end, e) || !*e)
			break;
		end = e + 1;
	}
	if (*end && !is_blank(end, end + strlen(end)))
		sb_printf(&sb, "\n%s", end);
	return sb.data;
}
