/* SPDX-License-Identifier: EUPL-1.2 */
/* The letter's frame (letterhead, place and date, case number, addressee,
 * signature) around a Markdown body, as HTML and, through render/pdf.c, as
 * PDF. Both read the same frame variables, so the two always agree. */
#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "render/letter_internal.h"
#include "render/pdf.h"

/* clang-format off */
const char letter_css[] =
	"/* Letters and decisions (server/render/letter_html.c): an A4 sheet. */\n"
	"@page { size: A4; margin: 25mm 25mm 22mm;\n"
	"  @bottom-center { content: \"Strona \" counter(page) \" z \" counter(pages);\n"
	"    font: 8pt \"DejaVu Sans\", Arial, sans-serif; } }\n"
	".letter { font: 11pt/1.45 \"DejaVu Serif\", Georgia, serif; color: #000;\n"
	"  background: #fff; max-width: 160mm; margin: 0 auto; }\n"
	".letter p { margin: 0; }\n"
	".letter-head { display: flex; justify-content: space-between; gap: 2em;\n"
	"  align-items: flex-start; }\n"
	".letter-org { font: 9pt/1.35 \"DejaVu Sans\", Arial, sans-serif; }\n"
	".letter-org .org-name { font-size: 11pt; font-weight: bold; }\n"
	".letter-date { white-space: nowrap; }\n"
	".letter-case { margin-top: 1.5em; font-size: 10pt; }\n"
	".letter-to { font-style: normal; margin: 1.5em 0 2em 55%; }\n"
	".letter-to .to-name { font-weight: bold; }\n"
	".letter-body { text-align: justify; }\n"
	".letter-body p, .letter-body ul, .letter-body ol, .letter-body pre,\n"
	"  .letter-body blockquote { margin: 0 0 .6em; }\n"
	".letter-body h1, .letter-body h2 { text-align: center;\n"
	"  font-family: \"DejaVu Sans\", Arial, sans-serif; break-after: avoid; }\n"
	".letter-body h1 { font-size: 14pt; letter-spacing: .12em; margin: 1em 0 .8em; }\n"
	".letter-body h2 { font-size: 11.5pt; margin: 1.2em 0 .6em; }\n"
	".letter-body h3, .letter-body h4, .letter-body h5, .letter-body h6 {\n"
	"  font-size: 11pt; margin: 1em 0 .4em; break-after: avoid; }\n"
	".letter-body ul, .letter-body ol { padding-left: 1.6em; text-align: left; }\n"
	".letter-body blockquote { padding-left: .8em; border-left: 2px solid #777; }\n"
	".letter-body pre, .letter-body code { font-family: \"DejaVu Sans Mono\", monospace;\n"
	"  font-size: 9.5pt; }\n"
	".letter-body pre { white-space: pre-wrap; text-align: left; }\n"
	".letter-sign { margin: 2.5em 0 0 50%; text-align: center; break-inside: avoid; }\n"
	".letter-sign .sign-auth { font-size: 9pt; font-style: italic; }\n"
	".letter-sign .sign-name { margin-top: 2em; font-weight: bold; }\n"
    ".letter-closing { margin-top: 1.5em; }\n"
	"@media screen {\n"
	"  body.letter-page { background: #e6e6e6; margin: 0; padding: 1px 0; }\n"
	"  body.letter-page .letter { width: 160mm; min-height: 247mm; padding: 25mm;\n"
	"    margin: 1rem auto; box-shadow: 0 0 4px rgba(0, 0, 0, .35); }\n"
	"}\n"
	"@media print {\n"
	"  body.letter-page { margin: 0; }\n"
	"  .letter { max-width: none; margin: 0; }\n"
	"}\n";
/* clang-format on */

/* ---- the frame -------------------------------------------------------- */

struct frame {
	arena_t *arena;
	strbuf_t title, org_name, org_lines, place_date, case_number, to_name, to_address;
	strbuf_t sign_auth, sign_name, sign_position;
	char date[11]; /* letter.date as given, for the PDF's creation date */
};

static void trim(strbuf_t *sb)
{
	size_t start = 0, end = sb->len;
	while (start < end && strchr(" \t\n", sb->data[start]))
		start++;
	while (end > start && strchr(" \t\n", sb->data[end - 1]))
		end--;
	if (sb->data && (start > 0 || end < sb->len)) {
		memmove(sb->data, sb->data + start, end - start);
		sb->len = end - start;
		sb->data[sb->len] = '\0';
	}
}

/* Frame variable `name` as clean text into `out`. A missing optional one is
 * left empty; a missing required one, or one that is not text, is an error. */
