/* SPDX-License-Identifier: EUPL-1.2 */
#include "render/letter_gaps.h"

#include <ctype.h>
#include <string.h>

#include "core/strbuf.h"

static const char *sb_text(strbuf_t *sb)
{
	return sb->data ? sb->data : "";
}

const char *letter_gap_mark(arena_t *a, const char *label)
{
	return arena_printf(a, "%s %s]", LETTER_GAP_OPEN, label);
}

const letter_var_t *letter_var_by_label(const char *label)
{
	for (size_t i = 0; label && i < letter_var_count; i++)
		if (letter_vars[i].label && !strcmp(letter_vars[i].label, label))
			return &letter_vars[i];
	/* A draft written before the gaps had Polish names marks them by the
	 * variable's name. */
	for (size_t i = 0; label && i < letter_var_count; i++)
		if (letter_vars[i].label && !strcmp(letter_vars[i].name, label))
			return &letter_vars[i];
	return NULL;
}

const char *letter_gap_field(arena_t *a, const letter_var_t *v)
{
	char *f = arena_printf(a, "luka-%s", v->name);
	for (char *c = f; *c; c++)
		if (*c == '.')
			*c = '-';
	return f;
}

const letter_var_t *letter_var_by_field(const char *field)
{
	if (!field || strncmp(field, "luka-", 5))
		return NULL;
	const char *f = field + 5;
	for (size_t i = 0; i < letter_var_count; i++) {
		const char *n = letter_vars[i].name;
		size_t k = 0;
		while (n[k] && f[k] && (n[k] == f[k] || (n[k] == '.' && f[k] == '-')))
			k++;
		if (!n[k] && !f[k] && letter_vars[i].label)
			return &letter_vars[i];
	}
	return NULL;
}

/* The end of the line `p` is on (its '\n' or the terminating NUL). */
static const char *line_end(const char *p)
{
	const char *e = strchr(p, '\n');
	return e ? e : p + strlen(p);
}

const char *letter_gaps_plain(arena_t *a, const char *md)
{
	static const char open[] = "\\" LETTER_GAP_OPEN;
	strbuf_t sb;
	sb_init(&sb, a);
	const char *p = md;
	for (const char *m; (m = strstr(p, open));) {
		sb_append(&sb, p, (size_t)(m - p));
		const char *end = line_end(m), *close = strstr(m, "\\]");
		if (!close || close > end) {
			sb_append(&sb, m, strlen(open));
			p = m + strlen(open);
			continue;
		}
		/* The label as written: the engine's escapes undone. */
		for (const char *c = m + 1; c < close; c++) {
			if (*c == '\\' && c + 1 < close && ispunct((unsigned char)c[1]))
				c++;
			sb_putc(&sb, *c);
		}
		sb_putc(&sb, ']');
		p = close + 2;
	}
	sb_puts(&sb, p);
	return sb_text(&sb);
}

/* The label of the mark at `m` (its "[" ... "]" on one line) and where
 * the mark ends; NULL when it is not closed on its line. */
static const char *label_at(arena_t *a, const char *m, const char **after)
{
	const char *end = line_end(m), *close = memchr(m, ']', (size_t)(end - m));
	if (!close)
		return NULL;
	const char *s = m + strlen(LETTER_GAP_OPEN), *e = close;
	while (s < e && *s == ' ')
		s++;
	while (e > s && e[-1] == ' ')
		e--;
	*after = close + 1;
	return arena_strndup(a, s, (size_t)(e - s));
}

size_t letter_gaps_find(arena_t *a, const char *md, struct letter_gap *out)
{
	size_t n = 0;
	for (const char *p = md; p && (p = strstr(p, LETTER_GAP_OPEN)) && n < LETTER_GAPS_MAX;) {
		const char *after;
		const char *label = label_at(a, p, &after);
		if (!label) {
			p += strlen(LETTER_GAP_OPEN);
			continue;
		}
		p = after;
		const letter_var_t *v = letter_var_by_label(label);
		if (v)
			label = v->label;
		bool seen = false;
		for (size_t i = 0; i < n && !seen; i++)
			seen = !strcmp(out[i].label, label);
		if (!seen && *label)
			out[n++] = (struct letter_gap){label, v};
	}
	return n;
}

/* The length of a list item's marker with its indentation and the blanks
 * after it ("  1. ", "- "), or 0 when the line does not start one. */
static size_t item_prefix(const char *s, const char *end, long *number)
{
	const char *p = s;
	while (p < end && p - s < 3 && *p == ' ')
		p++;
	*number = -1;
	if (p < end && (*p == '-' || *p == '*' || *p == '+')) {
		p++;
	} else {
		long v = 0;
		const char *d = p;
		while (p < end && isdigit((unsigned char)*p) && p - d < 9)
			v = v * 10 + (*p++ - '0');
		if (p == d || p >= end || (*p != '.' && *p != ')'))
			return 0;
		p++;
		*number = v;
	}
	if (p >= end || *p != ' ')
		return 0;
	while (p < end && *p == ' ')
		p++;
	return (size_t)(p - s);
}

