/* SPDX-License-Identifier: EUPL-1.2 */
#include "mail/html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/strbuf.h"
#include "mail/text.h"

/* Elements whose content is never text to read. */
static const char *const skipped[] = {"script", "style",  "title", "template", "noscript",
                                      "xml",    "svg",    "object", "iframe",  "head"};
/* Elements that start and end a paragraph (a blank line) or a line. */
static const char *const paragraphs[] = {"p",  "h1",    "h2",   "h3",  "h4", "h5",
                                         "h6", "blockquote", "ul", "ol", "table", "pre",
                                         "hr", "dl"};
static const char *const lines[] = {"div",   "tr",      "section", "article", "header",
                                    "footer", "nav",    "aside",   "main",    "figure",
                                    "figcaption", "address", "center", "form", "fieldset",
                                    "caption", "dt",    "dd",      "body",    "html"};

static const struct entity {
	const char *name;
	unsigned cp;
} entities[] = {
    {"amp", '&'},       {"lt", '<'},         {"gt", '>'},         {"quot", '"'},
    {"apos", '\''},     {"nbsp", ' '},       {"shy", 0},          {"ndash", 0x2013},
    {"mdash", 0x2014},  {"hellip", 0x2026},  {"laquo", 0xAB},     {"raquo", 0xBB},
    {"bdquo", 0x201E},  {"ldquo", 0x201C},   {"rdquo", 0x201D},   {"lsquo", 0x2018},
    {"rsquo", 0x2019},  {"sbquo", 0x201A},   {"bull", 0x2022},    {"middot", 0xB7},
    {"copy", 0xA9},     {"reg", 0xAE},       {"trade", 0x2122},   {"euro", 0x20AC},
    {"deg", 0xB0},      {"sect", 0xA7},      {"para", 0xB6},      {"times", 0xD7},
    {"divide", 0xF7},   {"plusmn", 0xB1},    {"frac12", 0xBD},    {"zwnj", 0},
    {"zwj", 0},         {"ensp", ' '},       {"emsp", ' '},       {"thinsp", ' '},
    {"oacute", 0xF3},   {"Oacute", 0xD3},    {"aacute", 0xE1},    {"eacute", 0xE9},
    {"iacute", 0xED},   {"uacute", 0xFA},    {"yacute", 0xFD},    {"auml", 0xE4},
    {"ouml", 0xF6},     {"uuml", 0xFC},      {"Auml", 0xC4},      {"Ouml", 0xD6},
    {"Uuml", 0xDC},     {"szlig", 0xDF},     {"aogon", 0x105},    {"Aogon", 0x104},
    {"cacute", 0x107},  {"Cacute", 0x106},   {"eogon", 0x119},    {"Eogon", 0x118},
    {"lstrok", 0x142},  {"Lstrok", 0x141},   {"nacute", 0x144},   {"Nacute", 0x143},
    {"sacute", 0x15B},  {"Sacute", 0x15A},   {"zacute", 0x17A},   {"Zacute", 0x179},
    {"zdot", 0x17C},    {"Zdot", 0x17B},     {"ccaron", 0x10D},   {"scaron", 0x161},
    {"zcaron", 0x17E},
};

struct conv {
	strbuf_t out;
	bool space; /* white space seen and not yet written */
	int pre;    /* inside pre */
	const char *href;
	size_t href_at; /* where the link's text began in out */
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, list[i]))
			return true;
	return false;
}

#define IN(name, list) in_list(name, list, sizeof list / sizeof list[0])

static bool at_line_start(const struct conv *c)
{
	return c->out.len == 0 || c->out.data[c->out.len - 1] == '\n';
}

