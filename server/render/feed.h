/* SPDX-License-Identifier: EUPL-1.2 */
/* Feed formats written without a library: XML text escaping,
 * Atom 1.0 (RFC 4287) and sitemaps (sitemaps.org 0.9); CSV is render/csv.h.
 * Pure functions appending to a strbuf_t; input strings are UTF-8 (as
 * PostgreSQL gives them). */
#ifndef JAWNOSC_RENDER_FEED_H
#define JAWNOSC_RENDER_FEED_H

#include <jansson.h>
#include <stddef.h>

#include "core/strbuf.h"

/* Appends `s` as XML character data or an attribute value: & < > " '
 * become references, and characters XML 1.0 does not allow (C0 controls
 * but tab, LF and CR; U+FFFE, U+FFFF) and invalid UTF-8 are dropped. */
void xml_escape(strbuf_t *out, const char *s);

/* An Atom 1.0 feed. Every string is plain text; dates are RFC 3339
 * ("2026-01-05T10:00:00Z"). */
struct feed_atom {
	const char *id; /* an IRI, e.g. "tag:bip.example,2026:rejestr" */
	const char *title;
	const char *subtitle; /* may be NULL */
	const char *self_url; /* the feed's own address */
	const char *html_url; /* the page it mirrors */
	const char *author;   /* the publishing body */
	const char *updated;
	/* An XSLT stylesheet that shows the feed as a page in a browser
	 * (<?xml-stylesheet?>, which feed readers skip); NULL for none. */
	const char *stylesheet;
};
/* Writes the feed with `entries` (borrowed): an array of objects with the
 * string members id, title, link, updated, and optionally published,
 * summary, author. */
void feed_atom(strbuf_t *out, const struct feed_atom *f, json_t *entries);

/* A sitemap of `urls` (borrowed): objects with "loc" and optional
 * "lastmod" ("YYYY-MM-DD"). The caller keeps to the 50,000-URL limit. */
void feed_sitemap(strbuf_t *out, json_t *urls);
/* A sitemap index of `locs` (borrowed): the sitemaps' addresses as
 * strings. The caller keeps to the 50,000-sitemap limit. */
void feed_sitemap_index(strbuf_t *out, json_t *locs);

#endif
