/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/form.h"

#include <string.h>
#include <strings.h>

#include "http/router.h" /* http_percent_decode() */
#include "http/utf8.h"

const form_limits_t form_default_limits = {
    .max_fields = 200,
    .max_name = 256,
    .max_value = 1024 * 1024,
    .max_file = 10 * 1024 * 1024,
};

static const struct {
	const char *en, *pl;
} form_errors[] = {
    [FORM_OK] = {"ok", "Formularz przyjęto."},
    [FORM_MALFORMED] = {"malformed form data",
			"Przesłany formularz jest uszkodzony. Spróbuj wysłać go ponownie."},
    [FORM_TOO_MANY_FIELDS] = {"too many form fields", "Formularz zawiera zbyt wiele pól."},
    [FORM_NAME_TOO_LONG] = {"field or file name too long",
			    "Nazwa pola lub przesłanego pliku jest zbyt długa."},
    [FORM_VALUE_TOO_LARGE] = {"field value too large",
			      "Wpisany tekst jest zbyt długi. Skróć go i wyślij ponownie."},
    [FORM_FILE_TOO_LARGE] = {"uploaded file too large",
			     "Przesłany plik jest zbyt duży. Wybierz mniejszy plik."},
    [FORM_BAD_ENCODING] = {"bad encoding (escape, NUL, UTF-8 or control character)",
			   "Formularz zawiera niedozwolone znaki. Tekst musi być zapisany "
			   "w kodowaniu UTF-8."},
    [FORM_UNSUPPORTED_TYPE] = {"unsupported content type",
			       "Nieobsługiwany rodzaj przesłanych danych. Wyślij formularz "
			       "ze strony serwisu."},
};

#define FORM_NERRORS (sizeof form_errors / sizeof form_errors[0])

const char *form_error_text(enum form_error e)
{
	return (unsigned)e < FORM_NERRORS ? form_errors[e].en : "unknown form error";
}

const char *form_error_text_pl(enum form_error e)
{
	return (unsigned)e < FORM_NERRORS ? form_errors[e].pl : "Nieznany błąd formularza.";
}

/* ---- fields ---- */

static void form_reset(form_t *f)
{
	f->first = f->last = NULL;
	f->count = 0;
}

static void form_append(arena_t *a, form_t *f, const form_field_t *field)
{
	form_field_t *x = arena_alloc(a, sizeof *x);
	*x = *field;
	x->next = NULL;
	if (f->last)
		f->last->next = x;
	else
		f->first = x;
	f->last = x;
	f->count++;
}

static bool text_ok(const char *s, size_t n)
{
	return (n == 0 || !memchr(s, '\0', n)) && utf8_valid(s, n);
}

/* ---- application/x-www-form-urlencoded ---- */

static enum form_error url_pair(arena_t *a, const char *p, size_t n, const form_limits_t *lim,
				form_t *out)
{
	if (out->count >= lim->max_fields)
		return FORM_TOO_MANY_FIELDS;
	const char *eq = memchr(p, '=', n);
	size_t nlen = eq ? (size_t)(eq - p) : n;
	size_t vlen = eq ? n - nlen - 1 : 0;
	char *name, *value;
	size_t dn, dv;
	if (!http_percent_decode(a, p, nlen, true, &name, &dn))
		return FORM_BAD_ENCODING;
	if (dn > lim->max_name)
		return FORM_NAME_TOO_LONG;
	if (!http_percent_decode(a, eq ? eq + 1 : p + n, vlen, true, &value, &dv))
		return FORM_BAD_ENCODING;
	if (dv > lim->max_value)
		return FORM_VALUE_TOO_LARGE;
	form_append(a, out, &(form_field_t){.name = name, .value = value, .value_len = dv});
	return FORM_OK;
}

