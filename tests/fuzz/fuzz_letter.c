/* SPDX-License-Identifier: EUPL-1.2 */
/* Fuzzes the letter engine (render/letter*.c, render/pdf.c).
 *
 * Mode 'M' (first byte): the rest is a clerk's edited Markdown, rendered to
 * HTML and, every 50th input, to PDF: only crashes, leaks and sanitizer
 * reports count, since staff may write any Markdown.
 * Otherwise the input is split at NUL bytes into variable values (invalid
 * UTF-8 and control characters included) that replace the sample case's
 * subject, names, reasons, lists and frame fields; the real
 * refusal_decision template is substituted and rendered to HTML (and every
 * 50th input to PDF). The templates and frame hold no link, image, script
 * or attribute with an address, so any "<a ", "<img", "<script", "href=" or
 * "src=" in the HTML, or an unescaped '<' in the Markdown, came from a value:
 * abort. The structure must not change either: the decision's one <h1> and
 * two <h2> stay exactly that many. Run from the repository root (the
 * templates are read from templates/letters). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render/letter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_INPUT 4096
#define PDF_EVERY 50

static letter_set_t *set;
static unsigned long runs;

/* The variables the values go to, in order; they cover every kind of value
 * (text, paragraphs, list) and the letter's frame. */
static const char *const targets[] = {
    "case.subject",	 "requester.name", "facts",	      "persons",	   "refusal.scope",
    "legal_grounds",	 "org.name",	   "signer.position", "requester.address", "refusal.basis",
    "protected_parties", "org.unit",
};

static void init(void)
{
	char err[256];
	if (!letter_load(&set, "templates/letters", err, sizeof err))
		abort(); /* run from the repository root */
	/* Fonts and caches stay loaded across inputs; release them at exit so
	 * that LeakSanitizer's final check sees a clean process. */
	atexit(letter_shutdown);
}

static size_t count(const char *hay, size_t n, const char *needle)
{
	size_t k = 0, m = strlen(needle);
	for (const char *p = hay; (p = memmem(p, n - (size_t)(p - hay), needle, m)); p += m)
		k++;
	return k;
}

/* True if `s` (`n` bytes) is one of the NULL-terminated `names`. */
static bool one_of(const char *s, size_t n, const char *const *names)
{
	for (; *names; names++)
		if (strlen(*names) == n && strncasecmp(s, *names, n) == 0)
			return true;
	return false;
}

static bool name_char(char c)
{
	return c == '!' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* Checks the attribute names of one tag, from after its name to its '>'. */
static void check_attributes(const char *q, const char *close)
{
	static const char *const attrs[] = {"class", "lang", "charset", "name", "content", NULL};
	while (q < close) {
		while (q < close && (*q == ' ' || *q == '/' || *q == '\n'))
			q++;
		const char *an = q;
		while (q < close && *q != '=' && *q != ' ' && *q != '/')
			q++;
		if (q > an && !one_of(an, (size_t)(q - an), attrs))
			abort();
		if (q < close && *q == '=' && q + 1 < close && q[1] == '"') {
			const char *v = memchr(q + 2, '"', (size_t)(close - q - 2));
			if (!v)
				abort();
			q = v + 1;
		} else if (q < close) {
			q++;
		}
	}
}

/* Every tag in the HTML is one the frame or cmark makes for templates and
 * escaped values, with only harmless attributes: no link, image, script,
 * frame, event handler or address can have come from a value. */
static void check_html(const strbuf_t *h)
{
	static const char *const tags[] = {
	    "html",   "head",	 "meta", "title", "style", "body", "article", "header",
	    "footer", "address", "div",	 "p",	  "br",	   "span", "strong",  "em",
	    "h1",     "h2",	 "ol",	 "ul",	  "li",	   NULL};
	const char *p = h->data, *end = h->data + h->len;
	if (strncmp(p, "<!DOCTYPE html>", 15) == 0)
		p += 15;
	while ((p = memchr(p, '<', (size_t)(end - p)))) {
		const char *q = p + 1;
		bool closing = q < end && *q == '/';
		q += closing;
		const char *name = q;
		while (q < end && name_char(*q))
			q++;
		size_t nlen = (size_t)(q - name);
		const char *close = memchr(q, '>', (size_t)(end - q));
		if (!close || !one_of(name, nlen, tags))
			abort();
		check_attributes(q, close);
		p = close + 1;
		if (!closing && nlen == 5 && strncmp(name, "style", 5) == 0) {
			p = memmem(p, (size_t)(end - p), "</style>", 8); /* the CSS itself */
			if (!p)
				abort();
		}
	}
	if (count(h->data, h->len, "<h1") != 1 || count(h->data, h->len, "<h2") != 2)
		abort();
}

/* Every '<' in the substituted Markdown is escaped. */
static void check_markdown(const strbuf_t *md)
{
	for (size_t i = 0; i < md->len; i++)
		if (md->data[i] == '<' && (i == 0 || md->data[i - 1] != '\\'))
			abort();
}

static void render_raw(const unsigned char *data, size_t size)
{
	json_t *vars = letter_sample_vars(NULL, NULL);
	char *md = malloc(size + 1);
	if (!md || !vars)
		abort();
	memcpy(md, data, size);
	md[size] = '\0';
	strbuf_t out;
	sb_init(&out, NULL);
	char err[256];
	if (!letter_html(md, vars, &out, err, sizeof err))
		abort();
	if (runs % PDF_EVERY == 0) {
		sb_reset(&out);
		if (!letter_pdf(md, vars, &out, err, sizeof err))
			abort();
	}
	sb_free(&out);
	free(md);
	json_decref(vars);
}

static void set_value(json_t *vars, const char *path, const unsigned char *v, size_t n)
{
	const char *dot = strchr(path, '.');
	json_t *obj = vars;
	if (dot)
		obj = json_object_getn(vars, path, (size_t)(dot - path));
	json_object_set_new(obj, dot ? dot + 1 : path, json_stringn_nocheck((const char *)v, n));
}

static void render_values(const unsigned char *data, size_t size)
{
	json_t *vars = letter_sample_vars("public_information", runs % 2 ? "appeal" : NULL);
	if (!vars)
		abort();
	size_t t = 0;
	for (size_t i = 0; t < sizeof targets / sizeof targets[0];) {
		const unsigned char *nul = memchr(data + i, 0, size - i);
		size_t n = nul ? (size_t)(nul - (data + i)) : size - i;
		set_value(vars, targets[t++], data + i, n);
		if (!nul)
			break;
		i += n + 1;
	}
	strbuf_t md, out;
	sb_init(&md, NULL);
	sb_init(&out, NULL);
	char err[256];
	if (!letter_markdown(set, "refusal_decision", vars, &md, err, sizeof err))
		abort();
	check_markdown(&md);
	if (!letter_html(md.data, vars, &out, err, sizeof err))
		abort();
	check_html(&out);
	if (runs % PDF_EVERY == 0) {
		sb_reset(&out);
		if (!letter_pdf(md.data, vars, &out, err, sizeof err) || out.len < 5 ||
		    memcmp(out.data, "%PDF-", 5) != 0)
			abort();
	}
	sb_free(&md);
	sb_free(&out);
	json_decref(vars);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	if (!set)
		init();
	runs++;
	if (size > 0 && data[0] == 'M')
		render_raw(data + 1, size - 1);
	else
		render_values(data, size);
	return 0;
}
