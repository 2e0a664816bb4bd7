/* SPDX-License-Identifier: EUPL-1.2 */
/* Mustache subset: sources are compiled once into a flat list of ops; a
 * section op records where its body ends, so rendering is a walk over index
 * ranges and never re-reads the source. Everything a set owns (source copies,
 * names, ops) lives in the set's arena and is freed with it. */
#include "render/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/utf8.h"

/* Directory levels tmpl_load_dir follows, so a symlink loop cannot recurse
 * forever. */
#define MAX_DIR_DEPTH 16

/* The hidden key of tmpl_safe(): its NUL byte cannot come from json_loads
 * ("NUL byte in object key not supported"), so only this file can set it. */
static const char SAFE_KEY[] = "\0tmpl-safe";
#define SAFE_KEY_LEN (sizeof SAFE_KEY - 1)

enum op_kind {
	OP_TEXT,     /* str/len: literal bytes */
	OP_VALUE,    /* {{x}} and {{{x}}}: both escape data and pass safe HTML */
	OP_SECTION,  /* body is ops (index+1 .. end) */
	OP_INVERTED, /* likewise */
	OP_PARTIAL,  /* str: the partial's name */
};

struct op {
	enum op_kind kind;
	unsigned line;
	const char *str;
	size_t len;
	const char **parts; /* dotted name split; nparts 0 means "." */
	size_t nparts;
	size_t end;
};

struct tmpl {
	const char *name;
	const char *file;
	struct op *ops;
	size_t nops;
};

struct tmpl_set {
	arena_t *arena;
	struct tmpl *items; /* sorted by name for binary search */
	size_t n, cap;
};

/* ---- errors ---------------------------------------------------------- */

static bool failv(char *err, size_t errlen, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	return false;
}

static bool fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	failv(err, errlen, fmt, ap);
	va_end(ap);
	return false;
}