enum form_error form_parse_urlencoded(arena_t *a, const char *body, size_t len,
				      const form_limits_t *lim, form_t *out)
{
	form_reset(out);
	if (!lim)
		lim = &form_default_limits;
	if (len == 0)
		return FORM_OK;
	if (!body)
		return FORM_MALFORMED;
	const char *p = body, *end = body + len;
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *pe = amp ? amp : end;
		if (pe > p) {
			enum form_error e = url_pair(a, p, (size_t)(pe - p), lim, out);
			if (e != FORM_OK) {
				form_reset(out);
				return e;
			}
		}
		p = amp ? amp + 1 : end;
	}
	return FORM_OK;
}

/* ---- header fields with parameters (RFC 9110 §5.6) ---- */

typedef struct hparam {
	const char *name; /* not NUL-terminated */
	size_t namelen;
	char *value; /* unquoted, NUL-terminated, in the arena */
	size_t len;
} hparam_t;

static bool is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

static size_t token_len(const char *p, const char *end)
{
	size_t n = 0;
	while (p + n < end && is_tchar((unsigned char)p[n]))
		n++;
	return n;
}

static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static bool ieq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* "type/subtype" (RFC 9110 §8.3.1); 0 if p does not start with one. */
static size_t media_type_len(const char *p, const char *end)
{
	size_t t = token_len(p, end);
	if (t == 0 || p + t == end || p[t] != '/')
		return 0;
	size_t s = token_len(p + t + 1, end);
	return s ? t + 1 + s : 0;
}

/* qdtext and the byte after a backslash (RFC 9110 §5.6.4); obs-text allowed
 * because browsers send file names as raw UTF-8. */
static bool qdtext(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7F && c != '"' && c != '\\');
}

static bool quoted_pair_ok(unsigned char c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7F);
}

/* p is just after the opening quote. On success: *raw is the number of bytes
 * up to and including the closing quote, *len the unescaped length. */
static bool quoted_scan(const char *p, const char *end, size_t *raw, size_t *len)
{
	size_t n = 0;
	for (const char *q = p; q < end; q++, n++) {
		unsigned char c = (unsigned char)*q;
		if (c == '"') {
			*raw = (size_t)(q - p) + 1;
			*len = n;
			return true;
		}
		if (c == '\\') {
			if (++q == end || !quoted_pair_ok((unsigned char)*q))
				return false;
		} else if (!qdtext(c)) {
			return false;
		}
	}
	return false;
}

static char *unquote(arena_t *a, const char *p, size_t len)
{
	char *out = arena_alloc(a, len + 1);
	for (size_t j = 0; j < len; j++) {
		if (*p == '\\')
			p++;
		out[j] = *p++;
	}
	out[len] = '\0';
	return out;
}

static bool param_value(arena_t *a, const char **pp, const char *end, hparam_t *hp)
{
	const char *p = *pp;
	if (p < end && *p == '"') {
		size_t raw, len;
		if (!quoted_scan(p + 1, end, &raw, &len))
			return false;
		hp->value = unquote(a, p + 1, len);
		hp->len = len;
		*pp = p + 1 + raw;
		return true;
	}
	size_t t = token_len(p, end);
	if (t == 0)
		return false;
	hp->value = arena_strndup(a, p, t);
	hp->len = t;
	*pp = p + t;
	return true;
}

/* The next `OWS ";" OWS name=value` at *pp (RFC 9110 §5.6.6).
 * 1: a parameter in *hp; 0: no more; -1: malformed. A trailing ';' is fine. */
static int param_next(arena_t *a, const char **pp, const char *end, hparam_t *hp)
{
	const char *p = skip_ows(*pp, end);
	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p = skip_ows(p + 1, end);
	*pp = p;
	if (p == end)
		return 0;
	hp->name = p;
	hp->namelen = token_len(p, end);
	p += hp->namelen;
	if (hp->namelen == 0 || p == end || *p != '=')
		return -1;
	p++;
	if (!param_value(a, &p, end, hp))
		return -1;
	*pp = p;
	return 1;
}

/* ---- multipart/form-data ---- */

typedef struct part {
	bool has_disposition;
	const char *name; /* NUL-terminated, from the Content-Disposition header */
	size_t namelen;
	const char *filename;
	size_t fnlen;
	const char *ctype;
} part_t;

