/* SPDX-License-Identifier: EUPL-1.2 */
/* Letter templates: loading, compiling into segments, and substituting
 * variables escaped for CommonMark. A template is compiled once into a flat
 * list of segments (literal text or a variable with its line), so rendering
 * never re-reads the source and every error names FILE:LINE. Everything a set
 * owns lives in its arena. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/utf8.h"
#include "render/letter_internal.h"

/* Template files larger than this are refused (a letter is a few KB). */
#define MAX_TEMPLATE_BYTES (256 * 1024)
/* Limit on list items and on one value, so a broken caller cannot make a
 * letter of gigabytes. */
#define MAX_LIST_ITEMS 1000
/* How deep {{#flag}} sections may nest. */
#define MAX_SECTION_DEPTH 4

enum seg_kind {
	SEG_TEXT,
	SEG_VAR,
	SEG_OPEN,  /* {{#flag}} or {{^flag}} */
	SEG_CLOSE, /* {{/flag}} */
};

struct seg {
	enum seg_kind kind;
	unsigned line;
	const char *text; /* SEG_TEXT */
	size_t len;
	const letter_var_t *var; /* SEG_VAR, SEG_OPEN, SEG_CLOSE */
	bool inverted;		 /* SEG_OPEN: {{^flag}} */
	size_t close;		 /* SEG_OPEN: index of its SEG_CLOSE */
};

struct tpl {
	const char *file; /* "refusal_decision.md", for errors */
	struct seg *segs;
	size_t n;
};

enum { REMEDY_APPEAL, REMEDY_RECONSIDERATION, REMEDY_COURT_COMPLAINT, REMEDY_COUNT };
static const char *const remedy_ids[REMEDY_COUNT] = {"appeal", "reconsideration", "court_complaint"};

struct letter_set {
	arena_t *arena;
	struct tpl **base;  /* by index in letter_types[] */
	struct tpl **reuse; /* likewise; NULL where there is no variant */
	struct tpl *remedy[REMEDY_COUNT];
};

/* ---- small helpers ----------------------------------------------------- */

bool letter_fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (err && errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

bool letter_cp_dropped(unsigned cp)
{
	if (cp == '\t' || cp == '\n' || cp == '\r')
		return false;
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

static void put_cp(strbuf_t *out, const unsigned char *s, size_t len, unsigned cp)
{
	if (len)
		sb_append(out, (const char *)s, len);
	else if (cp == 0xFFFD)
		sb_puts(out, "\xEF\xBF\xBD");
}

void letter_clean_text(strbuf_t *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (cp == '\r') {
			sb_putc(out, '\n');
			i += (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
			continue;
		}
		if (!letter_cp_dropped(cp))
			put_cp(out, s + i, len, cp);
		i += len ? len : 1;
	}
}

/* ---- Markdown escaping ------------------------------------------------- */

/* Characters that can start inline markup anywhere in a line: emphasis,
 * code, links and images, autolinks and raw HTML, entities, strikethrough,
 * tables, our own tags, and a heading's closing sequence. */
static bool md_inline_special(unsigned c)
{
	return c > 0 && c < 0x80 && strchr("\\`*_[]<>!&~{}|#", (int)c) != NULL;
}

static bool is_ascii_punct(unsigned c)
{
	return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
	       (c >= '{' && c <= '~');
}

void letter_md_escape(strbuf_t *out, const char *str, size_t n, bool block)
{
	const unsigned char *s = (const unsigned char *)str;
	bool line_start = true, wrote = false, digits = false;
	size_t newlines = 0, blanks = 0;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		const unsigned char *at = s + i;
		i += len ? len : 1;
		if (cp == '\r' && i < n && s[i] == '\n')
			continue; /* the LF that follows counts */
		if (cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029) {
			newlines++;
			line_start = true;
			blanks = 0;
			continue;
		}
		if (cp == ' ' || cp == '\t') {
			/* Leading blanks could indent a code block; trailing ones
			 * could make a hard break: keep only those between words. */
			if (!line_start)
				blanks++;
			continue;
		}
		if (letter_cp_dropped(cp))
			continue;
		if (newlines && wrote)
			sb_puts(out, block && newlines > 1 ? "\n\n" : "\\\n");
		newlines = 0;
		for (; blanks; blanks--)
			sb_putc(out, ' ');
		if (line_start) {
			line_start = false;
			if (is_ascii_punct(cp)) {
				sb_putc(out, '\\');
				sb_putc(out, (char)cp);
				wrote = true;
				continue;
			}
			digits = cp >= '0' && cp <= '9';
		} else if (digits && !(cp >= '0' && cp <= '9')) {
			digits = false;
			if (cp == '.' || cp == ')') { /* "1." or "1)" would start a list */
				sb_putc(out, '\\');
				sb_putc(out, (char)cp);
				wrote = true;
				continue;
			}
		}
		if (md_inline_special(cp))
			sb_putc(out, '\\');
		put_cp(out, at, len, cp);
		wrote = true;
	}
}

/* ---- compiling --------------------------------------------------------- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/* [a-z0-9_]+ parts joined by single dots. */
static bool valid_name(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' ? s[i - 1] == '.' : !name_char(s[i]))
			return false;
	}
	return true;
}