/* "FILE:LINE: " then the message. */
static bool fail_at(char *err, size_t errlen, const char *file, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static bool fail_at(char *err, size_t errlen, const char *file, unsigned line, const char *fmt, ...)
{
	if (!err || !errlen)
		return false;
	int n = snprintf(err, errlen, "%s:%u: ", file, line);
	if (n < 0 || (size_t)n >= errlen)
		return false;
	va_list ap;
	va_start(ap, fmt);
	failv(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* ---- the set --------------------------------------------------------- */

tmpl_set_t *tmpl_set_new(void)
{
	tmpl_set_t *set = xcalloc(1, sizeof *set);
	set->arena = arena_new(64 * 1024);
	return set;
}

void tmpl_set_free(tmpl_set_t *set)
{
	if (!set)
		return;
	arena_free(set->arena);
	free(set->items);
	free(set);
}

/* Index of `name`, or where it would be inserted (with *found false). */
static size_t set_find(const tmpl_set_t *set, const char *name, bool *found)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(set->items[mid].name, name);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

static const struct tmpl *set_get(const tmpl_set_t *set, const char *name)
{
	bool found;
	size_t i = set_find(set, name, &found);
	return found ? &set->items[i] : NULL;
}

static void set_insert(tmpl_set_t *set, size_t at, const struct tmpl *t)
{
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 32;
		set->items = xrealloc(set->items, set->cap * sizeof *set->items);
	}
	memmove(&set->items[at + 1], &set->items[at], (set->n - at) * sizeof *set->items);
	set->items[at] = *t;
	set->n++;
}

bool tmpl_has(const tmpl_set_t *set, const char *name)
{
	return set && name && set_get(set, name);
}

/* ---- UTF-8 ----------------------------------------------------------- */

static bool check_utf8(const char *file, const char *src, size_t len, char *err, size_t errlen)
{
	unsigned line = 1;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_decode((const unsigned char *)src + i, len - i, &cp);
		if (!n)
			return fail_at(err, errlen, file, line, "invalid UTF-8 (byte 0x%02x)",
				       (unsigned char)src[i]);
		if (src[i] == '\n')
			line++;
		i += n;
	}
	return true;
}

/* ---- compiler -------------------------------------------------------- */

enum tag_kind { TAG_VALUE, TAG_SECTION, TAG_INVERTED, TAG_CLOSE, TAG_COMMENT, TAG_PARTIAL };

struct tag {
	enum tag_kind kind;
	unsigned line;
	const char *name; /* trimmed contents, not NUL-terminated */
	size_t nlen;
	size_t end; /* offset just past the closing braces */
};

struct open_section {
	size_t op;
	unsigned line;
	const char *name;
	size_t nlen;
};

struct parser {
	arena_t *arena;
	const char *file;
	const char *src; /* the arena copy: text ops point into it */
	size_t len;
	size_t line_pos; /* newlines before line_pos are counted in line */
	unsigned line;
	struct op *ops; /* malloc'd while compiling, moved to the arena at the end */
	size_t nops, cap;
	struct open_section open[TMPL_MAX_DEPTH];
	int depth;
	char *err;
	size_t errlen;
};

/* Line of offset `pos`; callers ask in increasing order, so counting resumes
 * where it stopped and the whole compile stays linear. */
static unsigned line_of(struct parser *p, size_t pos)
{
	for (; p->line_pos < pos; p->line_pos++)
		if (p->src[p->line_pos] == '\n')
			p->line++;
	return p->line;
}

static struct op *push_op(struct parser *p, enum op_kind kind, unsigned line)
{
	if (p->nops == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->ops = xrealloc(p->ops, p->cap * sizeof *p->ops);
	}
	struct op *op = &p->ops[p->nops++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->line = line;
	return op;
}

static void emit_text(struct parser *p, size_t from, size_t to)
{
	if (to <= from)
		return;
	struct op *op = push_op(p, OP_TEXT, 0);
	op->str = p->src + from;
	op->len = to - from;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static enum tag_kind sigil_kind(char c)
{
	switch (c) {
	case '#':
		return TAG_SECTION;
	case '^':
		return TAG_INVERTED;
	case '/':
		return TAG_CLOSE;
	case '!':
		return TAG_COMMENT;
	case '>':
		return TAG_PARTIAL;
	default:
		return TAG_VALUE;
	}
}

/* Reads the tag starting at `start` ("{{"): its kind, trimmed name and end. */
static bool scan_tag(struct parser *p, size_t start, struct tag *t)
{
	size_t in = start + 2;
	const char *closer = "}}";
	t->line = line_of(p, start);
	t->kind = TAG_VALUE;
	if (in < p->len && p->src[in] == '{') {
		closer = "}}}";
		in++;
	} else if (in < p->len && (t->kind = sigil_kind(p->src[in])) != TAG_VALUE) {
		in++;
	}
	size_t clen = strlen(closer);
	const char *c = memmem(p->src + in, p->len - in, closer, clen);
	if (!c)
		return fail_at(p->err, p->errlen, p->file, t->line, "unclosed tag (no \"%s\")",
			       closer);
	size_t cend = (size_t)(c - p->src);
	t->end = cend + clen;
	while (in < cend && is_blank(p->src[in]))
		in++;
	while (cend > in && is_blank(p->src[cend - 1]))
		cend--;
	t->name = p->src + in;
	t->nlen = cend - in;
	return true;
}

/* Mustache's standalone lines: when the tag is alone on its line (blanks
 * around it allowed), the text stops at the line start and resumes after the
 * newline, so block tags leave no blank lines in the HTML. */
static void trim_standalone(const struct parser *p, size_t start, const struct tag *t,
			    size_t *text_end, size_t *next)
{
	size_t ls = start, e = t->end;
	while (ls > 0 && is_blank(p->src[ls - 1]))
		ls--;
	if (ls > 0 && p->src[ls - 1] != '\n')
		return;
	while (e < p->len && is_blank(p->src[e]))
		e++;
	if (e < p->len && p->src[e] == '\n')
		e++;
	else if (e + 1 < p->len && p->src[e] == '\r' && p->src[e + 1] == '\n')
		e += 2;
	else if (e < p->len)
		return;
	*text_end = ls;
	*next = e;
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* Names are identifiers so a typo such as {{ a b }} or {{&x}} fails at start-up
 * instead of silently rendering nothing. */
static bool bad_name(struct parser *p, const struct tag *t)
{
	int n = t->nlen > 60 ? 60 : (int)t->nlen;
	return fail_at(p->err, p->errlen, p->file, t->line, "invalid name \"%.*s\"", n, t->name);
}

static bool parse_name(struct parser *p, const struct tag *t, struct op *op)
{
	if (t->nlen == 0)
		return fail_at(p->err, p->errlen, p->file, t->line, "empty name in tag");
	if (t->nlen == 1 && t->name[0] == '.')
		return true;
	size_t parts = 1;
	for (size_t i = 0; i < t->nlen; i++) {
		bool dot = t->name[i] == '.';
		if (!dot && !is_name_char(t->name[i]))
			return bad_name(p, t);
		if (dot && (i == 0 || i + 1 == t->nlen || t->name[i - 1] == '.'))
			return bad_name(p, t);
		parts += dot;
	}
	op->parts = arena_alloc(p->arena, parts * sizeof *op->parts);
	const char *s = t->name, *end = t->name + t->nlen;
	for (size_t i = 0; i < parts; i++) {
		const char *dot = memchr(s, '.', (size_t)(end - s));
		const char *stop = dot ? dot : end;
		op->parts[i] = arena_strndup(p->arena, s, (size_t)(stop - s));
		s = stop + 1;
	}
	op->nparts = parts;
	return true;
}

static bool open_section(struct parser *p, const struct tag *t)
{
	if (p->depth == TMPL_MAX_DEPTH)
		return fail_at(p->err, p->errlen, p->file, t->line,
			       "sections nested deeper than %d", TMPL_MAX_DEPTH);
	enum op_kind kind = t->kind == TAG_SECTION ? OP_SECTION : OP_INVERTED;
	struct op *op = push_op(p, kind, t->line);
	if (!parse_name(p, t, op))
		return false;
	p->open[p->depth++] = (struct open_section){p->nops - 1, t->line, t->name, t->nlen};
	return true;
}

static bool close_section(struct parser *p, const struct tag *t)
{
	int n = t->nlen > 60 ? 60 : (int)t->nlen;
	if (t->nlen == 0)
		return fail_at(p->err, p->errlen, p->file, t->line, "empty name in tag");
	if (p->depth == 0)
		return fail_at(p->err, p->errlen, p->file, t->line,
			       "\"{{/%.*s}}\" closes no open section", n, t->name);
	const struct open_section *o = &p->open[p->depth - 1];
	if (o->nlen != t->nlen || memcmp(o->name, t->name, t->nlen) != 0)
		return fail_at(p->err, p->errlen, p->file, t->line,
			       "section \"%.*s\" opened on line %u is closed by \"%.*s\"",
			       o->nlen > 60 ? 60 : (int)o->nlen, o->name, o->line, n, t->name);
	p->ops[o->op].end = p->nops;
	p->depth--;
	return true;
}

/* Partial names may be paths ("parts/header"), unlike value names. */
static bool add_partial(struct parser *p, const struct tag *t)
{
	if (t->nlen == 0)
		return fail_at(p->err, p->errlen, p->file, t->line, "empty name in tag");
	for (size_t i = 0; i < t->nlen; i++)
		if (!is_name_char(t->name[i]) && t->name[i] != '.' && t->name[i] != '/')
			return bad_name(p, t);
	struct op *op = push_op(p, OP_PARTIAL, t->line);
	op->str = arena_strndup(p->arena, t->name, t->nlen);
	op->len = t->nlen;
	return true;
}

static bool apply_tag(struct parser *p, const struct tag *t)
{
	switch (t->kind) {
	case TAG_COMMENT:
		return true;
	case TAG_VALUE:
		return parse_name(p, t, push_op(p, OP_VALUE, t->line));
	case TAG_SECTION:
	case TAG_INVERTED:
		return open_section(p, t);
	case TAG_CLOSE:
		return close_section(p, t);
	case TAG_PARTIAL:
		return add_partial(p, t);
	}
	return false;
}

static bool parse(struct parser *p)
{
	size_t pos = 0;
	while (pos < p->len) {
		const char *o = memmem(p->src + pos, p->len - pos, "{{", 2);
		if (!o) {
			emit_text(p, pos, p->len);
			break;
		}
		size_t start = (size_t)(o - p->src);
		struct tag t = {0};
		if (!scan_tag(p, start, &t))
			return false;
		size_t text_end = start, next = t.end;
		if (t.kind != TAG_VALUE)
			trim_standalone(p, start, &t, &text_end, &next);
		emit_text(p, pos, text_end);
		if (!apply_tag(p, &t))
			return false;
		pos = next;
	}
	if (p->depth > 0) {
		const struct open_section *o = &p->open[p->depth - 1];
		return fail_at(p->err, p->errlen, p->file, o->line,
			       "section \"%.*s\" is never closed", o->nlen > 60 ? 60 : (int)o->nlen,
			       o->name);
	}
	return true;
}

/* Compiles and registers; `file` names the source in errors. */
static bool add_template(tmpl_set_t *set, const char *name, const char *file, const char *src,
			 size_t len, char *err, size_t errlen)
{
	bool found;
	size_t at = set_find(set, name, &found);
	if (found)
		return fail(err, errlen, "%s: template \"%s\" is already defined", file, name);
	if (!check_utf8(file, src, len, err, errlen))
		return false;
	char *copy = arena_alloc(set->arena, len + 1);
	if (len)
		memcpy(copy, src, len);
	copy[len] = '\0';
	struct parser p = {.arena = set->arena,
			   .file = file,
			   .src = copy,
			   .len = len,
			   .line = 1,
			   .err = err,
			   .errlen = errlen};
	bool ok = parse(&p);
	if (ok) {
		struct tmpl t = {arena_strdup(set->arena, name), arena_strdup(set->arena, file),
				 arena_alloc(set->arena, (p.nops ? p.nops : 1) * sizeof *p.ops),
				 p.nops};
		if (p.nops)
			memcpy(t.ops, p.ops, p.nops * sizeof *p.ops);
		set_insert(set, at, &t);
	}
	free(p.ops);
	return ok;
}

bool tmpl_add(tmpl_set_t *set, const char *name, const char *source, size_t len, char *err,
	      size_t errlen)
{
	if (!name || !*name)
		return fail(err, errlen, "template name is empty");
	if (!source && len)
		return fail(err, errlen, "%s: no source", name);
	return add_template(set, name, name, source ? source : "", len, err, errlen);
}

/* ---- loading a directory --------------------------------------------- */

static bool load_file(tmpl_set_t *set, const char *path, const char *rel, char *err, size_t errlen)
{
	strbuf_t sb;
	sb_init(&sb, NULL);
	char name[4096];
	size_t rlen = strlen(rel) - strlen(".html");
	bool ok = false;
	if (rlen >= sizeof name) {
		fail(err, errlen, "%s: path too long", path);
		goto out;
	}
	memcpy(name, rel, rlen);
	name[rlen] = '\0';
	if (!sb_read_file(&sb, path)) {
		fail(err, errlen, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	ok = add_template(set, name, rel, sb.data ? sb.data : "", sb.len, err, errlen);
out:
	sb_free(&sb);
	return ok;
}

static bool is_template_file(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".html") == 0;
}

static bool load_tree(tmpl_set_t *set, const char *dir, const char *rel, int depth, char *err,
		      size_t errlen);

/* One directory entry: a sub-directory to walk or a template to load. */
static bool load_entry(tmpl_set_t *set, const char *dir, const char *rel, const char *ent,
		       int depth, char *err, size_t errlen)
{
	char path[4096], sub[4096];
	int a = snprintf(path, sizeof path, "%s/%s%s%s", dir, rel, *rel ? "/" : "", ent);
	int b = snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", ent);
	if (a < 0 || b < 0 || (size_t)a >= sizeof path || (size_t)b >= sizeof sub)
		return fail(err, errlen, "%s/%s: path too long", dir, rel);
	struct stat st;
	if (stat(path, &st) != 0)
		return fail(err, errlen, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return load_tree(set, dir, sub, depth + 1, err, errlen);
	if (S_ISREG(st.st_mode) && is_template_file(ent))
		return load_file(set, path, sub, err, errlen);
	return true;
}

static bool load_tree(tmpl_set_t *set, const char *dir, const char *rel, int depth, char *err,
		      size_t errlen)
{
	char path[4096];
	int w = snprintf(path, sizeof path, "%s%s%s", dir, *rel ? "/" : "", rel);
	if (w < 0 || (size_t)w >= sizeof path)
		return fail(err, errlen, "%s/%s: path too long", dir, rel);
	if (depth > MAX_DIR_DEPTH)
		return fail(err, errlen, "%s: directories nested deeper than %d", path,
			    MAX_DIR_DEPTH);
	struct dirent **list;
	/* Sorted, so the first error reported does not depend on the file system. */
	int n = scandir(path, &list, NULL, alphasort);
	if (n < 0)
		return fail(err, errlen, "%s: cannot read directory: %s", path, strerror(errno));
	bool ok = true;
	for (int i = 0; i < n; i++) {
		if (ok && list[i]->d_name[0] != '.')
			ok = load_entry(set, dir, rel, list[i]->d_name, depth, err, errlen);
		free(list[i]);
	}
	free(list);
	return ok;
}

bool tmpl_load_dir(tmpl_set_t *set, const char *dir, char *err, size_t errlen)
{
	return load_tree(set, dir, "", 0, err, errlen);
}

bool tmpl_check(const tmpl_set_t *set, char *err, size_t errlen)
{
	for (size_t i = 0; i < set->n; i++) {
		const struct tmpl *t = &set->items[i];
		for (size_t j = 0; j < t->nops; j++)
			if (t->ops[j].kind == OP_PARTIAL && !set_get(set, t->ops[j].str))
				return fail_at(err, errlen, t->file, t->ops[j].line,
					       "unknown partial \"%s\"", t->ops[j].str);
	}
	return true;
}

/* ---- values ---------------------------------------------------------- */

json_t *tmpl_safe_n(const char *html, size_t n)
{
	json_t *o = json_object();
	/* nocheck: the HTML is ours (rendered templates), and failing here
	 * would only turn a page into a crash. */
	json_t *s = json_stringn_nocheck(html ? html : "", html ? n : 0);
	if (!o || !s || json_object_set_new(o, "$html", s) != 0 ||
	    json_object_setn_new_nocheck(o, SAFE_KEY, SAFE_KEY_LEN, json_true()) != 0)
		oom();
	return o;
}

json_t *tmpl_safe(const char *html)
{
	return tmpl_safe_n(html, html ? strlen(html) : 0);
}

/* The HTML of a tmpl_safe() value, or NULL for anything else. */
static json_t *safe_html(const json_t *v)
{
	if (!json_is_object(v) || json_object_size(v) != 2 ||
	    json_object_getn(v, SAFE_KEY, SAFE_KEY_LEN) != json_true())
		return NULL;
	json_t *s = json_object_get(v, "$html");
	return json_is_string(s) ? s : NULL;
}

static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_OBJECT: {
		json_t *html = safe_html(v);
		return !html || json_string_length(html) > 0;
	}
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	case JSON_TRUE:
		return true;
	default:
		return false;
	}
}

static void put_real(strbuf_t *out, double d)
{
	/* Integral reals print as integers ("42", not "42.0" or "4.2e+01")
	 * while they are exact in a double. */
	if (d > -9007199254740992.0 && d < 9007199254740992.0 && d == (double)(long long)d)
		sb_printf(out, "%lld", (long long)d);
	else
		sb_printf(out, "%g", d);
}

/* Digits without printf: a page of the queue has hundreds of numbers. */
static void put_integer(strbuf_t *out, json_int_t n)
{
	char buf[24], *p = buf + sizeof buf;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (n < 0)
		*--p = '-';
	sb_append(out, p, (size_t)(buf + sizeof buf - p));
}

static void put_value(strbuf_t *out, const json_t *v)
{
	json_t *html;
	if (!v)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		sb_html_escape(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		put_integer(out, json_integer_value(v));
		break;
	case JSON_REAL:
		put_real(out, json_real_value(v));
		break;
	case JSON_OBJECT:
		if ((html = safe_html(v)))
			sb_append(out, json_string_value(html), json_string_length(html));
		break;
	default:
		break; /* true, false, null, arrays: nothing */
	}
}

/* ---- renderer -------------------------------------------------------- */

/* The context stack lives on the C stack: each section pushes a frame that
 * points to the enclosing one, so rendering allocates nothing but output. */
struct frame {
	json_t *value;
	const struct frame *up;
};

struct render {
	const tmpl_set_t *set;
	strbuf_t *out;
	int depth; /* partials entered */
	char *err;
	size_t errlen;
	/* tmpl_render_layout(): the value that stands for "content" (compared
	 * by address: nothing else can be it), and what is written there. */
	const json_t *content;
	tmpl_content_fn write_content;
	void *content_arg;
};

static json_t *lookup(const struct frame *f, const struct op *op)
{
	if (op->nparts == 0)
		return f->value;
	json_t *v = NULL;
	for (; f && !v; f = f->up)
		if (json_is_object(f->value))
			v = json_object_get(f->value, op->parts[0]);
	for (size_t i = 1; v && i < op->nparts; i++)
		v = json_is_object(v) ? json_object_get(v, op->parts[i]) : NULL;
	return v;
}

static bool render_ops(struct render *r, const struct tmpl *t, size_t begin, size_t end,
		       const struct frame *f);

static bool render_section(struct render *r, const struct tmpl *t, size_t i, const struct frame *f)
{
	const struct op *op = &t->ops[i];
	json_t *v = lookup(f, op);
	if (v && v == r->content)
		return render_ops(r, t, i + 1, op->end, f);
	if (json_is_array(v)) {
		for (size_t k = 0; k < json_array_size(v); k++) {
			struct frame inner = {json_array_get(v, k), f};
			if (!render_ops(r, t, i + 1, op->end, &inner))
				return false;
		}
		return true;
	}
	if (json_is_object(v) && !safe_html(v)) {
		struct frame inner = {v, f};
		return render_ops(r, t, i + 1, op->end, &inner);
	}
	return truthy(v) ? render_ops(r, t, i + 1, op->end, f) : true;
}

static bool render_partial(struct render *r, const struct tmpl *t, const struct op *op,
			   const struct frame *f)
{
	const struct tmpl *p = set_get(r->set, op->str);
	if (!p)
		return fail_at(r->err, r->errlen, t->file, op->line, "unknown partial \"%s\"",
			       op->str);
	if (r->depth >= TMPL_MAX_DEPTH)
		return fail_at(r->err, r->errlen, t->file, op->line,
			       "partial \"%s\" nested deeper than %d (endless recursion?)", op->str,
			       TMPL_MAX_DEPTH);
	r->depth++;
	bool ok = render_ops(r, p, 0, p->nops, f);
	r->depth--;
	return ok;
}

static bool render_ops(struct render *r, const struct tmpl *t, size_t begin, size_t end,
		       const struct frame *f)
{
	size_t i = begin;
	while (i < end) {
		const struct op *op = &t->ops[i];
		bool ok = true;
		json_t *v_inv;
		switch (op->kind) {
		case OP_TEXT:
			sb_append(r->out, op->str, op->len);
			break;
		case OP_VALUE: {
			json_t *v = lookup(f, op);
			if (v && v == r->content)
				ok = r->write_content(r->out, r->content_arg, r->err, r->errlen);
			else
				put_value(r->out, v);
			break;
		}
		case OP_SECTION:
			ok = render_section(r, t, i, f);
			break;
		case OP_INVERTED:
			v_inv = lookup(f, op);
			if (!(v_inv && v_inv == r->content) && !truthy(v_inv))
				ok = render_ops(r, t, i + 1, op->end, f);
			break;
		case OP_PARTIAL:
			ok = render_partial(r, t, op, f);
			break;
		}
		if (!ok)
			return false;
		i = (op->kind == OP_SECTION || op->kind == OP_INVERTED) ? op->end : i + 1;
	}
	return true;
}

static bool render_in(const tmpl_set_t *set, const char *name, const struct frame *f,
		      struct render *r)
{
	const struct tmpl *t = name ? set_get(set, name) : NULL;
	if (!t)
		return fail(r->err, r->errlen, "unknown template \"%s\"", name ? name : "(null)");
	return render_ops(r, t, 0, t->nops, f);
}

bool tmpl_render(const tmpl_set_t *set, const char *name, json_t *ctx, strbuf_t *out, char *err,
		 size_t errlen)
{
	struct frame root = {ctx, NULL};
	struct render r = {.set = set, .out = out, .err = err, .errlen = errlen};
	return render_in(set, name, &root, &r);
}

bool tmpl_render_layout(const tmpl_set_t *set, const char *layout, json_t *ctx,
			tmpl_content_fn content, void *arg, strbuf_t *out, char *err, size_t errlen)
{
	if (!layout || !tmpl_has(set, layout))
		return fail(err, errlen, "unknown template \"%s\"", layout ? layout : "(null)");
	/* "content" lives in an extra innermost context, so it shadows any
	 * "content" of ctx (but not one of a section's element); its value is
	 * an empty object that stands for the content by its address. */
	json_t *extra = json_object(), *mark = json_object();
	if (!extra || !mark || json_object_set_new(extra, "content", mark))
		oom();
	size_t start = out->len;
	struct frame root = {ctx, NULL}, top = {extra, &root};
	struct render r = {.set = set,
			   .out = out,
			   .err = err,
			   .errlen = errlen,
			   .content = mark,
			   .write_content = content,
			   .content_arg = arg};
	bool ok = render_in(set, layout, &top, &r);
	json_decref(extra);
	if (!ok && out->data) {
		out->len = start;
		out->data[start] = '\0';
	}
	return ok;
}

/* tmpl_render_page(): the page's own template, in place. */
struct page_content {
	const tmpl_set_t *set;
	const char *name;
	json_t *ctx;
};

static bool render_page_content(strbuf_t *out, void *arg, char *err, size_t errlen)
{
	const struct page_content *pc = arg;
	return tmpl_render(pc->set, pc->name, pc->ctx, out, err, errlen);
}

bool tmpl_render_page(const tmpl_set_t *set, const char *layout, const char *name, json_t *ctx,
		      strbuf_t *out, char *err, size_t errlen)
{
	if (!layout || !tmpl_has(set, layout))
		return fail(err, errlen, "unknown template \"%s\"", layout ? layout : "(null)");
	if (!name || !tmpl_has(set, name))
		return fail(err, errlen, "unknown template \"%s\"", name ? name : "(null)");
	struct page_content pc = {set, name, ctx};
	return tmpl_render_layout(set, layout, ctx, render_page_content, &pc, out, err, errlen);
}