/* RFC 2046 §5.1.1: 1-70 bchars, the last not a space. */
static bool boundary_valid(const char *b, size_t n)
{
	if (n < 1 || n > 70 || b[n - 1] == ' ')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)b[i];
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (c == '\0' || !strchr("'()+_,-./:=? ", c)))
			return false;
	}
	return true;
}

static enum form_error multipart_boundary(arena_t *a, const char *ct, const char **b, size_t *blen)
{
	if (!ct)
		return FORM_UNSUPPORTED_TYPE;
	const char *end = ct + strlen(ct), *p = skip_ows(ct, end);
	size_t t = media_type_len(p, end);
	if (!ieq(p, t, "multipart/form-data"))
		return FORM_UNSUPPORTED_TYPE;
	p += t;
	*b = NULL;
	*blen = 0;
	hparam_t hp;
	int r;
	while ((r = param_next(a, &p, end, &hp)) > 0) {
		if (!ieq(hp.name, hp.namelen, "boundary"))
			continue;
		if (*b)
			return FORM_MALFORMED;
		*b = hp.value;
		*blen = hp.len;
	}
	if (r < 0 || !*b || !boundary_valid(*b, *blen))
		return FORM_MALFORMED;
	return FORM_OK;
}

static enum form_error part_disposition(arena_t *a, const char *p, const char *end, part_t *pt)
{
	if (pt->has_disposition)
		return FORM_MALFORMED;
	pt->has_disposition = true;
	size_t t = token_len(p, end);
	if (!ieq(p, t, "form-data"))
		return FORM_MALFORMED;
	p += t;
	hparam_t hp;
	int r;
	while ((r = param_next(a, &p, end, &hp)) > 0) {
		const char **dst = NULL;
		size_t *dstlen = NULL;
		if (ieq(hp.name, hp.namelen, "name")) {
			dst = &pt->name;
			dstlen = &pt->namelen;
		} else if (ieq(hp.name, hp.namelen, "filename")) {
			dst = &pt->filename;
			dstlen = &pt->fnlen;
		} else {
			continue; /* RFC 7578 §4.2: filename* must not be used; ignore it */
		}
		if (*dst)
			return FORM_MALFORMED;
		*dst = hp.value;
		*dstlen = hp.len;
	}
	return r < 0 ? FORM_MALFORMED : FORM_OK;
}

/* One "Name: value" line without its CRLF. Only Content-Disposition and
 * Content-Type matter (RFC 7578 §4.8); other fields are ignored. */
static enum form_error part_header(arena_t *a, const char *p, const char *end, part_t *pt)
{
	for (const char *q = p; q < end; q++) {
		unsigned char c = (unsigned char)*q;
		if ((c < 0x20 && c != '\t') || c == 0x7F)
			return FORM_MALFORMED;
	}
	size_t t = token_len(p, end);
	if (t == 0 || p + t == end || p[t] != ':')
		return FORM_MALFORMED; /* also rejects obsolete line folding */
	const char *v = skip_ows(p + t + 1, end), *ve = end;
	while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
		ve--;
	if (ieq(p, t, "Content-Disposition"))
		return part_disposition(a, v, ve, pt);
	if (ieq(p, t, "Content-Type")) {
		if (pt->ctype)
			return FORM_MALFORMED;
		pt->ctype = arena_strndup(a, v, (size_t)(ve - v));
	}
	return FORM_OK;
}

/* Parses the header block of the part [p, end); *content gets its start. */
static enum form_error part_headers(arena_t *a, const char *p, const char *end, part_t *pt,
				    const char **content)
{
	const char *lim =
	    (size_t)(end - p) > FORM_PART_HEADERS_MAX ? p + FORM_PART_HEADERS_MAX : end;
	const char *q = p;
	for (;;) {
		const char *eol = memmem(q, (size_t)(lim - q), "\r\n", 2);
		if (!eol)
			return FORM_MALFORMED;
		if (eol == q) {
			*content = q + 2;
			return FORM_OK;
		}
		enum form_error e = part_header(a, q, eol, pt);
		if (e != FORM_OK)
			return e;
		q = eol + 2;
	}
}