/* Block variables produce whole blocks (a list, paragraphs of legal text)
 * and must stand alone on their line. */
static bool block_var(const letter_var_t *v)
{
	return v->type == LETTER_VAR_LIST || v->source == LETTER_SRC_COMPUTED;
}

struct compiler {
	arena_t *arena;
	const char *file;
	const char *src;
	size_t len;
	bool fragment;
	struct seg *segs;
	size_t n, cap;
	size_t open[MAX_SECTION_DEPTH]; /* indexes of the open SEG_OPENs */
	size_t depth;
};

static struct seg *add_seg(struct compiler *c)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		struct seg *s = arena_alloc(c->arena, cap * sizeof *s);
		if (c->n)
			memcpy(s, c->segs, c->n * sizeof *s);
		c->segs = s;
		c->cap = cap;
	}
	struct seg *s = &c->segs[c->n++];
	memset(s, 0, sizeof *s);
	return s;
}

static void add_text(struct compiler *c, size_t from, size_t to, unsigned line)
{
	if (to <= from)
		return;
	struct seg *s = add_seg(c);
	s->kind = SEG_TEXT;
	s->text = c->src + from;
	s->len = to - from;
	s->line = line;
}

static unsigned line_at(const char *src, size_t pos)
{
	unsigned line = 1;
	for (size_t i = 0; i < pos; i++)
		line += src[i] == '\n';
	return line;
}

static bool check_utf8(const struct compiler *c, char *err, size_t errlen)
{
	const unsigned char *s = (const unsigned char *)c->src;
	for (size_t i = 0; i < c->len;) {
		unsigned cp;
		size_t n = utf8_decode(s + i, c->len - i, &cp);
		if (n == 0 || cp == 0)
			return letter_fail(err, errlen, "%s:%u: %s", c->file, line_at(c->src, i),
					   n == 0 ? "invalid UTF-8" : "NUL byte");
		i += n;
	}
	return true;
}

/* Start of the line holding `pos`, if only blanks precede `pos` on it; else
 * (size_t)-1. */
static size_t blank_before(const char *src, size_t pos)
{
	size_t i = pos;
	while (i > 0 && (src[i - 1] == ' ' || src[i - 1] == '\t'))
		i--;
	return (i == 0 || src[i - 1] == '\n') ? i : (size_t)-1;
}

/* End of the line after `pos` (the index of its '\n', or len), if only
 * blanks follow; else (size_t)-1. */
