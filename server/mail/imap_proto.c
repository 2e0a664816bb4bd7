/* SPDX-License-Identifier: EUPL-1.2 */
#include "mail/imap_proto.h"

#include <string.h>
#include <strings.h>

/* The end of the line that starts at `from`: the index of its '\n', or
 * -1 when not in buf yet. */
static long line_end(const char *buf, size_t len, size_t from)
{
	if (from >= len)
		return -1;
	const char *nl = memchr(buf + from, '\n', len - from);
	return nl ? (long)(nl - buf) : -1;
}

/* A line (without its CRLF) that ends with "{n}" or "{n+}": n, else -1;
 * -2 when the braces hold something else than a number that fits. */
static long long literal_at_end(const char *line, size_t n)
{
	if (n < 3 || line[n - 1] != '}')
		return -1;
	size_t i = n - 1;
	if (line[i - 1] == '+')
		i--;
	size_t digits_end = i;
	while (i > 0 && line[i - 1] >= '0' && line[i - 1] <= '9')
		i--;
	if (i == 0 || line[i - 1] != '{')
		return -1;
	if (i == digits_end || digits_end - i > 12)
		return -2;
	long long v = 0;
	for (size_t k = i; k < digits_end; k++)
		v = v * 10 + (line[k] - '0');
	return v;
}

long imap_frame(const char *buf, size_t len, size_t literal_max)
{
	size_t pos = 0;
	for (;;) {
		long nl = line_end(buf, len, pos);
		if (nl < 0)
			return len - pos > IMAP_LINE_MAX ? -1 : 0;
		if ((size_t)nl - pos > IMAP_LINE_MAX)
			return -1;
		size_t n = (size_t)nl - pos;
		if (n > 0 && buf[nl - 1] == '\r')
			n--;
		long long lit = literal_at_end(buf + pos, n);
		if (lit == -2 || (lit >= 0 && (unsigned long long)lit > literal_max))
			return -1;
		if (lit < 0)
			return nl + 1;
		size_t next = (size_t)nl + 1 + (size_t)lit;
		if (next > len)
			return 0;
		if (next > (size_t)0x7fffffffffffL)
			return -1;
		pos = next;
	}
}

/* --- a small tokenizer over one framed response ------------------------------ */

enum tok { T_ATOM, T_QUOTED, T_LITERAL, T_LPAREN, T_RPAREN, T_END, T_ERR };

struct cur {
	const char *p, *end;
};

static void skip_spaces(struct cur *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
}

/* The next token: its bytes in *v, *vl (a quoted string's without its
 * quotes and with its escapes kept; a literal's content). */
static enum tok next(struct cur *c, const char **v, size_t *vl)
{
	skip_spaces(c);
	if (c->p >= c->end || *c->p == '\r' || *c->p == '\n')
		return T_END;
	char ch = *c->p;
	if (ch == '(') {
		c->p++;
		return T_LPAREN;
	}
	if (ch == ')') {
		c->p++;
		return T_RPAREN;
	}
	if (ch == '"') {
		const char *s = ++c->p;
		while (c->p < c->end && *c->p != '"') {
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			if (*c->p == '\r' || *c->p == '\n')
				return T_ERR;
			c->p++;
		}
		if (c->p >= c->end)
			return T_ERR;
		*v = s;
		*vl = (size_t)(c->p - s);
		c->p++;
		return T_QUOTED;
	}
	if (ch == '{') {
		const char *s = c->p + 1;
		unsigned long long n = 0;
		const char *q = s;
		while (q < c->end && *q >= '0' && *q <= '9' && q - s < 12)
			n = n * 10 + (unsigned long long)(*q++ - '0');
		if (q == s || q >= c->end)
			return T_ERR;
		if (*q == '+')
			q++;
		if (q + 3 > c->end || q[0] != '}' || q[1] != '\r' || q[2] != '\n') {
			if (!(q + 2 <= c->end && q[0] == '}' && q[1] == '\n'))
				return T_ERR;
			q += 2;
		} else {
			q += 3;
		}
		if (n > (unsigned long long)(c->end - q))
			return T_ERR;
		*v = q;
		*vl = (size_t)n;
		c->p = q + n;
		return T_LITERAL;
	}
	/* An atom; brackets may hold spaces and parentheses (BODY[HEADER.FIELDS (A)]). */
	const char *s = c->p;
	int depth = 0;
	while (c->p < c->end) {
		char x = *c->p;
		if (x == '\r' || x == '\n')
			break;
		if (x == '[')
			depth++;
		else if (x == ']' && depth > 0)
			depth--;
		else if (depth == 0 && (x == ' ' || x == '(' || x == ')' || x == '"' || x == '{'))
			break;
		c->p++;
	}
	if (c->p == s)
		return T_ERR;
	*v = s;
	*vl = (size_t)(c->p - s);
	return T_ATOM;
}

static bool atom_is(const char *v, size_t vl, const char *word)
{
	return strlen(word) == vl && !strncasecmp(v, word, vl);
}