static bool frame_text(json_t *vars, const char *name, bool required, strbuf_t *out, char *err,
		       size_t errlen)
{
	json_t *v = letter_lookup(vars, name);
	if (!v || json_is_null(v)) {
		if (required)
			return letter_fail(err, errlen, "missing variable \"%s\" (letter frame)",
					   name);
		return true;
	}
	if (json_is_string(v))
		letter_clean_text(out, json_string_value(v), json_string_length(v));
	else if (json_is_integer(v))
		sb_printf(out, "%lld", (long long)json_integer_value(v));
	else
		return letter_fail(err, errlen, "variable \"%s\" must be text (letter frame)",
				   name);
	trim(out);
	return true;
}

/* "ul. Przykładowa 1, 00-001 Warszawa" is two lines on an envelope: break
 * at the ", " before a postcode when the address has no line breaks. */
static void split_postcode(strbuf_t *a)
{
	if (!a->data || memchr(a->data, '\n', a->len))
		return;
	for (size_t i = 0; i + 8 <= a->len; i++) {
		const char *p = a->data + i;
		if (p[0] == ',' && p[1] == ' ' && p[2] >= '0' && p[2] <= '9' && p[3] >= '0' &&
		    p[3] <= '9' && p[4] == '-' && p[5] >= '0' && p[5] <= '9' && p[6] >= '0' &&
		    p[6] <= '9' && p[7] >= '0' && p[7] <= '9') {
			memmove(a->data + i + 1, a->data + i + 2, a->len - i - 1);
			a->data[i] = '\n';
			a->len--;
			return;
		}
	}
}

/* The appeal body or the court when addressee.name is set, else the
 * requester, whose e-mail stands in for a missing postal address. */
static bool frame_addressee(struct frame *f, json_t *vars, char *err, size_t errlen)
{
	bool other = letter_lookup(vars, "addressee.name") != NULL;
	if (!frame_text(vars, other ? "addressee.name" : "requester.name", true, &f->to_name, err,
			errlen) ||
	    !frame_text(vars, other ? "addressee.address" : "requester.address", !other,
			&f->to_address, err, errlen))
		return false;
	split_postcode(&f->to_address);
	if (!other && f->to_address.len == 0) {
		strbuf_t email;
		sb_init(&email, f->arena);
		if (!frame_text(vars, "requester.email", false, &email, err, errlen))
			return false;
		if (email.len)
			sb_printf(&f->to_address, "e-mail: %s", email.data);
	}
	return true;
}

/* The first heading's text, for the title when letter.title is not set. */
static void first_heading(cmark_node *doc, strbuf_t *out)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	bool in = false;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_HEADING) {
			if (ev == CMARK_EVENT_EXIT)
				break;
			in = true;
		} else if (in && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)) {
			const char *s = cmark_node_get_literal(n);
			sb_puts(out, s ? s : "");
		} else if (in && t == CMARK_NODE_SOFTBREAK) {
			sb_putc(out, ' ');
		}
	}
	cmark_iter_free(it);
}

static bool frame_build(struct frame *f, json_t *vars, cmark_node *doc, char *err, size_t errlen)
{
	if (!json_is_object(vars))
		return letter_fail(err, errlen, "variables must be a JSON object");
	strbuf_t *all[] = {&f->title,	    &f->org_name,     &f->org_lines,  &f->place_date,
			   &f->case_number, &f->to_name,      &f->to_address, &f->sign_auth,
			   &f->sign_name,   &f->sign_position};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		sb_init(all[i], f->arena);
		sb_puts(all[i], ""); /* data is never NULL */
	}
	strbuf_t unit, address, place, email, phone, bip;
	strbuf_t *parts[] = {&unit, &address, &place, &email, &phone, &bip};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
		sb_init(parts[i], f->arena);
	if (!frame_text(vars, "org.name", true, &f->org_name, err, errlen) ||
	    !frame_text(vars, "org.unit", false, &unit, err, errlen) ||
	    !frame_text(vars, "org.address", true, &address, err, errlen) ||
	    !frame_text(vars, "org.place", true, &place, err, errlen) ||
	    !frame_text(vars, "org.email", false, &email, err, errlen) ||
	    !frame_text(vars, "org.phone", false, &phone, err, errlen) ||
	    !frame_text(vars, "org.bip_url", false, &bip, err, errlen) ||
	    !frame_text(vars, "case.number", true, &f->case_number, err, errlen) ||
	    !frame_addressee(f, vars, err, errlen) ||
	    !frame_text(vars, "signer.authorisation", false, &f->sign_auth, err, errlen) ||
	    !frame_text(vars, "signer.name", true, &f->sign_name, err, errlen) ||
	    !frame_text(vars, "signer.position", true, &f->sign_position, err, errlen) ||
	    !frame_text(vars, "letter.title", false, &f->title, err, errlen))
		return false;
	json_t *date = letter_lookup(vars, "letter.date");
	if (!date)
		return letter_fail(err, errlen, "missing variable \"letter.date\" (letter frame)");
	strbuf_t pl;
	sb_init(&pl, f->arena);
	if (!json_is_string(date) || json_string_length(date) != 10 ||
	    !letter_date_pl(json_string_value(date), &pl))
		return letter_fail(
		    err, errlen,
		    "variable \"letter.date\" must be a date YYYY-MM-DD (letter frame)");
	memcpy(f->date, json_string_value(date), 11);
	sb_printf(&f->place_date, "%s, %s", place.data ? place.data : "", pl.data);

	/* The letterhead: unit, address, then one line of contacts. */
	if (unit.len)
		sb_printf(&f->org_lines, "%s\n", unit.data);
	sb_printf(&f->org_lines, "%s", address.data);
	const char *sep = "\n";
	if (phone.len) {
		sb_printf(&f->org_lines, "%stel. %s", sep, phone.data);
		sep = " · ";
	}
	if (email.len)
		sb_printf(&f->org_lines, "%se-mail: %s", sep, email.data);
	if (bip.len)
		sb_printf(&f->org_lines, "\nBIP: %s", bip.data);

	if (f->title.len == 0 && doc)
		first_heading(doc, &f->title);
	trim(&f->title);
	if (f->title.len == 0)
		sb_puts(&f->title, "Pismo");
	sb_printf(&f->title, " – %s", f->case_number.data);
	return true;
}