static size_t blank_after(const char *src, size_t len, size_t pos)
{
	size_t i = pos;
	while (i < len && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r'))
		i++;
	return (i == len || src[i] == '\n') ? i : (size_t)-1;
}

/* {{#flag}}, {{^flag}} or {{/flag}}: `name` (`nlen` bytes) after the sigil. */
static bool section_tag(struct compiler *c, char sigil, const char *name, size_t nlen,
			unsigned line, char *err, size_t errlen)
{
	const letter_var_t *v = valid_name(name, nlen) ? letter_var_find(name, nlen) : NULL;
	if (!v)
		return letter_fail(err, errlen, "%s:%u: unknown variable \"%.*s\"", c->file, line,
				   (int)(nlen > 40 ? 40 : nlen), name);
	if (v->type != LETTER_VAR_FLAG)
		return letter_fail(err, errlen, "%s:%u: \"%s\" is not a flag: no section", c->file,
				   line, v->name);
	if (sigil == '/') {
		if (!c->depth || c->segs[c->open[c->depth - 1]].var != v)
			return letter_fail(err, errlen, "%s:%u: \"{{/%s}}\" closes no open section",
					   c->file, line, v->name);
		c->depth--;
		size_t at = c->open[c->depth];
		struct seg *s = add_seg(c);
		s->kind = SEG_CLOSE;
		s->var = v;
		s->line = line;
		c->segs[at].close = c->n - 1; /* add_seg may have moved segs */
		return true;
	}
	if (c->depth == MAX_SECTION_DEPTH)
		return letter_fail(err, errlen, "%s:%u: sections nested deeper than %d", c->file,
				   line, MAX_SECTION_DEPTH);
	struct seg *s = add_seg(c);
	s->kind = SEG_OPEN;
	s->var = v;
	s->line = line;
	s->inverted = sigil == '^';
	c->open[c->depth++] = c->n - 1;
	return true;
}

static bool compile(struct compiler *c, char *err, size_t errlen)
{
	if (!check_utf8(c, err, errlen))
		return false;
	const char *src = c->src;
	size_t text = 0, i = 0;
	unsigned line = 1, text_line = 1;
	while (i < c->len) {
		if (src[i] == '\n') {
			line++;
			i++;
			continue;
		}
		if (!(src[i] == '{' && i + 1 < c->len && src[i + 1] == '{')) {
			i++;
			continue;
		}
		size_t open = i, body = i + 2, close = body;
		/* A comment may span lines; a variable tag may not. */
		bool comment = body < c->len && src[body] == '!';
		while (close + 1 < c->len && (comment || src[close] != '\n') &&
		       !(src[close] == '}' && src[close + 1] == '}'))
			close++;
		if (close + 1 >= c->len || src[close] != '}')
			return letter_fail(err, errlen, "%s:%u: unclosed {{", c->file, line);
		size_t end = close + 2; /* just after "}}" */
		size_t ls = blank_before(src, open), le = blank_after(src, c->len, end);
		bool alone = ls != (size_t)-1 && le != (size_t)-1;
		if (comment) {
			for (size_t k = body; k < close; k++) /* lines inside the comment */
				line += src[k] == '\n';
			if (alone) { /* the whole lines go, with the last newline */
				add_text(c, text, ls, text_line);
				i = le < c->len ? le + 1 : le;
				line += le < c->len;
			} else {
				add_text(c, text, open, text_line);
				i = end;
			}
			text = i;
			text_line = line;
			continue;
		}
		char sigil = src[body];
		if (sigil == '#' || sigil == '^' || sigil == '/') {
			if (!alone)
				return letter_fail(err, errlen,
						   "%s:%u: a section tag must stand alone on its line",
						   c->file, line);
			add_text(c, text, ls, text_line);
			if (!section_tag(c, sigil, src + body + 1, close - body - 1, line, err,
					 errlen))
				return false;
			i = le < c->len ? le + 1 : le; /* the whole line goes */
			line += le < c->len;
			text = i;
			text_line = line;
			continue;
		}
		size_t nlen = close - body;
		if (!valid_name(src + body, nlen))
			return letter_fail(err, errlen, "%s:%u: bad tag \"{{%.*s}}\"", c->file,
					   line, (int)(nlen > 40 ? 40 : nlen), src + body);
		const letter_var_t *v = letter_var_find(src + body, nlen);
		if (!v)
			return letter_fail(err, errlen, "%s:%u: unknown variable \"%.*s\"", c->file,
					   line, (int)nlen, src + body);
		if (v->type == LETTER_VAR_FLAG)
			return letter_fail(err, errlen,
					   "%s:%u: flag \"%s\" only opens a section ({{#%s}})",
					   c->file, line, v->name, v->name);
		if (block_var(v) && !alone)
			return letter_fail(err, errlen,
					   "%s:%u: variable \"%s\" must stand alone on its line",
					   c->file, line, v->name);
		if (c->fragment && v->source == LETTER_SRC_COMPUTED)
			return letter_fail(err, errlen,
					   "%s:%u: \"%s\" cannot be used inside a fragment",
					   c->file, line, v->name);
		/* A block starts at the line's first column: indentation would
		 * turn it into a code block. */
		add_text(c, text, block_var(v) ? ls : open, text_line);
		struct seg *s = add_seg(c);
		s->kind = SEG_VAR;
		s->var = v;
		s->line = line;
		i = text = end;
		text_line = line;
	}
	add_text(c, text, c->len, text_line);
	if (c->depth)
		return letter_fail(err, errlen, "%s:%u: section \"%s\" is never closed", c->file,
				   c->segs[c->open[c->depth - 1]].line,
				   c->segs[c->open[c->depth - 1]].var->name);
	return true;
}

/* Reads `path` whole into the arena, NUL-terminated. */
static bool read_file(arena_t *a, const char *path, const char *file, char **out, size_t *len,
		      char *err, size_t errlen)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_append(&sb, "", 0); /* an empty file is "" */
	if (!sb_read_file(&sb, path))
		return letter_fail(err, errlen, "%s: %s", file, strerror(errno));
	if (sb.len > MAX_TEMPLATE_BYTES)
		return letter_fail(err, errlen, "%s: larger than %d bytes", file,
				   MAX_TEMPLATE_BYTES);
	*out = sb.data;
	*len = sb.len;
	return true;
}