static bool number(const char *v, size_t vl, uint64_t max, uint64_t *out)
{
	if (vl == 0 || vl > 20)
		return false;
	uint64_t x = 0;
	for (size_t i = 0; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		uint64_t d = (uint64_t)(v[i] - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*out = x;
	return true;
}

/* Skips one value: an atom, a string, a literal or a list (nested lists
 * at most 32 deep). */
static bool skip_value(struct cur *c, enum tok t)
{
	const char *v;
	size_t vl;
	if (t == T_ATOM || t == T_QUOTED || t == T_LITERAL)
		return true;
	if (t != T_LPAREN)
		return false;
	int depth = 1;
	while (depth > 0) {
		t = next(c, &v, &vl);
		if (t == T_LPAREN && ++depth > 32)
			return false;
		if (t == T_RPAREN)
			depth--;
		if (t == T_END || t == T_ERR)
			return false;
	}
	return true;
}

/* --- responses ---------------------------------------------------------------- */

static void printable(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\r' || ch == '\n')
			break;
		out[o++] = ch >= 32 && ch < 127 ? (char)ch : '?';
	}
	if (cap)
		out[o] = '\0';
}

bool imap_is_tagged(const char *resp, size_t len, const char *tag, enum imap_status *st,
                    char *text, size_t textcap)
{
	size_t tl = strlen(tag);
	if (len < tl + 2 || memcmp(resp, tag, tl) || resp[tl] != ' ')
		return false;
	struct cur c = {resp + tl + 1, resp + len};
	const char *v;
	size_t vl;
	enum tok t = next(&c, &v, &vl);
	*st = IMAP_ST_OTHER;
	if (t == T_ATOM && atom_is(v, vl, "OK"))
		*st = IMAP_ST_OK;
	else if (t == T_ATOM && atom_is(v, vl, "NO"))
		*st = IMAP_ST_NO;
	else if (t == T_ATOM && atom_is(v, vl, "BAD"))
		*st = IMAP_ST_BAD;
	skip_spaces(&c);
	printable(c.p, (size_t)(c.end - c.p), text, textcap < 201 ? textcap : 201);
	return true;
}

bool imap_is_bye(const char *resp, size_t len)
{
	return len >= 6 && !strncasecmp(resp, "* BYE", 5) && (resp[5] == ' ' || resp[5] == '\r');
}

bool imap_parse_uidvalidity(const char *resp, size_t len, uint32_t *out)
{
	static const char pre[] = "* OK [UIDVALIDITY ";
	if (len < sizeof pre || strncasecmp(resp, pre, sizeof pre - 1))
		return false;
	const char *s = resp + sizeof pre - 1, *e = s;
	while (e < resp + len && *e >= '0' && *e <= '9')
		e++;
	uint64_t v;
	if (e >= resp + len || *e != ']' || !number(s, (size_t)(e - s), UINT32_MAX, &v) || v == 0)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool imap_parse_search(const char *resp, size_t len, uint32_t *out, size_t max, size_t *n,
                       size_t *more)
{
	struct cur c = {resp, resp + len};
	const char *v;
	size_t vl;
	if (next(&c, &v, &vl) != T_ATOM || !atom_is(v, vl, "*"))
		return false;
	if (next(&c, &v, &vl) != T_ATOM || !atom_is(v, vl, "SEARCH"))
		return false;
	for (;;) {
		enum tok t = next(&c, &v, &vl);
		if (t == T_END)
			return true;
		uint64_t x;
		if (t != T_ATOM || !number(v, vl, UINT32_MAX, &x) || x == 0)
			return false;
		if (*n < max)
			out[(*n)++] = (uint32_t)x;
		else
			(*more)++;
	}
}

static bool parse_flags(struct cur *c, struct imap_fetch *out)
{
	const char *v;
	size_t vl;
	if (next(c, &v, &vl) != T_LPAREN)
		return false;
	for (;;) {
		enum tok t = next(c, &v, &vl);
		if (t == T_RPAREN)
			break;
		if (t != T_ATOM)
			return false;
		if (atom_is(v, vl, "\\Seen"))
			out->seen = true;
	}
	out->has_flags = true;
	return true;
}

bool imap_parse_fetch(const char *resp, size_t len, struct imap_fetch *out)
{
	memset(out, 0, sizeof *out);
	struct cur c = {resp, resp + len};
	const char *v;
	size_t vl;
	uint64_t x;
	if (next(&c, &v, &vl) != T_ATOM || !atom_is(v, vl, "*"))
		return false;
	if (next(&c, &v, &vl) != T_ATOM || !number(v, vl, UINT32_MAX, &x))
		return false;
	if (next(&c, &v, &vl) != T_ATOM || !atom_is(v, vl, "FETCH"))
		return false;
	if (next(&c, &v, &vl) != T_LPAREN)
		return false;
	for (;;) {
		enum tok t = next(&c, &v, &vl);
		if (t == T_RPAREN)
			break;
		if (t != T_ATOM)
			return false;
		if (atom_is(v, vl, "FLAGS")) {
			if (!parse_flags(&c, out))
				return false;
			continue;
		}
		const char *name = v;
		size_t nl = vl;
		t = next(&c, &v, &vl);
		if (atom_is(name, nl, "UID")) {
			if (t != T_ATOM || !number(v, vl, UINT32_MAX, &x) || x == 0)
				return false;
			out->uid = (uint32_t)x;
		} else if (atom_is(name, nl, "RFC822.SIZE")) {
			if (t != T_ATOM || !number(v, vl, UINT64_MAX, &x))
				return false;
			out->has_size = true;
			out->size = x;
		} else if (atom_is(name, nl, "BODY[]")) {
			if (t == T_LITERAL) {
				out->body = v;
				out->body_len = vl;
				out->has_body = true;
			} else if (t == T_ATOM && atom_is(v, vl, "NIL")) {
				out->has_body = false;
			} else {
				/* A quoted message would have lost its line breaks:
				 * only a literal is the message. */
				return false;
			}
		} else if (!skip_value(&c, t)) {
			return false;
		}
	}
	return true;
}

bool imap_quote(const char *s, char *out, size_t cap)
{
	size_t o = 0;
	if (cap < 3)
		return false;
	out[o++] = '"';
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\r' || *p == '\n' || *p > 127)
			return false;
		if (o + 4 > cap)
			return false;
		if (*p == '"' || *p == '\\')
			out[o++] = '\\';
		out[o++] = (char)*p;
	}
	out[o++] = '"';
	out[o] = '\0';
	return true;
}