/* `s` (`n` bytes) without blanks (and CR) at both ends. */
static const char *trimmed(const char *s, size_t *n)
{
	while (*n && isspace((unsigned char)*s))
		s++, (*n)--;
	while (*n && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

/* The mark as a list's item: an item a line of `value`, numbered on from
 * the mark's own number. */
static void fill_items(strbuf_t *sb, const char *line, size_t prefix, long number,
                       const char *value)
{
	size_t indent = 0;
	while (line[indent] == ' ')
		indent++;
	const char *d = line + indent;
	while (isdigit((unsigned char)*d))
		d++;
	long k = 0;
	for (const char *p = value; *p;) {
		const char *e = line_end(p);
		size_t n = (size_t)(e - p);
		const char *t = trimmed(p, &n);
		if (n) {
			if (number < 0 || k == 0)
				sb_append(sb, line, prefix);
			else
				sb_printf(sb, "%*s%ld%c ", (int)indent, "", number + k, *d);
			letter_md_escape(sb, t, n, false);
			sb_putc(sb, '\n');
			k++;
		}
		p = *e ? e + 1 : e;
	}
}

const char *letter_gap_fill(arena_t *a, const char *md, const char *label, const char *value)
{
	size_t vn = value ? strlen(value) : 0;
	const char *v = value ? trimmed(value, &vn) : "";
	if (!md || !vn || !label || !*label)
		return md;
	v = arena_strndup(a, v, vn);
	const char *mark = letter_gap_mark(a, label);
	size_t ml = strlen(mark);
	strbuf_t sb;
	sb_init(&sb, a);
	for (const char *line = md; *line;) {
		if (sb.len > LETTER_GAPS_MAX_TEXT)
			return NULL;
		const char *end = line_end(line);
		const char *next = *end ? end + 1 : end;
		size_t len = (size_t)(end - line);
		const char *m = memmem(line, len, mark, ml);
		if (!m) {
			sb_append(&sb, line, (size_t)(next - line));
			line = next;
			continue;
		}
		long number;
		size_t prefix = item_prefix(line, end, &number);
		/* Nothing but blanks after the mark; before it, only blanks
		 * (a paragraph of its own) or a list item's marker. */
		size_t rest = (size_t)(end - m) - ml, before = (size_t)(m - line);
		trimmed(m + ml, &rest);
		trimmed(line, &before);
		bool alone = !before;
		if (!rest && prefix && line + prefix == m) {
			fill_items(&sb, line, prefix, number, v);
		} else if (!rest && alone) {
			letter_md_escape(&sb, v, vn, true);
			sb_putc(&sb, '\n');
		} else {
			const char *p = line;
			for (const char *q; (q = memmem(p, (size_t)(end - p), mark, ml));) {
				sb_append(&sb, p, (size_t)(q - p));
				letter_md_escape(&sb, v, vn, false);
				p = q + ml;
			}
			sb_append(&sb, p, (size_t)(next - p));
		}
		line = next;
	}
	return sb.len > LETTER_GAPS_MAX_TEXT ? NULL : sb_text(&sb);
}

const char *letter_gaps_mark_html(arena_t *a, const char *html)
{
	if (!html)
		return html;
	strbuf_t sb;
	sb_init(&sb, a);
	const char *p = html;
	for (const char *m; (m = strstr(p, LETTER_GAP_OPEN));) {
		sb_append(&sb, p, (size_t)(m - p));
		const char *lt = strchr(m, '<'), *after;
		const char *label = label_at(a, m, &after);
		if (!label || (lt && lt < after)) {
			sb_append(&sb, m, strlen(LETTER_GAP_OPEN));
			p = m + strlen(LETTER_GAP_OPEN);
			continue;
		}
		const letter_var_t *v = letter_var_by_label(label);
		sb_puts(&sb, "<mark class=\"letter-gap\">");
		if (v)
			sb_printf(&sb, "<a href=\"#%s\">", letter_gap_field(a, v));
		sb_append(&sb, m, (size_t)(after - m));
		sb_puts(&sb, v ? "</a></mark>" : "</mark>");
		p = after;
	}
	sb_puts(&sb, p);
	return sb_text(&sb);
}

const char *letter_gaps_names(arena_t *a, const struct letter_gap *gaps, size_t n)
{
	strbuf_t sb;
	sb_init(&sb, a);
	for (size_t i = 0; i < n; i++) {
		sb_printf(&sb, "%s„%s”", i ? ", " : "", gaps[i].label);
	}
	return sb_text(&sb);
}
