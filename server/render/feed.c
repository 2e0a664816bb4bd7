/* SPDX-License-Identifier: EUPL-1.2 */
#include "render/feed.h"

#include <stdbool.h>
#include <string.h>

#include "core/utf8.h"

void xml_escape(strbuf_t *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *end = p + strlen((const char *)p);
	while (p < end) {
		unsigned cp;
		size_t n = utf8_decode(p, (size_t)(end - p), &cp);
		if (!n) {
			p++;
			continue;
		}
		switch (cp) {
		case '&':
			sb_puts(out, "&amp;");
			break;
		case '<':
			sb_puts(out, "&lt;");
			break;
		case '>':
			sb_puts(out, "&gt;");
			break;
		case '"':
			sb_puts(out, "&quot;");
			break;
		case '\'':
			sb_puts(out, "&apos;");
			break;
		default:
			/* XML 1.0 §2.2 Char */
			if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE ||
			    cp == 0xFFFF)
				break;
			sb_append(out, (const char *)p, n);
		}
		p += n;
	}
}

static void element(strbuf_t *out, const char *indent, const char *name, const char *text)
{
	if (!text)
		return;
	sb_printf(out, "%s<%s>", indent, name);
	xml_escape(out, text);
	sb_printf(out, "</%s>\n", name);
}

static void link_el(strbuf_t *out, const char *indent, const char *rel, const char *type,
                    const char *href)
{
	if (!href)
		return;
	sb_printf(out, "%s<link", indent);
	if (rel)
		sb_printf(out, " rel=\"%s\"", rel);
	if (type)
		sb_printf(out, " type=\"%s\"", type);
	sb_puts(out, " href=\"");
	xml_escape(out, href);
	sb_puts(out, "\"/>\n");
}

static const char *member(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void feed_atom(strbuf_t *out, const struct feed_atom *f, json_t *entries)
{
	sb_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	if (f->stylesheet) {
		/* The pseudo-attributes of a processing instruction take the same
		 * references as attribute values (xml-stylesheet §2). */
		sb_puts(out, "<?xml-stylesheet type=\"text/xsl\" href=\"");
		xml_escape(out, f->stylesheet);
		sb_puts(out, "\"?>\n");
	}
	sb_puts(out, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"pl\">\n");
	element(out, "  ", "id", f->id);
	element(out, "  ", "title", f->title);
	element(out, "  ", "subtitle", f->subtitle);
	element(out, "  ", "updated", f->updated);
	link_el(out, "  ", "self", "application/atom+xml", f->self_url);
	link_el(out, "  ", "alternate", "text/html", f->html_url);
	sb_puts(out, "  <author>\n");
	element(out, "    ", "name", f->author);
	sb_puts(out, "  </author>\n");
	sb_puts(out, "  <generator>Jawność</generator>\n");
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e)
	{
		sb_puts(out, "  <entry>\n");
		element(out, "    ", "id", member(e, "id"));
		element(out, "    ", "title", member(e, "title"));
		element(out, "    ", "updated", member(e, "updated"));
		element(out, "    ", "published", member(e, "published"));
		link_el(out, "    ", "alternate", "text/html", member(e, "link"));
		if (member(e, "author")) {
			sb_puts(out, "    <author>\n");
			element(out, "      ", "name", member(e, "author"));
			sb_puts(out, "    </author>\n");
		}
		if (member(e, "summary")) {
			sb_puts(out, "    <summary type=\"text\">");
			xml_escape(out, member(e, "summary"));
			sb_puts(out, "</summary>\n");
		}
		sb_puts(out, "  </entry>\n");
	}
	sb_puts(out, "</feed>\n");
}

void feed_sitemap(strbuf_t *out, json_t *urls)
{
	sb_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	             "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	size_t i;
	json_t *u;
	json_array_foreach(urls, i, u)
	{
		sb_puts(out, "  <url>\n");
		element(out, "    ", "loc", member(u, "loc"));
		element(out, "    ", "lastmod", member(u, "lastmod"));
		sb_puts(out, "  </url>\n");
	}
	sb_puts(out, "</urlset>\n");
}

void feed_sitemap_index(strbuf_t *out, json_t *locs)
{
	sb_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	             "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
	size_t i;
	json_t *loc;
	json_array_foreach(locs, i, loc)
	{
		sb_puts(out, "  <sitemap>\n");
		element(out, "    ", "loc", json_string_value(loc));
		sb_puts(out, "  </sitemap>\n");
	}
	sb_puts(out, "</sitemapindex>\n");
}
