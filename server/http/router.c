/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/router.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

/* A decoded path segment: NUL-terminated, in the request arena. */
typedef struct seg {
	const char *s;
	size_t len;
} seg_t;

typedef struct path {
	seg_t *seg;
	size_t n;
} path_t;

/* One segment of a pattern. For PSEG_PARAM and PSEG_REST, s/len is the name. */
enum pseg_kind { PSEG_LITERAL, PSEG_PARAM, PSEG_REST, PSEG_BAD };
typedef struct pseg {
	enum pseg_kind kind;
	const char *s;
	size_t len;
} pseg_t;

/* A parameter found while matching: segments [first, first + count). */
typedef struct capture {
	pseg_t name;
	size_t first;
	size_t count;
} capture_t;

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool http_percent_decode(arena_t *a, const char *s, size_t n, bool plus_is_space, char **out,
			 size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	if ((!s && n) || n == SIZE_MAX)
		return false;
	char *buf = arena_alloc(a, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			/* RFC 3986 §2.1: "%" HEXDIG HEXDIG, nothing shorter. */
			if (n - i < 3)
				return false;
			int hi = hex_value((unsigned char)s[i + 1]);
			int lo = hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0')
			return false;
		buf[j++] = (char)c;
	}
	buf[j] = '\0';
	if (!utf8_valid(buf, j))
		return false;
	*out = buf;
	*outlen = j;
	return true;
}

static bool is_dot_piece(const char *s, size_t len)
{
	return (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.');
}

/* A decoded segment must not be, or contain as a piece between '/' or '\'
 * (a decoded "%2F" or "%5C"), a dot-segment (RFC 3986 §3.3, §5.2.4): handlers
 * may turn parameters into file names, and "..%2F" must not climb out. Control
 * characters have no place in our URLs and would reach logs and headers. */
static bool seg_safe(const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c == 0x7F)
				return false;
			if (c != '/' && c != '\\')
				continue;
		}
		if (is_dot_piece(s + start, i - start))
			return false;
		start = i + 1;
	}
	return true;
}

/* Length of the path part of raw (up to '?'), or ROUTE_PATH_MAX + 1 when it
 * is longer than allowed; never scans further than that. */
static size_t path_len(const char *raw)
{
	size_t i = 0;
	while (i <= ROUTE_PATH_MAX && raw[i] != '\0' && raw[i] != '?')
		i++;
	return i;
}

static bool seg_decode(arena_t *a, const char *s, size_t n, seg_t *out)
{
	char *dec;
	size_t len;
	if (!http_percent_decode(a, s, n, false, &dec, &len) || !seg_safe(dec, len))
		return false;
	out->s = dec;
	out->len = len;
	return true;
}

/* Splits on '/' before decoding, so an encoded '/' stays inside its segment. */
static bool path_split(arena_t *a, const char *raw, path_t *p)
{
	if (!raw || raw[0] != '/')
		return false;
	size_t len = path_len(raw);
	if (len > ROUTE_PATH_MAX)
		return false;
	size_t n = 1;
	for (size_t i = 1; i < len; i++)
		n += raw[i] == '/';
	p->seg = arena_alloc(a, n * sizeof *p->seg);
	p->n = 0;
	const char *s = raw + 1, *end = raw + len;
	for (;;) {
		const char *slash = memchr(s, '/', (size_t)(end - s));
		const char *se = slash ? slash : end;
		if (!seg_decode(a, s, (size_t)(se - s), &p->seg[p->n++]))
			return false;
		if (!slash)
			return true;
		s = slash + 1;
	}
}

static bool pname_ok(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '{' || s[i] == '}' || s[i] == '*')
			return false;
	return true;
}