/* One character of text (a byte of a UTF-8 sequence passes as it is). */
static void text_byte(struct conv *c, char ch)
{
	if (!c->pre && (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f')) {
		c->space = true;
		return;
	}
	if (c->space && !at_line_start(c) && c->out.data[c->out.len - 1] != '\t')
		sb_putc(&c->out, ' ');
	c->space = false;
	sb_putc(&c->out, ch);
}

static void text_cp(struct conv *c, unsigned cp)
{
	if (cp == 0)
		return;
	if (cp < 0x80) {
		text_byte(c, (char)cp);
		return;
	}
	if (c->space && !at_line_start(c))
		sb_putc(&c->out, ' ');
	c->space = false;
	mail_put_cp(&c->out, cp);
}

/* At least `want` line feeds at the end of what was written (none at
 * the very start). */
static void line_break(struct conv *c, int want)
{
	c->space = false;
	while (c->out.len > 0 && c->out.data[c->out.len - 1] == ' ')
		c->out.data[--c->out.len] = '\0';
	if (c->out.len == 0)
		return;
	int have = 0;
	for (size_t i = c->out.len; i > 0 && c->out.data[i - 1] == '\n' && have < want; i--)
		have++;
	for (; have < want; have++)
		sb_putc(&c->out, '\n');
}

/* The entity at s[0..n) (s[0] == '&'): its code point in *cp and its
 * length, or 0 when it is not one (the '&' is then text). */
static size_t entity(const char *s, size_t n, unsigned *cp)
{
	size_t i = 1;
	if (i < n && s[i] == '#') {
		i++;
		bool hex = i < n && (s[i] == 'x' || s[i] == 'X');
		i += hex;
		size_t start = i;
		unsigned long v = 0;
		while (i < n && i - start < 8 && (hex ? isxdigit((unsigned char)s[i]) : isdigit((unsigned char)s[i]))) {
			v = v * (hex ? 16 : 10) +
			    (unsigned long)(isdigit((unsigned char)s[i]) ? s[i] - '0' : (tolower((unsigned char)s[i]) - 'a' + 10));
			i++;
		}
		if (i == start)
			return 0;
		while (i < n && isxdigit((unsigned char)s[i]))
			i++, v = 0x110000; /* too long to be a character */
		i += i < n && s[i] == ';';
		if (v == '\r')
			v = '\n';
		/* Not characters, or controls: nothing a text may hold. */
		if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || (v >= 0x7F && v <= 0x9F) ||
		    (v < 0x20 && v != '\n' && v != '\t'))
			v = 0xFFFD;
		*cp = (unsigned)v;
		return i;
	}
	size_t start = i;
	while (i < n && i - start < 10 && isalnum((unsigned char)s[i]))
		i++;
	if (i == start)
		return 0;
	bool semi = i < n && s[i] == ';';
	for (size_t k = 0; k < sizeof entities / sizeof entities[0]; k++) {
		const struct entity *e = &entities[k];
		if (strlen(e->name) != i - start || strncmp(e->name, s + start, i - start))
			continue;
		/* Without ';' only the few that old HTML left bare. */
		if (!semi && strcmp(e->name, "amp") && strcmp(e->name, "lt") && strcmp(e->name, "gt") &&
		    strcmp(e->name, "quot") && strcmp(e->name, "nbsp"))
			return 0;
		*cp = e->cp;
		return i + semi;
	}
	return 0;
}

/* s[0..n) with its entities decoded into `a` (an attribute's value). */
static char *decode_value(arena_t *a, const char *s, size_t n)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_append(&sb, "", 0);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = s[i] == '&' ? entity(s + i, n - i, &cp) : 0;
		if (k) {
			if (cp)
				mail_put_cp(&sb, cp);
			i += k;
		} else {
			sb_putc(&sb, s[i++]);
		}
	}
	return sb.data;
}

/* Position just past the first case-insensitive "</name" followed by
 * something that ends a tag name and then its '>'; 0 when there is none. */
static size_t skip_element(const char *s, size_t n, size_t i, const char *name)
{
	size_t k = strlen(name);
	for (; i + 2 + k <= n; i++) {
		if (s[i] != '<' || s[i + 1] != '/' || strncasecmp(s + i + 2, name, k))
			continue;
		if (i + 2 + k < n && isalnum((unsigned char)s[i + 2 + k]))
			continue;
		const char *gt = memchr(s + i, '>', n - i);
		return gt ? (size_t)(gt - s) + 1 : n;
	}
	return 0;
}