/* Keeps only the last path component: old browsers sent "C:\dir\a.pdf". */
static enum form_error file_name(const char *s, size_t n, const char **out)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == '\\')
			start = i + 1;
	const char *b = s + start;
	size_t len = n - start;
	if (len == 0 || (len == 1 && b[0] == '.') || (len == 2 && b[0] == '.' && b[1] == '.'))
		return FORM_MALFORMED;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)b[i] < 0x20 || b[i] == 0x7F)
			return FORM_BAD_ENCODING;
	if (!utf8_valid(b, len))
		return FORM_BAD_ENCODING;
	if (len > FORM_FILENAME_MAX)
		return FORM_NAME_TOO_LONG;
	*out = b; /* s is NUL-terminated, so its tail is too */
	return FORM_OK;
}

static enum form_error part_add(arena_t *a, const form_limits_t *lim, const part_t *pt,
				const char *body, size_t n, form_t *out)
{
	if (!pt->name)
		return FORM_MALFORMED;
	/* An empty file input: browsers send filename="" and no content. */
	if (pt->filename && pt->fnlen == 0 && n == 0)
		return FORM_OK;
	if (out->count >= lim->max_fields)
		return FORM_TOO_MANY_FIELDS;
	if (!text_ok(pt->name, pt->namelen))
		return FORM_BAD_ENCODING;
	if (pt->namelen > lim->max_name)
		return FORM_NAME_TOO_LONG;
	form_field_t f = {.name = pt->name, .content_type = pt->ctype, .value_len = n};
	if (pt->filename) {
		enum form_error e = file_name(pt->filename, pt->fnlen, &f.filename);
		if (e != FORM_OK)
			return e;
		if (n > lim->max_file)
			return FORM_FILE_TOO_LARGE;
	} else {
		if (n > lim->max_value)
			return FORM_VALUE_TOO_LARGE;
		if (!text_ok(body, n))
			return FORM_BAD_ENCODING;
	}
	f.value = arena_strndup(a, body, n);
	form_append(a, out, &f);
	return FORM_OK;
}

static enum form_error part_parse(arena_t *a, const form_limits_t *lim, const char *p,
				  const char *end, form_t *out)
{
	part_t pt = {0};
	const char *content;
	enum form_error e = part_headers(a, p, end, &pt, &content);
	if (e != FORM_OK)
		return e;
	return part_add(a, lim, &pt, content, (size_t)(end - content), out);
}

/* delim is "\r\n--boundary"; only the first may open the body without CRLF
 * (RFC 2046 §5.1.1). Returns the position just after it, or NULL. */
static const char *first_delimiter(const char *body, size_t len, const char *delim, size_t dlen)
{
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
		return body + dlen - 2;
	const char *d = memmem(body, len, delim, dlen);
	return d ? d + dlen : NULL;
}

/* After a delimiter: "--" closes (anything after is the epilogue, and its
 * CRLF is optional); otherwise transport padding, then CRLF. NULL if neither. */
static const char *delimiter_tail(const char *p, const char *end, bool *last)
{
	*last = false;
	if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
		*last = true;
		return end;
	}
	p = skip_ows(p, end);
	if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
		return NULL;
	return p + 2;
}

static enum form_error multipart_parts(arena_t *a, const char *delim, size_t dlen, const char *body,
				       size_t len, const form_limits_t *lim, form_t *out)
{
	const char *end = body + len, *p = first_delimiter(body, len, delim, dlen);
	bool last = false;
	if (p)
		p = delimiter_tail(p, end, &last);
	if (!p)
		return FORM_MALFORMED;
	while (!last) {
		const char *d = memmem(p, (size_t)(end - p), delim, dlen);
		if (!d)
			return FORM_MALFORMED; /* truncated: no closing delimiter */
		enum form_error e = part_parse(a, lim, p, d, out);
		if (e != FORM_OK)
			return e;
		p = delimiter_tail(d + dlen, end, &last);
		if (!p)
			return FORM_MALFORMED;
	}
	return FORM_OK;
}