static void pseg_parse(const char *s, size_t len, pseg_t *ps)
{
	ps->s = s;
	ps->len = len;
	ps->kind = PSEG_LITERAL;
	if (!memchr(s, '{', len) && !memchr(s, '}', len))
		return;
	ps->kind = PSEG_BAD;
	if (len < 3 || s[0] != '{' || s[len - 1] != '}')
		return;
	ps->s = s + 1;
	ps->len = len - 2;
	enum pseg_kind kind = PSEG_PARAM;
	if (ps->s[0] == '*') {
		ps->s++;
		ps->len--;
		kind = PSEG_REST;
	}
	if (pname_ok(ps->s, ps->len))
		ps->kind = kind;
}

/* Parses the pattern's segment at *s into *ps and moves *s to the next
 * one; *last when it was the last. */
static void pattern_seg(const char **s, pseg_t *ps, bool *last)
{
	size_t len = strcspn(*s, "/");
	*last = (*s)[len] == '\0';
	pseg_parse(*s, len, ps);
	*s += *last ? len : len + 1;
}

static bool capture_add(capture_t *caps, int *ncaps, const pseg_t *ps, size_t first, size_t count)
{
	if (*ncaps >= ROUTE_MAX_PARAMS)
		return false;
	caps[*ncaps] = (capture_t){*ps, first, count};
	(*ncaps)++;
	return true;
}

static bool seg_match(const pseg_t *ps, const path_t *p, size_t i, capture_t *caps, int *ncaps)
{
	const seg_t *sg = &p->seg[i];
	if (ps->kind == PSEG_LITERAL)
		return sg->len == ps->len && memcmp(sg->s, ps->s, ps->len) == 0;
	return sg->len > 0 && capture_add(caps, ncaps, ps, i, 1);
}

/* {*name}: one or more non-empty segments; a decoded '/' inside one would be
 * indistinguishable from a separator once joined, so it does not match. */
static bool rest_match(const pseg_t *ps, const path_t *p, size_t i, capture_t *caps, int *ncaps)
{
	if (i >= p->n)
		return false;
	for (size_t k = i; k < p->n; k++)
		if (p->seg[k].len == 0 || memchr(p->seg[k].s, '/', p->seg[k].len))
			return false;
	return capture_add(caps, ncaps, ps, i, p->n - i);
}

static bool pattern_match(const char *pat, const path_t *p, capture_t *caps, int *ncaps)
{
	*ncaps = 0;
	if (!pat || pat[0] != '/')
		return false;
	const char *s = pat + 1;
	size_t i = 0;
	pseg_t ps;
	bool last;
	do {
		pattern_seg(&s, &ps, &last);
		if (ps.kind == PSEG_BAD)
			return false;
		if (ps.kind == PSEG_REST)
			return last && rest_match(&ps, p, i, caps, ncaps);
		if (i >= p->n || !seg_match(&ps, p, i, caps, ncaps))
			return false;
		i++;
	} while (!last);
	return i == p->n;
}

static const char *seg_join(arena_t *a, const path_t *p, size_t first, size_t count)
{
	size_t total = 0;
	for (size_t k = first; k < first + count; k++)
		total += p->seg[k].len + 1;
	char *out = arena_alloc(a, total);
	size_t j = 0;
	for (size_t k = first; k < first + count; k++) {
		if (k > first)
			out[j++] = '/';
		memcpy(out + j, p->seg[k].s, p->seg[k].len);
		j += p->seg[k].len;
	}
	out[j] = '\0';
	return out;
}

static void match_fill(arena_t *a, const route_t *r, const path_t *p, const capture_t *caps,
		       int ncaps, route_match_t *out)
{
	out->route = r;
	out->nparams = ncaps;
	for (int k = 0; k < ncaps; k++) {
		out->names[k] = arena_strndup(a, caps[k].name.s, caps[k].name.len);
		if (caps[k].count == 1)
			out->values[k] = p->seg[caps[k].first].s;
		else
			out->values[k] = seg_join(a, p, caps[k].first, caps[k].count);
	}
}

