/* SPDX-License-Identifier: EUPL-1.2 */
/* HTML of inbound mail (an Outlook message with no text/plain part) as
 * plain text for a clerk to read and for a request registered from it.
 *
 * Not a browser: a small scanner that keeps the text and nothing active.
 * The content of script, style, title, template, noscript, xml (Office's
 * blocks), svg, object and iframe elements is dropped, as are comments
 * and declarations; block elements (p, div, br, li, tr, headings, ...)
 * become line breaks, list items "- ", table cells tabs; a link's address
 * follows its text in parentheses when it differs and is http(s) or
 * mailto; entities are decoded (named ones Polish mail uses, numeric
 * ones: anything not a character becomes U+FFFD); white space is
 * collapsed outside pre. The output is valid UTF-8 when the input is, and
 * holds no '<' or '>' that was markup. */
#ifndef JAWNOSC_MAIL_HTML_H
#define JAWNOSC_MAIL_HTML_H

#include <stddef.h>

#include "core/arena.h"

/* The text of html[0..n) (UTF-8) into `a`, at most `max` bytes (cut
 * without breaking a sequence), its length in *len (may be NULL). */
char *mail_html_text(arena_t *a, const char *html, size_t n, size_t max, size_t *len);

/* The charset an HTML document names in a <meta> among its first 2048
 * bytes (charset=...), into out (lower case); "" when none. */
void mail_html_charset(const unsigned char *html, size_t n, char *out, size_t cap);

#endif