static cmark_node *parse_markdown(const char *markdown)
{
	const char *md = markdown ? markdown : "";
	return cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
}

/* Whether `n` is a paragraph that is only a bold heading of the letter's
 * closing part: "**Załączniki:**", "**Otrzymują:**", "**Do wiadomości:**". */
static bool closing_heading(cmark_node *n)
{
	static const char *const words[] = {"Załącznik", "Otrzymuj", "Do wiadomości"};
	cmark_node *strong = cmark_node_first_child(n);
	if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH || !strong ||
	    cmark_node_get_type(strong) != CMARK_NODE_STRONG || cmark_node_next(strong))
		return false;
	cmark_node *text = cmark_node_first_child(strong);
	const char *lit = text && cmark_node_get_type(text) == CMARK_NODE_TEXT
			      ? cmark_node_get_literal(text)
			      : NULL;
	for (size_t i = 0; lit && i < sizeof words / sizeof words[0]; i++)
		if (strncmp(lit, words[i], strlen(words[i])) == 0)
			return true;
	return false;
}

/* The closing part (enclosures, recipients), moved out of `doc` into a
 * document of its own, or NULL when the letter has none: the signature
 * stands before it, as office practice (instrukcja kancelaryjna) places the
 * list of recipients below the signature. */
static cmark_node *split_closing(cmark_node *doc)
{
	cmark_node *n = cmark_node_first_child(doc);
	while (n && !closing_heading(n))
		n = cmark_node_next(n);
	if (!n)
		return NULL;
	cmark_node *tail = cmark_node_new(CMARK_NODE_DOCUMENT);
	while (n) {
		cmark_node *next = cmark_node_next(n);
		cmark_node_unlink(n);
		cmark_node_append_child(tail, n);
		n = next;
	}
	return tail;
}

/* ---- HTML -------------------------------------------------------------- */

static void esc(strbuf_t *out, const strbuf_t *s)
{
	sb_html_escape(out, s->data, s->len);
}

/* Escaped, with each line break as <br>. */
static void esc_lines(strbuf_t *out, const strbuf_t *s)
{
	const char *p = s->data, *end = s->data + s->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		sb_html_escape(out, p, n);
		if (!nl)
			break;
		sb_puts(out, "<br>\n");
		p = nl + 1;
	}
}