/* RFC 9110 §9.3.2: HEAD is GET without the body, so GET routes serve it. */
static bool method_ok(const char *route_method, const char *method)
{
	return strcmp(route_method, method) == 0 ||
	       (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

static void methods_add(const char **m, size_t *k, const char *method)
{
	for (size_t i = 0; i < *k; i++)
		if (strcmp(m[i], method) == 0)
			return;
	m[(*k)++] = method;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* RFC 9110 §10.2.1: the Allow field a 405 response must carry. */
static void allow_write(const char **m, size_t k, char *allow, size_t allowlen)
{
	bool has_get = false;
	for (size_t i = 0; i < k; i++)
		has_get |= strcmp(m[i], "GET") == 0;
	if (has_get)
		methods_add(m, &k, "HEAD");
	qsort(m, k, sizeof *m, cmp_str);
	size_t used = 0;
	for (size_t i = 0; i < k; i++) {
		size_t sep = used ? 2 : 0, len = strlen(m[i]);
		if (used + sep + len + 1 > allowlen)
			break;
		memcpy(allow + used, ", ", sep);
		memcpy(allow + used + sep, m[i], len);
		used += sep + len;
	}
	allow[used] = '\0';
}

static bool row_usable(const route_t *r)
{
	return r->method && r->handler && r->pattern;
}

enum route_result router_match(const route_t *table, size_t n, const char *method,
			       const char *raw_path, arena_t *a, route_match_t *out, char *allow,
			       size_t allowlen)
{
	route_match_t scratch;
	if (!out)
		out = &scratch;
	memset(out, 0, sizeof *out);
	if (allow && allowlen)
		allow[0] = '\0';
	path_t p;
	if (!path_split(a, raw_path, &p))
		return ROUTE_BAD_PATH;
	if (!method)
		method = "";
	/* +1: room for the HEAD that allow_write() may add. */
	const char **methods = arena_alloc(a, (n + 1) * sizeof *methods);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		capture_t caps[ROUTE_MAX_PARAMS];
		int ncaps;
		const route_t *r = &table[i];
		if (!row_usable(r) || !pattern_match(r->pattern, &p, caps, &ncaps))
			continue;
		if (method_ok(r->method, method)) {
			match_fill(a, r, &p, caps, ncaps, out);
			return ROUTE_FOUND;
		}
		methods_add(methods, &k, r->method);
	}
	if (k == 0)
		return ROUTE_NOT_FOUND;
	if (allow && allowlen)
		allow_write(methods, k, allow, allowlen);
	return ROUTE_METHOD_NOT_ALLOWED;
}

const char *route_param(const route_match_t *m, const char *name)
{
	if (!m || !name)
		return NULL;
	for (int i = 0; i < m->nparams && i < ROUTE_MAX_PARAMS; i++)
		if (m->names[i] && strcmp(m->names[i], name) == 0)
			return m->values[i];
	return NULL;
}

bool route_role_allows(int route, int user)
{
	if (route <= ROLE_CITIZEN)
		return true;
	if (route == ROLE_IOD)
		return user == ROLE_IOD || user == ROLE_ADMIN;
	/* ROLE_IOD is below ROLE_CLERK: the officer reaches ROLE_STAFF only. */
	return user >= route;
}

static bool is_secret(const pseg_t *ps)
{
	size_t len = strlen(ROUTE_SECRET_PARAM);
	return ps->kind == PSEG_PARAM && ps->len == len && memcmp(ps->s, ROUTE_SECRET_PARAM, len) == 0;
}

/* Marks in hide[] the segments where row r takes a secret, for as long as
 * its pattern matches the raw segments raw[0..n) (decoded on demand into
 * dec[], NULL when a segment does not decode). */
static void secrets_mark(const route_t *r, const seg_t *raw, seg_t *dec, bool *tried, size_t n,
			 bool *hide, arena_t *a)
{
	const char *s = r->pattern + 1;
	pseg_t ps;
	bool last;
	for (size_t i = 0; i < n; i++) {
		pattern_seg(&s, &ps, &last);
		if (is_secret(&ps) && raw[i].len > 0) {
			hide[i] = true;
		} else if (ps.kind == PSEG_LITERAL) {
			if (!tried[i] && !seg_decode(a, raw[i].s, raw[i].len, &dec[i]))
				dec[i].s = NULL;
			tried[i] = true;
			if (!dec[i].s || dec[i].len != ps.len || memcmp(dec[i].s, ps.s, ps.len) != 0)
				return;
		} else if (ps.kind != PSEG_PARAM || raw[i].len == 0) {
			return;
		}
		if (last)
			return;
	}
}

const char *router_redact(const route_t *table, size_t n, const char *raw_path, arena_t *a)
{
	if (!raw_path)
		return "";
	size_t len = strcspn(raw_path, "?");
	if (len == 0 || raw_path[0] != '/')
		return arena_strndup(a, raw_path, len);
	size_t nseg = 1;
	for (size_t i = 1; i < len; i++)
		nseg += raw_path[i] == '/';
	seg_t *raw = arena_alloc(a, nseg * sizeof *raw), *dec = arena_alloc(a, nseg * sizeof *dec);
	bool *tried = arena_calloc(a, nseg, sizeof *tried), *hide = arena_calloc(a, nseg, sizeof *hide);
	const char *p = raw_path + 1, *end = raw_path + len;
	for (size_t i = 0; i < nseg; i++) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *se = slash ? slash : end;
		raw[i] = (seg_t){p, (size_t)(se - p)};
		p = se + 1;
	}
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		if (row_usable(&table[i]) && table[i].pattern[0] == '/' &&
		    strstr(table[i].pattern, "{" ROUTE_SECRET_PARAM "}"))
			secrets_mark(&table[i], raw, dec, tried, nseg, hide, a);
	}
	for (size_t i = 0; i < nseg; i++)
		any |= hide[i];
	if (!any)
		return arena_strndup(a, raw_path, len);
	strbuf_t sb;
	sb_init(&sb, a);
	for (size_t i = 0; i < nseg; i++) {
		sb_putc(&sb, '/');
		if (hide[i])
			sb_puts(&sb, "{" ROUTE_SECRET_PARAM "}");
		else
			sb_append(&sb, raw[i].s, raw[i].len);
	}
	return sb.data;
}