static bool load_one(letter_set_t *s, const char *dir, const char *file, bool fragment,
		     struct tpl **out, char *err, size_t errlen)
{
	char *path = arena_printf(s->arena, "%s/%s", dir, file);
	struct compiler c = {
	    .arena = s->arena, .file = arena_strdup(s->arena, file), .fragment = fragment};
	char *src = NULL;
	if (!read_file(s->arena, path, file, &src, &c.len, err, errlen))
		return false;
	c.src = src;
	if (!compile(&c, err, errlen))
		return false;
	/* A fragment replaces a tag that stands alone on its line: the line
	 * break after it is the template's, not the fragment's. */
	while (fragment && c.n && c.segs[c.n - 1].kind == SEG_TEXT) {
		struct seg *last = &c.segs[c.n - 1];
		while (last->len && strchr(" \t\r\n", last->text[last->len - 1]))
			last->len--;
		if (last->len)
			break;
		c.n--;
	}
	struct tpl *t = arena_calloc(s->arena, 1, sizeof *t);
	t->file = c.file;
	t->segs = c.segs;
	t->n = c.n;
	*out = t;
	return true;
}

static int type_index(const char *id, size_t len)
{
	for (size_t i = 0; i < letter_type_count; i++)
		if (strlen(letter_types[i].id) == len && memcmp(letter_types[i].id, id, len) == 0)
			return (int)i;
	return -1;
}

static bool ends_with(const char *s, const char *suffix, size_t *stem)
{
	size_t n = strlen(s), m = strlen(suffix);
	if (n <= m || strcmp(s + n - m, suffix) != 0)
		return false;
	*stem = n - m;
	return true;
}

/* Classifies and loads one directory entry. Files that are not *.md are
 * left alone (a README.txt, an editor's backup); a *.md that is not a known
 * type, variant or fragment is an error, so a misspelt name is caught. */