/* Reads the tag at s[i] == '<' (a letter or '/' follows): its name (lower
 * case, "" when too long), whether it closes, its href; returns the
 * position after its '>' (n when it has none). */
static size_t read_tag(arena_t *a, const char *s, size_t n, size_t i, char *name, size_t cap,
                       bool *closing, const char **href)
{
	i++;
	*closing = i < n && s[i] == '/';
	i += *closing;
	size_t k = 0;
	bool fits = true;
	for (; i < n && (isalnum((unsigned char)s[i]) || s[i] == ':' || s[i] == '-'); i++) {
		if (k + 1 < cap)
			name[k++] = (char)tolower((unsigned char)s[i]);
		else
			fits = false;
	}
	name[fits ? k : 0] = '\0';
	*href = NULL;
	/* Attributes: name[=value], values quoted or not; '>' inside quotes
	 * does not end the tag. */
	while (i < n && s[i] != '>') {
		if (isspace((unsigned char)s[i]) || s[i] == '/') {
			i++;
			continue;
		}
		size_t an = i;
		while (i < n && !isspace((unsigned char)s[i]) && s[i] != '=' && s[i] != '>')
			i++;
		size_t alen = i - an;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n || s[i] != '=')
			continue;
		i++;
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		size_t vs, ve;
		if (i < n && (s[i] == '"' || s[i] == '\'')) {
			char q = s[i++];
			vs = i;
			const char *e = memchr(s + i, q, n - i);
			ve = e ? (size_t)(e - s) : n;
			i = e ? ve + 1 : n;
		} else {
			vs = i;
			while (i < n && !isspace((unsigned char)s[i]) && s[i] != '>')
				i++;
			ve = i;
		}
		if (alen == 4 && !strncasecmp(s + an, "href", 4) && ve - vs <= 2048)
			*href = decode_value(a, s + vs, ve - vs);
	}
	return i < n ? i + 1 : n;
}

static bool link_worth_showing(const char *href)
{
	return !strncasecmp(href, "http://", 7) || !strncasecmp(href, "https://", 8) ||
	       !strncasecmp(href, "mailto:", 7);
}

static void element(struct conv *c, const char *name, bool closing, const char *href)
{
	if (!strcmp(name, "br")) {
		c->space = false;
		while (c->out.len > 0 && c->out.data[c->out.len - 1] == ' ')
			c->out.data[--c->out.len] = '\0';
		sb_putc(&c->out, '\n');
	} else if (IN(name, paragraphs)) {
		line_break(c, 2);
		if (!strcmp(name, "pre"))
			c->pre += closing ? (c->pre > 0 ? -1 : 0) : 1;
	} else if (IN(name, lines)) {
		line_break(c, 1);
	} else if (!strcmp(name, "li")) {
		line_break(c, 1);
		if (!closing)
			sb_puts(&c->out, "- ");
	} else if ((!strcmp(name, "td") || !strcmp(name, "th")) && !closing) {
		if (!at_line_start(c))
			sb_putc(&c->out, '\t');
		c->space = false;
	} else if (!strcmp(name, "a")) {
		if (!closing) {
			c->href = href && link_worth_showing(href) ? href : NULL;
			c->href_at = c->out.len;
			return;
		}
		if (!c->href)
			return;
		if (c->href_at > c->out.len)
			c->href_at = c->out.len;
		const char *text = c->out.data ? c->out.data + c->href_at : "";
		const char *shown = !strncasecmp(c->href, "mailto:", 7) ? c->href + 7 : c->href;
		while (*text == ' ')
			text++;
		if (strcmp(text, shown) && strcmp(text, c->href)) {
			sb_puts(&c->out, " (");
			sb_puts(&c->out, c->href);
			sb_putc(&c->out, ')');
		}
		c->href = NULL;
	}
}

/* Trailing blanks of each line go, three or more line feeds become two,
 * and the text is trimmed. */