static const char *pattern_check(const char *pat)
{
	if (!pat || pat[0] != '/')
		return "pattern must start with '/'";
	const char *s = pat + 1;
	pseg_t names[ROUTE_MAX_PARAMS];
	int nnames = 0;
	pseg_t ps;
	bool last;
	do {
		pattern_seg(&s, &ps, &last);
		if (ps.kind == PSEG_BAD)
			return "malformed {parameter}";
		if (ps.kind == PSEG_REST && !last)
			return "{*name} must be the last segment";
		if (ps.kind != PSEG_LITERAL) {
			if (nnames == ROUTE_MAX_PARAMS)
				return "too many parameters";
			for (int i = 0; i < nnames; i++)
				if (names[i].len == ps.len && memcmp(names[i].s, ps.s, ps.len) == 0)
					return "duplicate parameter name";
			names[nnames++] = ps;
		}
	} while (!last);
	return NULL;
}

bool router_table_valid(const route_t *table, size_t n, size_t *bad_row, const char **why)
{
	for (size_t i = 0; i < n; i++) {
		const route_t *r = &table[i];
		const char *err = NULL;
		if (!r->method || !r->method[0])
			err = "missing method";
		else if (!r->handler)
			err = "missing handler";
		else if (!r->name)
			err = "missing name";
		else if (r->body < ROUTE_BODY_NONE || r->body > ROUTE_BODY_JSON_UPLOAD)
			err = "unknown body kind";
		else if (r->body != ROUTE_BODY_NONE && strcmp(r->method, "GET") == 0)
			/* HEAD matches GET rows and never has a body. */
			err = "a GET route takes no body";
		else
			err = pattern_check(r->pattern);
		if (err) {
			if (bad_row)
				*bad_row = i;
			if (why)
				*why = err;
			return false;
		}
	}
	return true;
}
