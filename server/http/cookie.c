/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/cookie.h"

#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "http/internal.h"

/* RFC 6265 §4.1.1: US-ASCII except controls, space, '"', ',', ';' and '\'. */
static bool is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2B) || (c >= 0x2D && c <= 0x3A) ||
	       (c >= 0x3C && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
}

static bool name_valid(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!http_tchar((unsigned char)s[i]))
			return false;
	return true;
}

static bool value_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_cookie_octet((unsigned char)s[i]))
			return false;
	return true;
}

static bool is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Trims spaces and tabs around [*p, *e). */
static void trim(const char **p, const char **e)
{
	while (*p < *e && is_ows(**p))
		(*p)++;
	while (*e > *p && is_ows((*e)[-1]))
		(*e)--;
}

/* The pair [p, e) if it is "name=value": the value, unquoted and checked, or
 * NULL if malformed. *matched says whether the name was ours at all. */
static const char *pair_value(arena_t *a, const char *p, const char *e, const char *name,
			      size_t nlen, bool *matched)
{
	*matched = false;
	const char *eq = memchr(p, '=', (size_t)(e - p));
	if (!eq)
		return NULL;
	const char *ne = eq, *v = eq + 1;
	trim(&p, &ne);
	if ((size_t)(ne - p) != nlen || memcmp(p, name, nlen) != 0)
		return NULL;
	*matched = true;
	trim(&v, &e);
	if (e - v >= 2 && v[0] == '"' && e[-1] == '"') {
		v++;
		e--;
	}
	if (!value_valid(v, (size_t)(e - v)))
		return NULL;
	return arena_strndup(a, v, (size_t)(e - v));
}

const char *cookie_get(arena_t *a, const char *header, const char *name)
{
	if (!header || !name)
		return NULL;
	size_t nlen = strlen(name);
	if (!name_valid(name, nlen))
		return NULL;
	const char *p = header, *end = header + strlen(header);
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *pe = semi ? semi : end;
		bool matched;
		const char *v = pair_value(a, p, pe, name, nlen, &matched);
		if (matched)
			return v;
		p = semi ? semi + 1 : end;
	}
	return NULL;
}

static bool has_prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

const char *cookie_format(arena_t *a, const char *name, const char *value, long max_age,
			  bool secure)
{
	if (!name || !value || !name_valid(name, strlen(name)) ||
	    !value_valid(value, strlen(value)))
		return NULL;
	if (!secure && (has_prefix_ci(name, "__Secure-") || has_prefix_ci(name, "__Host-")))
		return NULL;
	strbuf_t sb;
	sb_init(&sb, a);
	sb_printf(&sb, "%s=%s; Path=/; HttpOnly; SameSite=Lax", name, value);
	if (max_age >= 0)
		sb_printf(&sb, "; Max-Age=%ld", max_age);
	if (secure)
		sb_puts(&sb, "; Secure");
	return sb.data;
}