static bool load_entry(letter_set_t *s, const char *dir, const char *name, char *err, size_t errlen)
{
	size_t stem;
	if (ends_with(name, ".reuse.md", &stem)) {
		int t = type_index(name, stem);
		if (t < 0)
			return letter_fail(err, errlen, "%s: unknown letter type \"%.*s\"", name,
					   (int)stem, name);
		return load_one(s, dir, name, false, &s->reuse[t], err, errlen);
	}
	if (!ends_with(name, ".md", &stem))
		return true;
	if (name[0] == '_') {
		for (int r = 0; r < REMEDY_COUNT; r++) {
			char want[64];
			snprintf(want, sizeof want, "_remedy_%s.md", remedy_ids[r]);
			if (strcmp(name, want) == 0)
				return load_one(s, dir, name, true, &s->remedy[r], err, errlen);
		}
		return letter_fail(err, errlen, "%s: unknown fragment", name);
	}
	int t = type_index(name, stem);
	if (t < 0)
		return letter_fail(err, errlen, "%s: unknown letter type \"%.*s\"", name, (int)stem,
				   name);
	return load_one(s, dir, name, false, &s->base[t], err, errlen);
}

bool letter_load(letter_set_t **out, const char *dir, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	DIR *d = opendir(dir);
	if (!d)
		return letter_fail(err, errlen, "%s: %s", dir, strerror(errno));
	letter_set_t *s = xcalloc(1, sizeof *s);
	s->arena = arena_new(64 * 1024);
	s->base = arena_calloc(s->arena, letter_type_count, sizeof *s->base);
	s->reuse = arena_calloc(s->arena, letter_type_count, sizeof *s->reuse);
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ok = load_entry(s, dir, e->d_name, err, errlen);
	}
	closedir(d);
	for (size_t t = 0; ok && t < letter_type_count; t++)
		if (!s->base[t])
			ok = letter_fail(err, errlen, "%s/%s.md: missing template", dir,
					 letter_types[t].id);
	for (int r = 0; ok && r < REMEDY_COUNT; r++)
		if (!s->remedy[r])
			ok = letter_fail(err, errlen, "%s/_remedy_%s.md: missing fragment", dir,
					 remedy_ids[r]);
	if (!ok) {
		letter_free(s);
		return false;
	}
	*out = s;
	return true;
}

void letter_free(letter_set_t *s)
{
	if (!s)
		return;
	arena_free(s->arena);
	free(s);
}

bool letter_has(const letter_set_t *s, const char *type)
{
	const letter_type_t *t = letter_type(type);
	return s && t && s->base[t - letter_types];
}

static void mark_vars(const letter_set_t *s, const struct tpl *t, bool *used)
{
	for (size_t i = 0; t && i < t->n; i++) {
		const letter_var_t *v = t->segs[i].var;
		if (t->segs[i].kind != SEG_VAR && t->segs[i].kind != SEG_OPEN)
			continue;
		used[v - letter_vars] = true;
		if (v->source == LETTER_SRC_COMPUTED) { /* the remedy fragments */
			const letter_var_t *r = letter_var_find("remedy", 6);
			if (r)
				used[r - letter_vars] = true;
			for (int f = 0; f < REMEDY_COUNT; f++)
				mark_vars(s, s->remedy[f], used);
		}
	}
}

size_t letter_type_vars(const letter_set_t *s, const char *type, const letter_var_t **out,
			size_t max)
{
	const letter_type_t *lt = letter_type(type);
	if (!s || !lt)
		return 0;
	bool *used = xcalloc(letter_var_count, sizeof *used);
	size_t idx = (size_t)(lt - letter_types), n = 0;
	mark_vars(s, s->base[idx], used);
	mark_vars(s, s->reuse[idx], used);
	for (size_t v = 0; v < letter_var_count; v++) {
		if (!used[v])
			continue;
		if (n < max)
			out[n] = &letter_vars[v];
		n++;
	}
	free(used);
	return n;
}

/* ---- substitution ------------------------------------------------------ */

/* "2026-11-26": four, two and two ASCII digits and a real date. */
static bool parse_iso_date(const char *s, size_t n, int *y, int *m, int *d)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (*y < 1000 || *m < 1 || *m > 12 || *d < 1)
		return false;
	bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *d <= mdays[*m - 1] + (*m == 2 && leap);
}