enum form_error form_parse_multipart(arena_t *a, const char *content_type_header, const char *body,
				     size_t len, const form_limits_t *lim, form_t *out)
{
	form_reset(out);
	if (!lim)
		lim = &form_default_limits;
	const char *b;
	size_t blen;
	enum form_error e = multipart_boundary(a, content_type_header, &b, &blen);
	if (e != FORM_OK)
		return e;
	if (!body || len == 0)
		return FORM_MALFORMED;
	char *delim = arena_printf(a, "\r\n--%s", b);
	e = multipart_parts(a, delim, blen + 4, body, len, lim, out);
	if (e != FORM_OK)
		form_reset(out);
	return e;
}

enum form_error form_multipart_boundary(arena_t *a, const char *content_type_header,
				       const char **boundary, size_t *len)
{
	return multipart_boundary(a, content_type_header, boundary, len);
}

enum form_error form_part_describe(arena_t *a, const char *headers, size_t len, const char **name,
				   const char **filename)
{
	part_t pt = {0};
	const char *content;
	*name = *filename = NULL;
	enum form_error e = part_headers(a, headers, headers + len, &pt, &content);
	if (e != FORM_OK)
		return e;
	if (!pt.name || !text_ok(pt.name, pt.namelen))
		return FORM_MALFORMED;
	*name = pt.name;
	if (pt.filename && pt.fnlen)
		return file_name(pt.filename, pt.fnlen, filename);
	if (pt.filename)
		*filename = "";
	return FORM_OK;
}

/* ---- dispatch and look-up ---- */

/* WHATWG URL §5: url-encoded form data is UTF-8 only. */
static enum form_error urlencoded_params(arena_t *a, const char *p, const char *end)
{
	hparam_t hp;
	int r;
	while ((r = param_next(a, &p, end, &hp)) > 0)
		if (ieq(hp.name, hp.namelen, "charset") && !ieq(hp.value, hp.len, "utf-8"))
			return FORM_UNSUPPORTED_TYPE;
	return r < 0 ? FORM_MALFORMED : FORM_OK;
}

enum form_error form_parse(arena_t *a, const char *content_type_header, const char *body,
			   size_t len, const form_limits_t *lim, form_t *out)
{
	form_reset(out);
	const char *ct = content_type_header;
	if (!ct)
		return FORM_UNSUPPORTED_TYPE;
	const char *end = ct + strlen(ct), *p = skip_ows(ct, end);
	size_t t = media_type_len(p, end);
	if (ieq(p, t, "multipart/form-data"))
		return form_parse_multipart(a, ct, body, len, lim, out);
	if (!ieq(p, t, "application/x-www-form-urlencoded"))
		return FORM_UNSUPPORTED_TYPE;
	enum form_error e = urlencoded_params(a, p + t, end);
	return e != FORM_OK ? e : form_parse_urlencoded(a, body, len, lim, out);
}

const form_field_t *form_get_field(const form_t *f, const char *name)
{
	if (!f || !name)
		return NULL;
	for (const form_field_t *x = f->first; x; x = x->next)
		if (strcmp(x->name, name) == 0)
			return x;
	return NULL;
}

const char *form_get(const form_t *f, const char *name)
{
	const form_field_t *x = form_get_field(f, name);
	return x ? x->value : NULL;
}

void form_fill(const form_t *f, void *dst, const struct form_slot *slots, size_t n,
	       const char *missing)
{
	for (size_t i = 0; i < n; i++) {
		const char *v = form_get(f, slots[i].field);
		*(const char **)((char *)dst + slots[i].offset) = v ? v : missing;
	}
}

size_t form_get_all(const form_t *f, const char *name, const char **values, size_t max)
{
	if (!f || !name || !values)
		return 0;
	size_t n = 0;
	for (const form_field_t *x = f->first; x && n < max; x = x->next)
		if (strcmp(x->name, name) == 0)
			values[n++] = x->value;
	return n;
}