static void html_article(strbuf_t *out, const struct frame *f, const char *body,
			 const char *closing)
{
	sb_puts(out, "<article class=\"letter\">\n<header class=\"letter-head\">\n"
		     "<div class=\"letter-org\">\n<p class=\"org-name\">");
	esc(out, &f->org_name);
	sb_puts(out, "</p>\n<p class=\"org-lines\">");
	esc_lines(out, &f->org_lines);
	sb_puts(out, "</p>\n</div>\n<p class=\"letter-date\">");
	esc(out, &f->place_date);
	sb_puts(out, "</p>\n</header>\n<p class=\"letter-case\">Znak sprawy: <span>");
	esc(out, &f->case_number);
	sb_puts(out, "</span></p>\n<address class=\"letter-to\">\n<p class=\"to-name\">");
	esc(out, &f->to_name);
	sb_puts(out, "</p>\n<p class=\"to-address\">");
	esc_lines(out, &f->to_address);
	sb_puts(out, "</p>\n</address>\n<div class=\"letter-body\">\n");
	sb_puts(out, body);
	sb_puts(out, "</div>\n<footer class=\"letter-sign\">\n");
	if (f->sign_auth.len) {
		sb_puts(out, "<p class=\"sign-auth\">");
		esc(out, &f->sign_auth);
		sb_puts(out, "</p>\n");
	}
	sb_puts(out, "<p class=\"sign-name\">");
	esc(out, &f->sign_name);
	sb_puts(out, "</p>\n<p class=\"sign-position\">");
	esc(out, &f->sign_position);
	sb_puts(out, "</p>\n</footer>\n");
	if (closing) {
		sb_puts(out, "<div class=\"letter-body letter-closing\">\n");
		sb_puts(out, closing);
		sb_puts(out, "</div>\n");
	}
	sb_puts(out, "</article>\n");
}

bool letter_html_ex(const char *markdown, json_t *vars, const letter_html_opts_t *opts,
		    strbuf_t *out, char *err, size_t errlen)
{
	static const letter_html_opts_t defaults = {0};
	if (!opts)
		opts = &defaults;
	struct frame f = {.arena = arena_new(4096)};
	cmark_node *doc = parse_markdown(markdown), *tail = NULL;
	char *body = NULL, *closing = NULL;
	bool ok = doc && frame_build(&f, vars, doc, err, errlen);
	if (!ok)
		goto out;
	tail = split_closing(doc);
	/* CMARK_OPT_DEFAULT is the safe mode: raw HTML becomes a comment and
	 * javascript:, vbscript:, file: and data: (but images) links are
	 * emptied. */
	body = cmark_render_html(doc, CMARK_OPT_DEFAULT);
	closing = tail ? cmark_render_html(tail, CMARK_OPT_DEFAULT) : NULL;
	if (!body || (tail && !closing)) {
		ok = letter_fail(err, errlen, "cannot render the Markdown");
		goto out;
	}
	if (opts->fragment) {
		html_article(out, &f, body, closing);
		goto out;
	}
	sb_puts(out, "<!DOCTYPE html>\n<html lang=\"pl\">\n<head>\n<meta charset=\"utf-8\">\n"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		     "<title>");
	esc(out, &f.title);
	sb_puts(out, "</title>\n");
	if (opts->css_href) {
		sb_puts(out, "<link rel=\"stylesheet\" href=\"");
		sb_html_escape(out, opts->css_href, strlen(opts->css_href));
		sb_puts(out, "\">\n");
	} else {
		sb_puts(out, "<style>\n");
		sb_puts(out, letter_css);
		sb_puts(out, "</style>\n");
	}
	sb_puts(out, "</head>\n<body class=\"letter-page\">\n");
	html_article(out, &f, body, closing);
	sb_puts(out, "</body>\n</html>\n");
out:
	free(body);
	free(closing);
	if (tail)
		cmark_node_free(tail);
	if (doc)
		cmark_node_free(doc);
	arena_free(f.arena);
	return ok;
}

bool letter_html(const char *markdown, json_t *vars, strbuf_t *out, char *err, size_t errlen)
{
	return letter_html_ex(markdown, vars, NULL, out, err, errlen);
}

/* ---- PDF --------------------------------------------------------------- */

void letter_shutdown(void)
{
	pdf_shutdown();
}

bool letter_pdf(const char *markdown, json_t *vars, strbuf_t *out, char *err, size_t errlen)
{
	struct frame f = {.arena = arena_new(4096)};
	cmark_node *doc = parse_markdown(markdown);
	bool ok = doc && frame_build(&f, vars, doc, err, errlen);
	if (ok) {
		strbuf_t author;
		sb_init(&author, f.arena);
		sb_puts(&author, f.org_name.data);
		pdf_letter_t pl = {
		    .title = f.title.data,
		    .author = author.data,
		    .date = f.date,
		    .org_name = f.org_name.data,
		    .org_lines = f.org_lines.data,
		    .place_date = f.place_date.data,
		    .case_number = f.case_number.data,
		    .to_name = f.to_name.data,
		    .to_address = f.to_address.data,
		    .sign_authorisation = f.sign_auth.data,
		    .sign_name = f.sign_name.data,
		    .sign_position = f.sign_position.data,
		    .closing = split_closing(doc),
		};
		ok = pdf_render_letter(&pl, doc, out, err, errlen);
		if (pl.closing)
			cmark_node_free(pl.closing);
	} else if (!doc) {
		letter_fail(err, errlen, "cannot parse the Markdown");
	}
	if (doc)
		cmark_node_free(doc);
	arena_free(f.arena);
	return ok;
}