bool letter_date_pl(const char *iso, strbuf_t *out)
{
	/* Months in the genitive, as dates are written in Polish letters. */
	static const char *const months[] = {"stycznia", "lutego",	 "marca",     "kwietnia",
					     "maja",	 "czerwca",	 "lipca",     "sierpnia",
					     "września", "października", "listopada", "grudnia"};
	int y, m, d;
	if (!iso || !parse_iso_date(iso, strlen(iso), &y, &m, &d))
		return false;
	sb_printf(out, "%d %s %d r.", d, months[m - 1], y);
	return true;
}

struct subst {
	const letter_set_t *set;
	json_t *vars;
	strbuf_t *out;
	char *err;
	size_t errlen;
};

static bool var_error(struct subst *st, const struct tpl *t, const struct seg *sg, const char *what)
{
	return letter_fail(st->err, st->errlen, "%s variable \"%s\" in %s:%u", what, sg->var->name,
			   t->file, sg->line);
}

/* A string or a number as text. */
static bool scalar_text(json_t *v, strbuf_t *tmp)
{
	if (json_is_string(v))
		sb_append(tmp, json_string_value(v), json_string_length(v));
	else if (json_is_integer(v))
		sb_printf(tmp, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		sb_printf(tmp, "%g", json_real_value(v));
	else
		return false;
	return true;
}

static void list_item(strbuf_t *out, size_t *count, const char *s, size_t n)
{
	/* An item that is blank after escaping would end the list. */
	strbuf_t item;
	sb_init(&item, NULL);
	letter_md_escape(&item, s, n, false);
	if (item.len) {
		if (*count)
			sb_putc(out, '\n');
		sb_printf(out, "%zu. ", ++*count);
		sb_append(out, item.data, item.len);
	}
	sb_free(&item);
}

static bool put_list(struct subst *st, const struct tpl *t, const struct seg *sg, json_t *v)
{
	size_t count = 0;
	if (json_is_string(v)) {
		const char *p = json_string_value(v), *end = p + json_string_length(v);
		while (p < end && count < MAX_LIST_ITEMS) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			list_item(st->out, &count, p, n);
			if (!nl)
				break;
			p = nl + 1;
		}
		return true;
	}
	if (!json_is_array(v))
		return var_error(st, t, sg, "list expected for");
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		strbuf_t tmp;
		sb_init(&tmp, NULL);
		bool ok = scalar_text(e, &tmp);
		if (ok && i < MAX_LIST_ITEMS)
			list_item(st->out, &count, tmp.data ? tmp.data : "", tmp.len);
		sb_free(&tmp);
		if (!ok)
			return var_error(st, t, sg, "list of strings expected for");
	}
	return true;
}

static bool put_value(struct subst *st, const struct tpl *t, const struct seg *sg, json_t *v)
{
	const letter_var_t *var = sg->var;
	strbuf_t tmp;
	sb_init(&tmp, NULL);
	bool ok = true;
	int y, m, d;
	switch (var->type) {
	case LETTER_VAR_TEXT:
	case LETTER_VAR_BLOCK:
		ok = scalar_text(v, &tmp) || var_error(st, t, sg, "text expected for");
		if (ok)
			letter_md_escape(st->out, tmp.data ? tmp.data : "", tmp.len,
					 var->type == LETTER_VAR_BLOCK);
		break;
	case LETTER_VAR_DATE:
		ok = json_is_string(v) &&
		     parse_iso_date(json_string_value(v), json_string_length(v), &y, &m, &d);
		if (!ok)
			var_error(st, t, sg, "date YYYY-MM-DD expected for");
		else
			letter_date_pl(json_string_value(v), st->out);
		break;
	case LETTER_VAR_NUMBER:
		if (json_is_integer(v) && json_integer_value(v) >= 0)
			sb_printf(st->out, "%lld", (long long)json_integer_value(v));
		else if (json_is_string(v) && json_string_length(v) > 0 &&
			 json_string_length(v) < 10 &&
			 strspn(json_string_value(v), "0123456789") == json_string_length(v))
			sb_puts(st->out, json_string_value(v));
		else
			ok = var_error(st, t, sg, "whole number expected for");
		break;
	case LETTER_VAR_LIST:
		ok = put_list(st, t, sg, v);
		break;
	case LETTER_VAR_FLAG:
		ok = var_error(st, t, sg, "a flag names a section, not a value:");
		break;
	}
	sb_free(&tmp);
	return ok;
}