static char *tidy(arena_t *a, const char *s, size_t n, size_t *len)
{
	strbuf_t sb;
	sb_init(&sb, a);
	sb_append(&sb, "", 0);
	int nl = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			while (sb.len > 0 && (sb.data[sb.len - 1] == ' ' || sb.data[sb.len - 1] == '\t'))
				sb.data[--sb.len] = '\0';
			nl++;
			continue;
		}
		if (nl && sb.len > 0)
			sb_append(&sb, "\n\n", nl > 1 ? 2 : 1);
		nl = 0;
		if (sb.len == 0 && (s[i] == ' ' || s[i] == '\t'))
			continue;
		sb_putc(&sb, s[i]);
	}
	while (sb.len > 0 && (sb.data[sb.len - 1] == ' ' || sb.data[sb.len - 1] == '\t'))
		sb.data[--sb.len] = '\0';
	if (len)
		*len = sb.len;
	return sb.data;
}

char *mail_html_text(arena_t *a, const char *s, size_t n, size_t max, size_t *len)
{
	struct conv c = {0};
	sb_init(&c.out, a);
	sb_append(&c.out, "", 0);
	size_t i = 0;
	while (i < n && c.out.len <= max) {
		if (s[i] == '&') {
			unsigned cp;
			size_t k = entity(s + i, n - i, &cp);
			if (k) {
				text_cp(&c, cp);
				i += k;
				continue;
			}
		}
		if (s[i] != '<') {
			text_byte(&c, s[i++]);
			continue;
		}
		if (i + 3 < n && !strncmp(s + i, "<!--", 4)) {
			const char *e = memmem(s + i + 4, n - i - 4, "-->", 3);
			i = e ? (size_t)(e - s) + 3 : n;
			continue;
		}
		if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?')) {
			const char *e = memchr(s + i, '>', n - i);
			i = e ? (size_t)(e - s) + 1 : n;
			continue;
		}
		if (i + 1 >= n || !(isalpha((unsigned char)s[i + 1]) || s[i + 1] == '/')) {
			text_byte(&c, s[i++]);
			continue;
		}
		char name[16];
		bool closing;
		const char *href;
		bool self_closing = false;
		size_t end = read_tag(a, s, n, i, name, sizeof name, &closing, &href);
		self_closing = end >= 2 && end <= n && s[end - 1] == '>' && s[end - 2] == '/';
		i = end;
		if (!name[0])
			continue;
		if (IN(name, skipped)) {
			/* Unclosed, the rest is its content (as a browser has
			 * it), but for a head: broken mail often never closes it
			 * and has its text after. */
			size_t past = closing || self_closing ? i : skip_element(s, n, i, name);
			if (past)
				i = past;
			else if (strcmp(name, "head"))
				i = n;
			continue;
		}
		element(&c, name, closing, href);
	}
	char *out = tidy(a, c.out.data, c.out.len, len);
	if (mail_truncate(out, max) && len)
		*len = strlen(out);
	return out;
}

void mail_html_charset(const unsigned char *html, size_t n, char *out, size_t cap)
{
	out[0] = '\0';
	if (cap == 0)
		return;
	size_t lim = n < 2048 ? n : 2048;
	for (size_t i = 0; i + 8 <= lim; i++) {
		if (strncasecmp((const char *)html + i, "charset=", 8))
			continue;
		/* Only inside a <meta ...> tag. */
		size_t b = i;
		while (b > 0 && html[b] != '<' && html[b] != '>')
			b--;
		if (html[b] != '<' || lim - b < 5 || strncasecmp((const char *)html + b, "<meta", 5))
			continue;
		size_t k = i + 8, o = 0;
		k += k < lim && (html[k] == '"' || html[k] == '\'');
		while (k < lim && o + 1 < cap &&
		       (isalnum(html[k]) || html[k] == '-' || html[k] == '_' || html[k] == ':' ||
		        html[k] == '.'))
			out[o++] = (char)tolower(html[k++]);
		out[o] = '\0';
		return;
	}
}