static bool substitute(struct subst *st, const struct tpl *t);

/* {{remedy_instruction}}: the fragment of the organisation's policy. */
static bool put_remedy(struct subst *st, const struct tpl *t, const struct seg *sg)
{
	json_t *r = letter_lookup(st->vars, "remedy");
	if (!r)
		return letter_fail(st->err, st->errlen,
				   "missing variable \"remedy\" (for %s) in %s:%u", sg->var->name,
				   t->file, sg->line);
	for (int i = 0; i < REMEDY_COUNT; i++)
		if (json_is_string(r) && strcmp(json_string_value(r), remedy_ids[i]) == 0)
			return substitute(st, st->set->remedy[i]);
	return letter_fail(st->err, st->errlen,
			   "variable \"remedy\" must be \"appeal\", \"reconsideration\" or "
			   "\"court_complaint\" (for %s in %s:%u)",
			   sg->var->name, t->file, sg->line);
}

static bool substitute(struct subst *st, const struct tpl *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct seg *sg = &t->segs[i];
		if (sg->kind == SEG_TEXT) {
			sb_append(st->out, sg->text, sg->len);
			continue;
		}
		if (sg->kind == SEG_CLOSE)
			continue;
		if (sg->kind == SEG_OPEN) {
			json_t *v = letter_lookup(st->vars, sg->var->name);
			if (!v)
				return var_error(st, t, sg, "missing");
			if (!json_is_boolean(v))
				return var_error(st, t, sg, "true or false expected for");
			if (json_is_true(v) == sg->inverted)
				i = sg->close; /* the section is not taken */
			continue;
		}
		switch (sg->var->source) {
		case LETTER_SRC_CONSTANT: {
			/* A citation as the letter's date has it (letter_citation()),
			 * else the compiled-in text. */
			json_t *v = letter_lookup(st->vars, sg->var->name);
			sb_puts(st->out, json_is_string(v) ? json_string_value(v) : sg->var->value);
			break;
		}
		case LETTER_SRC_COMPUTED:
			if (!put_remedy(st, t, sg))
				return false;
			break;
		case LETTER_SRC_CASE:
		case LETTER_SRC_INPUT: {
			json_t *v = letter_lookup(st->vars, sg->var->name);
			if (!v)
				return var_error(st, t, sg, "missing");
			if (!put_value(st, t, sg, v))
				return false;
			break;
		}
		}
	}
	return true;
}

bool letter_markdown(const letter_set_t *s, const char *type, json_t *vars, strbuf_t *out,
		     char *err, size_t errlen)
{
	const letter_type_t *lt = letter_type(type);
	if (!lt || !s)
		return letter_fail(err, errlen, "unknown letter type \"%.40s\"", type ? type : "");
	if (!json_is_object(vars))
		return letter_fail(err, errlen, "variables must be a JSON object");
	size_t idx = (size_t)(lt - letter_types);
	json_t *kind = letter_lookup(vars, "case.kind");
	const char *k = json_is_string(kind) ? json_string_value(kind) : NULL;
	if (!kind)
		return letter_fail(err, errlen,
				   "missing variable \"case.kind\" (it picks the "
				   "template of %s)",
				   lt->id);
	if (!k || (strcmp(k, "reuse") != 0 && strcmp(k, "public_information") != 0))
		return letter_fail(err, errlen,
				   "variable \"case.kind\" must be \"public_information\" or "
				   "\"reuse\"");
	const struct tpl *t =
	    strcmp(k, "reuse") == 0 && s->reuse[idx] ? s->reuse[idx] : s->base[idx];
	struct subst st = {.set = s, .vars = vars, .out = out, .err = err, .errlen = errlen};
	return substitute(&st, t);
}
